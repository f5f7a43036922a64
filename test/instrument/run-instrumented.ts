/** Runs transformed code in this process with a recording hooks object: events and results. */
import { instrument, type InstrumentMode } from '../../src/instrument/transform.js'
import type { Site } from '../../src/instrument/sites.js'
import { callbackArgsAsTasks, callbackAsTasks } from '../../src/runtime/tasks.js'

/** One recorded hook call. */
export interface Event {
  readonly hook: string
  readonly key?: unknown
  readonly site: Site
}

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<unknown>

/** Instrument `body` (a module body that hands its result to `out(value)`) and run it. */
export async function runInstrumented(body: string, mode: InstrumentMode = 'full'): Promise<{ result: unknown; events: Event[]; code: string; sites: Site[] }> {
  const out = instrument(body, { mode, file: 'src/case.js' })
  const code = out?.code ?? body
  const events: Event[] = []
  let sites: Site[] = []
  const record = (hook: string) => (_o: unknown, key: unknown, site: number) => {
    events.push({ hook, key, site: sites[site]! })
  }
  const hooks = {
    on: true,
    sched: true,
    modules: [],
    m(_file: string, s: Site[]) {
      sites = s
      return 0
    },
    r: record('r'),
    w: record('w'),
    u: record('u'),
    d: record('d'),
    c: (_o: unknown, method: string, key: unknown, site: number) => events.push({ hook: `c.${method}`, key, site: sites[site]! }),
    rs: (_o: unknown, keys: string[], _rest: boolean, site: number) => events.push({ hook: 'rs', key: keys.join(','), site: sites[site]! }),
    it: (_o: unknown, site: number) => events.push({ hook: 'it', site: sites[site]! }),
    aw: (v: unknown, site: number) => {
      events.push({ hook: 'aw', site: sites[site]! })
      return v
    },
    fa: (v: unknown, site: number) => {
      events.push({ hook: 'fa', site: sites[site]! })
      return v
    },
    // Calls are not recorded (every call would be an event): only made, as the runtime makes them,
    // with an async function passed by name to a built-in (`ids.map(load)`) in the runtime's wrapper.
    f: (self: unknown, fn: unknown, site: number, ...args: unknown[]) => {
      if (typeof fn !== 'function') throw new TypeError(`${sites[site]?.text ?? 'the callee'} is not a function`)
      const given = [...args]
      callbackArgsAsTasks(fn, args, undefined)
      if (args.some((a, i) => a !== given[i])) events.push({ hook: 'named', site: sites[site]! })
      return Reflect.apply(fn, self, args)
    },
    // An inline async callback gets the runtime's own wrapper: the program must not tell.
    t: (fn: unknown, site: number) => {
      events.push({ hook: 't', site: sites[site]! })
      return callbackAsTasks(fn as never, { how: 'a callback' })
    },
  }
  const g = globalThis as { __vitestRace?: unknown }
  const before = g.__vitestRace
  g.__vitestRace = hooks
  try {
    let result: unknown
    await new AsyncFunction('out', '"use strict";\n' + code)((v: unknown) => (result = v))
    return { result, events, code, sites }
  } finally {
    g.__vitestRace = before
  }
}

/** Run `body` untransformed, for comparison. */
export async function runPlain(body: string): Promise<unknown> {
  let result: unknown
  await new AsyncFunction('out', '"use strict";\n' + body)((v: unknown) => (result = v))
  return result
}

/**
 * Race mode's stacks hold the test's frames only, as many as without the detector
 * (src/runtime/own-frames.ts). The filter is installed in this file's worker with a temporary
 * folder standing for vitest-race's own files: `through` there calls back into the test, as the
 * call hook does.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { hideOwnFrames, keepOwnFrames, keptSites, raisedLimit } from '../../src/runtime/own-frames.js'

const OWN = join(mkdtempSync(join(tmpdir(), 'vitest-race-own-')), 'dist') + '/'
let through: <T>(fn: () => T) => T
let asTask: <T>(fn: () => T) => T
const userLimit = Error.stackTraceLimit

beforeAll(async () => {
  mkdirSync(OWN, { recursive: true })
  writeFileSync(
    join(OWN, 'hook.mjs'),
    "import { AsyncLocalStorage } from 'node:async_hooks'\nconst als = new AsyncLocalStorage()\nexport function through(fn) { return fn() }\nexport function asTask(fn) { return als.run(1, fn) }\n",
  )
  ;({ through, asTask } = (await import(pathToFileURL(join(OWN, 'hook.mjs')).href)) as { through: typeof through; asTask: typeof through })
  hideOwnFrames([OWN])
})

/** `depth` user frames, each calling the next through the stand-in hook; the innermost runs `leaf`. */
function userChain<T>(depth: number, leaf: () => T): T {
  return depth === 0 ? leaf() : through(() => userChain(depth - 1, leaf))
}

const framesOf = (stack: string | undefined) => (stack ?? '').split('\n').filter((l) => l.startsWith('    at '))

describe('keptSites (pure)', () => {
  const site = (file: string | null) => ({ getFileName: () => file })
  const prefixes = ['/p/node_modules/vitest-race/dist/']

  it('drops frames in our folder, as a path or a file URL, and keeps the rest in order', () => {
    const sites = [site('/app/a.ts'), site('/p/node_modules/vitest-race/dist/runtime/access-hooks.js'), site('file:///p/node_modules/vitest-race/dist/runtime/tasks.js'), site(null), site('node:internal/x'), site('/app/b.ts')]
    expect(keptSites(sites, prefixes, undefined).map((s) => s.getFileName())).toEqual(['/app/a.ts', null, 'node:internal/x', '/app/b.ts'])
  })

  it('cuts to the limit after dropping, and never before', () => {
    const sites = Array.from({ length: 30 }, (_, i) => site(i % 2 === 0 ? `/app/f${i}.ts` : '/p/node_modules/vitest-race/dist/h.js'))
    expect(keptSites(sites, prefixes, 10).map((s) => s.getFileName())).toEqual(Array.from({ length: 10 }, (_, i) => `/app/f${2 * i}.ts`))
    expect(keptSites(sites, prefixes, undefined)).toHaveLength(15)
  })

  it('drops a Node frame that one of ours called (AsyncLocalStorage.run under a task start), not one the user’s called', () => {
    const sites = [site('/app/task.ts'), site('node:async_hooks'), site('/p/node_modules/vitest-race/dist/runtime/context.js'), site('/app/caller.ts'), site('node:internal/timers'), site('/app/timer.ts')]
    expect(keptSites(sites, prefixes, undefined).map((s) => s.getFileName())).toEqual(['/app/task.ts', '/app/caller.ts', 'node:internal/timers', '/app/timer.ts'])
  })

  it('a file name that throws, or a folder that only shares a prefix, is the user’s', () => {
    const throwing = { getFileName: () => { throw new Error('no') } }
    expect(keptSites([throwing, site('/p/node_modules/vitest-race/distant.js')], prefixes, undefined)).toHaveLength(2)
  })

  it('asks V8 for enough frames for a hook frame under each call, and at most 200', () => {
    expect(raisedLimit(10)).toBe(30)
    expect(raisedLimit(100)).toBe(200)
  })
})

describe('installed', () => {
  it('an error thrown through the hook shows only the user’s frames, all of them up to the user’s limit', () => {
    expect(userLimit).toBe(10) // V8's default in a Vitest worker
    const error = userChain(20, () => new Error('deep'))
    const frames = framesOf(error.stack)
    expect(frames).toHaveLength(10)
    expect(frames.join('\n')).not.toContain(OWN)
    expect(frames.every((f) => f.includes('own-frames.test.ts'))).toBe(true)
    expect(error.stack!.startsWith('Error: deep\n')).toBe(true)
  })

  it('a shallow stack keeps every user frame, and the frames outside the test (Vitest’s own)', () => {
    const frames = framesOf(userChain(3, () => new Error('x')).stack)
    expect(frames.join('\n')).not.toContain(OWN)
    expect(frames.filter((f) => f.includes('userChain')).length).toBe(4)
    expect(frames.some((f) => f.includes('node_modules'))).toBe(true)
  })

  it('a callsites-style prepareStackTrace gets call sites without ours, and putting the old one back restores it', () => {
    const saved = Error.prepareStackTrace
    expect(Error.prepareStackTrace).toBe(saved) // one wrapper per inner function
    Error.prepareStackTrace = (_error, sites) => sites
    const sites = userChain(2, () => new Error('x').stack) as unknown as NodeJS.CallSite[]
    Error.prepareStackTrace = saved
    expect(sites.map((s) => s.getFileName()).filter((f) => f?.includes(OWN))).toEqual([])
    expect(sites[0]!.getFileName()).toContain('own-frames.test.ts')
    expect(sites.filter((s) => s.getFunctionName() === 'userChain')).toHaveLength(3)
    expect(Error.prepareStackTrace).toBe(saved)
    expect(typeof userChain(1, () => new Error('y')).stack).toBe('string')
  })

  it('with no prepareStackTrace set, stacks are in V8’s own format, still without our frames', () => {
    const saved = Error.prepareStackTrace
    ;(Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined
    try {
      const error = userChain(2, () => new TypeError('plain'))
      expect(error.stack!.split('\n')[0]).toBe('TypeError: plain')
      expect(error.stack).not.toContain(OWN)
      expect(framesOf(error.stack).length).toBeGreaterThanOrEqual(3)
    } finally {
      Error.prepareStackTrace = saved
    }
  })

  it('a stack the test captured under its own limit is not cut to the default one', () => {
    const raised = Error.stackTraceLimit
    Error.stackTraceLimit = 100
    try {
      const error = userChain(30, () => new Error('many'))
      expect(framesOf(error.stack).filter((f) => f.includes('userChain')).length).toBe(31)
      expect(error.stack).not.toContain(OWN)
    } finally {
      Error.stackTraceLimit = raised
    }
  })

  it('task starts leave no Node frame of theirs: every user frame survives a chain of them', () => {
    const chain = (depth: number): Error => (depth === 0 ? new Error('tasks') : asTask(() => chain(depth - 1)))
    const frames = framesOf(chain(12).stack)
    expect(frames).toHaveLength(10)
    expect(frames.join('\n')).not.toContain('node:async_hooks')
    expect(frames.every((f) => f.includes('own-frames.test.ts'))).toBe(true)
  })

  it('our own captures keep every frame (reports read the hook’s)', () => {
    const holder: { stack?: string } = {}
    keepOwnFrames(holder)
    userChain(2, () => Error.captureStackTrace(holder))
    expect(holder.stack).toContain(OWN)
  })
})

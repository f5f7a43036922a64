/**
 * Suppressions, as TSan's suppressions file (DESIGN §4b): a race whose accesses pass through
 * a suppressed place is counted in the summary, never reported and never silently dropped.
 * Two sources: `// vitest-race-ignore-next-line: <reason>` above a line (site-table.ts keeps
 * those lines per module), and the `suppressions` option: an npm package name (a frame in
 * its `node_modules` folder), `fn:<name>` (a frame's function), or a glob of files relative
 * to the project root.
 */
import picomatch from 'picomatch'
import type { RaceSettings } from '../options.js'
import { parseStack, slashPath, type Frame } from '../report/frames.js'
import type { IterationOutcome, OutcomeRace } from '../report/iteration-outcome.js'
import { ignoredLineReason } from './site-table.js'

type Matcher = (frame: Frame, relative: string) => boolean

const PACKAGE = /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i

function matcher(entry: string): Matcher {
  if (entry.startsWith('fn:')) {
    const name = entry.slice(3)
    return (f) => f.fn !== undefined && (f.fn === name || f.fn.endsWith(`.${name}`))
  }
  if (PACKAGE.test(entry) && !entry.includes('*') && !entry.includes('.ts') && !entry.includes('.js')) {
    const dir = `/node_modules/${entry}/`
    return (f) => slashPath(f.file).includes(dir)
  }
  const glob = picomatch(entry, { dot: true })
  return (_f, relative) => glob(relative)
}

const cache = new Map<string, Matcher[]>()

function matchers(list: readonly string[]): Matcher[] {
  const key = list.join('\0')
  let m = cache.get(key)
  if (m === undefined) cache.set(key, (m = list.map(matcher)))
  return m
}

/** The stacks a race passes through: both accesses, the span's read, and where their tasks started. */
function stacksOf(race: OutcomeRace, outcome: IterationOutcome): (string | undefined)[] {
  const origin = (worker: number): string | undefined => outcome.workers.find((w) => w.worker === worker && w.task !== undefined)?.origin
  return [race.current.stack, race.previous.stack, race.span?.readStack, origin(race.current.worker), origin(race.previous.worker)]
}

/** Whether a frame is in a suppressed place. */
function suppressedFrame(frame: Frame, root: string, list: readonly Matcher[]): boolean {
  const file = slashPath(frame.file)
  const prefix = `${slashPath(root)}/`
  const relative = file.startsWith(prefix) ? file.slice(prefix.length) : file
  if (ignoredLineReason(relative, frame.line) !== undefined) return true
  return list.some((m) => m(frame, relative))
}

/** `outcome` with its suppressed races taken out of `races` and counted in `suppressed`. */
export function withSuppressions(outcome: IterationOutcome, settings: RaceSettings): IterationOutcome {
  const list = matchers(settings.suppressions)
  const kept: OutcomeRace[] = []
  let suppressed = 0
  for (const race of outcome.races) {
    const hit = stacksOf(race, outcome).some((s) => s !== undefined && parseStack(s).some((f) => suppressedFrame(f, settings.root, list)))
    if (hit) suppressed++
    else kept.push(race)
  }
  return { ...outcome, races: kept, suppressed: outcome.suppressed + suppressed }
}

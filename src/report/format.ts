/**
 * The Go-style two-access report, as text. A pure function of a RaceReport: no Vitest, no
 * Node, no colour decisions of its own (a `Paint` is passed in). No line starts with `at `,
 * or Vitest would take it for a stack frame (DESIGN §8).
 */
import { frameLocation, type Frame } from './frames.js'
import type { RaceReport, ReportAccess, ReportWorker } from './race-report.js'

/** How text parts are coloured; `plainPaint` leaves them alone. */
export interface Paint {
  readonly header: (s: string) => string
  readonly location: (s: string) => string
  readonly path: (s: string) => string
  readonly dim: (s: string) => string
}

export const plainPaint: Paint = { header: (s) => s, location: (s) => s, path: (s) => s, dim: (s) => s }

/** Settings of the formatter. */
export interface FormatOptions {
  /** Removed from the start of every path (GORACE strip_path_prefix; default the project root). */
  readonly stripPathPrefix: string
  readonly paint?: Paint
}

export const SEPARATOR = '=================='
export const FAILED_TO_RESTORE = '[failed to restore the stack]'

/**
 * `worker 3`, or `the test body` for worker 0; with `threads`, `thread 2` for worker 3 and
 * `the test` for 0; a task without fanOut is `task 3`.
 */
export function workerName(worker: number, threads = false, task = false): string {
  if (threads) return worker === 0 ? 'the test' : `thread ${worker - 1}`
  return worker === 0 ? 'the test body' : `${task ? 'task' : 'worker'} ${worker}`
}

/** Whether `worker` is one of the report's tasks. */
function isTask(r: RaceReport, worker: number): boolean {
  return r.workers.some((w) => w.worker === worker && w.task !== undefined)
}

function capitalized(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1)
}

function frameLines(frames: readonly Frame[] | null, o: FormatOptions, paint: Paint): string[] {
  if (frames === null || frames.length === 0) return [`  ${FAILED_TO_RESTORE}`]
  return frames.map((f) => `  ${f.fn === undefined ? '' : `${f.fn}  `}${paint.path(frameLocation(f, o.stripPathPrefix))}`)
}

/** An access's lines: the statement it ran, if any, then its frames. */
function accessLines(a: ReportAccess, o: FormatOptions, paint: Paint): string[] {
  const frames = frameLines(a.frames, o, paint)
  return a.statement === undefined ? frames : [`  SQL: ${a.statement}`, ...frames]
}

function accessHeader(prefix: string, a: ReportAccess, r: RaceReport, paint: Paint): string {
  const kind = `${a.atomic === true ? 'atomic ' : ''}${a.kind === 'write' ? 'write' : 'read'}`
  const verb = prefix === '' ? capitalized(kind) : `${prefix} ${kind}`
  return `${verb} at ${paint.location(r.location)} by ${workerName(a.worker, r.threads === true, isTask(r, a.worker))}:`
}

function spanLine(r: RaceReport, o: FormatOptions, paint: Paint): string {
  if (r.span === null) return ''
  const who = capitalized(workerName(r.span.worker, false, isTask(r, r.span.worker)))
  const at = (f: Frame | null) => (f === null ? 'a place whose stack could not be restored' : paint.path(frameLocation(f, o.stripPathPrefix)))
  const awaited =
    r.span.awaitedAt !== null
      ? ` and awaited at ${at(r.span.awaitedAt)}${r.span.awaited !== undefined ? ` (${r.span.awaited})` : ''}`
      : r.span.awaited !== undefined
        ? ` and awaited (${r.span.awaited})`
        : ' and awaited'
  const statement = r.span.readStatement === undefined ? '' : ` with ${r.span.readStatement}`
  return `${who} read it${statement} at ${at(r.span.readAt)}${awaited} before writing.`
}

function workerLine(w: ReportWorker, o: FormatOptions, paint: Paint): string {
  if (w.worker === 0) return ''
  const where = w.createdAt === null || w.createdAt.length === 0 ? FAILED_TO_RESTORE : paint.path(frameLocation(w.createdAt[0]!, o.stripPathPrefix))
  if (w.task !== undefined) return `${capitalized(workerName(w.worker, false, true))} (${w.state}) started at: ${where} (${w.task})`
  const index = w.fanOut === undefined ? '' : `fanOut index ${w.fanOut.index} of ${w.fanOut.size}, `
  return `${capitalized(workerName(w.worker))} (${index}${w.state}) created at: ${where}`
}

/** One report, from `WARNING: DATA RACE` to its `Replay:` line. */
export function formatRace(r: RaceReport, o: FormatOptions): string {
  const paint = o.paint ?? plainPaint
  const lines = [
    paint.header('WARNING: DATA RACE'),
    accessHeader('', r.current, r, paint),
    ...accessLines(r.current, o, paint),
    accessHeader('Previous', r.previous, r, paint),
    ...accessLines(r.previous, o, paint),
    ...[spanLine(r, o, paint)].filter((l) => l !== ''),
    ...r.workers.map((w) => workerLine(w, o, paint)).filter((l) => l !== ''),
    paint.dim(`Replay: ${r.replay}`),
  ]
  return lines.join('\n')
}

/**
 * Several reports as the message of one error: it begins with `WARNING: DATA RACE`, and each
 * report ends with Go's separator line.
 */
export function formatRaces(reports: readonly RaceReport[], o: FormatOptions): string {
  return reports.map((r) => `${formatRace(r, o)}\n${SEPARATOR}`).join('\n')
}

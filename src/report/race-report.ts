/** A race as the report shows it: plain data built from a detector record and stacks. */
import type { Frame } from './frames.js'

/** One of the two accesses. */
export interface ReportAccess {
  readonly kind: 'read' | 'write'
  /** An `Atomics.*` access (threads). */
  readonly atomic?: boolean
  /** 0 is the test body. */
  readonly worker: number
  /** The user's frames, innermost first; null when the stack could not be restored. */
  readonly frames: readonly Frame[] | null
  /** A database statement's access: the statement, normalised, with its parameters. */
  readonly statement?: string
}

/** Where a worker came from. */
export interface ReportWorker {
  readonly worker: number
  /** `finished`, `running`, `failed`, `cancelled`. */
  readonly state: string
  /** The fanOut or spawn call site, innermost first; null when unknown. */
  readonly createdAt: readonly Frame[] | null
  /** Its index within its fanOut, and the fanOut's size. */
  readonly fanOut: { readonly index: number; readonly size: number } | undefined
  /**
   * A task without fanOut (DESIGN §4b), and how it started: `Promise.all element 2`,
   * `debit(…) left in flight`, `setTimeout callback`. Its `createdAt` is where it started.
   */
  readonly task?: string
}

/** Everything one report says. */
export interface RaceReport {
  /** The printed name of the location, for example `svc.balances.get("merchant-1")`. */
  readonly location: string
  readonly current: ReportAccess
  readonly previous: ReportAccess
  /** The worker whose read-await-write span was broken, where it read, and where it awaited (atomicity races only). */
  readonly span: {
    readonly worker: number
    readonly readAt: Frame | null
    readonly awaitedAt: Frame | null
    /** What it awaited, for example `scheduled audit()`; undefined when no scheduling point was seen. */
    readonly awaited: string | undefined
    /** The statement that read, when the read was a database statement's (`SELECT stock …`). */
    readonly readStatement?: string
  } | null
  readonly workers: readonly ReportWorker[]
  /** The command that replays the failing iteration. */
  readonly replay: string
  /** The workers are threads of a concurrentTest.threads: worker k + 1 is `thread k`, worker 0 the test. */
  readonly threads?: boolean
}

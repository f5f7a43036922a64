/**
 * What a database guarantees, as the detector sees it (DESIGN §4c). A statement's accesses are
 * recorded in one turn, so one statement never races with itself. Row locks (`FOR UPDATE`,
 * `FOR SHARE`, and the lock every keyed write takes) held to `COMMIT`/`ROLLBACK` are
 * happens-before edges, like a Mutex. Inside a transaction some reads cannot go stale before
 * the transaction's own write: those of PGlite's `transaction()` (nothing else runs meanwhile),
 * of a `SERIALIZABLE` one, the row reads of a `REPEATABLE READ` one (a concurrent write makes
 * the write fail with a serialization error instead), and the reads of rows the session holds
 * locked. A write of such a location is recorded as depending on no earlier read.
 */
import type { Location } from '../detector/shadow.js'
import { Edge } from './edge.js'
import type { IsolationLevel, StatementAccesses, UnparsedStatement } from '../sql/statement-accesses.js'
import { rowsOf, statementEvents, type StatementEvent } from '../sql/statement-events.js'
import type { SchemaCatalog } from '../sql/schema-catalog.js'
import type { IterationRun } from './iteration.js'

/** A row's lock: what its holders did happens-before whoever takes it next. */
interface RowLock {
  /** Released at the end of a transaction that held it exclusively (`FOR UPDATE`, a write). */
  readonly exclusive: Edge
  /** Released at the end of a transaction that held it shared (`FOR SHARE`). */
  readonly shared: Edge
}

/** Per iteration and database: its named locations, its row locks, PGlite's transaction lock. */
class DatabaseState {
  private readonly locations = new Map<string, Location>()
  private readonly rows = new Map<string, RowLock>()
  /** PGlite's `transaction()`: one at a time; the end of one happens-before the next. */
  readonly transactions = new Edge()

  constructor(private readonly run: IterationRun) {}

  location(label: string): Location {
    let loc = this.locations.get(label)
    if (loc === undefined) this.locations.set(label, (loc = this.run.location(label)))
    return loc
  }

  rowLock(row: string): RowLock {
    let lock = this.rows.get(row)
    if (lock === undefined) this.rows.set(row, (lock = { exclusive: new Edge(), shared: new Edge() }))
    return lock
  }
}

const states = new WeakMap<IterationRun, Map<unknown, DatabaseState>>()

/** The state of database `db` (a PGlite instance, a server's address) in `run`. */
export function databaseState(run: IterationRun, db: unknown): DatabaseState {
  let perRun = states.get(run)
  if (perRun === undefined) states.set(run, (perRun = new Map()))
  let state = perRun.get(db)
  if (state === undefined) perRun.set(db, (state = new DatabaseState(run)))
  return state
}

/** One connection's transaction: a PGlite instance, a pg `Client`, one `transaction()` callback. */
export class Session {
  inTransaction: boolean
  isolation: IsolationLevel = 'read committed'
  /** `SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL …`: what the next `BEGIN` starts. */
  sessionIsolation: IsolationLevel | undefined
  /** Rows held locked until the transaction ends, with the mode they are held in. */
  private readonly locks = new Map<RowLock, 'update' | 'share'>()
  private readonly lockedRows = new Set<string>()
  /** Labels read in this transaction that no other write can make stale before its own write. */
  private readonly guarded = new Set<string>()

  /** @param exclusive PGlite's `transaction()`: it runs alone, from its start to its end. */
  constructor(readonly exclusive = false) {
    this.inTransaction = exclusive
  }

  begin(isolation: IsolationLevel): void {
    this.end()
    this.inTransaction = true
    this.isolation = isolation
  }

  /** `COMMIT` or `ROLLBACK`: the locks go, and what the transaction did happens-before their next holders. */
  end(): void {
    for (const [lock, mode] of this.locks) (mode === 'update' ? lock.exclusive : lock.shared).release()
    this.locks.clear()
    this.lockedRows.clear()
    this.guarded.clear()
    this.inTransaction = this.exclusive
  }

  /** The database granted a lock on `row`: its earlier holders' transactions happen-before what follows. */
  lock(state: DatabaseState, row: string, mode: 'update' | 'share'): void {
    const lock = state.rowLock(row)
    lock.exclusive.acquire()
    if (mode === 'update') lock.shared.acquire()
    if (!this.inTransaction) return
    if (this.locks.get(lock) !== 'update') this.locks.set(lock, mode)
    this.lockedRows.add(row)
  }

  /** Whether a read of `event` in this transaction cannot go stale before the transaction writes. */
  guards(event: StatementEvent, predicateLock: boolean): boolean {
    if (!this.inTransaction) return false
    if (this.exclusive || this.isolation === 'serializable') return true
    if (event.scope === 'row') return this.isolation === 'repeatable read' || this.lockedRows.has(event.row!)
    // The rows a locking predicate read stay as read; rows added meanwhile do not (phantoms).
    return predicateLock && event.scope === 'column'
  }

  /** Remember a read made now. */
  guard(label: string): void {
    this.guarded.add(label)
  }

  isGuarded(label: string): boolean {
    return this.guarded.has(label)
  }
}

/** What a statement is recorded with. */
export interface StatementRecord {
  readonly run: IterationRun
  readonly worker: number
  readonly session: Session
  readonly state: DatabaseState
  readonly catalog: SchemaCatalog
  /** Where it was called, the statement on the first line; undefined unless stacks are captured. */
  readonly stack: string | undefined
}

const SESSION_CHARACTERISTICS = /^\s*set\s+session\s+characteristics\b/i

/** One statement (not a string of several) that the grammar read. */
function recordOne(r: StatementRecord, a: StatementAccesses): void {
  const { session } = r
  if (a.transaction === 'begin') return session.begin(a.isolation ?? session.sessionIsolation ?? r.catalog.defaultIsolation)
  if (a.transaction !== undefined) return session.end()
  if (a.isolation !== undefined) {
    if (SESSION_CHARACTERISTICS.test(a.normalized)) session.sessionIsolation = a.isolation
    else if (session.inTransaction) session.isolation = a.isolation
    return
  }
  // The database granted the statement's locks before it read: a FOR UPDATE waits for them.
  if (a.lock !== undefined) for (const row of rowsOf(a.reads)) session.lock(r.state, row, a.lock)
  for (const row of rowsOf(a.writes)) session.lock(r.state, row, 'update')
  const events = statementEvents(a.reads, a.writes, (table) => r.catalog.columns[table])
  record(r, events, a.compareAndSwap.length > 0, a.lock !== undefined)
}

function record(r: StatementRecord, events: readonly StatementEvent[], compareAndSwap: boolean, predicateLock: boolean): void {
  const { run, worker, session, state, stack } = r
  for (const event of events) {
    const loc = state.location(event.label)
    if (!event.write) {
      run.statementAccess(worker, loc, false, stack, false, false)
      if (session.guards(event, predicateLock)) session.guard(event.label)
      continue
    }
    // A compare-and-swap (`… WHERE id = $2 AND version = $3`) writes only if nothing changed since its read.
    const blind = (compareAndSwap && event.scope === 'row') || session.isGuarded(event.label)
    run.statementAccess(worker, loc, true, stack, blind, event.scope !== 'row')
  }
}

/**
 * Record what a statement that ran did. SQL the grammar rejected reads and writes every table
 * it names (the whole database when it names none), conservatively.
 */
export function recordStatement(r: StatementRecord, accesses: StatementAccesses | UnparsedStatement): void {
  if (!accesses.parsed) {
    const tables = accesses.tables.length > 0 ? accesses.tables : Object.keys(r.catalog.columns)
    const everything = tables.map((table) => ({ table, predicate: true }) as const)
    const events = statementEvents(everything, everything, (table) => r.catalog.columns[table])
    // Writes first: its own read must not stand in for what an earlier read started.
    record(r, [...events.filter((e) => e.write), ...events.filter((e) => !e.write)], false, false)
    return
  }
  if (accesses.parts === undefined) return recordOne(r, accesses)
  for (const part of accesses.parts) recordOne(r, part)
}

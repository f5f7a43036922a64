/**
 * One database statement sent by a worker (DESIGN §4c), whatever the client: a scheduling
 * point, then the statement itself run outside any worker (the client's own promises and
 * sockets are not synchronisation between workers), then, in race mode, its accesses. The
 * schema's keys come from the database itself, read once per database and again after DDL.
 */
import type { WorkerContext } from './context.js'
import { outsideWorkers } from './context.js'
import { captureStack } from './stacks.js'
import { loadSqlParser, statementAccesses, type StatementAccesses, type UnparsedStatement } from '../sql/statement-accesses.js'
import { EMPTY_CATALOG, SCHEMA_QUERY, schemaFromRows, type SchemaCatalog, type SchemaRow } from '../sql/schema-catalog.js'
import { withStatement } from '../sql/statement-stack.js'
import { databaseState, recordStatement, type Session } from './sql-session.js'

/** The database a statement goes to, as a client adapter describes it. */
export interface Database {
  /** What identifies it: statements to one key share rows, locks and the schema (a PGlite instance, `host:port/db`). */
  readonly key: object | string
  /** Runs `SCHEMA_QUERY` with the client's own, unwatched query function. */
  readonly readCatalog: (sql: string) => Promise<readonly SchemaRow[]>
}

const objectCatalogs = new WeakMap<object, SchemaCatalog>()
const namedCatalogs = new Map<string, SchemaCatalog>()
const warned = new Set<string>()
const DDL = /\b(?:create|alter|drop)\b/i

function cachedCatalog(key: object | string): SchemaCatalog | undefined {
  return typeof key === 'string' ? namedCatalogs.get(key) : objectCatalogs.get(key)
}

/** Forget the schema of `key` (after DDL): the next statement reads it again. */
function forgetCatalog(key: object | string): void {
  if (typeof key === 'string') namedCatalogs.delete(key)
  else objectCatalogs.delete(key)
}

/**
 * The schema of `db`. Only a finished read is shared: a statement inside PGlite's
 * `transaction()` must never wait for a read queued behind that very transaction.
 */
async function catalogOf(db: Database): Promise<SchemaCatalog> {
  const hit = cachedCatalog(db.key)
  if (hit !== undefined) return hit
  let catalog: SchemaCatalog
  try {
    catalog = schemaFromRows(await outsideWorkers(() => db.readCatalog(SCHEMA_QUERY)))
  } catch {
    // An aborted transaction refuses every statement until ROLLBACK: no keys for this one.
    return EMPTY_CATALOG
  }
  if (typeof db.key === 'string') namedCatalogs.set(db.key, catalog)
  else objectCatalogs.set(db.key, catalog)
  return catalog
}

/** A statement of database `key` sent outside any iteration: unchanged, only DDL is noticed. */
export function untrackedStatement(key: object | string | undefined, sql: unknown): void {
  if (key !== undefined && typeof sql === 'string' && cachedCatalog(key) !== undefined && DDL.test(sql)) forgetCatalog(key)
}

function changesSchema(accesses: StatementAccesses | UnparsedStatement): boolean {
  if (!accesses.parsed) return true
  return accesses.kind === 'other' || (accesses.parts?.some((part) => part.kind === 'other') ?? false)
}

function warnUnparsed(accesses: UnparsedStatement): void {
  if (warned.has(accesses.normalized)) return
  warned.add(accesses.normalized)
  const tables = accesses.tables.length > 0 ? `tables ${accesses.tables.join(', ')}` : 'every table of the database'
  console.warn(`vitest-race: PostgreSQL's grammar could not read this statement (${accesses.reason}); it ran unchanged and counts as reading and writing ${tables}: ${accesses.normalized}`)
}

/** `SQL SELECT stock FROM items WHERE…`: what a worker waits at, for schedules. */
function pointLabel(sql: string): string {
  const text = sql.replace(/\s+/g, ' ').trim()
  return `SQL ${text.length > 48 ? `${text.slice(0, 47)}…` : text}`
}

/** Where a statement was called: captured at the call (its synchronous part), only for a replay that builds a report. */
export function callStack(ctx: WorkerContext, below: (...args: never[]) => unknown): string | undefined {
  return ctx.run.capture === undefined ? undefined : captureStack(below)
}

/**
 * Run `execute` (the client's original call for `sql` with `params`) as a statement of the
 * running worker `ctx`: wait at a scheduling point, run it, and in race mode record its
 * accesses in `session` on `db`. A statement that fails records nothing (a failed one wrote
 * nothing), except that `COMMIT` and `ROLLBACK` end the transaction all the same.
 */
export async function runStatement<T>(
  ctx: WorkerContext,
  db: Database,
  session: Session,
  sql: string,
  params: readonly unknown[],
  stack: string | undefined,
  execute: () => Promise<T>,
): Promise<T> {
  const { run, worker } = ctx
  await run.scheduler.point(worker, pointLabel(sql))
  if (!run.recording) return outsideWorkers(execute)
  const catalog = await catalogOf(db)
  await loadSqlParser()
  let result: T
  try {
    result = await outsideWorkers(execute)
  } catch (error) {
    const accesses = statementAccesses(sql, params, catalog.keys)
    if (accesses.parsed && (accesses.transaction === 'commit' || accesses.transaction === 'rollback')) session.end()
    throw error
  }
  const accesses = statementAccesses(sql, params, catalog.keys)
  if (!accesses.parsed) warnUnparsed(accesses)
  if (changesSchema(accesses)) forgetCatalog(db.key)
  const state = databaseState(run, db.key)
  recordStatement({ run, worker, session, state, catalog, stack: stack === undefined ? undefined : withStatement(accesses.normalized, stack) }, accesses)
  return result
}

/**
 * PGlite (`@electric-sql/pglite`) recognised unchanged: `query`, `exec`, the `sql` template
 * (it calls `query`) and `transaction()` with its `tx.query`, `tx.sql`, `tx.exec`. One PGlite
 * instance is one database and one session. Its `transaction()` runs alone: PGlite holds every
 * other query and transaction until it ends, so the end of one happens-before the start of the
 * next, and nothing lands between a read and a write inside it.
 */
import { currentContext, outsideWorkers, runAs, type WorkerContext } from './context.js'
import { safeApply } from './builtins.js'
import { callStack, runStatement, untrackedStatement, type Database } from './sql-statements.js'
import { databaseState, Session } from './sql-session.js'
import type { SchemaRow } from '../sql/schema-catalog.js'

const PATCHED = Symbol.for('vitest-race.pglite')

type Query = (sql: string, params?: unknown[], options?: unknown) => Promise<{ rows: unknown[] }>
type Exec = (sql: string, options?: unknown) => Promise<unknown>
type Template = (strings: TemplateStringsArray, ...values: unknown[]) => { query: string; params: unknown[] }

/** PGlite's transaction object, as its `transaction()` hands it to the callback. */
interface Transaction {
  query: Query
  sql: (strings: TemplateStringsArray, ...values: unknown[]) => Promise<unknown>
  exec: Exec
  readonly closed: boolean
  [more: string]: unknown
}

/** `BasePGlite.prototype`: where `query`, `exec` and `transaction` are defined. */
export interface PGliteBase {
  query: Query
  exec: Exec
  transaction: (callback: (tx: Transaction) => Promise<unknown>) => Promise<unknown>
  [PATCHED]?: true
}

const sessions = new WeakMap<object, Session>()

function sessionOf(db: object): Session {
  let session = sessions.get(db)
  if (session === undefined) sessions.set(db, (session = new Session()))
  return session
}

function database(db: object, query: Query, self: unknown): Database {
  return { key: db, readCatalog: async (sql) => (await safeApply(query, self, [sql])).rows as SchemaRow[] }
}

/** The transaction object with its statements watched, in `session`, for the worker `ctx`. */
function watchedTransaction(tx: Transaction, db: object, session: Session, ctx: WorkerContext, template: Template | undefined): Transaction {
  const query = tx.query
  const exec = tx.exec
  const inside = database(db, query, tx)
  const watchedQuery: Query = function txQuery(sql, params, options) {
    if (typeof sql !== 'string') return safeApply(query, tx, [sql, params, options])
    return runStatement(ctx, inside, session, sql, params ?? [], callStack(ctx, watchedQuery), () => safeApply(query, tx, [sql, params, options]))
  }
  const watchedExec: Exec = function txExec(sql, options) {
    if (typeof sql !== 'string') return safeApply(exec, tx, [sql, options])
    return runStatement(ctx, inside, session, sql, [], callStack(ctx, watchedExec), () => safeApply(exec, tx, [sql, options]))
  }
  const watchedSql = function txSql(strings: TemplateStringsArray, ...values: unknown[]): Promise<unknown> {
    if (template === undefined) return safeApply(tx.sql, tx, [strings, ...values]) as Promise<unknown>
    const built = template(strings, ...values)
    return runStatement(ctx, inside, session, built.query, built.params, callStack(ctx, watchedSql), () => safeApply(query, tx, [built.query, built.params]))
  }
  return new Proxy(tx, {
    get(target, key, receiver) {
      if (key === 'query') return watchedQuery
      if (key === 'exec') return watchedExec
      if (key === 'sql') return watchedSql
      return Reflect.get(target, key, receiver)
    },
  })
}

/**
 * Watch the statements of every PGlite instance made from this class (its `BasePGlite`
 * prototype). `template` is PGlite's own `query` template builder, for `tx.sql`.
 */
export function instrumentPGlite(proto: PGliteBase, template: Template | undefined): void {
  if (proto[PATCHED] === true) return
  const { query, exec, transaction } = proto
  proto.query = function watchedQuery(this: object, sql, params, options) {
    const ctx = currentContext()
    if (ctx === undefined || typeof sql !== 'string') {
      untrackedStatement(this, sql)
      return safeApply(query, this, [sql, params, options])
    }
    return runStatement(ctx, database(this, query, this), sessionOf(this), sql, params ?? [], callStack(ctx, watchedQuery), () => safeApply(query, this, [sql, params, options]))
  }
  proto.exec = function watchedExec(this: object, sql, options) {
    const ctx = currentContext()
    if (ctx === undefined || typeof sql !== 'string') {
      untrackedStatement(this, sql)
      return safeApply(exec, this, [sql, options])
    }
    return runStatement(ctx, database(this, query, this), sessionOf(this), sql, [], callStack(ctx, watchedExec), () => safeApply(exec, this, [sql, options]))
  }
  proto.transaction = function watchedTransactionCall(this: object, callback) {
    const ctx = currentContext()
    if (ctx === undefined || typeof callback !== 'function') return safeApply(transaction, this, [callback])
    return transactionOf(this, ctx, callback)
  }
  async function transactionOf(db: object, ctx: WorkerContext, callback: (tx: Transaction) => Promise<unknown>): Promise<unknown> {
    await ctx.run.scheduler.point(ctx.worker, 'PGlite transaction()')
    // PGlite calls the callback from its own queue: it runs as the worker that asked for it.
    const run = (tx: Transaction) =>
      runAs(ctx, async () => {
        const session = new Session(true)
        const exclusive = ctx.run.recording ? databaseState(ctx.run, db).transactions : undefined
        exclusive?.acquire()
        try {
          return await callback(watchedTransaction(tx, db, session, ctx, template))
        } finally {
          session.end()
          exclusive?.release()
        }
      })
    return outsideWorkers(() => safeApply(transaction, db, [run]))
  }
  Object.defineProperty(proto, PATCHED, { value: true })
}

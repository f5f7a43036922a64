/**
 * node-postgres (`pg`) recognised unchanged: `Client#query` (a `PoolClient` is a `Client`),
 * `Pool#query` (one statement on whichever client the pool lends: its own session, in
 * autocommit), and `connect` on both, which runs outside any worker so that the sockets it
 * opens never carry one worker's clock to another. A `Client` is one session: `BEGIN`,
 * isolation levels, `SELECT … FOR UPDATE` and `COMMIT` sent through it shape what the detector
 * records. Servers are told apart by host, port and database.
 */
import { currentContext, outsideWorkers, runAs, type WorkerContext } from './context.js'
import { safeApply, safeThen } from './builtins.js'
import { callStack, runStatement, untrackedStatement, type Database } from './sql-statements.js'
import { Session } from './sql-session.js'
import type { SchemaRow } from '../sql/schema-catalog.js'

const PATCHED = Symbol.for('vitest-race.pg')

type Callback = (error: unknown, ...results: unknown[]) => void
type Method = (this: unknown, ...args: unknown[]) => unknown

/** A class whose prototype (or an ancestor's) defines `query` and `connect`. */
export interface PgClass {
  prototype: object
}

/** What `pg`'s `ConnectionParameters` makes of a client's or a pool's options. */
interface ConnectionParameters {
  readonly host?: string
  readonly port?: number
  readonly database?: string
}

/** The prototype in `proto`'s chain that defines `name` itself. */
function owner(proto: object, name: string): (Record<string, unknown> & { [PATCHED]?: true }) | undefined {
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.hasOwn(p, name)) return p as Record<string, unknown>
  }
  return undefined
}

function keyOf(parameters: ConnectionParameters | undefined): string {
  return `postgres://${parameters?.host ?? ''}:${parameters?.port ?? ''}/${parameters?.database ?? ''}`
}

/** The SQL text, parameters and callback of a `query(config, values, callback)` call; undefined text for what is not a statement (a Cursor, a stream). */
function callOf(args: readonly unknown[]): { text: string | undefined; params: readonly unknown[]; callback: Callback | undefined; call: unknown[] } {
  const [config, values, callback] = args
  const object = config !== null && typeof config === 'object' ? (config as { text?: unknown; values?: unknown; submit?: unknown; callback?: unknown }) : undefined
  const text = typeof config === 'string' ? config : object !== undefined && typeof object.submit !== 'function' && typeof object.text === 'string' ? object.text : undefined
  const cb = typeof values === 'function' ? values : typeof callback === 'function' ? callback : undefined
  const params = Array.isArray(values) ? values : Array.isArray(object?.values) ? (object!.values as unknown[]) : []
  return { text, params, callback: cb as Callback | undefined, call: [config, Array.isArray(values) ? values : undefined] }
}

/** Deliver a statement's outcome to a node-style callback, in the worker that sent it. */
function settle(result: Promise<unknown>, callback: Callback | undefined): Promise<unknown> | undefined {
  if (callback === undefined) return result
  safeThen(
    result,
    (value) => callback(null, value),
    (error) => callback(error),
  )
  return undefined
}

/** Run `connect` outside any worker; a callback still runs in the worker that called it. */
function connectOutside(original: Method, self: unknown, args: unknown[], ctx: WorkerContext): unknown {
  const callback = args.findIndex((a) => typeof a === 'function')
  if (callback >= 0) {
    const cb = args[callback] as Callback
    args[callback] = (...results: unknown[]) => runAs(ctx, () => cb(...(results as [unknown])))
  }
  return outsideWorkers(() => safeApply(original, self, args))
}

/**
 * Watch `Client` and `Pool` of one copy of `pg`. `Parameters` is its `ConnectionParameters`
 * class, which reads a pool's options as a client would.
 */
export function instrumentPg(Client: PgClass, Pool: PgClass | undefined, Parameters: new (options: unknown) => ConnectionParameters): void {
  const clientQueryOwner = owner(Client.prototype, 'query')
  if (clientQueryOwner === undefined || clientQueryOwner[PATCHED] === true) return
  const clientQuery = clientQueryOwner['query'] as Method
  const sessions = new WeakMap<object, Session>()
  const clientKey = (client: object) => keyOf((client as { connectionParameters?: ConnectionParameters }).connectionParameters)
  const clientDb = (client: object): Database => ({
    key: clientKey(client),
    readCatalog: async (sql) => ((await safeApply(clientQuery, client, [sql])) as { rows: SchemaRow[] }).rows,
  })
  clientQueryOwner['query'] = function watchedQuery(this: object, ...args: unknown[]): unknown {
    const ctx = currentContext()
    const call = callOf(args)
    if (ctx === undefined || call.text === undefined) {
      untrackedStatement(clientKey(this), call.text)
      return safeApply(clientQuery, this, args)
    }
    let session = sessions.get(this)
    if (session === undefined) sessions.set(this, (session = new Session()))
    const result = runStatement(ctx, clientDb(this), session, call.text, call.params, callStack(ctx, watchedQuery), () => safeApply(clientQuery, this, call.call) as Promise<unknown>)
    return settle(result, call.callback)
  }
  Object.defineProperty(clientQueryOwner, PATCHED, { value: true })
  patchConnect(Client.prototype)
  if (Pool === undefined) return
  const poolQueryOwner = owner(Pool.prototype, 'query')
  if (poolQueryOwner === undefined || poolQueryOwner[PATCHED] === true) return
  const poolQuery = poolQueryOwner['query'] as Method
  const poolKeys = new WeakMap<object, string>()
  const poolKey = (pool: object): string => {
    let key = poolKeys.get(pool)
    if (key === undefined) poolKeys.set(pool, (key = keyOf(new Parameters((pool as { options?: unknown }).options ?? {}))))
    return key
  }
  poolQueryOwner['query'] = function watchedPoolQuery(this: object, ...args: unknown[]): unknown {
    const ctx = currentContext()
    const call = callOf(args)
    if (ctx === undefined || call.text === undefined) return safeApply(poolQuery, this, args)
    const db: Database = { key: poolKey(this), readCatalog: async (sql) => ((await safeApply(poolQuery, this, [sql])) as { rows: SchemaRow[] }).rows }
    // Each statement borrows a client and gives it back: a session of its own, in autocommit.
    const result = runStatement(ctx, db, new Session(), call.text, call.params, callStack(ctx, watchedPoolQuery), () => safeApply(poolQuery, this, call.call) as Promise<unknown>)
    return settle(result, call.callback)
  }
  Object.defineProperty(poolQueryOwner, PATCHED, { value: true })
  patchConnect(Pool.prototype)
}

function patchConnect(proto: object): void {
  const connectOwner = owner(proto, 'connect')
  if (connectOwner === undefined || Object.hasOwn(connectOwner, PATCHED_CONNECT)) return
  const connect = connectOwner['connect'] as Method
  connectOwner['connect'] = function watchedConnect(this: unknown, ...args: unknown[]): unknown {
    const ctx = currentContext()
    if (ctx === undefined) return safeApply(connect, this, args)
    return connectOutside(connect, this, args, ctx)
  }
  Object.defineProperty(connectOwner, PATCHED_CONNECT, { value: true })
}

const PATCHED_CONNECT = Symbol.for('vitest-race.pg.connect')

/**
 * One SQL statement with its bound parameters → the row and predicate locations it reads and
 * writes, and what the database guarantees about it (DESIGN §4c). Pure: the only thing it calls
 * is PostgreSQL's grammar (`loadSqlParser()` must have finished). The DML itself is read in
 * `dml-accesses.ts`; this module dispatches, and handles transactions and bad input.
 */
import type { SqlLocation } from './location.js'
import { normalizeStatement, parseSql, tablesNamedIn, type PgNode } from './sql-parser.js'
import { list, tablesIn, unwrap } from './pg-tree.js'
import { deleteAccesses, insertAccesses, selectAccesses, updateAccesses, type DmlAccesses } from './dml-accesses.js'

export { loadSqlParser, clearSqlParseCache } from './sql-parser.js'

/**
 * The keys of one table, as the caller reads them from the database (`pg_index`).
 *
 * @example `{ primaryKey: ['id'], unique: [['email']] }`
 */
export interface TableKeys {
  /** The primary key's columns, in any order; empty when the table has none. */
  readonly primaryKey: readonly string[]
  /** The columns of each unique index or constraint. */
  readonly unique?: readonly (readonly string[])[]
}

/**
 * Per table (as `RowLocation.table` names it: `items`, or `audit.log` outside `public`) its keys.
 * A table missing here has no key: every access to it is a predicate location.
 */
export type SchemaKeys = Readonly<Record<string, TableKeys>>

/** What a statement is. `multiple` is a string of several statements (`exec`). */
export type StatementKind = 'select' | 'insert' | 'update' | 'delete' | 'transaction' | 'set' | 'other' | 'empty' | 'multiple'

/** PostgreSQL's isolation levels, as `SET TRANSACTION ISOLATION LEVEL` spells them in lower case. */
export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable'

/**
 * `INSERT … ON CONFLICT`: the check whether the row exists and the insert (or update) happen
 * in one atomic step when the conflict is on a unique key.
 *
 * @example `ON CONFLICT (name) DO UPDATE SET n = counters.n + 1` →
 *   `{ action: 'update', columns: ['name'], onKey: true }`
 */
export interface OnConflict {
  readonly action: 'nothing' | 'update'
  /** The inference columns `(cols)`, when given. */
  readonly columns?: readonly string[]
  /** `ON CONFLICT ON CONSTRAINT name`. */
  readonly constraint?: string
  /** The conflict is on a primary or unique key (also when no target is given: any of them). */
  readonly onKey: boolean
}

/**
 * The accesses of a statement the grammar read.
 *
 * @example `UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0` with `['sku-1']`:
 *   reads and writes `items[id='sku-1'].stock`, `atomic: true`, `compareAndSwap: ['stock']`.
 */
export interface StatementAccesses {
  readonly parsed: true
  readonly kind: StatementKind
  /** The statement for reports: whitespace collapsed, parameters after it (`($1=4, $2='sku-1')`). */
  readonly normalized: string
  readonly reads: readonly SqlLocation[]
  readonly writes: readonly SqlLocation[]
  /**
   * True for one statement: its reads and writes happen in one step, so it never races with
   * itself. False for a string of several statements.
   */
  readonly atomic: boolean
  /** `SELECT … FOR UPDATE` / `FOR NO KEY UPDATE` → `'update'`, `FOR SHARE` / `FOR KEY SHARE` → `'share'`: row locks on the rows it reads, held to `COMMIT`/`ROLLBACK`. */
  readonly lock?: 'update' | 'share'
  /** The columns an `UPDATE`/`DELETE` that names its row by key also compares (`AND version = $4` → `['version']`): a compare-and-swap. */
  readonly compareAndSwap: readonly string[]
  readonly onConflict?: OnConflict
  /** `BEGIN`/`START TRANSACTION`, `COMMIT`/`END`, `ROLLBACK`/`ABORT` (not `ROLLBACK TO SAVEPOINT`). */
  readonly transaction?: 'begin' | 'commit' | 'rollback'
  /** `BEGIN ISOLATION LEVEL …`, `SET TRANSACTION ISOLATION LEVEL …`, `SET SESSION CHARACTERISTICS AS TRANSACTION …`. */
  readonly isolation?: IsolationLevel
  /** For `multiple`: each statement in order. */
  readonly parts?: readonly StatementAccesses[]
}

/**
 * SQL the grammar rejected. The caller executes it unchanged and treats it as a table-level
 * read and write of `tables`, or of the whole database when `tables` is empty.
 */
export interface UnparsedStatement {
  readonly parsed: false
  /** Tables found after `FROM`, `JOIN`, `INTO`, `UPDATE`, `TABLE`, `TRUNCATE`; may be empty. */
  readonly tables: readonly string[]
  /** The parser's message (`syntax error at or near "SELEC"`). */
  readonly reason: string
  readonly normalized: string
}

const NO_DML: DmlAccesses = { reads: [], writes: [], compareAndSwap: [] }

function isolationOf(options: readonly unknown[]): IsolationLevel | undefined {
  for (const option of options) {
    const def = unwrap(option)?.[1]
    if (def?.['defname'] !== 'transaction_isolation') continue
    const level = unwrap(def['arg'])?.[1]['sval'] as PgNode | undefined
    const text = level?.['sval']
    if (text === 'read uncommitted' || text === 'read committed' || text === 'repeatable read' || text === 'serializable') return text
  }
  return undefined
}

const TRANSACTION_KINDS: Readonly<Record<string, 'begin' | 'commit' | 'rollback'>> = {
  TRANS_STMT_BEGIN: 'begin',
  TRANS_STMT_START: 'begin',
  TRANS_STMT_COMMIT: 'commit',
  TRANS_STMT_ROLLBACK: 'rollback',
}

/** Any statement the DML readers do not know (DDL, `TRUNCATE`, `COPY`, `CALL`…): it writes every table it names. */
function otherAccesses(statement: unknown): DmlAccesses {
  const { read, written } = tablesIn(statement, new Set(), new Set())
  const tables = [...new Set([...read, ...written])]
  const everything = tables.map((table): SqlLocation => ({ table, predicate: true }))
  return { reads: everything, writes: everything, compareAndSwap: [] }
}

function oneStatement(statement: PgNode, params: readonly unknown[], keys: SchemaKeys, normalized: string): StatementAccesses {
  const [type, inner] = unwrap(statement) ?? ['', {}]
  let kind: StatementKind = 'other'
  let dml: DmlAccesses = NO_DML
  let transaction: StatementAccesses['transaction']
  let isolation: IsolationLevel | undefined
  switch (type) {
    case 'SelectStmt':
      kind = 'select'
      dml = selectAccesses(inner, params, keys)
      break
    case 'InsertStmt':
      kind = 'insert'
      dml = insertAccesses(inner, params, keys)
      break
    case 'UpdateStmt':
      kind = 'update'
      dml = updateAccesses(inner, params, keys)
      break
    case 'DeleteStmt':
      kind = 'delete'
      dml = deleteAccesses(inner, params, keys)
      break
    case 'TransactionStmt':
      kind = 'transaction'
      transaction = TRANSACTION_KINDS[String(inner['kind'])]
      isolation = isolationOf(list(inner, 'options'))
      break
    case 'VariableSetStmt':
      kind = 'set'
      isolation = isolationOf(list(inner, 'args'))
      break
    case 'VariableShowStmt':
      kind = 'set'
      break
    default:
      dml = otherAccesses(statement)
  }
  return {
    parsed: true,
    kind,
    normalized,
    reads: dml.reads,
    writes: dml.writes,
    atomic: true,
    compareAndSwap: dml.compareAndSwap,
    ...(dml.lock === undefined ? {} : { lock: dml.lock }),
    ...(dml.onConflict === undefined ? {} : { onConflict: dml.onConflict }),
    ...(transaction === undefined ? {} : { transaction }),
    ...(isolation === undefined ? {} : { isolation }),
  }
}

/**
 * The accesses of `sql` run with `params` (`$1` is `params[0]`), given the schema's keys.
 * Throws only when `loadSqlParser()` has not finished; SQL the grammar rejects gives an
 * `UnparsedStatement`. Parse trees are cached by the statement's text.
 *
 * @example
 * await loadSqlParser()
 * statementAccesses('SELECT stock FROM items WHERE id = $1', ['sku-1'], { items: { primaryKey: ['id'] } })
 * // reads [{ table: 'items', key: { id: 'sku-1' }, column: 'stock' }], writes []
 */
export function statementAccesses(sql: string, params: readonly unknown[], keys: SchemaKeys): StatementAccesses | UnparsedStatement {
  const normalized = normalizeStatement(sql, params)
  const parsed = parseSql(sql)
  if (!parsed.ok) return { parsed: false, tables: tablesNamedIn(sql), reason: parsed.reason, normalized }
  const statements = parsed.statements
  if (statements.length === 0) return { parsed: true, kind: 'empty', normalized, reads: [], writes: [], atomic: true, compareAndSwap: [] }
  if (statements.length === 1) return oneStatement(statements[0]!, params, keys, normalized)
  const parts = statements.map((statement) => oneStatement(statement, params, keys, normalized))
  return {
    parsed: true,
    kind: 'multiple',
    normalized,
    reads: parts.flatMap((part) => part.reads),
    writes: parts.flatMap((part) => part.writes),
    atomic: false,
    compareAndSwap: [],
    parts,
  }
}

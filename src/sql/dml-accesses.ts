/**
 * `SELECT`, `INSERT`, `UPDATE` and `DELETE` → row and predicate locations. A key equality in
 * the `WHERE` (primary key first, then each unique key) names rows; otherwise the statement
 * touches the table through a predicate. Every other table the statement mentions (joins,
 * sub-queries, `USING`, `FROM`, `INSERT … SELECT`) is read through a predicate on all columns.
 */
import type { PredicateLocation, RowLocation, SqlLocation } from './location.js'
import type { PgNode } from './sql-parser.js'
import { columnsIn, constantText, cteNamesOf, list, namesOf, tableName, tablesIn, unwrap, whereFacts } from './pg-tree.js'
import type { OnConflict, SchemaKeys } from './statement-accesses.js'

/** What one DML statement reads and writes (before `statementAccesses` adds the rest). */
export interface DmlAccesses {
  readonly reads: readonly SqlLocation[]
  readonly writes: readonly SqlLocation[]
  readonly compareAndSwap: readonly string[]
  readonly lock?: 'update' | 'share'
  readonly onConflict?: OnConflict
}

type Key = Readonly<Record<string, string>>

/** More rows than this from one `IN (…)` product and the statement is read as a predicate. */
const MAX_ROWS = 64

function keysOf(table: string, keys: SchemaKeys): (readonly string[])[] {
  const entry = Object.hasOwn(keys, table) ? keys[table] : undefined
  if (entry === undefined) return []
  return [entry.primaryKey, ...(entry.unique ?? [])].filter((key) => key.length > 0)
}

/** The rows the equalities name through the first key they fully give, with that key's columns. */
function rowsNamed(table: string, equalities: ReadonlyMap<string, readonly string[]>, keys: SchemaKeys): { rows: Key[]; keyColumns: readonly string[] } | undefined {
  for (const keyColumns of keysOf(table, keys)) {
    if (!keyColumns.every((column) => equalities.has(column))) continue
    let rows: Record<string, string>[] = [{}]
    for (const column of keyColumns) {
      rows = rows.flatMap((row) => equalities.get(column)!.map((value) => ({ ...row, [column]: value })))
      if (rows.length > MAX_ROWS) return undefined
    }
    return { rows, keyColumns }
  }
  return undefined
}

function rowLocations(table: string, rows: readonly Key[], columns: readonly string[]): RowLocation[] {
  return rows.flatMap((key) => columns.map((column) => ({ table, key, column })))
}

function predicate(table: string, columns: readonly string[] | undefined): PredicateLocation {
  return columns === undefined ? { table, predicate: true } : { table, predicate: true, columns }
}

interface OtherTables {
  readonly reads: readonly SqlLocation[]
  readonly writes: readonly SqlLocation[]
}
/** Per statement node (trees are cached by text): its other tables do not depend on the parameters. */
const otherTablesCache = new WeakMap<PgNode, OtherTables>()

/**
 * Predicate reads of every table the parts of `statement` mention besides the target, and
 * writes of nested DML; computed once per cached tree.
 */
function otherTables(statement: PgNode, parts: unknown, skip: ReadonlySet<unknown>): OtherTables {
  const cached = otherTablesCache.get(statement)
  if (cached !== undefined) return cached
  const { read, written } = tablesIn(parts, skip, cteNamesOf(statement))
  const found = { reads: read.map((table) => predicate(table, undefined)), writes: written.map((table) => predicate(table, undefined)) }
  otherTablesCache.set(statement, found)
  return found
}

function union(...lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())]
}

function lockOf(select: PgNode): DmlAccesses['lock'] {
  let lock: DmlAccesses['lock']
  for (const clause of list(select, 'lockingClause')) {
    const strength = unwrap(clause)?.[1]['strength']
    if (strength === 'LCS_FORUPDATE' || strength === 'LCS_FORNOKEYUPDATE') lock = 'update'
    else if ((strength === 'LCS_FORSHARE' || strength === 'LCS_FORKEYSHARE') && lock === undefined) lock = 'share'
  }
  return lock
}

/**
 * A keyed read or write of `columns`, or the predicate read of the `WHERE` and `columns`.
 * A keyed access that reads no column (`SELECT 1 … WHERE id = $1`, an existence check) reads
 * the key's first column.
 */
function targetReads(table: string, named: ReturnType<typeof rowsNamed>, columns: readonly string[], whereColumns: readonly string[]): SqlLocation[] {
  if (named === undefined) return [predicate(table, union(columns, whereColumns))]
  const read = union(columns, whereColumns.filter((column) => !named.keyColumns.includes(column)))
  return rowLocations(table, named.rows, read.length > 0 ? read : [named.keyColumns[0]!])
}

/** `SELECT`: keyed row reads when one table is read with a key equality; predicates otherwise. */
export function selectAccesses(select: PgNode, params: readonly unknown[], keys: SchemaKeys): DmlAccesses {
  const lock = lockOf(select)
  const from = list(select, 'fromClause')
  const single = from.length === 1 ? unwrap(from[0]) : undefined
  const cteNames = cteNamesOf(select)
  const simple = single !== undefined && single[0] === 'RangeVar' && select['op'] === 'SETOP_NONE' && !cteNames.has(tableName(single[1]))
  if (!simple) {
    const { reads, writes } = otherTables(select, select, new Set())
    return { reads: [...reads], writes: [...writes], compareAndSwap: [], ...(lock === undefined ? {} : { lock }) }
  }
  const target = single[1]
  const table = tableName(target)
  const names = namesOf(target)
  const where = whereFacts(select['whereClause'], names, params)
  const named = rowsNamed(table, where.equalities, keys)
  const selected = union(
    columnsIn(select['targetList'], names),
    columnsIn(select['groupClause'], names),
    columnsIn(select['havingClause'], names),
    columnsIn(select['sortClause'], names),
  )
  const others = otherTables(select, select, new Set([target]))
  return {
    reads: [...targetReads(table, named, selected, where.columns), ...others.reads],
    writes: others.writes,
    compareAndSwap: [],
    ...(lock === undefined ? {} : { lock }),
  }
}

/** `UPDATE`: writes the `SET` columns of the keyed rows (or of the predicate's rows). */
export function updateAccesses(update: PgNode, params: readonly unknown[], keys: SchemaKeys): DmlAccesses {
  const target = update['relation'] as PgNode
  const table = tableName(target)
  const names = namesOf(target)
  const where = whereFacts(update['whereClause'], names, params)
  const named = rowsNamed(table, where.equalities, keys)
  const setTargets = list(update, 'targetList').map((item) => unwrap(item)?.[1] ?? {})
  const written = union(setTargets.map((item) => String(item['name'])))
  const readInSet = columnsIn(setTargets.map((item) => item['val']), names)
  const others = otherTables(update, [update['fromClause'], update['whereClause'], update['targetList'], update['withClause']], new Set())
  const compared = named === undefined ? [] : where.columns.filter((column) => !named.keyColumns.includes(column))
  const reads = readInSet.length + compared.length > 0 || named === undefined ? targetReads(table, named, readInSet, where.columns) : []
  // Changing a key moves the row: the row named by the old key goes, one named by the new comes.
  const movesRow = keysOf(table, keys).some((key) => key.some((column) => written.includes(column)))
  const targetWrites = named === undefined ? [predicate(table, written)] : rowLocations(table, named.rows, movesRow ? ['*'] : written)
  return {
    reads: [...reads, ...others.reads],
    writes: [...targetWrites, ...(movesRow ? [{ table, predicate: true, rowSet: true } as const] : []), ...others.writes],
    compareAndSwap: compared,
  }
}

/** `DELETE`: writes the keyed rows whole (and the table's row set), or every row of a predicate. */
export function deleteAccesses(del: PgNode, params: readonly unknown[], keys: SchemaKeys): DmlAccesses {
  const target = del['relation'] as PgNode
  const table = tableName(target)
  const names = namesOf(target)
  const where = whereFacts(del['whereClause'], names, params)
  const named = rowsNamed(table, where.equalities, keys)
  const others = otherTables(del, [del['usingClause'], del['whereClause'], del['withClause']], new Set())
  const compared = named === undefined ? [] : where.columns.filter((column) => !named.keyColumns.includes(column))
  const reads = named === undefined || compared.length > 0 ? targetReads(table, named, [], where.columns) : []
  const writes: SqlLocation[] =
    named === undefined ? [predicate(table, undefined)] : [...rowLocations(table, named.rows, ['*']), { table, predicate: true, rowSet: true }]
  return { reads: [...reads, ...others.reads], writes: [...writes, ...others.writes], compareAndSwap: compared }
}

function onConflictOf(clause: PgNode | undefined, table: string, keys: SchemaKeys): OnConflict | undefined {
  if (clause === undefined) return undefined
  const action = clause['action'] === 'ONCONFLICT_UPDATE' ? 'update' : 'nothing'
  const infer = clause['infer'] as PgNode | undefined
  const columns = list(infer, 'indexElems').map((elem) => String(unwrap(elem)?.[1]['name']))
  const constraint = infer?.['conname']
  const onKey =
    (infer === undefined && action === 'nothing') ||
    typeof constraint === 'string' ||
    keysOf(table, keys).some((key) => key.length === columns.length && key.every((column) => columns.includes(column)))
  return {
    action,
    ...(columns.length > 0 ? { columns } : {}),
    ...(typeof constraint === 'string' ? { constraint } : {}),
    onKey,
  }
}

/**
 * `INSERT`: writes each row whose key values it gives (under every key it gives fully) and the
 * table's row set; `ON CONFLICT` also reads that row, and `DO UPDATE` writes its `SET` columns.
 */
export function insertAccesses(insert: PgNode, params: readonly unknown[], keys: SchemaKeys): DmlAccesses {
  const target = insert['relation'] as PgNode
  const table = tableName(target)
  const names = namesOf(target)
  const columns = list(insert, 'cols').map((col) => String(unwrap(col)?.[1]['name']))
  const source = unwrap(insert['selectStmt'])?.[1]
  const valuesLists = list(source, 'valuesLists')
  const onConflict = onConflictOf(insert['onConflictClause'] as PgNode | undefined, table, keys)
  const reads: SqlLocation[] = []
  const writes: SqlLocation[] = []
  for (const values of valuesLists) {
    const items = list(unwrap(values)?.[1], 'items')
    const equalities = new Map<string, readonly string[]>()
    columns.forEach((column, i) => {
      const value = constantText(items[i], params)
      if (value !== undefined) equalities.set(column, [value])
    })
    for (const keyColumns of keysOf(table, keys)) {
      const named = rowsNamed(table, equalities, { [table]: { primaryKey: keyColumns } })
      if (named === undefined) continue
      writes.push(...rowLocations(table, named.rows, ['*']))
      if (onConflict === undefined) continue
      reads.push(...rowLocations(table, named.rows, [keyColumns[0]!]))
      if (onConflict.action === 'update') {
        const setTargets = list(insert['onConflictClause'] as PgNode, 'targetList').map((item) => unwrap(item)?.[1] ?? {})
        reads.push(...rowLocations(table, named.rows, columnsIn(setTargets.map((item) => item['val']), names)))
      }
    }
  }
  writes.push({ table, predicate: true, rowSet: true })
  const others = otherTables(insert, valuesLists.length > 0 ? [valuesLists, insert['withClause']] : [source, insert['withClause']], new Set())
  return {
    reads: [...reads, ...others.reads],
    writes: [...writes, ...others.writes],
    compareAndSwap: [],
    ...(onConflict === undefined ? {} : { onConflict }),
  }
}

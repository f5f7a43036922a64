/**
 * Reading libpg-query's parse tree: table names, constant values (literals and bound `$n`
 * parameters), the columns an expression refers to, and the equalities of a `WHERE` that is a
 * conjunction. Pure functions of the tree.
 */
import type { PgNode } from './sql-parser.js'

/** The single property of a wrapped node (`{ A_Const: {…} }` → `['A_Const', {…}]`). */
export function unwrap(node: unknown): [string, PgNode] | undefined {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined
  const keys = Object.keys(node)
  if (keys.length !== 1) return undefined
  const inner = (node as PgNode)[keys[0]!]
  return inner !== null && typeof inner === 'object' ? [keys[0]!, inner as PgNode] : undefined
}

/** `node.field` as a list (libpg-query omits empty lists). */
export function list(node: PgNode | undefined, field: string): readonly unknown[] {
  const value = node?.[field]
  return Array.isArray(value) ? value : []
}

/** `relname`, schema-qualified unless the schema is `public`. */
export function tableName(rangeVar: PgNode): string {
  const schema = rangeVar['schemaname']
  const name = String(rangeVar['relname'])
  return typeof schema === 'string' && schema !== 'public' ? `${schema}.${name}` : name
}

/** The names a statement's target table answers to: its name and its alias. */
export function namesOf(rangeVar: PgNode): Set<string> {
  const names = new Set([String(rangeVar['relname']), tableName(rangeVar)])
  const alias = rangeVar['alias'] as PgNode | undefined
  if (alias !== undefined) names.add(String(alias['aliasname']))
  return names
}

/** A bound parameter's value in PostgreSQL's text form, or `undefined` when it names no row. */
export function parameterText(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined
  if (typeof value === 'bigint') return String(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value.toISOString()
  return undefined
}

/**
 * The value of a literal or a `$n` (also under a cast: `$1::uuid`), as text; `undefined` when
 * the expression is not a constant or its value names no row (`NULL`, a missing parameter).
 */
export function constantText(node: unknown, params: readonly unknown[]): string | undefined {
  const wrapped = unwrap(node)
  if (wrapped === undefined) return undefined
  const [kind, inner] = wrapped
  if (kind === 'TypeCast') return constantText(inner['arg'], params)
  if (kind === 'ParamRef') {
    const number = Number(inner['number'])
    return number >= 1 && number <= params.length ? parameterText(params[number - 1]) : undefined
  }
  if (kind !== 'A_Const' || inner['isnull'] === true) return undefined
  const ival = inner['ival'] as PgNode | undefined
  if (ival !== undefined) return String(ival['ival'] ?? 0)
  const fval = inner['fval'] as PgNode | undefined
  if (fval !== undefined) return String(fval['fval'])
  const sval = inner['sval'] as PgNode | undefined
  if (sval !== undefined) return String(sval['sval'] ?? '')
  const boolval = inner['boolval'] as PgNode | undefined
  if (boolval !== undefined) return boolval['boolval'] === true ? 'true' : 'false'
  return undefined
}

/**
 * The column a `ColumnRef` names in the target table (`stock`, `i.stock`), `'*'` for `*`, or
 * `undefined` when it is qualified by another table's name (`excluded.n`, a joined table).
 */
export function columnOf(columnRef: PgNode, target: ReadonlySet<string>): string | undefined {
  const fields = list(columnRef, 'fields').map((field) => {
    const wrapped = unwrap(field)
    if (wrapped === undefined) return '*'
    return wrapped[0] === 'String' ? String(wrapped[1]['sval']) : '*'
  })
  if (fields.length === 0) return undefined
  if (fields.length > 1 && !target.has(fields.slice(0, -1).join('.')) && !target.has(fields[fields.length - 2]!)) return undefined
  return fields[fields.length - 1]
}

/**
 * The target table's columns an expression refers to, in order of appearance, without
 * duplicates. Sub-queries are not entered (their tables are read as predicates elsewhere);
 * `count(*)` refers to no column.
 */
export function columnsIn(node: unknown, target: ReadonlySet<string>, into: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) columnsIn(item, target, into)
    return into
  }
  const wrapped = unwrap(node)
  if (wrapped === undefined) {
    if (node !== null && typeof node === 'object') for (const value of Object.values(node)) columnsIn(value, target, into)
    return into
  }
  const [kind, inner] = wrapped
  if (kind === 'SubLink' || kind === 'SelectStmt' || kind === 'RangeVar') return into
  if (kind === 'ColumnRef') {
    const column = columnOf(inner, target)
    if (column !== undefined && !into.includes(column)) into.push(column)
    return into
  }
  for (const value of Object.values(inner)) if (value !== null && typeof value === 'object') columnsIn(value, target, into)
  return into
}

/** What a `WHERE` says about the target table's rows. */
export interface WhereFacts {
  /** Column → the constant values it must equal (`=`, or `IN (…)` with constants only). */
  readonly equalities: ReadonlyMap<string, readonly string[]>
  /** Every target column the `WHERE` refers to. */
  readonly columns: readonly string[]
}

function conjuncts(where: unknown): unknown[] {
  const wrapped = unwrap(where)
  if (wrapped !== undefined && wrapped[0] === 'BoolExpr' && wrapped[1]['boolop'] === 'AND_EXPR') {
    return list(wrapped[1], 'args').flatMap(conjuncts)
  }
  return where === undefined ? [] : [where]
}

function allConstant(column: string, values: readonly (string | undefined)[]): [string, string[]] | undefined {
  return values.length === 0 || values.includes(undefined) ? undefined : [column, values as string[]]
}

/** The values of `= ANY($1)` (an array parameter) or `= ANY(ARRAY[…])`; `[undefined]` when unknown. */
function anyValues(node: unknown, params: readonly unknown[]): (string | undefined)[] {
  const wrapped = unwrap(node)
  if (wrapped?.[0] === 'TypeCast') return anyValues(wrapped[1]['arg'], params)
  if (wrapped?.[0] === 'A_ArrayExpr') return list(wrapped[1], 'elements').map((item) => constantText(item, params))
  if (wrapped?.[0] === 'ParamRef') {
    const value = params[Number(wrapped[1]['number']) - 1]
    if (Array.isArray(value)) return value.map(parameterText)
  }
  return [undefined]
}

function equality(term: unknown, target: ReadonlySet<string>, params: readonly unknown[]): [string, string[]] | undefined {
  const wrapped = unwrap(term)
  if (wrapped === undefined || wrapped[0] !== 'A_Expr') return undefined
  const expr = wrapped[1]
  const operator = list(expr, 'name').map((name) => unwrap(name)?.[1]['sval'])
  if (operator.length !== 1 || operator[0] !== '=') return undefined
  for (const [columnSide, valueSide] of [
    [expr['lexpr'], expr['rexpr']],
    [expr['rexpr'], expr['lexpr']],
  ] as const) {
    const ref = unwrap(columnSide)
    if (ref === undefined || ref[0] !== 'ColumnRef') continue
    const column = columnOf(ref[1], target)
    if (column === undefined || column === '*') return undefined
    if (expr['kind'] === 'AEXPR_OP') {
      const value = constantText(valueSide, params)
      return value === undefined ? undefined : [column, [value]]
    }
    if (expr['kind'] === 'AEXPR_IN') return allConstant(column, list(unwrap(valueSide)?.[1], 'items').map((item) => constantText(item, params)))
    if (expr['kind'] === 'AEXPR_OP_ANY' && columnSide === expr['lexpr']) return allConstant(column, anyValues(valueSide, params))
  }
  return undefined
}

/**
 * The equalities of a `WHERE` that is a conjunction (`a = 1 AND b IN ($1, $2) AND c > 0`);
 * terms under `OR`/`NOT` contribute only their columns.
 */
export function whereFacts(where: unknown, target: ReadonlySet<string>, params: readonly unknown[]): WhereFacts {
  const equalities = new Map<string, readonly string[]>()
  for (const term of conjuncts(where)) {
    const found = equality(term, target, params)
    if (found === undefined) continue
    const [column, values] = found
    const before = equalities.get(column)
    // `a = 1 AND a = 2` matches nothing; keeping the values both allow is still exact.
    equalities.set(column, before === undefined ? values : before.filter((value) => values.includes(value)))
  }
  return { equalities, columns: columnsIn(where, target) }
}

/** The tables a tree reads and those a nested statement in it writes, in order of appearance. */
export interface TablesFound {
  readonly read: string[]
  readonly written: string[]
}

/**
 * Every table a tree reads (`RangeVar`s, without CTE names) and every table a nested
 * `INSERT`/`UPDATE`/`DELETE` writes (a data-modifying CTE), except the nodes in `skip`.
 */
export function tablesIn(node: unknown, skip: ReadonlySet<unknown>, cteNames: ReadonlySet<string>, found: TablesFound = { read: [], written: [] }): TablesFound {
  if (node === null || typeof node !== 'object' || skip.has(node)) return found
  if (Array.isArray(node)) {
    for (const item of node) tablesIn(item, skip, cteNames, found)
    return found
  }
  // A statement's own target (`UPDATE t`, `ALTER TABLE t`) is a bare RangeVar, not wrapped.
  if (typeof (node as PgNode)['relname'] === 'string') {
    const name = tableName(node as PgNode)
    if (!found.read.includes(name)) found.read.push(name)
    return found
  }
  const wrapped = unwrap(node)
  if (wrapped !== undefined) {
    const [kind, inner] = wrapped
    if (kind === 'RangeVar' && !skip.has(inner)) {
      const name = tableName(inner)
      if (!(inner['schemaname'] === undefined && cteNames.has(name)) && !found.read.includes(name)) found.read.push(name)
      return found
    }
    if ((kind === 'InsertStmt' || kind === 'UpdateStmt' || kind === 'DeleteStmt') && inner['relation'] !== undefined) {
      const name = tableName(inner['relation'] as PgNode)
      if (!found.written.includes(name)) found.written.push(name)
    }
  }
  for (const value of Object.values(node)) tablesIn(value, skip, cteNames, found)
  return found
}

/** The names the `WITH` clause of a statement defines. */
export function cteNamesOf(statement: PgNode): Set<string> {
  const names = new Set<string>()
  const withClause = statement['withClause'] as PgNode | undefined
  for (const cte of list(withClause, 'ctes')) {
    const inner = unwrap(cte)?.[1]
    if (inner !== undefined) names.add(String(inner['ctename']))
  }
  return names
}

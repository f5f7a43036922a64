/**
 * What the detector needs to know about a database's schema, read from the database itself
 * in one query: each table's primary and unique keys (`pg_index`), its columns
 * (`pg_attribute`), and the default isolation level. Pure: the caller runs `SCHEMA_QUERY`
 * and hands the rows to `schemaFromRows`.
 */
import type { IsolationLevel, SchemaKeys, TableKeys } from './statement-accesses.js'

/** A database's tables as statements name them, with their keys and columns. */
export interface SchemaCatalog {
  readonly keys: SchemaKeys
  /** Per table: its columns in order. */
  readonly columns: Readonly<Record<string, readonly string[]>>
  /** `default_transaction_isolation`: what `BEGIN` starts when it names no level. */
  readonly defaultIsolation: IsolationLevel
}

/**
 * One row per key (`kind` `p` or `u`), per table (`c`, its columns) and one for the default
 * isolation level (`i`, in `name`). Tables of every schema but the system's; `visible` says
 * whether an unqualified name finds the table (the search path), `nsp` is its schema.
 * Partial and expression indexes are left out: they do not name a row by column equality.
 */
export const SCHEMA_QUERY = `
SELECT 'p' AS kind, n.nspname::text AS nsp, c.relname::text AS name, pg_table_is_visible(c.oid) AS visible,
  ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY(i.indkey) ORDER BY a.attnum) AS columns
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indisprimary AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
UNION ALL
SELECT 'u', n.nspname::text, c.relname::text, pg_table_is_visible(c.oid),
  ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum = ANY(i.indkey) ORDER BY a.attnum)
FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE i.indisunique AND NOT i.indisprimary AND i.indpred IS NULL AND i.indexprs IS NULL
  AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
UNION ALL
SELECT 'c', n.nspname::text, c.relname::text, pg_table_is_visible(c.oid),
  ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%'
UNION ALL
SELECT 'i', '', current_setting('default_transaction_isolation'), true, ARRAY[]::text[]
`

/** A row of `SCHEMA_QUERY`, as a client returns it. */
export interface SchemaRow {
  readonly kind: string
  readonly nsp: string
  readonly name: string
  readonly visible: boolean
  readonly columns: readonly string[] | string
}

const LEVELS: readonly IsolationLevel[] = ['read uncommitted', 'read committed', 'repeatable read', 'serializable']

/** `{a,b}` (an array a client left as text) → `['a', 'b']`; names with commas or quotes are not expected here. */
function arrayOf(value: readonly string[] | string): readonly string[] {
  if (typeof value !== 'string') return value
  const inner = value.replace(/^\{|\}$/g, '')
  return inner === '' ? [] : inner.split(',').map((item) => item.replace(/^"|"$/g, ''))
}

/**
 * The catalog from the rows of `SCHEMA_QUERY`. A table is named as statements name it: without
 * its schema when the search path finds it (or it is in `public`), and schema-qualified unless
 * its schema is `public`; both names are entered where both apply.
 */
export function schemaFromRows(rows: readonly SchemaRow[]): SchemaCatalog {
  const keys: Record<string, { primaryKey: readonly string[]; unique: (readonly string[])[] }> = {}
  const columns: Record<string, readonly string[]> = {}
  let defaultIsolation: IsolationLevel = 'read committed'
  for (const row of rows) {
    if (row.kind === 'i') {
      const level = LEVELS.find((l) => l === row.name)
      if (level !== undefined) defaultIsolation = level
      continue
    }
    const names = new Set<string>()
    if (row.visible || row.nsp === 'public') names.add(row.name)
    if (row.nsp !== 'public') names.add(`${row.nsp}.${row.name}`)
    const list = arrayOf(row.columns)
    for (const name of names) {
      if (row.kind === 'c') {
        columns[name] = list
        continue
      }
      const entry = (keys[name] ??= { primaryKey: [], unique: [] })
      if (row.kind === 'p') entry.primaryKey = list
      else if (row.kind === 'u') entry.unique.push(list)
    }
  }
  const frozen: Record<string, TableKeys> = {}
  for (const [name, entry] of Object.entries(keys)) frozen[name] = entry.unique.length > 0 ? entry : { primaryKey: entry.primaryKey }
  return { keys: frozen, columns, defaultIsolation }
}

/** The catalog of a database whose schema could not be read: no keys, no columns. */
export const EMPTY_CATALOG: SchemaCatalog = { keys: {}, columns: {}, defaultIsolation: 'read committed' }

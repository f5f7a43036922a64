/**
 * PostgreSQL's own grammar (libpg-query, compiled to WebAssembly: no native build, no download
 * at install), loaded once, with a cache of parse trees keyed by the statement's text. A client
 * sends the same few statements again and again with other parameters: the tree does not
 * depend on them, so a hit costs a Map lookup instead of a parse.
 */
type LibPgQuery = typeof import('libpg-query')

/** A node of libpg-query's tree: `{ SelectStmt: { … } }`, `{ A_Const: { … } }`. */
export type PgNode = Readonly<Record<string, unknown>>

/** The statements of one SQL string, or why the grammar rejected it. */
export type ParsedSql =
  | { readonly ok: true; readonly statements: readonly PgNode[] }
  | { readonly ok: false; readonly reason: string }

let loading: Promise<void> | undefined
/** libpg-query, once loaded: imported on first use, so that a test worker that sends no SQL never loads it. */
let parser: LibPgQuery | undefined

/**
 * Loads the parser's WebAssembly module (about 1.7 MB, tens of milliseconds). Call once before
 * `statementAccesses`; later calls return the same promise.
 */
export function loadSqlParser(): Promise<void> {
  loading ??= import('libpg-query').then(async (module) => {
    await module.loadModule()
    parser = module
  })
  return loading
}

/** Whether `loadSqlParser()` has finished. */
export function sqlParserLoaded(): boolean {
  return parser !== undefined
}

/** At most this many distinct statement texts are kept; past it the cache starts over. */
export const SQL_PARSE_CACHE_LIMIT = 2048
const cache = new Map<string, ParsedSql>()

/** Empties the parse cache (benchmarks measure a miss with it). */
export function clearSqlParseCache(): void {
  cache.clear()
  collapsed.clear()
}

/** The parse tree of `sql`, from the cache when this text was parsed before. */
export function parseSql(sql: string): ParsedSql {
  const hit = cache.get(sql)
  if (hit !== undefined) return hit
  if (parser === undefined) throw new Error('vitest-race: the SQL parser is not loaded; await loadSqlParser() before statementAccesses()')
  let parsed: ParsedSql
  try {
    const tree = parser.parseSync(sql) as unknown as { stmts?: readonly { stmt?: PgNode }[] }
    const statements = (tree.stmts ?? []).map((raw) => raw.stmt ?? {})
    parsed = { ok: true, statements }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    // libpg-query refuses an empty string (PostgreSQL answers it with EmptyQueryResponse).
    parsed = reason === 'Query cannot be empty' ? { ok: true, statements: [] } : { ok: false, reason }
  }
  if (cache.size >= SQL_PARSE_CACHE_LIMIT) cache.clear()
  cache.set(sql, parsed)
  return parsed
}

const TABLE_AFTER = /\b(?:from|join|into|update|table|truncate)\s+(?:only\s+)?((?:"[^"]+"|[a-z_][\w$]*)(?:\.(?:"[^"]+"|[a-z_][\w$]*))?)/gi
const NOT_TABLES = new Set(['select', 'set', 'where', 'values', 'lateral', 'only', 'if', 'exists'])

/**
 * The tables an unparsable statement seems to name, found conservatively after `FROM`, `JOIN`,
 * `INTO`, `UPDATE`, `TABLE`, `TRUNCATE`. May be empty: the caller then treats the statement
 * as touching the whole database.
 */
export function tablesNamedIn(sql: string): string[] {
  const tables: string[] = []
  for (const match of sql.matchAll(TABLE_AFTER)) {
    const name = match[1]!
      .split('.')
      .map((part) => (part.startsWith('"') ? part.slice(1, -1) : part.toLowerCase()))
      .filter((part, i, parts) => !(i === 0 && parts.length === 2 && part === 'public'))
      .join('.')
    if (!NOT_TABLES.has(name) && !tables.includes(name)) tables.push(name)
  }
  return tables
}

/** How a bound parameter is shown in reports: strings quoted, long values cut. */
export function showParameter(value: unknown): string {
  let text: string
  if (typeof value === 'string') text = `'${value.replace(/'/g, "''")}'`
  else if (typeof value === 'bigint') text = `${value}`
  else if (value instanceof Date) text = `'${value.toISOString()}'`
  else if (value === undefined) text = 'undefined'
  else {
    try {
      text = JSON.stringify(value) ?? String(value)
    } catch {
      text = String(value)
    }
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}

/**
 * The statement for reports: whitespace outside quotes collapsed, a trailing `;` dropped, and
 * the bound parameters after it.
 *
 * @example `normalizeStatement('UPDATE items\n  SET stock = $1 WHERE id = $2', [4, 'sku-1'])`
 *   is `UPDATE items SET stock = $1 WHERE id = $2 ($1=4, $2='sku-1')`
 */
export function normalizeStatement(sql: string, params: readonly unknown[]): string {
  const text = collapseWhitespace(sql)
  if (params.length === 0) return text
  return `${text} (${params.map((value, i) => `$${i + 1}=${showParameter(value)}`).join(', ')})`
}

const collapsed = new Map<string, string>()

/** Whitespace runs outside quotes → one space, trimmed, a trailing `;` dropped; cached by text. */
function collapseWhitespace(sql: string): string {
  const hit = collapsed.get(sql)
  if (hit !== undefined) return hit
  // Even-indexed pieces are outside quotes, odd-indexed ones are quoted text (kept as written).
  const pieces = sql.split(/('(?:[^']|'')*'|"(?:[^"]|"")*")/)
  const text = pieces
    .map((piece, i) => (i % 2 === 1 ? piece : piece.replace(/\s+/g, ' ')))
    .join('')
    .trim()
    .replace(/\s*;$/, '')
  if (collapsed.size >= SQL_PARSE_CACHE_LIMIT) collapsed.clear()
  collapsed.set(sql, text)
  return text
}

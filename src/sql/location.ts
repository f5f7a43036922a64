/**
 * Locations in a database that SQL statements read and write (DESIGN §4c), as plain data,
 * and the one rule that says when two of them may name the same data. Pure: no parser, no I/O.
 */

/**
 * One column of one row, named by a primary-key or unique-key equality.
 * `column` is `'*'` for the whole row (a `DELETE`, an `INSERT`, `SELECT *`, `count(*)`).
 *
 * @example `{ table: 'items', key: { id: 'sku-1' }, column: 'stock' }` is `items[id='sku-1'].stock`
 */
export interface RowLocation {
  /** The table, lower-case as PostgreSQL folds it; schema-qualified unless `public`. */
  readonly table: string
  /** The key columns and their values in PostgreSQL's text form (`1` and `'1'` are one row). */
  readonly key: Readonly<Record<string, string>>
  /** The column, or `'*'` for every column of the row. */
  readonly column: string
  readonly predicate?: undefined
}

/**
 * Every row of a table that a predicate may select: where no key names the row
 * (`SELECT count(*) FROM members WHERE role = 'owner'`), and where an `INSERT` may add a row
 * that such a predicate would see.
 *
 * @example `{ table: 'members', predicate: true, columns: ['role'] }`
 */
export interface PredicateLocation {
  readonly table: string
  readonly predicate: true
  /**
   * The columns read (for a read: those the predicate tests and those it returns) or written
   * (for a write); `undefined` means every column.
   */
  readonly columns?: readonly string[]
  /**
   * Rows are added or removed (an `INSERT`, a keyed `DELETE`): which rows a predicate selects
   * changes, but no existing row's column does. Overlaps predicate locations of the table only;
   * the row itself, where its key is known, is a separate `RowLocation` write.
   */
  readonly rowSet?: true
}

/** A place in the database a statement reads or writes. */
export type SqlLocation = RowLocation | PredicateLocation

/** `'sku-1'` → `'sku-1'` quoted as SQL does, for reports and location ids. */
function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/**
 * The location as reports print it and as a detector may key it:
 * `items[id='sku-1'].stock`, `items[id='sku-1'].*`, `members[*](role)`, `members[*](*)`,
 * `members[+/-]` (rows added or removed).
 * Key columns are sorted, so the id does not depend on the order the statement wrote them in.
 */
export function formatLocation(location: SqlLocation): string {
  if (location.predicate === true) {
    if (location.rowSet === true) return `${location.table}[+/-]`
    const columns = location.columns === undefined ? '*' : [...location.columns].sort().join(',')
    return `${location.table}[*](${columns})`
  }
  const key = Object.keys(location.key)
    .sort()
    .map((column) => `${column}=${quote(location.key[column]!)}`)
    .join(',')
  return `${location.table}[${key}].${location.column}`
}

function sameKey(a: RowLocation['key'], b: RowLocation['key']): boolean {
  const columns = Object.keys(a)
  if (columns.length !== Object.keys(b).length) return false
  for (const column of columns) if (!Object.hasOwn(b, column) || a[column] !== b[column]) return false
  return true
}

function columnsMeet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined || a.includes('*') || b.includes('*')) return true
  return a.some((column) => b.includes(column))
}

/**
 * Whether two locations may hold the same data (the caller decides whether the two accesses
 * conflict: at least one a write). Rows named through different keys (`id` and `email`) are
 * different locations: that may miss a race, never report a false one.
 *
 * - row / row: same table, same key, same column (or either `'*'`);
 * - row / predicate: same table, not a `rowSet` predicate, and the row's column is among the
 *   predicate's (or either is all);
 * - predicate / predicate: same table, and either is a `rowSet` or their columns meet.
 */
export function locationsOverlap(a: SqlLocation, b: SqlLocation): boolean {
  if (a.table !== b.table) return false
  if (a.predicate === true && b.predicate === true) return a.rowSet === true || b.rowSet === true || columnsMeet(a.columns, b.columns)
  if (a.predicate === true) return a.rowSet !== true && columnsMeet(a.columns, [(b as RowLocation).column])
  if (b.predicate === true) return b.rowSet !== true && columnsMeet([a.column], b.columns)
  return sameKey(a.key, b.key) && (a.column === b.column || a.column === '*' || b.column === '*')
}

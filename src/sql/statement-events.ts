/**
 * From a statement's row and predicate locations (which overlap by a rule: `locationsOverlap`)
 * to accesses of plain, named locations, which a detector compares by identity. Pure.
 *
 * Three kinds of named location stand for a table's data:
 *
 * - `items[id='1'].stock`: one column of one row. Keyed reads and writes use it; `*` (a whole
 *   row) is expanded to the table's columns, so `SELECT *` then `UPDATE … SET stock` meet.
 * - `items[*].stock`: column `stock` of some row. A predicate reads it; every write of the
 *   column writes it too, keyed or not, so a `count(*) … WHERE role = 'owner'` sees an
 *   `UPDATE … SET role` of any row.
 * - `items[*]`: the table's set of rows. A predicate reads it; an `INSERT` or a `DELETE`
 *   writes it, so a check-then-insert (`count(*)`, await, `INSERT`) meets another insert.
 *
 * A worker's own keyed writes never meet each other through `items[*].stock`: a read-await-write
 * needs the worker's read there too, which only a predicate makes. Many rows' writes land on
 * the last two, and under Go's rule (`semantics: 'strict'`) two of them are atomic steps that do
 * not conflict.
 */
import type { RowLocation, SqlLocation } from './location.js'
import { formatLocation } from './location.js'

/** One access of a named location. */
export interface StatementEvent {
  /** The location's name, as reports print it: `items[id='1'].stock`, `items[*].stock`, `items[*]`. */
  readonly label: string
  readonly write: boolean
  /** `row`: one column of one row; `column`: a column of some row (`items[*].c`); `rows`: the set of rows (`items[*]`). */
  readonly scope: 'row' | 'column' | 'rows'
  /** For a keyed location, its row (`items[id='1']`), which row locks are taken on. */
  readonly row?: string
}

/** Per table (named as `RowLocation.table` names it) its columns in order; undefined when unknown. */
export type TableColumns = (table: string) => readonly string[] | undefined

/** `items[id='1']`: a row by its key, as `formatLocation` names it without the column. */
export function rowLabel(location: RowLocation): string {
  const full = formatLocation(location)
  return full.slice(0, full.length - location.column.length - 1)
}

/** `items[*]`: the table's set of rows. */
export function rowSetLabel(table: string): string {
  return `${table}[*]`
}

/** `items[*].stock`: column `stock` of some row. */
export function anyRowLabel(table: string, column: string): string {
  return `${table}[*].${column}`
}

function expand(table: string, columns: readonly string[] | undefined, tableColumns: TableColumns): readonly string[] {
  const known = tableColumns(table)
  if (columns === undefined) return known ?? ['*']
  if (!columns.includes('*') || known === undefined) return columns
  return [...new Set([...columns.filter((column) => column !== '*'), ...known])]
}

/**
 * The named accesses of a statement's reads and writes, reads first, each label once per kind.
 *
 * @example reads `[items[id='1'].stock]`, writes `[items[id='1'].stock]` →
 *   read `items[id='1'].stock`; write `items[id='1'].stock`, write `items[*].stock` (scope `column`)
 */
export function statementEvents(reads: readonly SqlLocation[], writes: readonly SqlLocation[], tableColumns: TableColumns): StatementEvent[] {
  const events: StatementEvent[] = []
  const seen = new Set<string>()
  const add = (label: string, write: boolean, scope: StatementEvent['scope'], row?: string) => {
    const id = `${write ? 'w' : 'r'}${label}`
    if (seen.has(id)) return
    seen.add(id)
    events.push(row === undefined ? { label, write, scope } : { label, write, scope, row })
  }
  for (const location of reads) {
    if (location.predicate === true) {
      add(rowSetLabel(location.table), false, 'rows')
      if (location.rowSet === true) continue
      for (const column of expand(location.table, location.columns, tableColumns)) add(anyRowLabel(location.table, column), false, 'column')
      continue
    }
    const row = rowLabel(location)
    for (const column of expand(location.table, [location.column], tableColumns)) add(`${row}.${column}`, false, 'row', row)
  }
  // Rows added or removed first: a check-then-insert is reported at the table's row set.
  const ordered = [...writes.filter((l) => l.predicate === true && l.rowSet === true), ...writes.filter((l) => !(l.predicate === true && l.rowSet === true))]
  for (const location of ordered) {
    if (location.predicate === true) {
      // Rows added or removed; a predicate write on no named column (a DELETE, DDL) also removes rows.
      if (location.rowSet === true || location.columns === undefined) add(rowSetLabel(location.table), true, 'rows')
      if (location.rowSet === true) continue
      for (const column of expand(location.table, location.columns, tableColumns)) add(anyRowLabel(location.table, column), true, 'column')
      continue
    }
    const row = rowLabel(location)
    for (const column of expand(location.table, [location.column], tableColumns)) {
      add(`${row}.${column}`, true, 'row', row)
      add(anyRowLabel(location.table, column), true, 'column')
    }
  }
  return events
}

/** The rows a statement names by key among `locations`, each once. */
export function rowsOf(locations: readonly SqlLocation[]): string[] {
  const rows = new Set<string>()
  for (const location of locations) if (location.predicate !== true) rows.add(rowLabel(location))
  return [...rows]
}

import fc from 'fast-check'
import { beforeAll, expect, test } from 'vitest'
import { formatLocation, locationsOverlap } from '../../src/sql/location.js'
import { loadSqlParser, statementAccesses, type StatementAccesses } from '../../src/sql/statement-accesses.js'

beforeAll(() => loadSqlParser())

/** An identifier as written in SQL and as PostgreSQL names it: plain lower case, or quoted anything. */
const identifier = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/).map((name) => ({ sql: `x_${name}`, name: `x_${name}` })),
  fc
    .string({ minLength: 1, maxLength: 10, unit: 'grapheme' })
    .filter((name) => !name.includes('\0'))
    .map((name) => ({ sql: `"${name.replace(/"/g, '""')}"`, name })),
)

/** A key value, written as a literal, a cast literal or a bound parameter; `text` is how PostgreSQL reads it. */
const keyValue = fc.oneof(
  fc.string({ maxLength: 12 }).filter((s) => !s.includes('\0')).map((s) => ({ literal: `'${s.replace(/'/g, "''")}'`, param: s as unknown, text: s })),
  fc.integer().map((n) => ({ literal: String(n), param: n as unknown, text: String(n) })),
)
const writtenAs = fc.constantFrom('literal', 'cast', 'param')

function sqlOf(value: { literal: string; param: unknown }, form: string, params: unknown[]): string {
  if (form === 'literal') return value.literal
  if (form === 'cast') return `(${value.literal})::text`
  params.push(value.param)
  return `$${params.length}`
}

function accesses(sql: string, params: unknown[], table: string, pk: string): StatementAccesses {
  const result = statementAccesses(sql, params, { [table]: { primaryKey: [pk] } })
  if (!result.parsed) throw new Error(`${sql}: ${result.reason}`)
  return result
}

test('UPDATE t SET c = … WHERE pk = v writes the location SELECT c FROM t WHERE pk = v reads', () => {
  fc.assert(
    fc.property(
      identifier,
      identifier,
      identifier,
      keyValue,
      writtenAs,
      writtenAs,
      keyValue,
      (table, pk, column, key, readForm, writeForm, newValue) => {
        fc.pre(pk.name !== column.name)
        const readParams: unknown[] = []
        const read = accesses(`SELECT ${column.sql} FROM ${table.sql} WHERE ${pk.sql} = ${sqlOf(key, readForm, readParams)}`, readParams, table.name, pk.name)
        const writeParams: unknown[] = []
        const set = sqlOf(newValue, 'param', writeParams)
        const write = accesses(`UPDATE ${table.sql} SET ${column.sql} = ${set} WHERE ${pk.sql} = ${sqlOf(key, writeForm, writeParams)}`, writeParams, table.name, pk.name)
        const location = { table: table.name, key: { [pk.name]: key.text }, column: column.name }
        expect(read.reads).toEqual([location])
        expect(write.writes).toEqual([location])
        expect(write.reads).toEqual([])
        expect(read.reads.map(formatLocation)).toEqual(write.writes.map(formatLocation))
      },
    ),
    { seed: 20261202, numRuns: 300 },
  )
})

test('rows with different key values are disjoint locations; the same key overlaps', () => {
  fc.assert(
    fc.property(identifier, identifier, identifier, keyValue, keyValue, (table, pk, column, a, b) => {
      fc.pre(pk.name !== column.name)
      const read = accesses(`SELECT ${column.sql} FROM ${table.sql} WHERE ${pk.sql} = $1`, [a.param], table.name, pk.name)
      const write = accesses(`UPDATE ${table.sql} SET ${column.sql} = 0 WHERE ${pk.sql} = $1`, [b.param], table.name, pk.name)
      expect(locationsOverlap(read.reads[0]!, write.writes[0]!)).toBe(a.text === b.text)
    }),
    { seed: 20261203, numRuns: 300 },
  )
})

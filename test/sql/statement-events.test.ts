import { describe, expect, it } from 'vitest'
import { rowsOf, statementEvents } from '../../src/sql/statement-events.js'
import type { SqlLocation } from '../../src/sql/location.js'
import { schemaFromRows } from '../../src/sql/schema-catalog.js'
import { statementOfStack, withStatement } from '../../src/sql/statement-stack.js'

const columns = (table: string) => ({ items: ['id', 'stock', 'version'], members: ['id', 'role'] })[table]
const row = (table: string, key: Record<string, string>, column: string): SqlLocation => ({ table, key, column })
const show = (reads: SqlLocation[], writes: SqlLocation[]) => statementEvents(reads, writes, columns).map((e) => `${e.write ? 'w' : 'r'} ${e.label} ${e.scope}`)

describe('statementEvents', () => {
  it('a keyed write also writes the column of some row; a keyed read does not read it', () => {
    expect(show([row('items', { id: '1' }, 'stock')], [row('items', { id: '1' }, 'stock')])).toEqual([
      "r items[id='1'].stock row",
      "w items[id='1'].stock row",
      'w items[*].stock column',
    ])
  })

  it('* is the table’s columns, and stays * for a table it does not know', () => {
    expect(show([row('items', { id: '1' }, '*')], [])).toEqual(["r items[id='1'].id row", "r items[id='1'].stock row", "r items[id='1'].version row"])
    expect(show([row('other', { id: '1' }, '*')], [])).toEqual(["r other[id='1'].* row"])
  })

  it('a predicate reads the rows and its columns; an INSERT writes the rows first', () => {
    expect(show([{ table: 'members', predicate: true, columns: ['role'] }], [row('members', { id: '5' }, '*'), { table: 'members', predicate: true, rowSet: true }])).toEqual([
      'r members[*] rows',
      'r members[*].role column',
      'w members[*] rows',
      "w members[id='5'].id row",
      'w members[*].id column',
      "w members[id='5'].role row",
      'w members[*].role column',
    ])
  })

  it('a predicate write on no named column (DELETE … WHERE, DDL) removes rows too', () => {
    expect(show([], [{ table: 'members', predicate: true }])).toEqual(['w members[*] rows', 'w members[*].id column', 'w members[*].role column'])
  })

  it('rowsOf names each keyed row once', () => {
    expect(rowsOf([row('items', { id: '1' }, 'stock'), row('items', { id: '1' }, 'version'), { table: 'items', predicate: true }])).toEqual(["items[id='1']"])
  })
})

describe('schemaFromRows', () => {
  it('keys and columns by the names statements use; the default isolation level', () => {
    const catalog = schemaFromRows([
      { kind: 'p', nsp: 'public', name: 'items', visible: true, columns: ['id'] },
      { kind: 'u', nsp: 'public', name: 'items', visible: true, columns: '{sku,shop}' },
      { kind: 'c', nsp: 'public', name: 'items', visible: true, columns: ['id', 'sku', 'shop'] },
      { kind: 'p', nsp: 'audit', name: 'log', visible: false, columns: ['seq'] },
      { kind: 'i', nsp: '', name: 'serializable', visible: true, columns: [] },
    ])
    expect(catalog.keys).toEqual({ items: { primaryKey: ['id'], unique: [['sku', 'shop']] }, 'audit.log': { primaryKey: ['seq'] } })
    expect(catalog.columns).toEqual({ items: ['id', 'sku', 'shop'] })
    expect(catalog.defaultIsolation).toBe('serializable')
  })
})

describe('statements in stacks', () => {
  it('round-trips, on one line, and is absent from other stacks', () => {
    const stack = withStatement("SELECT 'a\nb'", 'Error\n    at f (/p/a.ts:1:1)')
    expect(statementOfStack(stack)).toBe("SELECT 'a b'")
    expect(stack.split('\n')).toHaveLength(3)
    expect(statementOfStack('Error\n    at f (/p/a.ts:1:1)')).toBeUndefined()
    expect(statementOfStack(undefined)).toBeUndefined()
  })
})

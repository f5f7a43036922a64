import { beforeAll, describe, expect, test } from 'vitest'
import { formatLocation, locationsOverlap, type SqlLocation } from '../../src/sql/location.js'
import { loadSqlParser, statementAccesses, type SchemaKeys, type StatementAccesses } from '../../src/sql/statement-accesses.js'

const keys: SchemaKeys = {
  items: { primaryKey: ['id'] },
  members: { primaryKey: ['id'], unique: [['email']] },
  counters: { primaryKey: ['name'] },
  reservations: { primaryKey: ['id'], unique: [['sku', 'user_id']] },
  order_lines: { primaryKey: ['order_id', 'line'] },
}

beforeAll(() => loadSqlParser())

function parsed(sql: string, params: readonly unknown[] = []): StatementAccesses {
  const result = statementAccesses(sql, params, keys)
  if (!result.parsed) throw new Error(`not parsed: ${result.reason}`)
  return result
}
const ids = (locations: readonly SqlLocation[]) => locations.map(formatLocation)
/** Whether a write of `b` conflicts with an access of `a` (or the other way round). */
function conflicts(a: StatementAccesses, b: StatementAccesses): boolean {
  const meet = (xs: readonly SqlLocation[], ys: readonly SqlLocation[]) => xs.some((x) => ys.some((y) => locationsOverlap(x, y)))
  return meet(a.writes, b.reads) || meet(a.reads, b.writes) || meet(a.writes, b.writes)
}

/** Race-relevant pairs as data: [first statement, its params, second statement, its params, whether they touch one location]. */
const pairs: [string, unknown[], string, unknown[], boolean][] = [
  ['SELECT stock FROM items WHERE id = $1', ['sku-1'], 'UPDATE items SET stock = $1 WHERE id = $2', [4, 'sku-1'], true],
  ['SELECT stock FROM items WHERE id = $1', ['sku-1'], 'UPDATE items SET stock = $1 WHERE id = $2', [4, 'sku-2'], false],
  ['SELECT stock FROM items WHERE id = $1 FOR UPDATE', ['sku-1'], 'UPDATE items SET stock = $1 WHERE id = $2', [4, 'sku-1'], true],
  ['SELECT stock, version FROM items WHERE id = $1', ['sku-1'], 'UPDATE items SET stock = $1, version = version + 1 WHERE id = $2 AND version = $3', [4, 'sku-1', 7], true],
  ['UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', ['sku-1'], 'UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', ['sku-1'], true],
  ["SELECT count(*) FROM members WHERE role = 'owner'", [], "INSERT INTO members (id, email, role) VALUES ($1, $2, 'owner')", ['m2', 'b@x'], true],
  ["SELECT count(*) FROM members WHERE role = 'owner'", [], "INSERT INTO items (id, stock) VALUES ($1, 1)", ['sku-9'], false],
  ['SELECT 1 FROM counters WHERE name = $1', ['hits'], 'INSERT INTO counters (name, n) VALUES ($1, 1) ON CONFLICT (name) DO NOTHING', ['hits'], true],
  ['DELETE FROM items WHERE id = $1', ['sku-1'], 'SELECT stock FROM items WHERE id = $1', ['sku-1'], true],
  ['DELETE FROM items WHERE id = $1', ['sku-1'], 'SELECT stock FROM items WHERE id = $1', ['sku-2'], false],
]

test.each(pairs)('%s %j / %s %j touch one location: %s', (first, firstParams, second, secondParams, expected) => {
  expect(conflicts(parsed(first, firstParams), parsed(second, secondParams))).toBe(expected)
})

describe('row locations from key equalities', () => {
  test("the seed's flash sale: SELECT stock then UPDATE stock name the same row location", () => {
    const read = parsed('SELECT stock FROM items WHERE id = $1', ['sku-1'])
    const write = parsed('UPDATE items SET stock = $1 WHERE id = $2', [4, 'sku-1'])
    expect(read.kind).toBe('select')
    expect(ids(read.reads)).toEqual(["items[id='sku-1'].stock"])
    expect(read.writes).toEqual([])
    expect(write.kind).toBe('update')
    expect(write.writes).toEqual([{ table: 'items', key: { id: 'sku-1' }, column: 'stock' }])
    expect(write.reads).toEqual([])
    expect(write.compareAndSwap).toEqual([])
    expect(conflicts(read, write)).toBe(true)
  })

  test('disjoint ids give disjoint locations', () => {
    const read = parsed('SELECT stock FROM items WHERE id = $1', ['sku-1'])
    const write = parsed('UPDATE items SET stock = $1 WHERE id = $2', [4, 'sku-2'])
    expect(conflicts(read, write)).toBe(false)
  })

  test('other columns of the same row are other locations', () => {
    expect(conflicts(parsed("SELECT name FROM items WHERE id = 'a'"), parsed("UPDATE items SET stock = 1 WHERE id = 'a'"))).toBe(false)
    expect(conflicts(parsed("SELECT * FROM items WHERE id = 'a'"), parsed("UPDATE items SET stock = 1 WHERE id = 'a'"))).toBe(true)
  })

  test('literals, casts, qualified names and 1 = "1" name one row', () => {
    expect(ids(parsed("SELECT i.stock FROM public.items AS i WHERE 'x'::text = i.id").reads)).toEqual(["items[id='x'].stock"])
    expect(ids(parsed('SELECT stock FROM items WHERE id = 1').reads)).toEqual(ids(parsed("SELECT stock FROM items WHERE id = '1'").reads))
    expect(ids(parsed('SELECT stock FROM items WHERE id = $1::int', [7]).reads)).toEqual(["items[id='7'].stock"])
  })

  test('a composite key, a unique key and IN lists', () => {
    expect(ids(parsed('SELECT qty FROM order_lines WHERE line = 2 AND order_id = $1', [9]).reads)).toEqual(["order_lines[line='2',order_id='9'].qty"])
    expect(ids(parsed('SELECT name FROM members WHERE email = $1', ['a@x']).reads)).toEqual(["members[email='a@x'].name"])
    expect(ids(parsed('SELECT stock FROM items WHERE id IN ($1, $2)', ['a', 'b']).reads)).toEqual(["items[id='a'].stock", "items[id='b'].stock"])
    expect(ids(parsed('SELECT stock FROM items WHERE id = ANY($1)', [['a', 'b']]).reads)).toEqual(["items[id='a'].stock", "items[id='b'].stock"])
    expect(ids(parsed("SELECT stock FROM items WHERE id = ANY(ARRAY['a'])").reads)).toEqual(["items[id='a'].stock"])
    expect(ids(parsed('SELECT stock FROM items WHERE id = ANY($1)', ['not an array']).reads)).toEqual(['items[*](id,stock)'])
  })

  test('an existence check reads the key column of the row; an INSERT of that row conflicts with it', () => {
    const check = parsed('SELECT 1 FROM items WHERE id = $1', ['a'])
    expect(ids(check.reads)).toEqual(["items[id='a'].id"])
    expect(conflicts(check, parsed("INSERT INTO items (id, stock) VALUES ('a', 1)"))).toBe(true)
    expect(conflicts(check, parsed("INSERT INTO items (id, stock) VALUES ('b', 1)"))).toBe(false)
  })

  test('an unresolved parameter, NULL or OR leaves a predicate', () => {
    expect(ids(parsed('SELECT stock FROM items WHERE id = $1', []).reads)).toEqual(['items[*](id,stock)'])
    expect(ids(parsed('SELECT stock FROM items WHERE id = NULL').reads)).toEqual(['items[*](id,stock)'])
    expect(ids(parsed("SELECT stock FROM items WHERE id = 'a' OR id = 'b'").reads)).toEqual(['items[*](id,stock)'])
    const noKeys = statementAccesses("SELECT stock FROM items WHERE id = 'a'", [], {})
    expect(noKeys.parsed && ids(noKeys.reads)).toEqual(['items[*](id,stock)'])
  })
})

describe('predicate locations', () => {
  test('a Ghost-style count of owners is a predicate read that an INSERT into members conflicts with', () => {
    const count = parsed("SELECT count(*) FROM members WHERE role = 'owner'")
    expect(count.reads).toEqual([{ table: 'members', predicate: true, columns: ['role'] }])
    const insert = parsed('INSERT INTO members (id, email, role) VALUES ($1, $2, $3)', ['m2', 'b@x', 'owner'])
    expect(ids(insert.writes)).toEqual(["members[id='m2'].*", "members[email='b@x'].*", 'members[+/-]'])
    expect(conflicts(count, insert)).toBe(true)
  })

  test('an UPDATE of a column the predicate tests conflicts with it; one of another column does not', () => {
    const count = parsed("SELECT count(*) FROM members WHERE role = 'owner'")
    expect(conflicts(count, parsed("UPDATE members SET role = 'admin' WHERE id = 'm1'"))).toBe(true)
    expect(conflicts(count, parsed("UPDATE members SET name = 'x' WHERE id = 'm1'"))).toBe(false)
    expect(conflicts(count, parsed("DELETE FROM members WHERE id = 'm1'"))).toBe(true)
    expect(conflicts(count, parsed("INSERT INTO items (id) VALUES ('m1')"))).toBe(false)
  })

  test('an INSERT of another row does not conflict with a keyed read', () => {
    expect(conflicts(parsed("SELECT stock FROM items WHERE id = 'a'"), parsed("INSERT INTO items (id, stock) VALUES ('b', 1)"))).toBe(false)
  })

  test('an UPDATE of a key column moves the row: the whole old row and the row set are written', () => {
    const rename = parsed("UPDATE members SET email = $1 WHERE id = 'm1'", ['new@x'])
    expect(ids(rename.writes)).toEqual(["members[id='m1'].*", 'members[+/-]'])
    expect(conflicts(rename, parsed('SELECT count(*) FROM members WHERE email LIKE $1', ['%@x']))).toBe(true)
  })

  test('an UPDATE through a predicate writes the column of every row', () => {
    const update = parsed("UPDATE items SET stock = 0 WHERE category = 'x'")
    expect(ids(update.writes)).toEqual(['items[*](stock)'])
    expect(ids(update.reads)).toEqual(['items[*](category)'])
    expect(conflicts(update, parsed("SELECT stock FROM items WHERE id = 'a'"))).toBe(true)
    expect(conflicts(update, parsed("SELECT name FROM items WHERE id = 'a'"))).toBe(false)
  })

  test('joins, sub-queries and CTEs read the other tables on every column', () => {
    const join = parsed('SELECT i.stock FROM items i JOIN orders o ON o.sku = i.id WHERE o.user_id = $1', [1])
    expect(ids(join.reads)).toEqual(['items[*](*)', 'orders[*](*)'])
    const sub = parsed("SELECT stock FROM items WHERE id = 'a' AND EXISTS (SELECT 1 FROM holds WHERE sku = 'a')")
    expect(ids(sub.reads)).toEqual(["items[id='a'].stock", 'holds[*](*)'])
    const cte = parsed("WITH hot AS (SELECT id FROM items WHERE stock < 5) SELECT id FROM hot")
    expect(ids(cte.reads)).toEqual(['items[*](*)'])
    const modifying = parsed("WITH gone AS (DELETE FROM holds WHERE sku = 'a' RETURNING sku) SELECT count(*) FROM gone")
    expect(ids(modifying.writes)).toEqual(['holds[*](*)'])
  })
})

describe('the semantics of the database', () => {
  test('one statement is atomic: stock = stock - 1 WHERE … AND stock > 0 reads and writes one row in one step', () => {
    const decrement = parsed('UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', ['sku-1'])
    expect(decrement.atomic).toBe(true)
    expect(ids(decrement.reads)).toEqual(["items[id='sku-1'].stock"])
    expect(ids(decrement.writes)).toEqual(["items[id='sku-1'].stock"])
    expect(decrement.compareAndSwap).toEqual(['stock'])
  })

  test('SELECT … FOR UPDATE / FOR SHARE locks the rows it names', () => {
    const forUpdate = parsed('SELECT stock FROM items WHERE id = $1 FOR UPDATE', ['sku-1'])
    expect(forUpdate.lock).toBe('update')
    expect(ids(forUpdate.reads)).toEqual(["items[id='sku-1'].stock"])
    expect(parsed('SELECT stock FROM items WHERE id = $1 FOR NO KEY UPDATE', ['a']).lock).toBe('update')
    expect(parsed('SELECT stock FROM items WHERE id = $1 FOR SHARE', ['a']).lock).toBe('share')
    expect(parsed('SELECT stock FROM items WHERE id = $1 FOR KEY SHARE', ['a']).lock).toBe('share')
    expect(parsed('SELECT stock FROM items WHERE id = $1', ['a']).lock).toBeUndefined()
  })

  test('a version-column UPDATE or DELETE is a compare-and-swap', () => {
    const update = parsed('UPDATE items SET stock = $1, version = version + 1 WHERE id = $2 AND version = $3', [3, 'sku-1', 7])
    expect(update.compareAndSwap).toEqual(['version'])
    expect(ids(update.writes)).toEqual(["items[id='sku-1'].stock", "items[id='sku-1'].version"])
    expect(ids(update.reads)).toEqual(["items[id='sku-1'].version"])
    const del = parsed('DELETE FROM items WHERE id = $1 AND version = $2', ['sku-1', 7])
    expect(del.compareAndSwap).toEqual(['version'])
    expect(ids(del.writes)).toEqual(["items[id='sku-1'].*", 'items[+/-]'])
    expect(parsed('DELETE FROM items WHERE id = $1', ['a']).compareAndSwap).toEqual([])
  })

  test('INSERT … ON CONFLICT on a unique key is an atomic check-and-insert', () => {
    const nothing = parsed('INSERT INTO reservations (id, sku, user_id) VALUES ($1, $2, $3) ON CONFLICT (sku, user_id) DO NOTHING', [1, 'a', 'u'])
    expect(nothing.onConflict).toEqual({ action: 'nothing', columns: ['sku', 'user_id'], onKey: true })
    expect(nothing.atomic).toBe(true)
    expect(ids(nothing.reads)).toEqual(["reservations[id='1'].id", "reservations[sku='a',user_id='u'].sku"])
    const upsert = parsed('INSERT INTO counters (name, n) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + excluded.n', ['hits'])
    expect(upsert.onConflict).toEqual({ action: 'update', columns: ['name'], onKey: true })
    expect(ids(upsert.reads)).toEqual(["counters[name='hits'].name", "counters[name='hits'].n"])
    expect(ids(upsert.writes)).toEqual(["counters[name='hits'].*", 'counters[+/-]'])
    expect(parsed('INSERT INTO counters (name, n) VALUES ($1, 1) ON CONFLICT DO NOTHING', ['a']).onConflict).toEqual({ action: 'nothing', onKey: true })
    expect(parsed('INSERT INTO counters (name, n) VALUES ($1, 1) ON CONFLICT ON CONSTRAINT counters_pkey DO NOTHING', ['a']).onConflict)
      .toEqual({ action: 'nothing', constraint: 'counters_pkey', onKey: true })
    expect(parsed('INSERT INTO items (id, sku) VALUES (1, 2) ON CONFLICT (sku) DO NOTHING').onConflict?.onKey).toBe(false)
    expect(parsed("INSERT INTO items (id) VALUES ('a')").onConflict).toBeUndefined()
  })

  test('INSERT … SELECT writes the row set and reads its source', () => {
    const copy = parsed("INSERT INTO items (id, stock) SELECT id, 0 FROM staged WHERE batch = 'b'")
    expect(ids(copy.writes)).toEqual(['items[+/-]'])
    expect(ids(copy.reads)).toEqual(['staged[*](*)'])
  })

  test('transactions and isolation levels', () => {
    expect(parsed('BEGIN')).toMatchObject({ kind: 'transaction', transaction: 'begin', reads: [], writes: [] })
    expect(parsed('BEGIN').isolation).toBeUndefined()
    expect(parsed('START TRANSACTION').transaction).toBe('begin')
    expect(parsed('COMMIT').transaction).toBe('commit')
    expect(parsed('END').transaction).toBe('commit')
    expect(parsed('ROLLBACK').transaction).toBe('rollback')
    expect(parsed('ROLLBACK TO SAVEPOINT s').transaction).toBeUndefined()
    expect(parsed('BEGIN ISOLATION LEVEL REPEATABLE READ')).toMatchObject({ transaction: 'begin', isolation: 'repeatable read' })
    expect(parsed('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE')).toMatchObject({ kind: 'set', isolation: 'serializable' })
    expect(parsed('SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED').isolation).toBe('read committed')
    expect(parsed('SET search_path TO app').isolation).toBeUndefined()
  })

  test('several statements in one string are not atomic, and each is kept', () => {
    const script = parsed("BEGIN; UPDATE items SET stock = 1 WHERE id = 'a'; COMMIT")
    expect(script.kind).toBe('multiple')
    expect(script.atomic).toBe(false)
    expect(script.parts?.map((part) => part.transaction ?? part.kind)).toEqual(['begin', 'update', 'commit'])
    expect(ids(script.writes)).toEqual(["items[id='a'].stock"])
  })

  test('DDL and TRUNCATE write every table they name', () => {
    expect(ids(parsed('TRUNCATE items').writes)).toEqual(['items[*](*)'])
    expect(ids(parsed('ALTER TABLE items ADD COLUMN x int').writes)).toEqual(['items[*](*)'])
    expect(parsed('SELECT 1')).toMatchObject({ kind: 'select', reads: [], writes: [] })
    expect(parsed('')).toMatchObject({ kind: 'empty', reads: [], writes: [] })
    expect(parsed('  -- nothing\n;')).toMatchObject({ kind: 'empty', reads: [], writes: [] })
  })
})

describe('reports and bad input', () => {
  test('normalized: whitespace collapsed outside quotes, parameters shown', () => {
    expect(parsed('UPDATE items\n   SET stock = $1\n WHERE id = $2;', [4, 'sku-1']).normalized).toBe("UPDATE items SET stock = $1 WHERE id = $2 ($1=4, $2='sku-1')")
    expect(parsed("SELECT 'a  b'  FROM items").normalized).toBe("SELECT 'a  b' FROM items")
  })

  test('SQL the grammar rejects gives the tables a conservative scan finds, and the reason', () => {
    expect(statementAccesses('SELEC stock FROM items WHERE id = $1', ['a'], keys)).toEqual({
      parsed: false,
      tables: ['items'],
      reason: 'syntax error at or near "SELEC"',
      normalized: "SELEC stock FROM items WHERE id = $1 ($1='a')",
    })
    const none = statementAccesses('frobnicate everything', [], keys)
    expect(none).toMatchObject({ parsed: false, tables: [] })
    expect(statementAccesses('UPDATE public.items SET x = = 1; DELETE FROM "Holds"', [], keys)).toMatchObject({ parsed: false, tables: ['items', 'Holds'] })
  })
})

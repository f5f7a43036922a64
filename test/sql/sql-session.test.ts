/**
 * What the database guarantees, on a stand-in database whose statements do nothing: which
 * statement patterns are races (reported) and which the database makes safe (silent), by
 * transaction kind, isolation level and lock. The real clients run in test/integration/sql*.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { currentContext } from '../../src/runtime/context.js'
import { fanOut } from '../../src/runtime/workers.js'
import { runStatement, type Database } from '../../src/runtime/sql-statements.js'
import { Session } from '../../src/runtime/sql-session.js'
import type { SchemaRow } from '../../src/sql/schema-catalog.js'
import { statementOfStack } from '../../src/sql/statement-stack.js'
import { inIteration } from '../runtime/in-iteration.js'

const ROWS: SchemaRow[] = [
  { kind: 'p', nsp: 'public', name: 'items', visible: true, columns: ['id'] },
  { kind: 'c', nsp: 'public', name: 'items', visible: true, columns: ['id', 'stock', 'version'] },
  { kind: 'p', nsp: 'public', name: 'members', visible: true, columns: ['id'] },
  { kind: 'u', nsp: 'public', name: 'members', visible: true, columns: ['email'] },
  { kind: 'c', nsp: 'public', name: 'members', visible: true, columns: ['id', 'team', 'email', 'role'] },
  { kind: 'p', nsp: 'public', name: 'counters', visible: true, columns: ['name'] },
  { kind: 'c', nsp: 'public', name: 'counters', visible: true, columns: ['name', 'n'] },
  { kind: 'i', nsp: '', name: 'read committed', visible: true, columns: [] },
]

let catalogReads = 0
let nextDb = 0

/** A database that runs nothing: each test gets its own, so catalogs and locks never mix. */
function fakeDb(): Database {
  return {
    key: `fake://${nextDb++}`,
    readCatalog: async () => {
      catalogReads++
      return ROWS
    },
  }
}

afterEach(() => {
  vi.restoreAllMocks()
})

/** Run `sql` as the running worker, in `session` on `db`; `stack` marks it for reports. */
function statement(db: Database, session: Session, sql: string, params: unknown[] = [], stack?: string): Promise<unknown> {
  return runStatement(currentContext()!, db, session, sql, params, stack, async () => ({ rows: [] }))
}

/** `n` workers each running `body` on its own session; the labels of the races found. */
async function racesOf(n: number, body: (db: Database, session: Session, i: number) => Promise<void>, sessionOf = () => new Session()): Promise<string[]> {
  const db = fakeDb()
  const { labels } = await inIteration((run) => fanOut(run, n, (i) => body(db, sessionOf(), i)))
  return labels
}

const lostUpdate = async (db: Database, s: Session, item: number) => {
  await statement(db, s, 'SELECT stock FROM items WHERE id = $1', [item])
  await statement(db, s, 'UPDATE items SET stock = $1 WHERE id = $2', [2, item])
}

describe('autocommit statements', () => {
  it('SELECT, await, UPDATE … SET stock = $1 of one row: a lost update', async () => {
    expect(await racesOf(2, (db, s) => lostUpdate(db, s, 1))).toEqual(["items[id='1'].stock"])
  })

  it('the same on disjoint rows: silent', async () => {
    expect(await racesOf(2, (db, s, i) => lostUpdate(db, s, i + 1))).toEqual([])
  })

  it('one atomic UPDATE … SET stock = stock - 1 WHERE … AND stock > 0: silent', async () => {
    expect(await racesOf(3, (db, s) => statement(db, s, 'UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', [1]).then(() => undefined))).toEqual([])
  })

  it('a version column (compare-and-swap): silent', async () => {
    const labels = await racesOf(3, async (db, s) => {
      await statement(db, s, 'SELECT stock, version FROM items WHERE id = $1', [1])
      await statement(db, s, 'UPDATE items SET stock = $1, version = version + 1 WHERE id = $2 AND version = $3', [2, 1, 0])
    })
    expect(labels).toEqual([])
  })

  it('count(*) of owners, await, INSERT: a check-then-insert, at the table’s rows', async () => {
    const labels = await racesOf(2, async (db, s, i) => {
      await statement(db, s, "SELECT count(*) FROM members WHERE team = $1 AND role = 'owner'", [1])
      await statement(db, s, 'INSERT INTO members (team, email, role) VALUES ($1, $2, $3)', [1, `m${i}@x`, 'owner'])
    })
    expect(labels).toContain('members[*]')
  })

  it('INSERT … ON CONFLICT DO UPDATE, after a keyed read: silent', async () => {
    const labels = await racesOf(3, async (db, s) => {
      await statement(db, s, 'SELECT n FROM counters WHERE name = $1', ['hits'])
      await statement(db, s, 'INSERT INTO counters (name, n) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1', ['hits'])
    })
    expect(labels).toEqual([])
  })

  it('SELECT * then UPDATE of one column meet: * is the table’s columns', async () => {
    const labels = await racesOf(2, async (db, s) => {
      await statement(db, s, 'SELECT * FROM items WHERE id = 1')
      await statement(db, s, 'UPDATE items SET stock = 0 WHERE id = 1')
    })
    expect(labels).toEqual(["items[id='1'].stock"])
  })
})

describe('transactions', () => {
  const inTransaction = (begin: string, select = 'SELECT stock FROM items WHERE id = $1') => async (db: Database, s: Session) => {
    await statement(db, s, begin)
    await statement(db, s, select, [1])
    await statement(db, s, 'UPDATE items SET stock = $1 WHERE id = $2', [2, 1])
    await statement(db, s, 'COMMIT')
  }

  it('READ COMMITTED does not make SELECT-then-UPDATE atomic: reported', async () => {
    expect(await racesOf(2, inTransaction('BEGIN'))).toEqual(["items[id='1'].stock"])
  })

  it('SELECT … FOR UPDATE holds the row to COMMIT: silent', async () => {
    expect(await racesOf(3, inTransaction('BEGIN', 'SELECT stock FROM items WHERE id = $1 FOR UPDATE'))).toEqual([])
  })

  it('FOR UPDATE in autocommit holds nothing: reported', async () => {
    const labels = await racesOf(2, async (db, s) => {
      await statement(db, s, 'SELECT stock FROM items WHERE id = $1 FOR UPDATE', [1])
      await statement(db, s, 'UPDATE items SET stock = $1 WHERE id = $2', [2, 1])
    })
    expect(labels).toEqual(["items[id='1'].stock"])
  })

  it.each(['BEGIN ISOLATION LEVEL REPEATABLE READ', 'BEGIN ISOLATION LEVEL SERIALIZABLE', 'START TRANSACTION ISOLATION LEVEL SERIALIZABLE'])(
    '%s turns the lost update into a serialization failure: silent',
    async (begin) => {
      expect(await racesOf(2, inTransaction(begin))).toEqual([])
    },
  )

  it('SET TRANSACTION ISOLATION LEVEL inside the transaction counts', async () => {
    const labels = await racesOf(2, async (db, s) => {
      await statement(db, s, 'BEGIN')
      await statement(db, s, 'SET TRANSACTION ISOLATION LEVEL REPEATABLE READ')
      await lostUpdate(db, s, 1)
      await statement(db, s, 'COMMIT')
    })
    expect(labels).toEqual([])
  })

  it('a check-then-insert under REPEATABLE READ is still a race (write skew); under SERIALIZABLE it is not', async () => {
    const checkThenInsert = (level: string) => async (db: Database, s: Session, i: number) => {
      await statement(db, s, `BEGIN ISOLATION LEVEL ${level}`)
      await statement(db, s, "SELECT count(*) FROM members WHERE role = 'owner'")
      await statement(db, s, 'INSERT INTO members (team, email, role) VALUES (1, $1, $2)', [`m${i}@x`, 'owner'])
      await statement(db, s, 'COMMIT')
    }
    expect(await racesOf(2, checkThenInsert('REPEATABLE READ'))).toContain('members[*]')
    expect(await racesOf(2, checkThenInsert('SERIALIZABLE'))).toEqual([])
  })

  it('after COMMIT the guard is gone: the next read-await-write is reported again', async () => {
    const labels = await racesOf(2, async (db, s) => {
      await statement(db, s, 'BEGIN ISOLATION LEVEL SERIALIZABLE')
      await statement(db, s, 'COMMIT')
      await lostUpdate(db, s, 1)
    })
    expect(labels).toEqual(["items[id='1'].stock"])
  })

  it('an exclusive transaction (PGlite’s transaction()): silent', async () => {
    expect(await racesOf(3, (db, s) => lostUpdate(db, s, 1), () => new Session(true))).toEqual([])
  })

  it('an exclusive transaction still breaks an autocommit read-await-write', async () => {
    const labels = await racesOf(2, (db, _s, i) => lostUpdate(db, i === 0 ? new Session(true) : new Session(), 1))
    expect(labels).toEqual(["items[id='1'].stock"])
  })

  it('BEGIN …; COMMIT sent as one string of statements', async () => {
    const labels = await racesOf(2, async (db, s) => {
      await statement(db, s, 'BEGIN ISOLATION LEVEL SERIALIZABLE; SELECT stock FROM items WHERE id = 1')
      await statement(db, s, 'UPDATE items SET stock = 0 WHERE id = 1; COMMIT')
    })
    expect(labels).toEqual([])
  })
})

describe('bad input and the schema', () => {
  it('SQL the grammar rejects runs, warns once naming it, and counts as reading and writing its tables', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const labels = await racesOf(2, async (db, s) => {
      await statement(db, s, "SELECT count(*) FROM members WHERE role = 'owner'")
      await statement(db, s, 'INSERT INTO members VALUES (((')
    })
    expect(labels).toContain('members[*]')
    expect(warn).toHaveBeenCalledTimes(1)
    expect(String(warn.mock.calls[0]![0])).toMatch(/could not read this statement \(syntax error.*tables members: INSERT INTO members VALUES \(\(\($/)
  })

  it('a statement the database refuses is not recorded, and its error reaches the caller unchanged', async () => {
    const db = fakeDb()
    const refused = new Error('duplicate key value violates unique constraint')
    const { labels } = await inIteration(async (run) => {
      await fanOut(run, 2, async () => {
        const s = new Session()
        await statement(db, s, 'SELECT stock FROM items WHERE id = 1')
        await expect(runStatement(currentContext()!, db, s, 'UPDATE items SET stock = 0 WHERE id = 1', [], undefined, () => Promise.reject(refused))).rejects.toBe(refused)
      })
    })
    expect(labels).toEqual([])
  })

  it('reads the schema once per database, and again after DDL', async () => {
    const db = fakeDb()
    const before = catalogReads
    await inIteration(async () => {
      const s = new Session()
      await statement(db, s, 'SELECT stock FROM items WHERE id = 1')
      await statement(db, s, 'SELECT stock FROM items WHERE id = 2')
      expect(catalogReads - before).toBe(1)
      await statement(db, s, 'ALTER TABLE items ADD COLUMN price int')
      await statement(db, s, 'SELECT stock FROM items WHERE id = 2')
      expect(catalogReads - before).toBe(2)
    })
  })

  it('an access keeps its statement in its stack for the report', async () => {
    const db = fakeDb()
    const { races } = await inIteration((run) => fanOut(run, 2, (i) => lostUpdateWithStack(db, new Session(), i)), { capture: 'all' })
    expect(races).toHaveLength(1)
    expect(statementOfStack(races[0]!.current.stack)).toBe('UPDATE items SET stock = $1 WHERE id = $2 ($1=2, $2=1)')
    expect(statementOfStack(races[0]!.span!.read.stack)).toBe('SELECT stock FROM items WHERE id = $1 ($1=1)')
  })
})

async function lostUpdateWithStack(db: Database, s: Session, i: number): Promise<void> {
  await statement(db, s, 'SELECT stock FROM items WHERE id = $1', [1], `Error\n    at worker${i} (/p/src/shop.ts:1:1)`)
  await statement(db, s, 'UPDATE items SET stock = $1 WHERE id = $2', [2, 1], `Error\n    at worker${i} (/p/src/shop.ts:2:1)`)
}

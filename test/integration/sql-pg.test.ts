/**
 * node-postgres recognised unchanged, against a real PostgreSQL server that this file starts
 * (test/integration/sql-server.ts) and stops: Pool, PoolClient and Client, transactions at
 * each isolation level, FOR UPDATE, node-style callbacks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { reportCount, runVitest, type VitestRun } from './run-vitest.js'
import { startPostgres, type PostgresServer } from './sql-server.js'

let server: PostgresServer | undefined
let r: VitestRun
beforeAll(async () => {
  server = await startPostgres()
  r = runVitest('sql-pg', ['--reporter=verbose'], { VITEST_RACE: '1', SQL_FIXTURE_PG: server.url })
}, 900_000)
afterAll(async () => {
  await server?.stop()
}, 60_000)

function reportOf(name: string): string {
  const start = r.output.indexOf(`FAIL  pg.test.ts > ${name}`)
  expect(start, `no failure of "${name}" in:\n${r.output}`).toBeGreaterThanOrEqual(0)
  return r.output.slice(start, r.output.indexOf('==================', start))
}

describe('pg against a real PostgreSQL server, under race mode', () => {
  it('fails exactly the racy tests, with exit status 66', () => {
    expect(r.output).toMatch(/Tests +4 failed \| 6 passed \(10\)/)
    expect(reportCount(r.output)).toBeGreaterThanOrEqual(4)
    for (const line of r.output.split('\n').filter((l) => /^ +[✓×] pg\.test\.ts > /.test(l))) {
      expect(line.includes('racy:'), line).toBe(line.includes('×'))
    }
    expect(r.code).toBe(66)
  })

  it('Pool#query: the lost update quotes both statements and names the SELECT', () => {
    const report = reportOf('racy: Pool#query SELECT then UPDATE')
    expect(report).toMatch(/Write at items\[id='1'\]\.stock by worker \d:\n  SQL: UPDATE items SET stock = \$1 WHERE id = \$2 \(\$1=\d, \$2=1\)\n  buyRacy  pg\.test\.ts:29:12/)
    expect(report).toContain('read it with SELECT stock FROM items WHERE id = $1 ($1=1) at pg.test.ts:28:29')
  })

  it('a READ COMMITTED transaction on a PoolClient still loses the update; FOR UPDATE makes it silent', () => {
    expect(reportOf('racy: a READ COMMITTED transaction still loses the update')).toMatch(/Write at items\[id='1'\]\.stock[^]*buyInTransaction  pg\.test\.ts:38:18/)
    expect(r.output).toMatch(/✓ pg\.test\.ts > SELECT … FOR UPDATE in a READ COMMITTED transaction/)
  })

  it('REPEATABLE READ and SERIALIZABLE: a serialization failure, not a race', () => {
    expect(r.output).toMatch(/✓ pg\.test\.ts > REPEATABLE READ: a serialization failure, not a race/)
    expect(r.output).toMatch(/✓ pg\.test\.ts > SERIALIZABLE: a serialization failure, not a race/)
  })

  it('a check-then-insert on a Client each, and node-style callbacks, are reported', () => {
    expect(reportOf('racy: count(*) of owners, then INSERT, on a Client each')).toContain('Write at members[*] by worker')
    expect(reportOf('racy: node-style callbacks')).toContain('read it with SELECT stock FROM items WHERE id = $1 ($1=1) at pg.test.ts:120:12')
  })
})

/** PGlite recognised unchanged: the fixture's statements run under race mode, racy ones reported with their SQL. */
import { beforeAll, describe, expect, it } from 'vitest'
import { reportCount, runVitest, type VitestRun } from './run-vitest.js'

let r: VitestRun
beforeAll(() => {
  r = runVitest('sql', ['pglite', '--reporter=verbose'], { VITEST_RACE: '1' })
}, 900_000)

/** The report of the test named `name`, from its failure to the separator. */
function reportOf(name: string): string {
  const start = r.output.indexOf(`FAIL  pglite.test.ts > ${name}`)
  expect(start).toBeGreaterThanOrEqual(0)
  return r.output.slice(start, r.output.indexOf('==================', start))
}

describe('PGlite under race mode', () => {
  it('fails exactly the racy tests, with exit status 66', () => {
    expect(r.output).toMatch(/Tests +4 failed \| 6 passed \(10\)/)
    expect(reportCount(r.output)).toBeGreaterThanOrEqual(4)
    for (const line of r.output.split('\n').filter((l) => /^ +[✓×] pglite\.test\.ts > /.test(l))) {
      expect(line.includes('racy:'), line).toBe(line.includes('×'))
    }
    expect(r.code).toBe(66)
  })

  it('the lost update quotes both UPDATEs and names the SELECT that read, with their lines', () => {
    const report = reportOf('racy: purchase')
    expect(report).toMatch(/Write at items\[id='1'\]\.stock by worker \d:\n  SQL: UPDATE items SET stock = \$1 WHERE id = \$2 \(\$1=\d, \$2=1\)\n  buyRacy  src\/shop\.ts:17:12/)
    expect(report).toMatch(/Previous write at items\[id='1'\]\.stock by worker \d:\n  SQL: UPDATE items SET stock = \$1 WHERE id = \$2 \(\$1=\d, \$2=1\)\n  buyRacy  src\/shop\.ts:17:12/)
    expect(report).toMatch(/Worker \d read it with SELECT stock FROM items WHERE id = \$1 \(\$1=1\) at src\/shop\.ts:14:29 and awaited at src\/shop\.ts:14:20/)
  })

  it('the check-then-insert is reported at the table’s rows, quoting the count(*)', () => {
    const report = reportOf('racy: check then insert')
    expect(report).toMatch(/Write at members\[\*\] by worker \d:\n  SQL: INSERT INTO members \(team, email, role\) VALUES \(\$1, \$2, \$3\) \(\$1=1, \$2='m\d@example\.com', \$3='owner'\)/)
    expect(report).toContain("read it with SELECT count(*)::int AS n FROM members WHERE team = $1 AND role = 'owner' ($1=1) at src/shop.ts:38:29")
  })

  it('the sql template and exec are statements too, placed at the caller’s lines', () => {
    const report = reportOf('racy: the sql template, then exec')
    expect(report).toMatch(/SQL: UPDATE items SET stock = 2 WHERE id = 1\n  pglite\.test\.ts:56:14/)
    expect(report).toContain('read it with SELECT stock FROM items WHERE id = $1 ($1=1) at pglite.test.ts:55:53')
  })

  it('a transaction() between an autocommit SELECT and UPDATE is reported', () => {
    expect(reportOf('racy: a transaction between an autocommit read and write')).toContain("Write at items[id='1'].stock")
  })
})

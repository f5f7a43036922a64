/** The end-to-end test: the README's first command, the example project under race mode. */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

it('npm run demo: racy variants report races, fixed variants pass, exit status 0', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: 'true' }
  delete env.VITEST_RACE
  const r = spawnSync('bash', ['scripts/demo.sh'], { cwd: root, env, encoding: 'utf8', timeout: 900_000 })
  // eslint-disable-next-line no-control-regex
  const out = `${r.stdout}\n${r.stderr}`.replace(/\u001b\[[0-9;]*m/g, '')
  expect(out).toContain('All 22 variants behaved as documented.')
  expect(out).toContain('Write at RacyBalanceService.balances.get("merchant-1")')
  expect(out).toContain('Write at RacyCache.entries.get("user:1")')
  expect(out).toContain('Write at RacyConnectionHolder.db')
  expect(out).toContain('RacyConfigStore.current.host')
  expect(out).toContain('Write at RacyOrderCache.loaded')
  expect(out).toContain('Write at results')
  // A plain Vitest test with no vitest-race import: every test is checked in race mode.
  expect(out).toMatch(/Write at wallets\.get\("w-1"\) \(module src\/wallet\.ts\) by task \d+:/)
  expect(out).toMatch(/Task \d+ \(finished\) started at: test\/wallet\.test\.ts:9:\d+ \(Promise\.all element 2\)/)
  // The database is shared state too: the racy purchase is reported on its statements.
  expect(out).toMatch(/✓ racy: a flash sale never oversells +race reported/)
  expect(out).toContain("Write at items[id='1'].stock by worker")
  expect(out).toMatch(/  SQL: UPDATE items SET stock = \$1 WHERE id = \$2 \(\$1=\d, \$2=1\)\n  purchaseRacy  src\/inventory\.ts:23:12/)
  expect(out).toContain('read it with SELECT stock FROM items WHERE id = $1 ($1=1) at src/inventory.ts:20:29')
  for (const fixed of ['atomic UPDATE … WHERE stock > 0', 'SELECT … FOR UPDATE in a transaction', 'optimistic locking with a version column']) {
    expect(out).toMatch(new RegExp(`✓ fixed \\(${fixed.replace(/[.*()]/g, '\\$&')}\\): a flash sale never oversells +passed`))
  }
  expect(out).toMatch(/✓ disjoint rows: buyers of different items never meet, even with the racy purchase +passed/)
  // Ghost's check-then-insert: count(*) of owners, then INSERT; fixed with ON CONFLICT on a key.
  expect(out).toMatch(/✓ racy: a team has exactly one owner +race reported/)
  expect(out).toContain('Write at members[*] by worker')
  expect(out).toContain("read it with SELECT count(*)::int AS owners FROM members WHERE team = $1 AND role = 'owner' ($1=1) at src/teams.ts:18:29")
  expect(out).toMatch(/✓ fixed \(INSERT … ON CONFLICT on the team’s key\): a team has exactly one owner +passed/)
  expect(r.status).toBe(0)
}, 900_000)

/** The end-to-end test: the README's first command, the example project under race mode. */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

it('npm run demo: racy variants report races, fixed variants pass, exit status 0', () => {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: 'true' }
  delete env.VITEST_RACE
  const r = spawnSync('bash', ['scripts/demo.sh'], { cwd: root, env, encoding: 'utf8', timeout: 300_000 })
  // eslint-disable-next-line no-control-regex
  const out = `${r.stdout}\n${r.stderr}`.replace(/\u001b\[[0-9;]*m/g, '')
  expect(out).toContain('All 19 variants behaved as documented.')
  expect(out).toContain('Write at RacyBalanceService.balances.get("merchant-1")')
  expect(out).toContain('Write at RacyCache.entries.get("user:1")')
  expect(out).toContain('Write at RacyConnectionHolder.db')
  expect(out).toContain('RacyConfigStore.current.host')
  expect(out).toContain('Write at RacyOrderCache.loaded')
  expect(out).toContain('Write at results')
  // A plain Vitest test with no vitest-race import: every test is checked in race mode.
  expect(out).toMatch(/Write at wallets\.get\("w-1"\) \(module src\/wallet\.ts\) by task \d+:/)
  expect(out).toMatch(/Task \d+ \(finished\) started at: test\/wallet\.test\.ts:9:\d+ \(Promise\.all element 2\)/)
  // The flash sale's shared state is a database: its own invariant catches the racy purchase.
  expect(out).toMatch(/✓ racy: a flash sale never oversells +failed: AssertionError/)
  expect(out).toMatch(/✓ fixed \(optimistic locking with a version column\): a flash sale never oversells +passed/)
  expect(r.status).toBe(0)
})

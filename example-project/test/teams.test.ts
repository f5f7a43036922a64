import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll } from 'vitest'
import { concurrentTest } from 'vitest-race'
import { joinClaimingOwnership, joinRacy, TEAMS_SCHEMA } from '../src/teams.js'

let pg: PGlite
beforeAll(async () => {
  pg = new PGlite()
  await pg.exec(TEAMS_SCHEMA)
}, 120_000)
afterAll(() => pg.close())

for (const [variant, join] of [
  ['racy', joinRacy],
  ['fixed (INSERT … ON CONFLICT on the team’s key)', joinClaimingOwnership],
] as const) {
  concurrentTest(`${variant}: a team has exactly one owner`, async ({ fanOut, expect }) => {
    await pg.exec('DELETE FROM members; DELETE FROM team_owners;')
    await fanOut(3, (i) => join(pg, 1, `member-${i}@example.com`))
    const owners = (await pg.query<{ n: number }>("SELECT count(*)::int AS n FROM members WHERE team = 1 AND role = 'owner'")).rows[0]!.n
    expect(owners).toBe(1)
  }, { iterations: 20, timeout: 120_000 })
}

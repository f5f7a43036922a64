/**
 * The first member of a team becomes its owner (the Ghost CMS bug: two setup requests at once
 * both saw no owner). `Db` is the part of PGlite's API used here.
 */

/** A query function, as PGlite provides it. */
export interface Db {
  query<T>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>
}

export const TEAMS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS members (id serial PRIMARY KEY, team int NOT NULL, email text NOT NULL UNIQUE, role text NOT NULL);
  CREATE TABLE IF NOT EXISTS team_owners (team int PRIMARY KEY, email text NOT NULL);
`

/** The bug: count the team's owners, then insert; two members joining at once both become owner. */
export async function joinRacy(db: Db, team: number, email: string): Promise<void> {
  const { rows } = await db.query<{ owners: number }>("SELECT count(*)::int AS owners FROM members WHERE team = $1 AND role = 'owner'", [team])
  const role = rows[0]!.owners === 0 ? 'owner' : 'member'
  await db.query('INSERT INTO members (team, email, role) VALUES ($1, $2, $3)', [team, email, role])
}

/** Fixed: claim ownership with INSERT … ON CONFLICT on the team's key: one atomic check-and-insert. */
export async function joinClaimingOwnership(db: Db, team: number, email: string): Promise<void> {
  const { rows } = await db.query<{ email: string }>('INSERT INTO team_owners (team, email) VALUES ($1, $2) ON CONFLICT (team) DO NOTHING RETURNING email', [team, email])
  const role = rows.length === 1 ? 'owner' : 'member'
  await db.query('INSERT INTO members (team, email, role) VALUES ($1, $2, $3)', [team, email, role])
}

// Cost of one database statement in race mode (src/runtime/sql-statements.ts: a scheduling
// point, the schema from its cache, the statement, its accesses recorded) against the same
// statement alone, on PGlite, all in one run: the statement sent to PGlite unwatched; then
// through the watched client as the test body of a race-mode iteration, with the parse cache
// hit (the usual case: a client sends the same few statements) and missed (the cache emptied
// before each statement); and the runtime's own part, the same path around a statement that
// does nothing. Figures: µs per statement (median of ROUNDS rounds, the cases alternating), as
// a ratio of the statement alone.
// Run: npm run build && node bench/sql-statements.mjs   (BENCH_N sets the statements per round)
import { performance } from 'node:perf_hooks'
import { PGlite } from '@electric-sql/pglite'
import { query as template } from '@electric-sql/pglite/template'
import { instrumentPGlite } from '../dist/runtime/sql-pglite.js'
import { runStatement } from '../dist/runtime/sql-statements.js'
import { Session } from '../dist/runtime/sql-session.js'
import { currentContext } from '../dist/runtime/context.js'
import { clearSqlParseCache, loadSqlParser } from '../dist/sql/statement-accesses.js'
import { iterationRun, median, num, ratio, releaseTurns, report, retainTurns, runAs } from './lib.mjs'

const N = Number(process.env.BENCH_N ?? 200)
const ROUNDS = 9
const statements = [
  ['SELECT stock FROM items WHERE id = $1', [1]],
  ['UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', [1]],
  ['UPDATE items SET stock = $1, version = version + 1 WHERE id = $2 AND version = $3', [5, 2, 0]],
  ["SELECT count(*) FROM members WHERE team = $1 AND role = 'owner'", [1]],
]

let t = performance.now()
const db = new PGlite()
await db.exec(`
  CREATE TABLE items (id int PRIMARY KEY, stock int NOT NULL, version int NOT NULL DEFAULT 0);
  CREATE TABLE members (id serial PRIMARY KEY, team int NOT NULL, email text NOT NULL UNIQUE, role text NOT NULL);
  INSERT INTO items (id, stock) SELECT i, 1000000 FROM generate_series(1, 10) i;
`)
await loadSqlParser()
const startMs = performance.now() - t

/** µs per statement of one round of `send`: N statements; `before` runs (timed) before each. */
async function round(send, before = () => {}) {
  t = performance.now()
  for (let i = 0; i < N; i++) {
    before()
    await send(...statements[i % statements.length])
  }
  return ((performance.now() - t) * 1000) / N
}

// PGlite watched, as the setup file watches it in a test worker; `query` as it was is the baseline.
const proto = Object.getPrototypeOf(Object.getPrototypeOf(db))
const original = proto.query
instrumentPGlite(proto, template)
const alone = (sql, params) => original.call(db, sql, params)
const watched = (sql, params) => db.query(sql, params)
const race = iterationRun(true)
const stress = iterationRun(false)
// The runtime's own part: the same path with a statement that does nothing.
const fake = { key: 'bench://fake', readCatalog: async () => [] }
const nothing = async () => ({ rows: [] })
const session = new Session()
const recordOnly = (sql, params) => runStatement(currentContext(), fake, session, sql, params, undefined, nothing)
const cases = {
  alone: () => round(alone),
  outside: () => round(watched),
  stress: () => runAs({ run: stress, worker: 0 }, () => round(watched)),
  hit: () => runAs({ run: race, worker: 0 }, () => round(watched)),
  miss: () => runAs({ run: race, worker: 0 }, () => round(watched, clearSqlParseCache)),
  clear: () => round(async () => {}, clearSqlParseCache),
  own: () => runAs({ run: race, worker: 0 }, () => round(recordOnly)),
}
retainTurns()
for (const run of Object.values(cases)) await run() // warm up
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]))
// Rounds alternate between the cases, so that the machine's load falls on all alike.
for (let r = 0; r < ROUNDS; r++) for (const [name, run] of Object.entries(cases)) times[name].push(await run())
releaseTurns()
await db.close()
const us = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]))
const base = us.alone

const row = (name, value) => ({
  part: 'sql',
  case: name,
  measured: `${num(value)} µs/stmt`,
  baseline: `${num(base)} µs/stmt alone`,
  ratio: ratio(value, base),
})
report({
  title: 'SQL statements in race mode',
  setup: `PGlite in this process, ${statements.length} statements (keyed SELECT, atomic UPDATE, CAS UPDATE, count(*)) in turn, ${N} per round × ${ROUNDS} rounds, median; baseline: the statement sent to PGlite unwatched, same run; starting PGlite and the parser took ${num(startMs)} ms`,
  rows: [
    row('watched, outside any iteration', us.outside),
    row('stress mode (scheduling point only)', us.stress),
    row('race mode, parse cache hit', us.hit),
    row('race mode, parse cache miss', us.miss - us.clear),
    row('race mode, the runtime alone (a statement that does nothing, cache hit)', us.own),
  ],
})

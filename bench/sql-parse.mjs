// Cost of turning one SQL statement into accesses (src/sql/statement-accesses.ts), against
// PostgreSQL's parser alone (libpg-query's parseSync), all in one run: a parse-cache miss
// (parse + analysis) and a hit (analysis only: the tree is cached by the statement's text).
// Figures: µs per statement over 20 typical statements (median of ROUNDS rounds), as a ratio
// of parseSync alone. Part of `npm run bench` (BENCH_PARTS=sql-parse runs it alone).
// Run: npm run build && node bench/sql-parse.mjs   (BENCH_N sets the passes over the 20 per round)
import { performance } from 'node:perf_hooks'
import { loadModule, parseSync } from 'libpg-query'
import { clearSqlParseCache, loadSqlParser, statementAccesses } from '../dist/sql/statement-accesses.js'
import { median, num, ratio, report } from './lib.mjs'

const N = Number(process.env.BENCH_N ?? 200)
const ROUNDS = 7
const keys = { items: { primaryKey: ['id'] }, members: { primaryKey: ['id'], unique: [['email']] }, counters: { primaryKey: ['name'] } }
const statements = [
  ['SELECT stock FROM items WHERE id = $1', ['sku-1']],
  ['SELECT stock FROM items WHERE id = $1 FOR UPDATE', ['sku-1']],
  ['SELECT stock, version FROM items WHERE id = $1 FOR SHARE', ['sku-1']],
  ['UPDATE items SET stock = stock - 1 WHERE id = $1 AND stock > 0', ['sku-1']],
  ['UPDATE items SET stock = $1 WHERE id = $2', [4, 'sku-1']],
  ['UPDATE items SET stock = $1, version = version + 1 WHERE id = $2 AND version = $3', [4, 'sku-1', 7]],
  ['UPDATE members SET name = $1, email = $2, updated_at = now() WHERE id = $3 AND version = $4', ['a', 'a@x', 1, 2]],
  ["INSERT INTO members (id, email, role) VALUES ($1, $2, 'owner')", [1, 'a@x']],
  ['INSERT INTO items (id, stock) VALUES ($1, $2) ON CONFLICT DO NOTHING', ['sku-2', 5]],
  ['INSERT INTO counters (name, n) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET n = counters.n + 1', ['hits']],
  ['DELETE FROM members WHERE id = $1', [1]],
  ['DELETE FROM items WHERE id = $1 AND version = $2', ['sku-1', 7]],
  ['BEGIN', []],
  ['COMMIT', []],
  ['ROLLBACK', []],
  ['BEGIN ISOLATION LEVEL REPEATABLE READ', []],
  ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', []],
  ["SELECT count(*) FROM members WHERE role = 'owner'", []],
  ["SELECT count(*) AS n FROM members WHERE org = $1 AND role = 'owner'", ['o1']],
  ['SELECT i.id, i.stock FROM items i JOIN orders o ON o.sku = i.id WHERE o.user_id = $1 ORDER BY i.id LIMIT 10', [1]],
]

let t = performance.now()
await loadModule()
await loadSqlParser()
const loadMs = performance.now() - t

const cases = {
  'parseSync alone': () => {
    for (const [sql] of statements) parseSync(sql)
  },
  'statementAccesses, cache miss': () => {
    for (const [sql, params] of statements) {
      clearSqlParseCache()
      statementAccesses(sql, params, keys)
    }
  },
  'statementAccesses, cache hit': () => {
    for (const [sql, params] of statements) statementAccesses(sql, params, keys)
  },
}

/** µs per statement of one case, median of ROUNDS rounds of N passes over the statements. */
function measure(run) {
  for (let i = 0; i < 20; i++) run() // warm up the JIT and the WASM tiers
  const times = []
  for (let r = 0; r < ROUNDS; r++) {
    t = performance.now()
    for (let i = 0; i < N; i++) run()
    times.push(((performance.now() - t) * 1000) / (N * statements.length))
  }
  return median(times)
}

const us = {}
for (const [name, run] of Object.entries(cases)) us[name] = measure(run)
const base = us['parseSync alone']
report({
  title: 'SQL statements as accesses',
  setup: `${statements.length} typical statements (SELECT [FOR UPDATE/SHARE], UPDATE [CAS], INSERT [ON CONFLICT], DELETE, BEGIN/COMMIT/ROLLBACK, SET TRANSACTION, count(*), a join), ${N} passes × ${ROUNDS} rounds, median; loading the parser took ${num(loadMs)} ms`,
  rows: Object.entries(us).map(([name, value]) => ({
    part: 'sql',
    case: name,
    measured: `${num(value)} µs/stmt`,
    baseline: `${num(base)} µs/stmt`,
    ratio: ratio(value, base),
  })),
})

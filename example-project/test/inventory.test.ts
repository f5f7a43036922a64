import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll } from 'vitest'
import { concurrentTest, type ConcurrentContext } from 'vitest-race'
import { purchaseAtomic, purchaseForUpdate, purchaseOptimistic, purchaseRacy, SCHEMA, type Db } from '../src/inventory.js'

let pg: PGlite
beforeAll(async () => {
  pg = new PGlite()
  await pg.exec(SCHEMA)
}, 60_000)
afterAll(() => pg.close())

/** The database with every query a scheduling point, so that buyers interleave between queries. */
function scheduledDb(scheduled: ConcurrentContext['scheduled']): Db {
  const query = scheduled(async function query(sql: string, params?: unknown[]) {
    return pg.query(sql, params)
  })
  return {
    query: query as Db['query'],
    transaction: (fn) => pg.transaction((tx) => fn({ query: scheduled(async function query(sql: string, params?: unknown[]) {
      return tx.query(sql, params)
    }) as Db['query'] })),
  }
}

const INITIAL_STOCK = 3
const BUYERS = 5

for (const [variant, purchase] of [
  ['racy', purchaseRacy],
  ['fixed (atomic UPDATE … WHERE stock > 0)', purchaseAtomic],
  ['fixed (SELECT … FOR UPDATE in a transaction)', purchaseForUpdate],
  ['fixed (optimistic locking with a version column)', purchaseOptimistic],
] as const) {
  concurrentTest(`${variant}: a flash sale never oversells`, async ({ fanOut, scheduled, expect }) => {
    await pg.exec(`DELETE FROM orders; DELETE FROM items; INSERT INTO items (id, stock) VALUES (1, ${INITIAL_STOCK});`)
    const db = scheduledDb(scheduled)
    const bought = await fanOut(BUYERS, () => purchase(db, 1))
    const stock = (await pg.query<{ stock: number }>('SELECT stock FROM items WHERE id = 1')).rows[0]!.stock
    const orders = (await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]!.n
    expect(stock).toBeGreaterThanOrEqual(0)
    expect(orders).toBe(INITIAL_STOCK - stock)
    expect(bought.filter(Boolean)).toHaveLength(INITIAL_STOCK)
  }, { iterations: 30 })
}

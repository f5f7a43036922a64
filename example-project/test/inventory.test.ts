import { PGlite } from '@electric-sql/pglite'
import { afterAll, beforeAll } from 'vitest'
import { concurrentTest } from 'vitest-race'
import { purchaseAtomic, purchaseForUpdate, purchaseOptimistic, purchaseRacy, SCHEMA } from '../src/inventory.js'

// The database is used as it is: in race mode vitest-race sees every statement.
let pg: PGlite
beforeAll(async () => {
  pg = new PGlite()
  await pg.exec(SCHEMA)
}, 120_000)
afterAll(() => pg.close())

const INITIAL_STOCK = 3
const BUYERS = 5

async function stockOf(item: number): Promise<number> {
  return (await pg.query<{ stock: number }>('SELECT stock FROM items WHERE id = $1', [item])).rows[0]!.stock
}

for (const [variant, purchase] of [
  ['racy', purchaseRacy],
  ['fixed (atomic UPDATE … WHERE stock > 0)', purchaseAtomic],
  ['fixed (SELECT … FOR UPDATE in a transaction)', purchaseForUpdate],
  ['fixed (optimistic locking with a version column)', purchaseOptimistic],
] as const) {
  concurrentTest(`${variant}: a flash sale never oversells`, async ({ fanOut, expect }) => {
    await pg.exec(`DELETE FROM orders; DELETE FROM items; INSERT INTO items (id, stock) VALUES (1, ${INITIAL_STOCK});`)
    const bought = await fanOut(BUYERS, () => purchase(pg, 1))
    const stock = await stockOf(1)
    const orders = (await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM orders')).rows[0]!.n
    expect(stock).toBeGreaterThanOrEqual(0)
    expect(orders).toBe(INITIAL_STOCK - stock)
    expect(bought.filter(Boolean)).toHaveLength(INITIAL_STOCK)
  }, { iterations: 20, timeout: 120_000 })
}

concurrentTest('disjoint rows: buyers of different items never meet, even with the racy purchase', async ({ fanOut, expect }) => {
  await pg.exec(`DELETE FROM orders; DELETE FROM items; INSERT INTO items (id, stock) VALUES (1, ${INITIAL_STOCK}), (2, ${INITIAL_STOCK});`)
  await fanOut(2, (i) => purchaseRacy(pg, i + 1))
  expect([await stockOf(1), await stockOf(2)]).toEqual([INITIAL_STOCK - 1, INITIAL_STOCK - 1])
}, { iterations: 20, timeout: 120_000 })

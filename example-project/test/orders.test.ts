import { concurrentTest } from 'vitest-race'
import { FixedOrderCache, RacyOrderCache } from '../src/orders.js'

for (const [variant, Cache] of [
  ['racy', RacyOrderCache],
  ['fixed', FixedOrderCache],
] as const) {
  concurrentTest(`${variant}: the order cache loads once and every caller sees the orders`, async ({ fanOut, scheduled, expect }) => {
    let loads = 0
    const load = scheduled(async function loadOrders() {
      loads++
      return ['order-1', 'order-2']
    })
    const cache = new Cache(load)
    const seen = await fanOut(3, () => cache.get())
    for (const orders of seen) expect(orders).toEqual(['order-1', 'order-2'])
    expect(loads).toBe(1)
  })
}

import { concurrentTest } from 'vitest-race'
import { FixedCache, RacyCache } from '../src/cache.js'

for (const [variant, Cache] of [
  ['racy', RacyCache],
  ['fixed', FixedCache],
] as const) {
  concurrentTest(`${variant}: the cache loads each key once`, async ({ fanOut, scheduled, expect }) => {
    let loads = 0
    const load = scheduled(async function load(key: string) {
      loads++
      return `profile of ${key}`
    })
    const cache = new Cache(load)
    const values = await fanOut(4, () => cache.getOrLoad('user:1'))
    expect(values).toEqual(Array(4).fill('profile of user:1'))
    expect(loads).toBe(1)
  })
}

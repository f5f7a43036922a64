import { concurrentTest } from 'vitest-race'
import { FixedConfigStore, RacyConfigStore, type Config } from '../src/config.js'

// A reader against a writer, with no read-modify-write: order dependence, which Go's rule
// (semantics: 'strict') reports and the default atomicity rule leaves to the assertion.
for (const [variant, Store] of [
  ['racy', RacyConfigStore],
  ['fixed', FixedConfigStore],
] as const) {
  concurrentTest(
    `${variant}: a reader never sees a host from one config and a port from another`,
    async ({ track, fanOut, scheduled, expect }) => {
      const next: Config = { host: 'db-2', port: 6432 }
      const fetch = scheduled(async function fetchSetting<K extends keyof Config>(key: K) {
        return next[key]
      })
      const store = track(new Store(fetch), 'config')
      const seen: Config[] = []
      await fanOut(2, async (i) => {
        if (i === 0) await store.reload()
        else seen.push(store.read())
      })
      for (const c of seen) expect([`db-1:5432`, `db-2:6432`]).toContain(`${c.host}:${c.port}`)
    },
    { semantics: 'strict' },
  )
}

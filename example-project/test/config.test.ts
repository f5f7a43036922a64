import { concurrentTest } from 'vitest-race'
import { FixedConfigStore, RacyConfigStore, type Config } from '../src/config.js'

// A reader against a writer, with no read-modify-write: order dependence, which Go's rule
// (semantics: 'strict') reports and the default atomicity rule leaves to the assertion.
// The reader serves a few requests while the reload runs, each reading the config afresh:
// stress mode, which has only the assertion, then meets the mixed config within a few
// schedules (a single read lands between the two settings in about 1 schedule in 40).
for (const [variant, Store] of [
  ['racy', RacyConfigStore],
  ['fixed', FixedConfigStore],
] as const) {
  concurrentTest(
    `${variant}: a reader never sees a host from one config and a port from another`,
    async ({ fanOut, scheduled, pause, expect }) => {
      const next: Config = { host: 'db-2', port: 6432 }
      const fetch = scheduled(async function fetchSetting<K extends keyof Config>(key: K) {
        return next[key]
      })
      const store = new Store(fetch)
      const seen: Config[] = []
      await fanOut(2, async (i) => {
        if (i === 0) await store.reload()
        else
          for (let request = 0; request < 4; request++) {
            seen.push(store.read())
            await pause()
          }
      })
      for (const c of seen) expect([`db-1:5432`, `db-2:6432`]).toContain(`${c.host}:${c.port}`)
    },
    { semantics: 'strict' },
  )
}

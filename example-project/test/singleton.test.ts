import { concurrentTest } from 'vitest-race'
import { FixedConnectionHolder, RacyConnectionHolder, type Connection } from '../src/singleton.js'

for (const [variant, Holder] of [
  ['racy', RacyConnectionHolder],
  ['fixed', FixedConnectionHolder],
] as const) {
  concurrentTest(`${variant}: the singleton connects once`, async ({ track, fanOut, scheduled, expect }) => {
    let created = 0
    const connect = scheduled(async function connect(): Promise<Connection> {
      return { id: ++created }
    })
    const holder = track(new Holder(connect), 'holder')
    const connections = await fanOut(3, () => holder.get())
    expect(new Set(connections.map((c) => c.id)).size).toBe(1)
  })
}

import { concurrentTest } from 'vitest-race'
import { FixedConnectionHolder, RacyConnectionHolder, type Connection } from '../src/singleton.js'

for (const [variant, Holder] of [
  ['racy', RacyConnectionHolder],
  ['fixed', FixedConnectionHolder],
] as const) {
  concurrentTest(`${variant}: the singleton connects once`, async ({ fanOut, scheduled, expect }) => {
    let created = 0
    const connect = scheduled(async function connect(): Promise<Connection> {
      return { id: ++created }
    })
    const holder = new Holder(connect)
    const connections = await fanOut(3, () => holder.get())
    expect(new Set(connections.map((c) => c.id)).size).toBe(1)
  })
}

import { expect, it } from 'vitest'
import { formatRace } from '../../src/report/format.js'
import type { RaceReport } from '../../src/report/race-report.js'

const frame = (fn: string | undefined, file: string, line: number, column: number) => ({ fn, file, line, column })

it('a report of database statements quotes both statements and the one that read', () => {
  const report: RaceReport = {
    location: "items[id='1'].stock",
    current: { kind: 'write', worker: 2, frames: [frame('buy', '/p/src/shop.ts', 17, 12)], statement: 'UPDATE items SET stock = $1 WHERE id = $2 ($1=2, $2=1)' },
    previous: { kind: 'write', worker: 1, frames: [frame('buy', '/p/src/shop.ts', 17, 12)], statement: 'UPDATE items SET stock = $1 WHERE id = $2 ($1=2, $2=1)' },
    span: { worker: 2, readAt: frame('buy', '/p/src/shop.ts', 14, 29), awaitedAt: null, awaited: undefined, readStatement: 'SELECT stock FROM items WHERE id = $1 ($1=1)' },
    workers: [],
    replay: 'VITEST_RACE="seed=0x7" npx vitest run',
  }
  expect(formatRace(report, { stripPathPrefix: '/p' }).split('\n')).toEqual([
    'WARNING: DATA RACE',
    "Write at items[id='1'].stock by worker 2:",
    '  SQL: UPDATE items SET stock = $1 WHERE id = $2 ($1=2, $2=1)',
    '  buy  src/shop.ts:17:12',
    "Previous write at items[id='1'].stock by worker 1:",
    '  SQL: UPDATE items SET stock = $1 WHERE id = $2 ($1=2, $2=1)',
    '  buy  src/shop.ts:17:12',
    'Worker 2 read it with SELECT stock FROM items WHERE id = $1 ($1=1) at src/shop.ts:14:29 and awaited before writing.',
    'Replay: VITEST_RACE="seed=0x7" npx vitest run',
  ])
})

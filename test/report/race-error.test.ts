/** The one way a race becomes an error, for async workers and threads alike: pure, on data. */
import { describe, expect, it } from 'vitest'
import { DataRaceError, PreviousAccess } from '../../src/report/data-race-error.js'
import { formatRaces } from '../../src/report/format.js'
import { previousAccessTitle, raceError } from '../../src/report/race-error.js'
import type { RaceReport } from '../../src/report/race-report.js'

const frame = (file: string, line: number, column: number) => ({ fn: undefined, file, line, column })
const report: RaceReport = {
  location: 'o.n',
  current: { kind: 'write', worker: 2, frames: [frame('/p/src/a.ts', 9, 11)] },
  previous: { kind: 'write', worker: 1, frames: [frame('/p/src/a.ts', 7, 3)] },
  span: null,
  workers: [],
  replay: 'VITEST_RACE="seed=0x1" npx vitest run a.test.ts -t "t"',
}
const threads: RaceReport = { ...report, location: 'balance[0]', previous: { kind: 'read', atomic: true, worker: 3, frames: null }, threads: true }
const stack = (file: string, line: number) => `Error\n    at debit (${file}:${line}:5)\n    at /own/lib/x.js:1:1`
const o = { stripPathPrefix: '/p', ownDirs: ['/own/'] }

describe('previousAccessTitle', () => {
  it('names the previous access and who made it, as the report does', () => {
    expect(previousAccessTitle(report)).toBe('Previous write at o.n by worker 1')
    expect(previousAccessTitle({ ...report, previous: { ...report.previous, worker: 0 } })).toBe('Previous write at o.n by the test body')
    expect(previousAccessTitle(threads)).toBe('Previous atomic read at balance[0] by thread 2')
    expect(previousAccessTitle({ ...threads, previous: { ...threads.previous, worker: 0 } })).toBe('Previous atomic read at balance[0] by the test')
  })
})

describe('raceError', () => {
  it('is a DataRaceError: the reports as text and data, the current access as its stack, the previous as its cause', () => {
    const e = raceError([report, threads], { current: stack('/p/src/a.ts', 9), previous: stack('/p/src/a.ts', 7) }, o)
    expect(e).toBeInstanceOf(DataRaceError)
    expect(e.message).toBe(formatRaces([report, threads], o))
    expect(e.races).toEqual([report, threads])
    expect(e.stack).toBe(`DataRaceError: ${e.message}\n    at debit (/p/src/a.ts:9:5)`)
    expect(e.cause).toBeInstanceOf(PreviousAccess)
    expect((e.cause as Error).stack).toBe('PreviousAccess: Previous write at o.n by worker 1\n    at debit (/p/src/a.ts:7:5)')
  })

  it('has no cause when the previous stack is gone, and an empty stack when the current one is', () => {
    const e = raceError([report], { current: undefined, previous: undefined }, o)
    expect(e.cause).toBeUndefined()
    expect(e.stack).toBe(`DataRaceError: ${e.message}\n`)
  })

  it("notes the iteration's own failure in one line, whatever was thrown", () => {
    const text = (error: unknown) => raceError([report], { current: undefined, previous: undefined }, { ...o, also: { error } }).message.split('\n').at(-1)
    expect(text(new TypeError('bad\nsecond line'))).toBe('The same iteration also failed: TypeError: bad')
    expect(text('a string')).toBe('The same iteration also failed: a string')
    expect(text(Symbol('s'))).toBe('The same iteration also failed: Symbol(s)')
    expect(text(undefined)).toBe('The same iteration also failed: undefined')
    expect(raceError([report], { current: undefined, previous: undefined }, o).message.split('\n').at(-1)).toBe('==================')
  })
})

/** Reports made from an iteration's outcome, written here by hand as the plain data it is: no run, no Vitest. */
import { describe, expect, it } from 'vitest'
import { DataRaceError, PreviousAccess } from '../../src/report/data-race-error.js'
import { FAILED_TO_RESTORE, formatRace, formatRaces } from '../../src/report/format.js'
import { LOST_UPDATE_TEXT } from './lost-update-text.js'
import { outcomeError, raceReports, type IterationOutcome, type OutcomeRace, type RacesOutcome } from '../../src/report/iteration-outcome.js'

/** A V8 stack text: `frames` innermost first, as `fn (file:line:col)` or bare `file:line:col`; library frames mixed in. */
function stack(...frames: string[]): string {
  return ['Error', '    at IterationRun.write (/lib/dist/runtime/iteration.js:120:7)', ...frames.map((f) => `    at ${f}`), '    at runTest (/p/node_modules/@vitest/runner/dist/index.js:1:1)'].join('\n')
}

const OWN = ['/lib/dist/']
const REPLAY = 'VITEST_RACE="seed=0x5eed1" npx vitest run test/balance.test.ts -t "debits"'

const lostUpdate: OutcomeRace = {
  location: 'svc.balances.get("merchant-1")',
  current: { kind: 'write', worker: 3, stack: stack('BalanceService.debit (/p/src/balance.ts:28:5)', '/p/test/balance.test.ts:9:48') },
  previous: { kind: 'write', worker: 2, stack: stack('BalanceService.debit (/p/src/balance.ts:28:5)') },
  span: {
    worker: 3,
    readStack: stack('BalanceService.debit (/p/src/balance.ts:24:17)'),
    readEvicted: false,
    awaited: 'scheduled audit()',
    awaitedStack: stack('BalanceService.debit (/p/src/balance.ts:26:5)'),
  },
}

const outcome: IterationOutcome = {
  races: [lostUpdate],
  workers: [
    { worker: 3, state: 'finished', origin: stack('/p/test/balance.test.ts:9:9'), fanOut: { index: 2, size: 50 } },
    { worker: 2, state: 'finished', origin: stack('/p/test/balance.test.ts:9:9'), fanOut: { index: 1, size: 50 } },
  ],
  steps: [
    { worker: 2, after: 'start', forced: false },
    { worker: 3, after: 'start', forced: false },
    { worker: 3, after: 'scheduled audit()', forced: false },
  ],
  notes: [],
  suppressed: 0,
  workersStarted: 50,
}

const text = (o: RacesOutcome) => formatRaces(raceReports(o, REPLAY, OWN), { stripPathPrefix: '/p' }).split('\n')

describe('raceReports', () => {
  it('formats a fanOut race as the Go-style report: frames without the library and the runner, workers with their fanOut index', () => {
    expect(text(outcome)).toEqual([...LOST_UPDATE_TEXT, '=================='])
  })

  it('names tasks by how they started and where, and the test body as such', () => {
    const race: OutcomeRace = {
      location: 'object.balance',
      current: { kind: 'write', worker: 4, stack: '    at debit (/p/src/ledger.ts:7:3)' },
      previous: { kind: 'read', worker: 0, stack: '    at /p/test/ledger.test.ts:12:5' },
      span: undefined,
    }
    const o: RacesOutcome = { races: [race], workers: [{ worker: 4, state: 'finished', origin: '    at /p/test/ledger.test.ts:11:20', fanOut: undefined, task: 'Promise.all element 1' }] }
    expect(text(o)).toEqual([
      'WARNING: DATA RACE',
      'Write at object.balance by task 4:',
      '  debit  src/ledger.ts:7:3',
      'Previous read at object.balance by the test body:',
      '  test/ledger.test.ts:12:5',
      'Task 4 (finished) started at: test/ledger.test.ts:11:20 (Promise.all element 1)',
      `Replay: ${REPLAY}`,
      '==================',
    ])
  })

  it('says where a stack is gone: a previous access or a read that left the history, an unknown origin', () => {
    const race: OutcomeRace = {
      ...lostUpdate,
      previous: { kind: 'write', worker: 2, stack: undefined },
      span: { ...lostUpdate.span!, readEvicted: true, awaited: undefined, awaitedStack: undefined },
    }
    const lines = text({ races: [race], workers: [{ worker: 2, state: 'running', origin: undefined, fanOut: undefined }] })
    expect(lines.slice(4)).toEqual([
      'Previous write at svc.balances.get("merchant-1") by worker 2:',
      `  ${FAILED_TO_RESTORE}`,
      'Worker 3 read it at a place whose stack could not be restored and awaited before writing.',
      `Worker 2 (running) created at: ${FAILED_TO_RESTORE}`,
      `Replay: ${REPLAY}`,
      '==================',
    ])
  })

  it('carries database statements to the report, the read included (test/sql/report-statements.test.ts has the text)', () => {
    const race: OutcomeRace = {
      location: "items[id='1'].stock",
      current: { kind: 'write', worker: 2, stack: '    at buy (/p/src/shop.ts:17:12)', statement: 'UPDATE items SET stock = $1 WHERE id = $2 ($1=2, $2=1)' },
      previous: { kind: 'write', worker: 1, stack: '    at buy (/p/src/shop.ts:17:12)', statement: 'UPDATE items SET stock = $1 WHERE id = $2 ($1=2, $2=1)' },
      span: { worker: 2, readStack: '    at buy (/p/src/shop.ts:14:29)', readEvicted: false, readStatement: 'SELECT stock FROM items WHERE id = $1 ($1=1)', awaited: undefined, awaitedStack: undefined },
    }
    const [report] = raceReports({ races: [race], workers: [] }, REPLAY, OWN)
    expect([report!.current.statement, report!.previous.statement, report!.span!.readStatement]).toEqual([race.current.statement, race.previous.statement, race.span!.readStatement])
    expect(formatRace(report!, { stripPathPrefix: '/p' })).toContain('Worker 2 read it with SELECT stock FROM items WHERE id = $1 ($1=1) at src/shop.ts:14:29 and awaited before writing.')
  })

  it('names threads, atomic accesses included, and lists no worker lines for them', () => {
    const race: OutcomeRace = {
      location: 'balance[0]',
      current: { kind: 'write', atomic: false, worker: 2, stack: '    at work (/p/test/worker.ts:5:3)' },
      previous: { kind: 'read', atomic: true, worker: 0, stack: '    at /p/test/threads.test.ts:20:7' },
      span: undefined,
    }
    const [report] = raceReports({ races: [race], workers: [], threads: true }, REPLAY, OWN)
    expect(report).toEqual({
      location: 'balance[0]',
      current: { kind: 'write', atomic: false, worker: 2, frames: [{ fn: 'work', file: '/p/test/worker.ts', line: 5, column: 3 }] },
      previous: { kind: 'read', atomic: true, worker: 0, frames: [{ fn: undefined, file: '/p/test/threads.test.ts', line: 20, column: 7 }] },
      span: null,
      workers: [],
      replay: REPLAY,
      threads: true,
    })
    expect(formatRace(report!, { stripPathPrefix: '/p' }).split('\n').slice(1, 5)).toEqual([
      'Write at balance[0] by thread 1:',
      '  work  test/worker.ts:5:3',
      'Previous atomic read at balance[0] by the test:',
      '  test/threads.test.ts:20:7',
    ])
  })

  it('is a function of the data alone: the outcome survives a structured clone and JSON, and gives the same reports after', () => {
    expect(structuredClone(outcome)).toEqual(outcome)
    const json = JSON.parse(JSON.stringify(outcome)) as IterationOutcome
    expect(raceReports(json, REPLAY, OWN)).toEqual(raceReports(outcome, REPLAY, OWN))
  })
})

describe('outcomeError', () => {
  it("is the DataRaceError of the reports: the first race's current stack as its stack, the previous one's as its cause", () => {
    const e = outcomeError(outcome, { replay: REPLAY, stripPathPrefix: '/p', ownDirs: OWN })
    expect(e).toBeInstanceOf(DataRaceError)
    expect(e.message).toBe(text(outcome).join('\n'))
    expect(e.races).toEqual(raceReports(outcome, REPLAY, OWN))
    expect(e.stack).toBe(`DataRaceError: ${e.message}\n    at BalanceService.debit (/p/src/balance.ts:28:5)\n    at /p/test/balance.test.ts:9:48`)
    expect(e.cause).toBeInstanceOf(PreviousAccess)
    expect((e.cause as Error).stack).toBe('PreviousAccess: Previous write at svc.balances.get("merchant-1") by worker 2\n    at BalanceService.debit (/p/src/balance.ts:28:5)')
  })

  it("notes the iteration's own failure, and has no cause when the previous stack is gone", () => {
    const gone: RacesOutcome = { ...outcome, races: [{ ...lostUpdate, previous: { ...lostUpdate.previous, stack: undefined } }] }
    const e = outcomeError(gone, { replay: REPLAY, stripPathPrefix: '/p', ownDirs: OWN, also: { error: new TypeError('bad') } })
    expect(e.cause).toBeUndefined()
    expect(e.message.split('\n').at(-1)).toBe('The same iteration also failed: TypeError: bad')
  })
})

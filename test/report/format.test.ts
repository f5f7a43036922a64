import { describe, expect, it } from 'vitest'
import { formatRace, formatRaces, FAILED_TO_RESTORE } from '../../src/report/format.js'
import { parseStack, userFrames } from '../../src/report/frames.js'
import type { RaceReport } from '../../src/report/race-report.js'
import { LOST_UPDATE_TEXT } from './lost-update-text.js'

const frame = (fn: string | undefined, file: string, line: number, column: number) => ({ fn, file, line, column })

const report: RaceReport = {
  location: 'svc.balances.get("merchant-1")',
  current: { kind: 'write', worker: 3, frames: [frame('BalanceService.debit', '/p/src/balance.ts', 28, 5), frame(undefined, '/p/test/balance.test.ts', 9, 48)] },
  previous: { kind: 'write', worker: 2, frames: [frame('BalanceService.debit', '/p/src/balance.ts', 28, 5)] },
  span: { worker: 3, readAt: frame('x', '/p/src/balance.ts', 24, 17), awaitedAt: frame('x', '/p/src/balance.ts', 26, 5), awaited: 'scheduled audit()' },
  workers: [
    { worker: 3, state: 'finished', createdAt: [frame(undefined, '/p/test/balance.test.ts', 9, 9)], fanOut: { index: 2, size: 50 } },
    { worker: 2, state: 'finished', createdAt: [frame(undefined, '/p/test/balance.test.ts', 9, 9)], fanOut: { index: 1, size: 50 } },
  ],
  replay: 'VITEST_RACE="seed=0x5eed1" npx vitest run test/balance.test.ts -t "debits"',
}

describe('formatRace', () => {
  it('prints the Go-style report with paths relative to the prefix', () => {
    expect(formatRace(report, { stripPathPrefix: '/p' })).toBe(LOST_UPDATE_TEXT.join('\n'))
  })

  it('says when a stack could not be restored, and names the test body', () => {
    const text = formatRace(
      { ...report, previous: { kind: 'write', worker: 0, frames: null }, span: { ...report.span!, readAt: null, awaitedAt: null, awaited: undefined }, workers: [report.workers[0]!] },
      { stripPathPrefix: '' },
    )
    expect(text).toContain(`Previous write at svc.balances.get("merchant-1") by the test body:\n  ${FAILED_TO_RESTORE}`)
    expect(text).toContain('Worker 3 read it at a place whose stack could not be restored and awaited before writing.')
  })

  it('an error message of several reports begins with WARNING: DATA RACE and ends each with a separator', () => {
    const text = formatRaces([report, report], { stripPathPrefix: '' })
    expect(text.startsWith('WARNING: DATA RACE\n')).toBe(true)
    expect(text.split('\n==================').length).toBe(3)
    expect(text.endsWith('\n==================')).toBe(true)
  })

  it('no line starts with "at " (Vitest would parse it as a frame)', () => {
    for (const line of formatRace(report, { stripPathPrefix: '' }).split('\n')) expect(line).not.toMatch(/^\s*at /)
  })
})

describe('stack frames', () => {
  const stack = [
    'Error',
    '    at Tracker.read (/repo/dist/runtime/track.js:10:5)',
    '    at Proxy.debit (/app/src/balance.ts:28:5)',
    '    at async Promise.all (index 0)',
    '    at file:///app/test/balance.test.ts:9:48',
    '    at new Promise (<anonymous>)',
    '    at run (/app/node_modules/@vitest/runner/dist/index.js:1:1)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  ].join('\n')

  it('parses V8 frames, with and without a function name', () => {
    expect(parseStack(stack).map((f) => `${f.fn ?? '-'} ${f.file}:${f.line}`)).toEqual([
      'Tracker.read /repo/dist/runtime/track.js:10',
      'Proxy.debit /app/src/balance.ts:28',
      '- /app/test/balance.test.ts:9',
      'run /app/node_modules/@vitest/runner/dist/index.js:1',
      'process.processTicksAndRejections node:internal/process/task_queues:95',
    ])
  })

  it('keeps only user frames', () => {
    expect(userFrames(stack, ['/repo/dist/']).map((f) => f.file)).toEqual(['/app/src/balance.ts', '/app/test/balance.test.ts'])
  })
})

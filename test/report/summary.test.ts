import { describe, expect, it } from 'vitest'
import { FAILED_TO_RESTORE } from '../../src/report/format.js'
import type { RaceReport } from '../../src/report/race-report.js'
import { formatSummary } from '../../src/report/summary.js'
import { colourWanted, paintFor } from '../../src/terminal-paint.js'

const frame = (file: string, line: number, column: number) => ({ fn: undefined, file, line, column })
const report: RaceReport = {
  location: 'stock.apples',
  current: { kind: 'write', worker: 2, frames: [frame('/p/test/a.test.ts', 9, 11)] },
  previous: { kind: 'write', worker: 1, frames: null },
  span: null,
  workers: [],
  replay: 'VITEST_RACE="seed=0x1" npx vitest run test/a.test.ts -t "t"',
}

describe('the run summary', () => {
  it('counts the races and gives one line per race: test, location, current ~ previous', () => {
    expect(formatSummary([{ test: 'suite > t', report }], '/p')).toEqual(['', 'Found 1 data race(s)', `  suite > t: stock.apples test/a.test.ts:9:11 ~ ${FAILED_TO_RESTORE}`])
  })

  it('is coloured through the paint it is given, plain without one', () => {
    const [, header, line] = formatSummary([{ test: 't', report }], '/p', paintFor(true))
    expect(header).toBe('\u001b[1m\u001b[31mFound 1 data race(s)\u001b[39m\u001b[22m')
    expect(line).toContain('\u001b[33mstock.apples\u001b[39m')
    expect(line).toContain('\u001b[36mtest/a.test.ts:9:11\u001b[39m')
    expect(formatSummary([{ test: 't', report }], '/p', paintFor(false)).join('\n')).not.toMatch(/\u001b\[/)
  })
})

describe('colour, decided as Vitest decides it', () => {
  it.each([
    [{ env: {}, tty: true, ci: false }, true],
    [{ env: {}, tty: false, ci: false }, false],
    [{ env: {}, tty: true, ci: true }, false],
    [{ env: { TERM: 'dumb' }, tty: true, ci: false }, false],
    [{ env: { NO_COLOR: '1' }, tty: true, ci: false }, false],
    [{ env: { FORCE_COLOR: '1' }, tty: false, ci: true }, true],
    [{ env: { NO_COLOR: '1', FORCE_COLOR: '1' }, tty: true, ci: false }, false],
  ])('%o: %s', (environment, wanted) => {
    expect(colourWanted(environment)).toBe(wanted)
  })
})

import { describe, expect, it } from 'vitest'
import { runVitest } from './run-vitest.js'

/** The interleaving block of an output: its header line and numbered steps. */
function interleaving(output: string): { lines: string[]; minimal: number; first: number } {
  const m = /Minimal interleaving \((\d+) steps; the first failing run took (\d+)\):\n((?: {2}\d+\. .*\n)+)/.exec(output)
  if (m === null) throw new Error(`no interleaving in:\n${output}`)
  return { lines: m[3]!.trimEnd().split('\n'), minimal: Number(m[1]), first: Number(m[2]) }
}

function replayEnv(output: string): string {
  const m = /Replay: VITEST_RACE="([^"]+)"/.exec(output)
  if (m === null) throw new Error(`no replay line in:\n${output}`)
  return m[1]!
}

describe.each([
  ['ready-flag', /AssertionError: expected \[\] to have a length of 2/],
  ['crawler', /AssertionError: expected \[ '\/a', '\/b' \] to deeply equal/],
  ['callback-twice', /AssertionError: expected \[ '\w+', '\w+' \] to have a length of 1 but got 2/],
  ['last-launched', /AssertionError: expected 'results for vitest' to be 'results for vitest-race'/],
])('%s: a bug only an assertion reveals', (fixture, failure) => {
  const first = runVitest('exploration', [fixture])

  it('is found within the default iterations by the default strategy, and shrunk', () => {
    expect(first.code).toBe(1)
    expect(first.output).toMatch(failure)
    expect(first.output).toMatch(/failed in stress mode on run (\d+) \(seed 0x1, path [\d:]+, random strategy\), shrunk \d+ times\./)
    const run = Number(/on run (\d+)/.exec(first.output)![1])
    expect(run).toBeLessThanOrEqual(51)
    const { lines, minimal, first: original } = interleaving(first.output)
    expect(minimal).toBeLessThanOrEqual(original)
    expect(lines).toHaveLength(Math.min(minimal, 60))
  })

  it('replays to the same failure with a byte-identical step log, every time', () => {
    const env = replayEnv(first.output)
    expect(env).toMatch(/^race=0 seed=0x1 path=[\d:]+$/)
    const again = runVitest('exploration', [fixture], { VITEST_RACE: env })
    const third = runVitest('exploration', [fixture], { VITEST_RACE: env })
    expect(again.output).toMatch(failure)
    expect(interleaving(again.output).lines).toEqual(interleaving(first.output).lines)
    expect(interleaving(third.output).lines).toEqual(interleaving(first.output).lines)
  })
})

describe.each(['pct', 'exhaustive'])('the %s strategy', (strategy) => {
  it.each(['ready-flag', 'crawler', 'callback-twice', 'last-launched'])('finds %s', (fixture) => {
    const r = runVitest('exploration', [fixture], { VITEST_RACE: `race=0 strategy=${strategy}` })
    expect(r.code).toBe(1)
    expect(r.output).toContain('AssertionError')
    expect(r.output).toMatch(strategy === 'pct' ? /, pct strategy\), shrunk \d+ times\./ : /on interleaving \d+ of the exhaustive search\./)
    expect(replayEnv(r.output)).toContain(`strategy=${strategy}`)
  })
})

describe('the exhaustive strategy', () => {
  it('fails clearly when a test has more interleavings than maxInterleavings', () => {
    const r = runVitest('core', ['debit-mutex'], { VITEST_RACE: 'race=0 strategy=exhaustive max_interleavings=50' })
    expect(r.code).toBe(1)
    expect(r.output).toContain(
      "vitest-race: the exhaustive strategy found more than maxInterleavings = 50 interleavings; raise maxInterleavings, make the test smaller, or use strategy 'random' or 'pct'.",
    )
  })

  it('passes a correct test after walking all of its interleavings', () => {
    const r = runVitest('core', ['singleton-fixed'], { VITEST_RACE: 'strategy=exhaustive' })
    expect(r.output).toContain('1 passed')
    expect(r.code).toBe(0)
  })
})

describe('concurrentTest.prop', () => {
  it('shrinks the property inputs together with the schedule, and replays both', () => {
    const r = runVitest('exploration', ['prop'])
    expect(r.code).toBe(1)
    expect(r.output).toMatch(/AssertionError: expected -\d+ to be greater than or equal to 0/)
    expect(r.output).toContain('Inputs: [501]')
    const again = runVitest('exploration', ['prop'], { VITEST_RACE: replayEnv(r.output) })
    expect(again.output).toContain('Inputs: [501]')
    expect(interleaving(again.output).lines).toEqual(interleaving(r.output).lines)
  })
})

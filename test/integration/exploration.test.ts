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

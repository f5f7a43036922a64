/**
 * Nothing lost: in race mode every call goes through the call hook, which added a frame under
 * each call and placed the calling frame at an unmapped position. Before, a failure seven
 * calls deep showed `Object.f` (vitest-race) between the user's frames and lost the outer half
 * of them, the test's own line among them, and a call at the start of a line showed the
 * generated line, and a `callsites`-style lookup of the caller found vitest-race's file. Now
 * the frames Vitest prints, an error's `stack` and the call sites a library reads are the same
 * as without the detector: every function, line and column.
 */
import { describe, expect, it } from 'vitest'
import { runVitest } from './run-vitest.js'

const FRAMES = [
  '❯ check src/deep.ts:24:20',
  '❯ level6 src/deep.ts:20:3',
  '❯ level5 src/deep.ts:17:10',
  '❯ level4 src/deep.ts:14:10',
  '❯ level3 src/deep.ts:10:13',
  '❯ level2 src/deep.ts:7:10',
  '❯ level1 src/deep.ts:4:10',
  '❯ handler src/deep.ts:28:10',
  '❯ test/deep.test.ts:33:3',
]

/** The frame lines Vitest prints under the failure. */
function printedFrames(output: string): string[] {
  return output.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('❯ ') && !l.startsWith('❯ test/deep.test.ts (')).map((l) => l.replace(/\s+/g, ' '))
}

describe('stacks in race mode are the stacks without it', () => {
  for (const race of [false, true]) {
    it(`${race ? 'race' : 'stress'} mode: the printed frames, and the stack the test reads`, () => {
      const run = runVitest('stacks', [], race ? { VITEST_RACE: '1' } : {})
      expect(run.output).toContain('1 failed | 2 passed')
      expect(printedFrames(run.output)).toEqual(FRAMES)
      expect(run.output).not.toContain('access-hooks')
      expect(run.code).toBe(1)
    })
  }
})

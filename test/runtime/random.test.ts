import { describe, expect, it } from 'vitest'
import { Random } from '../../src/runtime/random.js'
import { pauseDecisions } from '../../src/threads/stress-pauses.js'
import { withVitestSeed } from '../../src/vitest-seed.js'
import { DEFAULT_SETTINGS } from '../../src/options.js'

const take = (r: Random, n: number) => Array.from({ length: n }, () => r.int(1000))

describe('seeded randomness (pure-rand)', () => {
  it('one seed, one stream, on every machine (pinned: a change here changes every replay)', () => {
    expect(take(new Random(1), 6)).toEqual(take(new Random(1), 6))
    expect(take(new Random(1), 6)).toMatchInlineSnapshot(`
      [
        151,
        332,
        701,
        54,
        143,
        294,
      ]
    `)
  })

  it('nearby seeds give unrelated streams; values stay in range', () => {
    const firsts = new Set(Array.from({ length: 20 }, (_, seed) => take(new Random(seed), 4).join(',')))
    expect(firsts.size).toBe(20)
    for (const v of take(new Random(0xffffffff), 1000)) expect(v >= 0 && v < 1000 && Number.isInteger(v)).toBe(true)
  })

  it('thread pause decisions are unsigned 32-bit numbers from the same generator', () => {
    const next = pauseDecisions(7)
    const values = Array.from({ length: 100 }, next)
    for (const v of values) expect(v >>> 0).toBe(v)
    expect(new Set(values).size).toBe(100)
  })
})

describe("Vitest's sequence.seed", () => {
  it('seeds a run that has no race seed, as an unsigned 32-bit integer; a race seed wins', () => {
    expect(withVitestSeed(DEFAULT_SETTINGS, 4660).seed).toBe(4660)
    expect(withVitestSeed(DEFAULT_SETTINGS, 1_800_000_000_123).seed).toBe(1_800_000_000_123 % 0x100000000)
    expect(withVitestSeed({ ...DEFAULT_SETTINGS, seed: 7 }, 4660).seed).toBe(7)
    expect(withVitestSeed(DEFAULT_SETTINGS, undefined).seed).toBeUndefined()
  })
})

/**
 * Seeds, and the seeded generator every random choice outside fast-check uses: pure-rand's
 * xoroshiro128+ (the generator fast-check itself draws from), so each seed replays the same
 * stream on every machine.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt'
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus'
import { safeMathRandom } from './builtins.js'

/** A seed printed the way users pass it back: `0x5eed1`. */
export function formatSeed(seed: number): string {
  return `0x${seed.toString(16)}`
}

/** A fresh seed for a run that was given none. */
export function randomSeed(): number {
  return (safeMathRandom() * 0x100000000) >>> 0
}

/** A deterministic stream of numbers from a seed. */
export class Random {
  private readonly rng: ReturnType<typeof xoroshiro128plus>

  constructor(seed: number) {
    this.rng = xoroshiro128plus(seed | 0)
    // Its first outputs follow the seed closely (nearby seeds, nearby streams): one jump
    // (2^64 steps ahead) mixes them, so consecutive seeds explore unrelated schedules.
    this.rng.jump()
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return uniformInt(this.rng, 0, n - 1)
  }

  /** A uniform unsigned 32-bit integer. */
  uint32(): number {
    return this.rng.next() >>> 0
  }
}

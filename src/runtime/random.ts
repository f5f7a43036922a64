/** Seeds and a small seeded generator (xorshift32 mixed by a splitmix step). */
import { safeMathRandom } from './builtins.js'


/** A seed printed the way users pass it back: `0x5eed1`. */
export function formatSeed(seed: number): string {
  return `0x${seed.toString(16)}`
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d)
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b)
  return (x ^ (x >>> 16)) >>> 0
}


/** A fresh seed for a run that was given none. */
export function randomSeed(): number {
  return (safeMathRandom() * 0x100000000) >>> 0
}

/** A deterministic stream of numbers from a seed. */
export class Random {
  private state: number
  constructor(seed: number) {
    this.state = mix(seed) || 0x1234567
  }
  /** A uniform integer in [0, n). */
  int(n: number): number {
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return mix(this.state) % n
  }
}

/**
 * Vector clocks, FastTrack style: a worker's clock is an immutable snapshot array
 * (shared by every access recorded until the worker next synchronises) plus its own
 * current component, kept apart so that ordinary accesses never copy an array.
 */

/** An immutable vector clock: `vc[w]` is the last clock of worker `w` known to be ordered before. */
export type VectorClock = readonly number[]

/** The empty clock: nothing known. */
export const EMPTY_CLOCK: VectorClock = Object.freeze([])

/** Component `w` of `vc` (0 when the clock has never heard of `w`). */
export function clockOf(vc: VectorClock, w: number): number {
  return w < vc.length ? vc[w]! : 0
}

/** `vc` with component `w` raised to at least `value`; returns `vc` itself when nothing changes. */
export function withComponent(vc: VectorClock, w: number, value: number): VectorClock {
  if (clockOf(vc, w) >= value) return vc
  const out = vc.slice()
  while (out.length <= w) out.push(0)
  out[w] = value
  return out
}

/** The pointwise maximum of `a` and `b`; returns `a` itself when `b` adds nothing. */
export function joinClocks(a: VectorClock, b: VectorClock): VectorClock {
  let out: number[] | null = null
  for (let i = 0; i < b.length; i++) {
    const v = b[i]!
    if (v > clockOf(out ?? a, i)) {
      if (out === null) {
        out = a.slice()
        while (out.length < b.length) out.push(0)
      }
      out[i] = v
    }
  }
  return out ?? a
}

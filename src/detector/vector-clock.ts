/**
 * Vector clocks, FastTrack style: a worker's clock is an immutable snapshot array
 * (shared by every access recorded until the worker next synchronises) plus its own
 * current component, kept apart so that ordinary accesses never copy an array.
 */

/** An immutable vector clock: `vc[w]` is the last clock of worker `w` known to be ordered before. */
export type VectorClock = readonly number[]

/** The empty clock: nothing known. */
export const EMPTY_CLOCK: VectorClock = Object.freeze([])

/**
 * A mutable copy of `vc`. A plain loop, not `slice`: the detector runs inside the user's test,
 * where `Array.prototype` may be patched (and it imports nothing, so it captures nothing).
 */
export function copyOf(vc: VectorClock): number[] {
  const out = new Array<number>(vc.length)
  for (let i = 0; i < vc.length; i++) out[i] = vc[i]!
  return out
}

/** Component `w` of `vc` (0 when the clock has never heard of `w`). */
export function clockOf(vc: VectorClock, w: number): number {
  return w < vc.length ? vc[w]! : 0
}

/** `vc` with component `w` raised to at least `value`; returns `vc` itself when nothing changes. */
export function withComponent(vc: VectorClock, w: number, value: number): VectorClock {
  if (clockOf(vc, w) >= value) return vc
  const out = copyOf(vc)
  for (let i = out.length; i <= w; i++) out[i] = 0
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
        out = copyOf(a)
        for (let j = out.length; j < b.length; j++) out[j] = 0
      }
      out[i] = v
    }
  }
  return out ?? a
}

/**
 * Raise `out` (a clock its owner may change in place) to the pointwise maximum with `b`, and
 * component `w` of it to at least `value` (w < 0: none). Returns whether anything changed.
 * The mutable counterpart of `joinClocks(out, withComponent(b, w, value))`, without the two
 * intermediate arrays: joining n workers one after the other stays linear in n.
 */
export function joinInto(out: number[], b: VectorClock, w: number, value: number): boolean {
  let changed = false
  const needed = w >= b.length ? w + 1 : b.length
  for (let i = out.length; i < needed; i++) out[i] = 0
  for (let i = 0; i < b.length; i++) {
    const v = b[i]!
    if (v > out[i]!) {
      out[i] = v
      changed = true
    }
  }
  if (w >= 0 && value > out[w]!) {
    out[w] = value
    changed = true
  }
  return changed
}

/** Whether `a` knows at least everything `b` (plus component `w` at `value`) knows. */
export function covers(a: VectorClock, b: VectorClock, w: number, value: number): boolean {
  if (w >= 0 && clockOf(a, w) < value) return false
  for (let i = 0; i < b.length; i++) if (b[i]! > clockOf(a, i)) return false
  return true
}

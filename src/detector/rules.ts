/**
 * The race rules, as pure functions of shadow state. DESIGN §2, the atomicity rule:
 * worker A writes L in turn t2, A's last read of L (since A's own previous write) was in
 * an earlier turn t1, and some write of L by another worker B is neither happens-before
 * A's read nor happens-after A's write. Predictive: B's write need not land in between.
 */
import { clockOf, type VectorClock } from './vector-clock.js'
import type { AccessRecord, Location, SpanRecord } from './shadow.js'

/** Whether access `e` happens-before an event of `worker` whose clock snapshot is `vc`. */
export function orderedBefore(e: AccessRecord, worker: number, vc: VectorClock): boolean {
  // Same worker: program order. Otherwise the observer must have synchronised with
  // e's worker at or after e's clock (a release after e published that clock).
  return e.worker === worker || clockOf(vc, e.worker) >= e.clock
}

/** A broken read-await-write span and the write that breaks it. */
export interface AtomicityViolation {
  /** The other worker's write that may land inside `span`. */
  readonly other: AccessRecord
  readonly span: SpanRecord
}

/**
 * The atomicity violations that the write `write` to `loc` reveals, given the span it
 * closes (when the writer's last read of `loc` was in an earlier turn). Two directions:
 * the writer's own span broken by an earlier unordered write (the earlier write is not
 * happens-before the read), and an earlier span of another worker broken by this write
 * (this write is not happens-after that span's write; being later in the trace, it cannot
 * be happens-before that span's read).
 */
export function atomicityViolations(
  loc: Location,
  write: AccessRecord,
  span: SpanRecord | undefined,
): AtomicityViolation[] {
  let found: AtomicityViolation[] | undefined
  // Index loops and index assignment, not `for…of` and `push`: the detector runs inside the
  // user's test, where `Array.prototype` may be patched (and it imports nothing to capture them).
  if (span !== undefined) {
    const writes = loc.writes
    for (let i = 0; i < writes.length; i++) {
      const other = writes[i]!
      if (!orderedBefore(other, write.worker, span.read.vc)) (found ??= [])[found.length] = { other, span }
    }
  }
  const spans = loc.spans
  for (let i = 0; i < spans.length; i++) {
    const s = spans[i]!
    if (!orderedBefore(s.write, write.worker, write.vc)) (found ??= [])[found.length] = { other: s.write, span: s }
  }
  return found ?? NONE
}

const NONE: AtomicityViolation[] = []

/**
 * Go's rule (`semantics: 'strict'`): the earlier accesses of other workers in `earlier` that
 * conflict with `access` (at least one of the two is a write, not both atomic) and are not
 * ordered before it.
 */
export function strictConflicts(earlier: readonly AccessRecord[], access: AccessRecord): AccessRecord[] {
  let found: AccessRecord[] | undefined
  for (let i = 0; i < earlier.length; i++) {
    const e = earlier[i]!
    if (e.worker === access.worker || (e.kind === 'read' && access.kind === 'read') || (e.atomic && access.atomic)) continue
    if (!orderedBefore(e, access.worker, access.vc)) (found ??= [])[found.length] = e
  }
  return found ?? NO_ACCESSES
}

const NO_ACCESSES: AccessRecord[] = []

/**
 * The detector against a brute-force oracle: random traces of workers, turns, locks,
 * forks and joins; the oracle computes a full vector clock per event and applies the
 * atomicity rule of DESIGN §2 literally, over every pair of events. Both must agree on
 * which locations race, for every trace.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Detector, MAIN_WORKER, SyncClock } from '../../src/detector/detector.js'

type Op =
  | { kind: 'read' | 'write'; loc: number }
  | { kind: 'lock' | 'unlock'; m: number }
  | { kind: 'join'; target: number }

interface Step {
  worker: number
  ops: Op[]
}

const WORKERS = 4 // 0 is the test body
/** Enough workers that a location's lists grow past the size where they keep an index by worker. */
const MANY_WORKERS = 14
const LOCS = 3
const MUTEXES = 2

interface Trace {
  readonly workers: number
  readonly prefix: Step[]
  readonly steps: Step[]
}

function traceArbitrary(workers: number, minSteps: number, maxSteps: number): fc.Arbitrary<Trace> {
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    { weight: 6, arbitrary: fc.record({ kind: fc.constantFrom('read' as const, 'write' as const), loc: fc.nat(LOCS - 1) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('lock' as const, 'unlock' as const), m: fc.nat(MUTEXES - 1) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('join' as const), target: fc.integer({ min: 1, max: workers - 1 }) }) },
  )
  const stepArb: fc.Arbitrary<Step> = fc.record({
    worker: fc.nat(workers - 1),
    ops: fc.array(opArb, { minLength: 1, maxLength: 3 }),
  })
  return fc.record({
    workers: fc.constant(workers),
    prefix: fc.array(stepArb.map((s) => ({ ...s, worker: 0 })), { maxLength: 2 }),
    steps: fc.array(stepArb, { minLength: minSteps, maxLength: maxSteps }),
  })
}

const traceArb = traceArbitrary(WORKERS, 0, 14)

type Event =
  | { type: 'access'; worker: number; kind: 'read' | 'write'; loc: number; turn: number }
  | { type: 'acquire' | 'release'; worker: number; m: number }
  | { type: 'fork' | 'join'; worker: number; other: number }

/** Turn a generated trace into a valid event sequence (locks held correctly, joins of live workers). */
function toEvents(trace: Trace): Event[] {
  const events: Event[] = []
  const holder: (number | null)[] = Array(MUTEXES).fill(null)
  const finished = new Set<number>()
  let forked = false
  let turn = 0
  const run = (step: Step) => {
    if (finished.has(step.worker)) return
    turn++
    for (const op of step.ops) {
      if (op.kind === 'read' || op.kind === 'write') {
        events.push({ type: 'access', worker: step.worker, kind: op.kind, loc: op.loc, turn })
      } else if (op.kind === 'lock' && holder[op.m] === null) {
        holder[op.m] = step.worker
        events.push({ type: 'acquire', worker: step.worker, m: op.m })
      } else if (op.kind === 'unlock' && holder[op.m] === step.worker) {
        holder[op.m] = null
        events.push({ type: 'release', worker: step.worker, m: op.m })
      } else if (op.kind === 'join' && forked && step.worker === 0 && !finished.has(op.target) && !holder.includes(op.target)) {
        finished.add(op.target)
        events.push({ type: 'join', worker: 0, other: op.target })
      }
    }
  }
  trace.prefix.forEach(run)
  for (let w = 1; w < trace.workers; w++) events.push({ type: 'fork', worker: 0, other: w })
  forked = true
  trace.steps.forEach(run)
  return events
}

function detectorRaces(events: Event[], semantics: 'atomicity' | 'strict' = 'atomicity'): Set<number> {
  const d = new Detector({ historySize: 1, semantics })
  const locs = Array.from({ length: LOCS }, (_, i) => d.location(String(i)))
  const mutexes = Array.from({ length: MUTEXES }, () => new SyncClock())
  const ids = new Map<number, number>([[0, MAIN_WORKER]])
  for (const e of events) {
    const w = ids.get(e.worker)!
    if (e.type === 'access') (e.kind === 'read' ? d.read : d.write).call(d, w, locs[e.loc]!, e.turn)
    else if (e.type === 'acquire') d.acquire(w, mutexes[e.m]!)
    else if (e.type === 'release') d.release(w, mutexes[e.m]!)
    else if (e.type === 'fork') ids.set(e.other, d.fork(w))
    else if (e.type === 'join') d.join(w, ids.get(e.other)!)
  }
  return new Set(d.races.map((r) => Number(r.location.label)))
}

type Timed = { worker: number; kind: 'read' | 'write'; loc: number; turn: number; vc: number[]; i: number }

/** Full vector clocks for every access, computed naively (a tick per event). */
function timedAccesses(events: Event[]): Timed[] {
  const workers = 1 + events.reduce((most, e) => Math.max(most, e.worker, 'other' in e ? e.other : 0), 0)
  const vcs: number[][] = Array.from({ length: workers }, () => Array(workers).fill(0))
  const mvcs: number[][] = Array.from({ length: MUTEXES }, () => Array(workers).fill(0))
  const join = (a: number[], b: number[]) => a.map((v, i) => Math.max(v, b[i]!))
  const accesses: Timed[] = []
  events.forEach((e, i) => {
    const w = e.worker
    vcs[w]![w]!++
    if (e.type === 'access') accesses.push({ ...e, vc: vcs[w]!.slice(), i })
    else if (e.type === 'release') mvcs[e.m] = join(mvcs[e.m]!, vcs[w]!)
    else if (e.type === 'acquire') vcs[w] = join(vcs[w]!, mvcs[e.m]!)
    else if (e.type === 'fork') vcs[e.other] = join(vcs[e.other]!, vcs[w]!)
    else if (e.type === 'join') vcs[w] = join(vcs[w]!, vcs[e.other]!)
  })
  return accesses
}

const happensBefore = (a: Timed, b: Timed) => a.i < b.i && a.vc[a.worker]! <= b.vc[a.worker]!

/** Go's rule, literally: two accesses of different workers, one a write, unordered. */
function strictOracleRaces(events: Event[]): Set<number> {
  const accesses = timedAccesses(events)
  const racy = new Set<number>()
  for (const a of accesses) {
    for (const b of accesses) {
      if (b.i <= a.i || a.loc !== b.loc || a.worker === b.worker || (a.kind === 'read' && b.kind === 'read')) continue
      if (!happensBefore(a, b)) racy.add(a.loc)
    }
  }
  return racy
}

/** The rule, literally: full vector clocks, every pair of events. */
function oracleRaces(events: Event[]): Set<number> {
  const accesses = timedAccesses(events)
  const hb = happensBefore
  const racy = new Set<number>()
  for (const w of accesses) {
    if (w.kind !== 'write') continue
    let read: Timed | undefined
    for (const a of accesses) {
      if (a.i >= w.i) break
      if (a.worker !== w.worker || a.loc !== w.loc) continue
      read = a.kind === 'read' ? a : undefined
    }
    if (read === undefined || read.turn === w.turn) continue
    for (const other of accesses) {
      if (other.kind !== 'write' || other.loc !== w.loc || other.worker === w.worker) continue
      if (!hb(other, read) && !hb(w, other)) racy.add(w.loc)
    }
  }
  return racy
}

describe('detector agrees with the brute-force oracle', () => {
  it('in strict semantics, on 5000 random traces', () => {
    let racyTraces = 0
    fc.assert(
      fc.property(traceArb, (trace) => {
        const events = toEvents(trace)
        const expected = strictOracleRaces(events)
        if (expected.size > 0) racyTraces++
        expect([...detectorRaces(events, 'strict')].sort()).toEqual([...expected].sort())
      }),
      { numRuns: 5000, seed: 20261123 },
    )
    expect(racyTraces).toBeGreaterThan(500)
    expect(racyTraces).toBeLessThan(4500)
  })

  it('on 5000 random traces', () => {
    let racyTraces = 0
    fc.assert(
      fc.property(traceArb, (trace) => {
        const events = toEvents(trace)
        const expected = oracleRaces(events)
        if (expected.size > 0) racyTraces++
        expect([...detectorRaces(events)].sort()).toEqual([...expected].sort())
      }),
      { numRuns: 5000, seed: 20261122 },
    )
    // the generator must exercise both outcomes, or the comparison proves little
    expect(racyTraces).toBeGreaterThan(500)
    expect(racyTraces).toBeLessThan(4500)
  })

  it(`with ${MANY_WORKERS} workers and long traces (a location's lists keep an index by worker), in both semantics`, () => {
    let indexed = 0
    let racyLocations = 0
    fc.assert(
      fc.property(traceArbitrary(MANY_WORKERS, 40, 60), (trace) => {
        const events = toEvents(trace)
        const expected = oracleRaces(events)
        racyLocations += expected.size
        const accessors = Array.from({ length: LOCS }, (_, loc) => new Set(events.flatMap((e) => (e.type === 'access' && e.loc === loc ? [e.worker] : []))).size)
        if (Math.max(...accessors) >= 8) indexed++
        expect([...detectorRaces(events)].sort()).toEqual([...expected].sort())
        expect([...detectorRaces(events, 'strict')].sort()).toEqual([...strictOracleRaces(events)].sort())
      }),
      { numRuns: 1000, seed: 20261202 },
    )
    expect(indexed).toBeGreaterThan(200)
    // Long traces race somewhere almost always: both outcomes must be common per location.
    expect(racyLocations).toBeGreaterThan(300)
    expect(racyLocations).toBeLessThan(2700)
  })
})

/**
 * The trace merge on hand-written logs: Go's rule on thread events, every happens-before
 * source with a Race and a NoRace case, and logs read while they are still being written.
 */
import { describe, expect, it } from 'vitest'
import { A } from '../../src/threads/atomics-originals.js'
import { Ev, EVENT_WORDS, Log } from '../../src/threads/protocol.js'
import { newLogBuffer } from '../../src/threads/thread-log.js'
import { threadsDetector, TraceMerge } from '../../src/threads/trace-merge.js'

type Event = readonly [kind: number, target: number, index: number, ticket?: number]

/** A log with `events` written, as a thread would (its write position published). */
function log(capacity = 64): { ring: Int32Array; put: (...events: Event[]) => void } {
  const ring = new Int32Array(newLogBuffer(capacity))
  let pos = 0
  return {
    ring,
    put(...events) {
      for (const [kind, target, index, ticket = -1] of events) {
        const o = Log.HEADER + (pos % capacity) * EVENT_WORDS
        ring.set([kind | (target << 4), index, ticket, -1], o)
        pos++
      }
      A.store(ring, Log.WRITE_POS, pos)
    },
  }
}

function merged(...threads: Event[][]): string[] {
  const logs = threads.map(() => log())
  const { detector, initial } = threadsDetector(threads.length, 1)
  const merge = new TraceMerge(detector, logs.map((l) => l.ring), ['shared.a', 'shared.b'], initial)
  threads.forEach((events, k) => logs[k]!.put(...events))
  merge.finish()
  return detector.races.map((r) => `${r.location.label} ${r.previous.kind}/${r.current.kind}`)
}

const R = (i = 0): Event => [Ev.READ, 0, i]
const W = (i = 0): Event => [Ev.WRITE, 0, i]

describe("Go's rule on thread events", () => {
  it('Race: two threads write the same element', () => {
    expect(merged([W()], [W()])).toEqual(['shared.a[0] write/write'])
  })

  it('Race: a read against a write', () => {
    expect(merged([R()], [W()])).toEqual(['shared.a[0] read/write'])
  })

  it('NoRace: two reads', () => {
    expect(merged([R()], [R()])).toEqual([])
  })

  it('NoRace: different elements and different arrays', () => {
    expect(merged([W(0)], [W(1)], [[Ev.WRITE, 1, 0]])).toEqual([])
  })

  it('NoRace: the values the test wrote before the start', () => {
    expect(merged([R(3)], [R(3)])).toEqual([])
  })
})

describe('atomics', () => {
  it('NoRace: atomic read-modify-writes of one element', () => {
    expect(merged([[Ev.ATOMIC_RMW, 0, 0, 0]], [[Ev.ATOMIC_RMW, 0, 0, 1]])).toEqual([])
  })

  it('Race: a plain write against an atomic load', () => {
    expect(merged([W()], [[Ev.ATOMIC_LOAD, 0, 0, 0]])).toEqual(['shared.a[0] write/read'])
  })

  it('NoRace: data published with a store, read after a load that follows it', () => {
    expect(merged([W(1), [Ev.ATOMIC_STORE, 0, 0, 0]], [[Ev.ATOMIC_LOAD, 0, 0, 1], R(1)])).toEqual([])
  })

  it('Race: the load came first (it did not see the store)', () => {
    expect(merged([W(1), [Ev.ATOMIC_STORE, 0, 0, 1]], [[Ev.ATOMIC_LOAD, 0, 0, 0], R(1)])).toEqual(['shared.a[1] write/read'])
  })

  it('NoRace: a notify then the wait it ends', () => {
    expect(merged([W(1), [Ev.ATOMIC_NOTIFY, 0, 0, 0]], [[Ev.ATOMIC_WAIT, 0, 0, 1], R(1)])).toEqual([])
  })

  it('Race: a store to another element publishes nothing', () => {
    expect(merged([W(1), [Ev.ATOMIC_STORE, 0, 0, 0]], [[Ev.ATOMIC_LOAD, 0, 2, 1], R(1)])).toEqual(['shared.a[1] write/read'])
  })

  it('a spent ticket (an Atomics call that threw) is skipped', () => {
    expect(merged([[Ev.SKIP, 0, 0, 0], W(1), [Ev.ATOMIC_STORE, 0, 0, 1]], [[Ev.ATOMIC_LOAD, 0, 0, 2], R(1)])).toEqual([])
  })
})

describe('primitives', () => {
  it('NoRace: release then acquire of one primitive (unlock → lock, done → wait, once → do)', () => {
    expect(merged([[Ev.ACQUIRE, 0, 0, 0], W(), [Ev.RELEASE, 0, 0, 1]], [[Ev.ACQUIRE, 0, 0, 2], W(), [Ev.RELEASE, 0, 0, 3]])).toEqual([])
  })

  it('Race: two different primitives order nothing', () => {
    expect(merged([[Ev.ACQUIRE, 0, 0, 0], W(), [Ev.RELEASE, 0, 0, 1]], [[Ev.ACQUIRE, 1, 0, 2], W(), [Ev.RELEASE, 1, 0, 3]])).toEqual(['shared.a[0] write/write'])
  })

  it('Race: the acquire came before the release', () => {
    expect(merged([W(), [Ev.RELEASE, 0, 0, 1]], [[Ev.ACQUIRE, 0, 0, 0], W()])).toEqual(['shared.a[0] write/write'])
  })
})

describe('reading logs while they are written', () => {
  it('waits for a lower ticket that is not written yet, then goes on', () => {
    const [t0, t1] = [log(), log()]
    const { detector, initial } = threadsDetector(2, 1)
    const merge = new TraceMerge(detector, [t0.ring, t1.ring], ['shared.a'], initial)
    t1.put([Ev.ACQUIRE, 0, 0, 1], R())
    merge.drain()
    expect(merge.events).toBe(0) // ticket 1 waits for ticket 0
    t0.put(W(), [Ev.RELEASE, 0, 0, 0])
    merge.drain()
    expect(merge.events).toBe(4)
    merge.finish()
    expect(detector.races).toEqual([])
  })

  it('goes round a small ring many times, consuming as it reads', () => {
    const [t0, t1] = [log(4), log(4)]
    const { detector, initial } = threadsDetector(2, 1)
    const merge = new TraceMerge(detector, [t0.ring, t1.ring], ['shared.a'], initial)
    let ticket = 0
    for (let i = 0; i < 50; i++) {
      t0.put([Ev.ACQUIRE, 0, 0, ticket++], W(), [Ev.RELEASE, 0, 0, ticket++])
      merge.drain()
      expect(A.load(t0.ring, Log.READ_POS)).toBe(A.load(t0.ring, Log.WRITE_POS))
      t1.put([Ev.ACQUIRE, 0, 0, ticket++], W(), [Ev.RELEASE, 0, 0, ticket++])
      merge.drain()
    }
    merge.finish()
    expect(merge.events).toBe(300)
    expect(detector.races).toEqual([])
  })

  it('says so when a log cannot be merged to its end', () => {
    const [t0] = [log()]
    const { detector, initial } = threadsDetector(1, 1)
    const merge = new TraceMerge(detector, [t0.ring], ['shared.a'], initial)
    t0.put([Ev.ACQUIRE, 0, 0, 5])
    expect(() => merge.finish()).toThrow("thread 0's log could not be merged (waiting for ticket 0)")
  })
})

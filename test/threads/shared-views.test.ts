/** Instrumented views record exactly the elements a use touches, and Atomics work on them. */
import { describe, expect, it } from 'vitest'
import { installAtomicsPatch } from '../../src/threads/atomics-patch.js'
import { Ev } from '../../src/threads/protocol.js'
import { instrument } from '../../src/threads/shared-views.js'
import type { ViewSink } from '../../src/threads/thread-log.js'
import { pauseDecisions } from '../../src/threads/stress-pauses.js'

function recorded(values: number[], use: (view: Int32Array) => unknown): { log: string[]; result: unknown; raw: Int32Array } {
  const log: string[] = []
  const sink: ViewSink = {
    read: (a, i) => void log.push(`r${i}`),
    write: (a, i) => void log.push(`w${i}`),
    atomic: (a, i, op, kindOf) => {
      const r = op()
      log.push(`${kindOf(r) === Ev.ATOMIC_LOAD ? 'aload' : kindOf(r) === Ev.ATOMIC_STORE ? 'astore' : kindOf(r) === Ev.ATOMIC_RMW ? 'armw' : `a${kindOf(r)}`}${i}`)
      return r
    },
    waited: (a, i) => void log.push(`wait${i}`),
  }
  const raw = new Int32Array(new SharedArrayBuffer(values.length * 4))
  raw.set(values)
  const result = use(instrument(raw, 0, 0, sink) as Int32Array)
  return { log, result, raw }
}

describe('element accesses', () => {
  it('index reads and writes, nothing for length or out of range', () => {
    expect(recorded([1, 2, 3], (v) => v[1]! + v.length + (v[7] ?? 0) + ((v[2] = 5), 0)).log).toEqual(['r1', 'w2'])
  })

  it('a compound assignment is a read then a write', () => {
    expect(recorded([1], (v) => v[0]!++).log).toEqual(['r0', 'w0'])
  })

  it('fill(value, start, end) writes only its range', () => {
    const r = recorded([0, 0, 0, 0, 0], (v) => v.fill(7, 1, 3))
    expect(r.log).toEqual(['w1', 'w2'])
    expect([...r.raw]).toEqual([0, 7, 7, 0, 0])
  })

  it('iteration, reduce and includes read the elements they visit', () => {
    expect(recorded([1, 2, 3], (v) => [...v]).log).toEqual(['r0', 'r1', 'r2'])
    expect(recorded([1, 2, 3], (v) => v.reduce((a, b) => a + b, 0)).result).toBe(6)
    expect(recorded([1, 2, 3], (v) => v.includes(2)).log).toEqual(['r0', 'r1'])
  })

  it('set(source, offset) writes its range; map and slice return typed arrays', () => {
    const r = recorded([0, 0, 0, 0], (v) => v.set([5, 6], 1))
    expect(r.log).toEqual(['w1', 'w2'])
    expect([...r.raw]).toEqual([0, 5, 6, 0])
    expect(recorded([1, 2], (v) => v.map((x) => x * 2)).result).toEqual(Int32Array.of(2, 4))
    expect(recorded([1, 2, 3], (v) => v.slice(1)).result).toEqual(Int32Array.of(2, 3))
  })

  it('sort is numeric, as on a typed array', () => {
    const r = recorded([10, 9, 1], (v) => v.sort())
    expect([...r.raw]).toEqual([1, 9, 10])
  })

  it('keys that are not canonical indexes are ordinary properties, as on a typed array', () => {
    expect(recorded([1, 2], (v) => [(v as unknown as Record<string, unknown>)['1.0'], (v as unknown as Record<string, unknown>)['01']]).log).toEqual([])
  })

  it('a subarray view records the elements of the whole array', () => {
    expect(recorded([1, 2, 3, 4], (v) => v.subarray(2)[1]).log).toEqual(['r3'])
  })
})

describe('Atomics on views', () => {
  installAtomicsPatch()

  it('are recorded as atomic, and work on the shared memory', () => {
    const r = recorded([5, 0], (v) => [Atomics.add(v, 0, 2), Atomics.load(v, 0), Atomics.store(v, 1, 9)])
    expect(r.result).toEqual([5, 7, 9])
    expect(r.log).toEqual(['armw0', 'aload0', 'astore1'])
    expect([...r.raw]).toEqual([7, 9])
  })

  it('convert the index as Atomics does (1.5 is element 1)', () => {
    expect(recorded([0, 0], (v) => Atomics.store(v, 1.5, 3)).log).toEqual(['astore1'])
  })

  it('a failed compareExchange is a load, a successful one a read-modify-write', () => {
    expect(recorded([1], (v) => [Atomics.compareExchange(v, 0, 2, 3), Atomics.compareExchange(v, 0, 1, 3)]).log).toEqual(['aload0', 'armw0'])
  })

  it('leave other arrays alone', () => {
    const plain = new Int32Array(new SharedArrayBuffer(4))
    expect(Atomics.add(plain, 0, 4)).toBe(0)
    expect(Atomics.load(plain, 0)).toBe(4)
    expect(Atomics.wait(plain, 0, 1, 0)).toBe('not-equal')
  })
})

describe('stress pauses', () => {
  it('follow the seed', () => {
    const a = pauseDecisions(7)
    const b = pauseDecisions(7)
    const c = pauseDecisions(8)
    const take = (f: () => number) => Array.from({ length: 16 }, f)
    expect(take(a)).toEqual(take(b))
    expect(take(pauseDecisions(7))).not.toEqual(take(c))
  })
})

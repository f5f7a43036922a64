import { describe, expect, it } from 'vitest'
import { Detector, MAIN_WORKER, SyncClock } from '../../src/detector/detector.js'

function setup(historySize = 1) {
  const d = new Detector({ historySize })
  const L = d.location('svc.balances.get("merchant-1")')
  let turn = 0
  return { d, L, next: () => ++turn, now: () => turn }
}

describe('atomicity rule: reported', () => {
  it('racy debit: two workers read, await, write the same balance', () => {
    const { d, L, next } = setup()
    const w1 = d.fork(MAIN_WORKER)
    const w2 = d.fork(MAIN_WORKER)
    d.read(w1, L, next())
    d.point(w1, 'scheduled audit()')
    d.read(w2, L, next())
    d.point(w2, 'scheduled audit()')
    d.write(w1, L, next())
    d.write(w2, L, next())
    const races = d.races
    expect(races).toHaveLength(1)
    expect(races[0]!.location.label).toBe('svc.balances.get("merchant-1")')
    expect(races[0]!.current.worker).toBe(w2)
    expect(races[0]!.previous.worker).toBe(w1)
    expect(races[0]!.span!.worker).toBe(w2)
    expect(races[0]!.span!.point?.label).toBe('scheduled audit()')
  })

  it('is predictive: the other write need not land inside the span in this run', () => {
    const { d, L, next } = setup()
    const w1 = d.fork(MAIN_WORKER)
    const w2 = d.fork(MAIN_WORKER)
    d.read(w1, L, next())
    d.write(w1, L, next())
    d.read(w2, L, next())
    d.write(w2, L, next())
    expect(d.races).toHaveLength(1)
  })

  it('a blind write after a completed span, unordered, breaks it', () => {
    const { d, L, next } = setup()
    const w1 = d.fork(MAIN_WORKER)
    const w2 = d.fork(MAIN_WORKER)
    d.read(w1, L, next())
    d.write(w1, L, next())
    d.write(w2, L, next())
    expect(d.races).toHaveLength(1)
    expect(d.races[0]!.current.worker).toBe(w2)
    expect(d.races[0]!.span!.worker).toBe(w1)
  })

  it('a write ordered before the lock but after the read still races', () => {
    const { d, L, next } = setup()
    const m = new SyncClock()
    const a = d.fork(MAIN_WORKER)
    const b = d.fork(MAIN_WORKER)
    d.read(a, L, next())
    d.acquire(b, m)
    d.write(b, L, next())
    d.release(b, m)
    d.acquire(a, m)
    d.write(a, L, next())
    d.release(a, m)
    expect(d.races).toHaveLength(1)
  })

  it('the test body writing while workers run races with their spans', () => {
    const { d, L, next } = setup()
    const w = d.fork(MAIN_WORKER)
    d.read(w, L, next())
    d.write(MAIN_WORKER, L, next())
    d.write(w, L, next())
    expect(d.races).toHaveLength(1)
  })

  it('keeps each location once with the default key', () => {
    const { d, L, next } = setup()
    const ws = [d.fork(0), d.fork(0), d.fork(0), d.fork(0)]
    for (const w of ws) d.read(w, L, next())
    for (const w of ws) d.write(w, L, next())
    expect(d.races).toHaveLength(1)
  })

  it('keeps distinct keys apart with a custom key', () => {
    const d = new Detector({ historySize: 1, raceKey: (r) => `${r.current.worker}-${r.previous.worker}` })
    const L = d.location('x')
    const ws = [d.fork(0), d.fork(0), d.fork(0)]
    let t = 0
    for (const w of ws) d.read(w, L, ++t)
    for (const w of ws) d.write(w, L, ++t)
    expect(d.races.length).toBeGreaterThan(1)
  })
})

describe('the integration cases, as event sequences', () => {
  it('cache check-then-set across an await: has (read), await load, set (write entry and shape) races', () => {
    const d = new Detector({ historySize: 1 })
    const entry = d.location('cache.get("user:1")')
    const shape = d.location('cache.size')
    const [a, b] = [d.fork(0), d.fork(0)]
    d.read(a, entry, 1)
    d.read(b, entry, 2)
    d.write(a, shape, 3)
    d.write(a, entry, 3)
    d.write(b, shape, 4)
    d.write(b, entry, 4)
    expect(d.races.map((r) => r.location.label)).toEqual(['cache.get("user:1")'])
  })

  it('async singleton `if (!holder.db) holder.db = await connect()` races', () => {
    const d = new Detector({ historySize: 1 })
    const db = d.location('holder.db')
    const [a, b] = [d.fork(0), d.fork(0)]
    d.read(a, db, 1)
    d.read(b, db, 2)
    d.write(b, db, 3)
    d.write(a, db, 4)
    expect(d.races.map((r) => r.location.label)).toEqual(['holder.db'])
  })

  it('the promise-caching fix `holder.p ??= connect()` reads and writes in one turn: silent', () => {
    const d = new Detector({ historySize: 1 })
    const p = d.location('holder.p')
    const [a, b] = [d.fork(0), d.fork(0)]
    d.read(a, p, 1)
    d.write(a, p, 1)
    d.read(b, p, 2) // sees the promise: no write
    expect(d.races).toEqual([])
  })

  it('disjoint keys in one Map: each worker its own entry, silent', () => {
    const d = new Detector({ historySize: 1 })
    const ws = [d.fork(0), d.fork(0), d.fork(0)]
    const locs = ws.map((w) => d.location(`svc.balances.get("merchant-${w}")`))
    let t = 0
    ws.forEach((w, i) => d.read(w, locs[i]!, ++t))
    ws.forEach((w, i) => d.write(w, locs[i]!, ++t))
    expect(d.races).toEqual([])
  })
})

describe('atomicity rule: silent', () => {
  it('read-modify-write inside one turn never races', () => {
    const { d, L, next } = setup()
    const w1 = d.fork(0)
    const w2 = d.fork(0)
    let t = next()
    d.read(w1, L, t)
    d.write(w1, L, t)
    t = next()
    d.read(w2, L, t)
    d.write(w2, L, t)
    expect(d.races).toEqual([])
  })

  it('a mutex around read-await-write orders the spans', () => {
    const { d, L, next } = setup()
    const m = new SyncClock()
    const w1 = d.fork(0)
    const w2 = d.fork(0)
    d.acquire(w1, m)
    d.read(w1, L, next())
    d.write(w1, L, next())
    d.release(w1, m)
    d.acquire(w2, m)
    d.read(w2, L, next())
    d.write(w2, L, next())
    d.release(w2, m)
    expect(d.races).toEqual([])
  })

  it('disjoint keys do not race', () => {
    const d = new Detector({ historySize: 1 })
    const a = d.location('m.get("a")')
    const b = d.location('m.get("b")')
    const w1 = d.fork(0)
    const w2 = d.fork(0)
    d.read(w1, a, 1)
    d.read(w2, b, 2)
    d.write(w1, a, 3)
    d.write(w2, b, 4)
    expect(d.races).toEqual([])
  })

  it('blind writes and plain reads are order dependence, not atomicity violations', () => {
    const { d, L, next } = setup()
    const w1 = d.fork(0)
    const w2 = d.fork(0)
    d.write(w1, L, next())
    d.write(w2, L, next())
    d.read(w1, L, next())
    d.read(w2, L, next())
    expect(d.races).toEqual([])
  })

  it('a fresh read in the writing turn makes the write atomic', () => {
    const { d, L, next } = setup()
    const w1 = d.fork(0)
    const w2 = d.fork(0)
    d.read(w1, L, next())
    d.write(w2, L, next())
    const t = next()
    d.read(w1, L, t)
    d.write(w1, L, t)
    expect(d.races).toEqual([])
  })

  it('fork: what the parent wrote before fanOut is ordered before the workers', () => {
    const { d, L, next } = setup()
    d.write(MAIN_WORKER, L, next())
    const w = d.fork(0)
    d.read(w, L, next())
    d.write(w, L, next())
    expect(d.races).toEqual([])
  })

  it('join: what a joined worker wrote is ordered before the parent', () => {
    const { d, L, next } = setup()
    const w = d.fork(0)
    d.read(w, L, next())
    d.write(w, L, next())
    d.join(0, w)
    d.read(0, L, next())
    d.write(0, L, next())
    expect(d.races).toEqual([])
  })

  it('a read repeated in the same turn after an acquire uses the newer clock', () => {
    const { d, L, next } = setup()
    const m = new SyncClock()
    const a = d.fork(0)
    const b = d.fork(0)
    const t = next()
    d.read(a, L, t)
    d.acquire(b, m)
    d.write(b, L, next())
    d.release(b, m)
    // back in a's turn t (as if b ran synchronously inside it), a acquires and reads again
    d.acquire(a, m)
    d.read(a, L, t)
    d.write(a, L, next())
    expect(d.races).toEqual([])
  })
})

describe('history', () => {
  it('marks the previous access evicted after 2^n × 1024 later accesses of its worker', () => {
    for (const [size, evicted] of [
      [0, true],
      [1, false],
    ] as const) {
      const d = new Detector({ historySize: size })
      const L = d.location('x')
      const other = d.location('y')
      const w1 = d.fork(0)
      const w2 = d.fork(0)
      d.read(w1, L, 1)
      d.write(w1, L, 2)
      for (let i = 0; i < 1500; i++) d.read(w1, other, 3)
      d.write(w2, L, 4)
      expect(d.races[0]!.previousEvicted).toBe(evicted)
    }
  })
})

import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { Access, dropEntry, dropRead, entryOf, putEntry, putRead, readAt, WorkerList } from '../../src/detector/shadow.js'

function access(worker: number, site: number, seq = 0): Access {
  return new Access(worker, 'read', seq, 0, 1, [], 0, undefined, false, site)
}

/** The functions' answers on a plain array, scanned: what the indexed list must agree with. */
const model = {
  readAt: (list: readonly Access[], worker: number, site: number) => list.find((r) => r.worker === worker && r.site === site),
  entryOf: (list: readonly Access[], worker: number) => list.find((r) => r.worker === worker),
}

type Op = { op: 'push' | 'putRead' | 'dropRead' | 'putEntry' | 'dropEntry'; worker: number; site: number }

const op = fc.record({
  op: fc.constantFrom('push', 'putRead', 'dropRead', 'putEntry', 'dropEntry') as fc.Arbitrary<Op['op']>,
  worker: fc.nat({ max: 15 }),
  site: fc.integer({ min: -1, max: 2 }),
})

describe('WorkerList: a per-worker list with an index', () => {
  it('answers as a scan of the same records does, whatever the sequence of changes', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 40, maxLength: 120 }), (ops) => {
        const list = new WorkerList<Access>()
        let seq = 0
        for (const o of ops) {
          const rec = access(o.worker, o.site, ++seq)
          if (o.op === 'push' && readAt(list, o.worker, o.site) === undefined) list.push(rec)
          else if (o.op === 'putRead') putRead(list, rec)
          else if (o.op === 'dropRead') {
            const r = readAt(list, o.worker, o.site)
            if (r !== undefined) dropRead(list, r)
          } else if (o.op === 'putEntry' && list.every((r) => r.worker !== o.worker || r.site === -1)) putEntry(list, access(o.worker, -1, seq))
          else if (o.op === 'dropEntry' && list.every((r) => r.worker !== o.worker || r.site === -1)) dropEntry(list, o.worker)
          const plain = [...list]
          for (let w = 0; w <= 15; w++) {
            for (let site = -1; site <= 2; site++) {
              if (readAt(list, w, site) !== model.readAt(plain, w, site)) throw new Error(`readAt(${w}, ${site}) after ${o.op}`)
            }
            const positions = list.positionsOf(w)
            const theirs = plain.filter((r) => r.worker === w)
            if (positions !== undefined && (positions.length !== theirs.length || positions.some((p) => list[p]!.worker !== w))) throw new Error(`positionsOf(${w}) after ${o.op}`)
            if (plain.every((r) => r.worker !== w || r.site === -1) && entryOf(list, w) !== model.entryOf(plain, w)) throw new Error(`entryOf(${w}) after ${o.op}`)
          }
        }
      }),
      { seed: 12, numRuns: 100 },
    )
  })

  it('keeps the order a plain array would have (the detector reports races in list order)', () => {
    const list = new WorkerList<Access>()
    const plain: Access[] = []
    for (let w = 0; w < 20; w++) {
      const r = access(w, -1)
      list.push(r)
      plain.push(r)
    }
    dropRead(list, plain[3]!)
    plain[3] = plain[plain.length - 1]!
    plain.pop()
    const replacement = access(7, -1)
    putRead(list, replacement)
    plain[plain.indexOf(plain.find((r) => r.worker === 7)!)] = replacement
    expect([...list]).toEqual(plain)
  })

  it('looks like an array to whoever reads it: map and filter give plain arrays', () => {
    const list = new WorkerList<Access>()
    list.push(access(1, -1), access(2, -1))
    expect(Array.isArray(list)).toBe(true)
    expect(list.map((r) => r.worker)).toEqual([1, 2])
    expect(Object.getPrototypeOf(list.filter(() => true))).toBe(Array.prototype)
    expect(Object.keys(list)).toEqual(['0', '1'])
  })
})

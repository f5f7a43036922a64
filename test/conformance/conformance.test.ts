/** The Race/NoRace suite through track(): one test per case, each Race case at the location it names. */
import { describe, expect, it } from 'vitest'
import { runCase, summary, type ConformanceCase } from './harness.js'
import { cases as fields } from './cases/fields.js'
import { cases as arrays } from './cases/arrays.js'
import { cases as collections } from './cases/collections.js'
import { cases as classes } from './cases/classes.js'
import { cases as mutex } from './cases/mutex.js'
import { cases as rwmutex } from './cases/rwmutex.js'
import { cases as semaphore } from './cases/semaphore.js'
import { cases as waitgroup } from './cases/waitgroup.js'
import { cases as once } from './cases/once.js'
import { cases as channel } from './cases/channel.js'
import { cases as atomic } from './cases/atomic.js'
import { cases as promises } from './cases/promises.js'
import { cases as forkJoin } from './cases/fork-join.js'
import { cases as transitive } from './cases/transitive.js'
import { cases as strict } from './cases/strict.js'
import { cases as nodeOrdering } from './cases/node-ordering.js'
import { cases as archive } from './cases/archive.js'
import { cases as trackFidelity } from './cases/track-fidelity.js'

const all: readonly ConformanceCase[] = [
  ...fields,
  ...arrays,
  ...collections,
  ...classes,
  ...mutex,
  ...rwmutex,
  ...semaphore,
  ...waitgroup,
  ...once,
  ...channel,
  ...atomic,
  ...promises,
  ...forkJoin,
  ...transitive,
  ...strict,
  ...nodeOrdering,
  ...archive,
  ...trackFidelity,
]

describe('conformance', () => {
  it('has at least 60 cases, uniquely named; each Race case names the location it races at, no NoRace case does', () => {
    expect(all.length).toBeGreaterThanOrEqual(60)
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length)
    expect(all.filter((c) => c.name.startsWith('Race') && (c.locations === undefined || c.locations.length === 0)).map((c) => c.name)).toEqual([])
    expect(all.filter((c) => c.name.startsWith('NoRace') && c.locations !== undefined).map((c) => c.name)).toEqual([])
  })

  it('the harness fails a Race case that races at another location than it names', async (ctx) => {
    const wrong: ConformanceCase = { ...fields.find((c) => c.name === 'RaceFieldReadPauseWrite')!, locations: ['o.m'] }
    const r = await runCase(wrong, ctx)
    expect(r).toMatchObject({ reported: true, labels: ['o.n'], ok: false })
    expect(summary([r])).toBe('Passed 0 of 1 (0 false positives, 0 false negatives)\n  FAIL RaceFieldReadPauseWrite: raced at o.n, expected o.m')
  })

  for (const c of all) {
    it(c.name, async (ctx) => {
      const r = await runCase(c, ctx)
      if (r.expectedRace) {
        expect(r.reported, 'no race reported').toBe(true)
        expect(r.labels, 'the locations that raced').toEqual(r.expectedLocations)
      } else {
        expect(r.labels, 'false positive').toEqual([])
        expect(r.error, 'the body failed').toBeUndefined()
      }
      expect(summary([r])).toBe('Passed 1 of 1 (0 false positives, 0 false negatives)')
    })
  }
})

import { expect, it } from 'vitest'
import { runCase, summary, type CaseResult } from './harness.js'
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

it('conformance: every Race case reported, no NoRace case reported', async (ctx) => {
  const all = [
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
  const results: CaseResult[] = []
  for (const c of all) results.push(await runCase(c, ctx))
  console.log(summary(results))
  expect(summary(results)).toBe(`Passed ${all.length} of ${all.length} (0 false positives, 0 false negatives)`)
  expect(all.length).toBeGreaterThanOrEqual(60)
  expect(new Set(all.map((c) => c.name)).size).toBe(all.length)
}, 120_000)

/**
 * A finished task's id goes to a later task (tasks.ts): a report still names each racing task
 * by where it started, not by the later task that has its id now.
 */
import { describe, expect, it } from 'vitest'
import '../../src/runtime/access-hooks.js'
import { DEFAULT_SETTINGS, type RaceSettings } from '../../src/options.js'
import { runPlainTest } from '../../src/runtime/plain-test.js'
import { outcomeOf } from '../../src/runtime/run-outcome.js'
import type { ConcurrentBody } from '../../src/runtime/iteration-runner.js'
import { compileCase } from '../conformance/harness.js'

const settings: RaceSettings = { ...DEFAULT_SETTINGS, race: true, seed: 1, root: '/' }

describe('tasks on reused ids', () => {
  it('the racing tasks are named by their own start, after later tasks took their ids', async () => {
    let body: ConcurrentBody | undefined
    body = await compileCase(
      'taskNames',
      `let deletes = 0
       async function delOne(key) { const n = deletes; await null; deletes = n + 1 }
       async function getOne(key) { await null; return key }
       out(async () => {
         Promise.all([delOne('a'), delOne('b')]); await settle()
         await Promise.all([getOne('a'), getOne('b')])
       })`,
      { settle: () => new Promise<void>((resolve) => setImmediate(resolve)) },
    )
    const run = await runPlainTest(settings, async () => {
      await body!({} as never)
    })
    const races = run.detector!.races
    expect(races.map((r) => r.location.label)).toEqual(['deletes (module cases/taskNames.js)'])
    // The later getOne tasks took the delOne tasks' ids (clocks stay as wide as tasks alive at once).
    expect(run.clockWidth).toBe(3)
    const outcome = outcomeOf(run, races, [])
    expect(outcome.workers.length).toBe(2)
    for (const w of outcome.workers) {
      expect(w.task).toMatch(/^Promise\.all element [12]$/)
      expect(w.origin).toContain('cases/taskNames.js:5:')
    }
  })

  it('two races on one reused id: each names its own task, under numbers of their own', async () => {
    const body = await compileCase(
      'taskNames2',
      `const st = { a: 0, b: 0 }
       async function bumpA() { const n = st.a; await null; st.a = n + 1 }
       async function bumpB() { const n = st.b; await null; st.b = n + 1 }
       out(async () => {
         Promise.all([bumpA(), bumpA()]); await settle()
         Promise.all([bumpB(), bumpB()]); await settle()
       })`,
      { settle: () => new Promise<void>((resolve) => setImmediate(resolve)) },
    )
    const run = await runPlainTest(settings, async () => {
      await body({} as never)
    })
    const races = run.detector!.races
    expect(races.map((r) => r.location.label).sort()).toEqual(['st.a (module cases/taskNames2.js)', 'st.b (module cases/taskNames2.js)'])
    expect(run.clockWidth).toBe(3)
    const outcome = outcomeOf(run, races, [])
    // Four tasks, four numbers: the second batch's tasks are not called by the first batch's.
    const numbers = outcome.races.flatMap((r) => [r.current.worker, r.previous.worker])
    expect(new Set(numbers).size).toBe(4)
    for (const r of outcome.races) {
      const line = r.location.startsWith('st.a') ? 5 : 6
      for (const n of [r.current.worker, r.previous.worker]) {
        expect(outcome.workers.find((w) => w.worker === n)?.origin).toContain(`cases/taskNames2.js:${line}:`)
      }
    }
  })
})

/**
 * `concurrentTest` as users call it: a Vitest test function with Vitest's modifiers
 * (`.skip`, `.only`, `.todo`, `.skipIf`, `.runIf`, `.for`, `.extend`) and `.prop`, `.threads`.
 * Each modifier registers through the matching Vitest one (`test.skip`, `test.for`, an
 * extended test, …), so that Vitest's own rules apply: name formatting, `--allowOnly`,
 * fixtures built once per test and torn down after it.
 */
import fc from 'fast-check'
import { test, type TestContext, type TestOptions } from 'vitest'
import { registerThreads, type ThreadCheck, type ThreadsOptions } from './threads/threads-test.js'
import type { SharedShape } from './threads/thread-context.js'
import { checkTest, showingSource, testHandler, type PropertyBody } from './runtime/concurrent-test.js'
import type { ConcurrentBody } from './runtime/iteration-runner.js'
import type { ConcurrentContext } from './runtime/test-context.js'
import type { ConcurrentTestOptions } from './runtime/test-options.js'
import { contextParameterSource } from './runtime/fixture-source.js'

/** A concurrentTest body whose context also holds the fixtures `Extra` (see `.extend`). */
export type ConcurrentBodyWith<Extra extends object> = (ctx: ConcurrentContext & Extra) => unknown

/** Options of a Vitest fixture (`test.extend`'s `[value, options]` form). */
export interface FixtureOptions {
  /** Build the fixture for every test, used or not. */
  auto?: boolean
  /** Prefer the value the config provides (`provide`) over this one. */
  injected?: boolean
  /** Build it once per test (default), per file, or per worker. */
  scope?: 'test' | 'file' | 'worker'
}

/** A fixture function in Vitest's syntax: builds the value, hands it to `use`, cleans up after `use` returns. */
export type FixtureFunction<V, Context> = (context: Context, use: (value: V) => Promise<void>) => Promise<void>

type FixtureOf<V, Context> = V extends (...args: never[]) => unknown ? FixtureFunction<V, Context> : V | FixtureFunction<V, Context>

/**
 * Fixtures in Vitest's `test.extend` syntax: for each name, a value or a fixture function,
 * alone or with its options.
 *
 * @example
 * const dbTest = concurrentTest.extend<{ db: Db }>({
 *   db: async ({}, use) => {
 *     const db = await Db.open()
 *     await use(db)
 *     await db.close()
 *   },
 * })
 */
export type ConcurrentFixtures<T, Extra extends object = object> = {
  [K in keyof T]: FixtureOf<T[K], TestContext & Extra & Omit<T, K>> | [FixtureOf<T[K], TestContext & Extra & Omit<T, K>>, FixtureOptions]
}

/** Registers a concurrentTest: the body first and the options last, or the options first as Vitest 4 prefers. */
export interface ConcurrentTestFunction<Extra extends object = object> {
  (name: string, body: ConcurrentBodyWith<Extra>, options?: ConcurrentTestOptions): void
  (name: string, options: ConcurrentTestOptions, body: ConcurrentBodyWith<Extra>): void
}

/** The registrar `concurrentTest.prop(arbitraries)` returns. */
export interface PropertyTestFunction<Ts, Extra extends object = object> {
  (name: string, body: PropertyBody<Ts, Extra>, options?: ConcurrentTestOptions): void
  (name: string, options: ConcurrentTestOptions, body: PropertyBody<Ts, Extra>): void
}

/** The registrar `concurrentTest.for(cases)` returns: the body receives the case, then the context. */
export interface CaseTestFunction<T, Extra extends object = object> {
  (name: string, body: (value: T, ctx: ConcurrentContext & Extra) => unknown, options?: ConcurrentTestOptions): void
  (name: string, options: ConcurrentTestOptions, body: (value: T, ctx: ConcurrentContext & Extra) => unknown): void
}

/** `concurrentTest` and everything chained from it: Vitest's modifiers, fixtures and property inputs. */
export interface ConcurrentTestChain<Extra extends object = object> extends ConcurrentTestFunction<Extra> {
  /** Registered, never run (Vitest's `test.skip`). */
  readonly skip: ConcurrentTestChain<Extra>
  /** Only the `.only` tests of the file run (Vitest's `test.only`; CI needs `--allowOnly`). */
  readonly only: ConcurrentTestChain<Extra>
  /** A test still to write (Vitest's `test.todo`). */
  todo(name: string): void
  /** Skipped when `condition` is truthy. */
  skipIf(condition: unknown): ConcurrentTestChain<Extra>
  /** Run only when `condition` is truthy, skipped otherwise. */
  runIf(condition: unknown): ConcurrentTestChain<Extra>
  /**
   * One concurrentTest per case, named as Vitest's `test.for` names them (`%s`, `%i`, `$prop`, …).
   *
   * @example
   * concurrentTest.for([2, 8])('%i workers keep the count', async (n, { fanOut, track, expect }) => {
   *   const c = track({ value: 0 }, 'c')
   *   await fanOut(n, () => { c.value++ })
   *   expect(c.value).toBe(n)
   * })
   */
  for<T>(cases: readonly T[]): CaseTestFunction<T, Extra>
  /**
   * A concurrentTest whose context also holds fixtures, in Vitest's `test.extend` syntax;
   * each is built once per test (not per iteration) and torn down after it.
   */
  extend<T extends Record<string, unknown>>(fixtures: ConcurrentFixtures<T, Extra>): ConcurrentTestChain<Extra & T>
  /**
   * A concurrentTest whose body also receives values drawn from fast-check arbitraries, a
   * tuple or a record of them; a failure shrinks the values together with the schedule.
   *
   * @example
   * concurrentTest.prop([fc.integer({ min: 1, max: 500 })])('debits never overdraw', async ([amount], { fanOut, track, expect }) => {
   *   const acct = track({ balance: 1_000 }, 'acct')
   *   await fanOut(4, () => debit(acct, amount))
   *   expect(acct.balance).toBeGreaterThanOrEqual(0)
   * })
   * concurrentTest.prop({ amount: fc.nat({ max: 500 }) })('debits', async ({ amount }, ctx) => { … })
   */
  prop<Ts extends [unknown, ...unknown[]]>(arbitraries: { [K in keyof Ts]: fc.Arbitrary<Ts[K]> }): PropertyTestFunction<Ts, Extra>
  prop<R extends Record<string, unknown>>(arbitraries: { [K in keyof R]: fc.Arbitrary<R[K]> }): PropertyTestFunction<R, Extra>
}

/** `concurrentTest`: the chain, and `.threads` for tests over real threads. */
export interface ConcurrentTestAPI extends ConcurrentTestChain {
  /**
   * A test over real threads: `options.worker`'s default export runs once in each of
   * `options.threads` worker threads, over the typed arrays and thread primitives that
   * `options.shared` builds, for each iteration; `check` runs after every thread has finished.
   *
   * @example
   * concurrentTest.threads('debits across threads', {
   *   worker: new URL('./debit.worker.ts', import.meta.url),
   *   threads: 4,
   *   shared: () => ({ balance: Int32Array.of(10_000), mu: new ThreadMutex() }),
   * }, ({ shared }) => expect(shared.balance[0]).toBe(9_600))
   */
  threads<S extends SharedShape<S>>(name: string, options: ThreadsOptions<S>, check?: ThreadCheck<S>): void
}

/** What this module needs of a Vitest test function at run time. */
interface VitestChain {
  (name: string, options: TestOptions, fn?: (ctx: TestContext) => Promise<void>): void
  readonly skip: VitestChain
  readonly only: VitestChain
  readonly todo: VitestChain
  for<T>(cases: readonly T[]): (name: string, options: TestOptions, fn: (value: T, ctx: TestContext) => Promise<void>) => void
  extend(fixtures: object): VitestChain
}

/** The body and the options, in either order. */
function ordered(second: unknown, third: unknown): [body: unknown, options: unknown] {
  return typeof second === 'function' || typeof third !== 'function' ? [second, third] : [third, second]
}

/** A fast-check arbitrary, as far as a value can say. */
function isArbitrary(a: unknown): boolean {
  return typeof (a as { generate?: unknown } | null)?.generate === 'function'
}

/** The arbitrary of `.prop`'s argument: a tuple for an array, a record for an object. */
function propertyArbitrary(arbitraries: unknown): fc.Arbitrary<unknown> {
  if (Array.isArray(arbitraries) && arbitraries.length > 0 && arbitraries.every(isArbitrary)) return fc.tuple(...(arbitraries as fc.Arbitrary<unknown>[]))
  if (typeof arbitraries === 'object' && arbitraries !== null && !Array.isArray(arbitraries)) {
    const values = Object.values(arbitraries)
    if (values.length > 0 && values.every(isArbitrary)) return fc.record(arbitraries as Record<string, fc.Arbitrary<unknown>>)
  }
  throw new TypeError('vitest-race: concurrentTest.prop(arbitraries): expected a non-empty array or record of fast-check arbitraries')
}

function chain(vt: VitestChain, prefix: string): ConcurrentTestChain<object> {
  const call = (name: unknown, second: unknown, third?: unknown): void => {
    const [body, options] = ordered(second, third)
    const { settings, vitestOptions } = checkTest(`${prefix}(name, body, options)`, name, body, options)
    const fn = body as ConcurrentBody
    vt(name as string, vitestOptions, testHandler(fn, settings, fn.toString()))
  }
  const self: ConcurrentTestChain<object> = Object.assign(call, {
    todo(name: string): void {
      vt.todo(name, {})
    },
    skipIf(condition: unknown) {
      return condition ? chain(vt.skip, `${prefix}.skip`) : self
    },
    runIf(condition: unknown) {
      return condition ? self : chain(vt.skip, `${prefix}.skip`)
    },
    for<T>(cases: readonly T[]) {
      if (!Array.isArray(cases)) throw new TypeError(`vitest-race: ${prefix}.for(cases): expected an array of cases`)
      const register = vt.for(cases)
      return (name: unknown, second: unknown, third?: unknown): void => {
        const [body, options] = ordered(second, third)
        const { settings, vitestOptions } = checkTest(`${prefix}.for(cases)(name, body, options)`, name, body, options)
        const fn = body as (value: T, ctx: ConcurrentContext) => unknown
        // Vitest reads the fixtures from the second parameter of the function `for` receives.
        const handler = showingSource((value: T, ctx: TestContext) => testHandler((c) => fn(value, c), settings, '')(ctx), fn.toString())
        register(name as string, vitestOptions, handler)
      }
    },
    extend(fixtures: object) {
      if (typeof fixtures !== 'object' || fixtures === null) throw new TypeError(`vitest-race: ${prefix}.extend(fixtures): expected an object of fixtures`)
      return chain(vt.extend(fixtures), prefix)
    },
    prop(arbitraries: unknown) {
      const arbitrary = propertyArbitrary(arbitraries)
      return (name: unknown, second: unknown, third?: unknown): void => {
        const [body, options] = ordered(second, third)
        const { settings, vitestOptions } = checkTest(`${prefix}.prop(arbitraries)(name, body, options)`, name, body, options)
        const fn = body as (values: unknown, ctx: ConcurrentContext) => unknown
        const inputs = { arbitrary, body: (values: unknown): ConcurrentBody => (ctx) => fn(values, ctx) }
        // Vitest reads the fixtures from the first parameter: show it the body's second one.
        vt(name as string, vitestOptions, testHandler(inputs.body(undefined), settings, contextParameterSource(fn.toString()), inputs))
      }
    },
  }) as unknown as ConcurrentTestChain<object>
  // Built when read: `.skip.skip.skip…` is legal and must not be built ahead.
  Object.defineProperties(self, {
    skip: { get: () => chain(vt.skip, `${prefix}.skip`), enumerable: true },
    only: { get: () => chain(vt.only, `${prefix}.only`), enumerable: true },
  })
  return self
}

/**
 * Register a concurrent test.
 *
 * @example
 * concurrentTest('concurrent debits keep the balance exact', async ({ track, fanOut, expect }) => {
 *   const svc = track(new BalanceService(), 'svc')
 *   svc.credit('merchant-1', 10_000)
 *   await fanOut(50, () => svc.debit('merchant-1', 100))
 *   expect(svc.balance('merchant-1')).toBe(5_000)
 * }, { iterations: 20 })
 */
export const concurrentTest: ConcurrentTestAPI = Object.assign(chain(test as unknown as VitestChain, 'concurrentTest'), {
  threads<S extends SharedShape<S>>(name: string, options: ThreadsOptions<S>, check?: ThreadCheck<S>): void {
    registerThreads(name, options, check)
  },
})

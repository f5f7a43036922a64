/** concurrentTest's options object, the source Vitest reads for fixtures, and the API's types. */
import fc from 'fast-check'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { concurrentTest, type ConcurrentContext, type ConcurrentTestOptions } from '../../src/index.js'
import { RaceOptionError } from '../../src/options.js'
import { splitOptions } from '../../src/runtime/test-options.js'
import { contextParameterSource } from '../../src/runtime/fixture-source.js'

describe('splitOptions', () => {
  it('keeps the race options ours and hands retry and repeats to Vitest', () => {
    expect(splitOptions({ iterations: 3, seed: 7, retry: 2, repeats: 1, timeout: 100 })).toEqual({
      race: { iterations: 3, seed: 7, timeout: 100 },
      vitest: { retry: 2, repeats: 1 },
    })
    expect(splitOptions(undefined)).toEqual({ race: undefined, vitest: {} })
  })

  it("passes retry's object form through to Vitest", () => {
    const retry = { count: 2, delay: 10, condition: /flaky/ }
    expect(splitOptions({ retry }).vitest).toEqual({ retry })
  })

  it('an unknown key is an error naming it, its value and every known option', () => {
    const e = (() => {
      try {
        splitOptions({ retries: 3 })
      } catch (error) {
        return error
      }
    })()
    expect(e).toBeInstanceOf(RaceOptionError)
    expect((e as Error).message).toBe(
      'vitest-race: retries = 3 (from concurrentTest options) is not valid: unknown option; race options are iterations, seed, timeout, ' +
        'historySize, semantics, strategy, depth, maxInterleavings, path, halt, exitcode, logPath, stripPathPrefix; Vitest test options are retry, repeats.',
    )
  })

  it.each([
    [{ repeats: -1 }, 'repeats = -1 (from concurrentTest options) is not valid: expected an integer ≥ 0'],
    [{ repeats: 1.5 }, 'repeats = 1.5 (from concurrentTest options) is not valid: expected an integer ≥ 0'],
    [{ retry: 'twice' }, 'retry = "twice" (from concurrentTest options) is not valid: expected an integer ≥ 0'],
  ])('rejects %j', (options, message) => {
    expect(() => splitOptions(options)).toThrow(message)
  })

  it('rejects options that are not an object', () => {
    expect(() => splitOptions(5)).toThrow('options = 5 (from concurrentTest options) is not valid: expected an object of race options and Vitest test options')
  })
})

describe('contextParameterSource', () => {
  it.each([
    ['async ([a], { db, fanOut }) => {}', '({ db, fanOut }) => {}'],
    ['async function ({ a, b: [c] }, { db }) { }', '({ db }) => {}'],
    ['(values, ctx) => ctx', '(ctx) => {}'],
    ['([a]) => a', '() => {}'],
  ])('%s → %s', (source, expected) => {
    expect(contextParameterSource(source)).toBe(expected)
  })
})

describe('concurrentTest API', () => {
  it('throws clearly on a bad name, body or prop argument, before Vitest sees them', () => {
    expect(() => concurrentTest(1 as never, () => {})).toThrow('vitest-race: concurrentTest(name, body, options): name must be a string, got number 1')
    expect(() => concurrentTest.skip('x', 'nope' as never)).toThrow('vitest-race: concurrentTest.skip(name, body, options): body = string nope is not valid: expected a function')
    expect(() => concurrentTest.prop([] as never)).toThrow('expected a non-empty array or record of fast-check arbitraries')
    expect(() => concurrentTest.prop({ a: 1 } as never)).toThrow('expected a non-empty array or record of fast-check arbitraries')
    expect(() => concurrentTest.for('ab' as never)).toThrow('vitest-race: concurrentTest.for(cases): expected an array of cases')
  })

  it('has the types users expect (checked by tsc)', () => {
    // Never called: its body is for the type checker.
    const types = (): void => {
      expectTypeOf(concurrentTest).toBeCallableWith('name', (ctx: ConcurrentContext) => ctx.fanOut(2, () => 1), { iterations: 3, retry: 1, repeats: 2 })
      expectTypeOf(concurrentTest.skip.only).toBeCallableWith('name', { timeout: 10 }, () => undefined)
      expectTypeOf(concurrentTest.skipIf(true)).toEqualTypeOf(concurrentTest.runIf(false))
      // @ts-expect-error: not an option
      concurrentTest('name', () => undefined, { retries: 3 })
      concurrentTest.for([{ n: 2 }])('$n workers', ({ n }, { fanOut }) => {
        expectTypeOf(n).toEqualTypeOf<number>()
        return fanOut(n, () => undefined)
      })
      const dbTest = concurrentTest.extend<{ db: { rows: number[] }; port: number }>({
        db: async ({ port }, use) => {
          expectTypeOf(port).toEqualTypeOf<number>()
          await use({ rows: [] })
        },
        port: [3000, { scope: 'worker' }],
      })
      dbTest('with fixtures', ({ db, port, track }) => {
        expectTypeOf(db).toEqualTypeOf<{ rows: number[] }>()
        expectTypeOf(port).toEqualTypeOf<number>()
        expectTypeOf(track).toBeFunction()
      })
      dbTest.prop({ a: fc.nat(), s: fc.string() })('a record', ({ a, s }, { db }) => {
        expectTypeOf(a).toEqualTypeOf<number>()
        expectTypeOf(s).toEqualTypeOf<string>()
        expectTypeOf(db.rows).toEqualTypeOf<number[]>()
      })
      concurrentTest.prop([fc.nat(), fc.boolean()])('a tuple', ([n, b]) => {
        expectTypeOf(n).toEqualTypeOf<number>()
        expectTypeOf(b).toEqualTypeOf<boolean>()
      })
      expectTypeOf<ConcurrentTestOptions['retry']>().toEqualTypeOf<import('vitest').TestOptions['retry']>()
    }
    expect(typeof types).toBe('function')
  })
})

/** The plugin side of instrumentation: which modules it takes, bad options, unparsable code. */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { resolveInstrument } from '../../src/instrument/instrument-options.js'
import { instrumentContext, transformModule } from '../../src/instrument/plugin.js'
import { RaceOptionError } from '../../src/options.js'

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'vitest-race-instrument-'))
  mkdirSync(join(root, 'src/legacy'), { recursive: true })
  writeFileSync(join(root, 'package.json'), '{"name":"p","type":"module"}')
  writeFileSync(join(root, 'src/a.ts'), 'export let a = 1')
  writeFileSync(join(root, 'src/legacy/old.ts'), 'export let b = 1')
  return root
}

describe('instrument option', () => {
  const root = project()

  it.each([
    [5, 'instrument = 5 (from race() plugin options) is not valid: expected false or an object { deps?, include?, exclude? }.'],
    [{ dep: ['x'] }, 'instrument.dep = ["x"] (from race() plugin options) is not valid: unknown option; known options are deps, include, exclude.'],
    [{ deps: 'p-memoize' }, 'instrument.deps = "p-memoize" (from race() plugin options) is not valid: expected an array of non-empty strings.'],
    [{ deps: ['Not A Name!'] }, 'instrument.deps = "Not A Name!" (from race() plugin options) is not valid: expected an npm package name.'],
    [{ deps: ['no-such-package-for-vitest-race'] }, 'instrument.deps = "no-such-package-for-vitest-race" (from race() plugin options) is not valid: the package is not installed'],
    [{ exclude: ['src/generated/**'] }, 'instrument.exclude = "src/generated/**" (from race() plugin options) is not valid: the glob matches no file under'],
  ])('rejects %j with one error naming the option', (value, message) => {
    expect(() => resolveInstrument(value, root)).toThrow(RaceOptionError)
    expect(() => resolveInstrument(value, root)).toThrow(message)
  })

  it('false turns it off; include and exclude refine it; node_modules and this package are left alone', () => {
    expect(resolveInstrument(false, root).enabled).toBe(false)
    const ctx = instrumentContext({ exclude: ['src/legacy/**'] }, root, true)
    expect(ctx.accepts(join(root, 'src/a.ts'))).toBe(true)
    expect(ctx.accepts(join(root, 'src/legacy/old.ts'))).toBe(false)
    expect(ctx.accepts(join(root, 'node_modules/x/index.js'))).toBe(false)
    expect(ctx.accepts(join(root, 'src/style.css'))).toBe(false)
    expect(ctx.mode).toBe('full')
    expect(instrumentContext(undefined, root, false).mode).toBe('awaits')
  })

  it("type tests (Vitest's typecheck.include) are left as written: they never run and Vitest reads their tests from the code", () => {
    const ctx = instrumentContext(undefined, root, true)
    expect(ctx.accepts(join(root, 'test/storage.test-d.ts'))).toBe(false)
    expect(ctx.accepts(join(root, 'test/types.spec-d.mts'))).toBe(false)
    expect(ctx.accepts(join(root, 'test/storage.test.ts'))).toBe(true)
    const custom = instrumentContext(undefined, root, true, ['types/**/*.ts'])
    expect(custom.accepts(join(root, 'types/a.ts'))).toBe(false)
    expect(custom.accepts(join(root, 'test/storage.test-d.ts'))).toBe(true)
  })

  it('a module the parser cannot read runs uninstrumented, with one warning naming the file', () => {
    const warnings: string[] = []
    const ctx = instrumentContext(undefined, root, true)
    const out = transformModule(ctx, { warn: (m) => warnings.push(m) }, 'const = ;', join(root, 'src/a.ts'))
    expect(out).toBeUndefined()
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('could not parse src/a.ts for instrumentation; it runs uninstrumented')
  })

  it('virtual modules and ids with a query are left alone', () => {
    const ctx = instrumentContext(undefined, root, true)
    const self = { warn: () => undefined }
    expect(transformModule(ctx, self, 'const o = {}; o.a = 1', '\0virtual:x')).toBeUndefined()
    expect(transformModule(ctx, self, 'const o = {}; o.a = 1', `${join(root, 'src/a.ts')}?raw`)).toBeUndefined()
    expect(transformModule(ctx, self, 'const o = {}; o.a = 1', join(root, 'src/a.ts'))?.code).toContain('__vitestRace')
  })
})

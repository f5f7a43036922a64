/**
 * The transform as a Vite plugin's hooks (main process): a filter and a call into the pure
 * `instrument` (STYLE: Vitest's hoistMocksPlugin). It sees what Vite transforms: the
 * project's sources and tests, and the dependencies listed in `instrument.deps`, which the
 * `config` hook inlines so that Vite transforms them too.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join, relative } from 'node:path'
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping'
import picomatch from 'picomatch'
import { globFilter, resolveInstrument, type InstrumentSettings } from './instrument-options.js'
import { instrument, InstrumentParseError, type InstrumentMode } from './transform.js'
import { ignoredLines } from './ignore-comments.js'

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const OWN = [`${PACKAGE_ROOT}dist/`, `${PACKAGE_ROOT}src/`]
const SCRIPT = /\.(m|c)?(j|t)sx?$/
/** Vitest's default `typecheck.include`: type tests, read by the type checker and never run. */
const TYPE_TESTS = ['**/*.{test,spec}-d.?(c|m)[jt]s?(x)']

/** The part of the Vitest config the instrumentation adds (dependencies inlined). */
export function instrumentConfig(value: unknown): { test: { server: { deps: { inline: string[] } } } } | undefined {
  if (typeof value !== 'object' || value === null || !Array.isArray((value as { deps?: unknown }).deps)) return undefined
  const deps = (value as { deps: unknown[] }).deps.filter((d): d is string => typeof d === 'string')
  return deps.length === 0 ? undefined : { test: { server: { deps: { inline: deps } } } }
}

/** What the transform hook needs, fixed once the config is resolved. */
export interface InstrumentContext {
  readonly settings: InstrumentSettings
  readonly mode: InstrumentMode
  readonly root: string
  readonly accepts: (file: string) => boolean
}

/**
 * Resolve the `instrument` option for a project root and race mode. `typeTests` are the
 * project's `typecheck.include` globs: those files never run, and Vitest finds their tests in
 * their code, so they are left as written.
 */
export function instrumentContext(value: unknown, root: string, race: boolean, typeTests: readonly string[] = TYPE_TESTS): InstrumentContext {
  const settings = resolveInstrument(value, root)
  const globs = globFilter(settings, root)
  const depDirs = settings.depDirs.map((d) => (d.endsWith('/') ? d : `${d}/`))
  const typeTest = picomatch([...typeTests], { dot: true })
  const accepts = (file: string): boolean => {
    if (!SCRIPT.test(file) || OWN.some((dir) => file.startsWith(dir))) return false
    if (typeTest(relative(root, file))) return false
    if (file.includes('/node_modules/')) return depDirs.some((dir) => file.startsWith(dir))
    return globs(file)
  }
  return { settings, mode: race ? 'full' : 'awaits', root, accepts }
}

let ownCode: string | undefined

/** A hash of the transform's own code (this folder) and version: a new vitest-race means a new transform. */
function ownCodeHash(): string {
  if (ownCode !== undefined) return ownCode
  const dir = fileURLToPath(new URL('.', import.meta.url))
  const hash = createHash('sha256')
  hash.update(readFileSync(join(PACKAGE_ROOT, 'package.json')))
  for (const name of readdirSync(dir).sort()) {
    if (SCRIPT.test(name)) hash.update(name).update(readFileSync(join(dir, name)))
  }
  ownCode = hash.digest('hex').slice(0, 16)
  return ownCode
}

/**
 * What, besides the module's own text, decides the transform's output: our code, the mode
 * (race mode instruments accesses, stress mode only awaits) and the instrument settings.
 * Vitest's on-disk module cache adds it to each module's key, so a race run never reuses a
 * stress run's transform (it would see no access and report nothing), nor the other way round.
 */
export function instrumentCacheKey(ctx: InstrumentContext | undefined): string {
  if (ctx === undefined) return 'vitest-race:off'
  return `vitest-race:${ownCodeHash()}:${ctx.mode}:${JSON.stringify(ctx.settings)}`
}

/** The module id as a file path, or undefined for virtual modules and ids with a query. */
function fileOf(id: string): string | undefined {
  if (id.startsWith('\0') || id.includes('?')) return undefined
  return id.startsWith('file://') ? fileURLToPath(id) : id
}

/** Minimal view of Vite's transform context. */
interface TransformContext {
  warn(message: string): void
  getCombinedSourcemap?(): unknown
}

/** The file as its author wrote it (a TypeScript transform may have dropped its comments); '' when unreadable. */
function originalSource(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

/** The transform hook's work: instrumented code and map, or undefined to leave the module alone. */
export function transformModule(ctx: InstrumentContext, self: TransformContext, code: string, id: string): { code: string; map: unknown } | undefined {
  if (!ctx.settings.enabled) return undefined
  const file = fileOf(id)
  if (file === undefined || !ctx.accepts(file)) return undefined
  let trace: TraceMap | undefined | null
  const originalPosition = (line: number, column: number): { line: number; column: number } | undefined => {
    originalLine(line, column)
    if (trace === null || trace === undefined) return undefined
    const p = originalPositionFor(trace, { line, column })
    return p.line === null || p.column === null ? undefined : { line: p.line, column: p.column }
  }
  const originalLine = (line: number, column: number): number | undefined => {
    if (trace === undefined) {
      try {
        trace = new TraceMap(self.getCombinedSourcemap?.() as never)
      } catch {
        trace = null
      }
    }
    return trace === null ? undefined : (originalPositionFor(trace, { line, column }).line ?? undefined)
  }
  try {
    const ignored = ctx.mode === 'full' ? ignoredLines(originalSource(file)) : []
    const out = instrument(code, { mode: ctx.mode, file: relative(ctx.root, file), originalLine, originalPosition, ...(ignored.length === 0 ? {} : { ignoredLines: ignored }) })
    return out === undefined ? undefined : { code: out.code, map: out.map }
  } catch (e) {
    if (!(e instanceof InstrumentParseError)) throw e
    self.warn(e.message)
    return undefined
  }
}

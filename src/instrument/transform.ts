/**
 * The transform (build time, pure): `(code, options) => { code, map }`. In race mode every
 * property, element and shared-binding access, every built-in collection call, every
 * destructuring, spread and iteration becomes an event for the runtime, behind one flag check
 * so that code outside a race-mode iteration runs as before; every `await` and `for await`
 * becomes a scheduling point (in stress mode too). Code is only inserted, never reordered:
 * each operand is evaluated once, `this` and a function's synchronous prefix are unchanged
 * (STYLE: istanbul, Vitest's hoistMocks). instrumenter.ts shows the inserted shapes.
 */
import { SourceMap } from 'magic-string'
import { parseSync } from 'oxc-parser'
import type { Node } from './estree.js'
import { analyseScopes } from './scope.js'
import { HOOKS_GLOBAL as H } from './sites.js'
import { resolveDependences } from './dependence.js'
import { Instrumenter, type TransformOptions } from './instrumenter.js'
import { walk } from './walk.js'
import { ignoredLines } from './ignore-comments.js'
import { mapHookCalls, type Segment } from './hook-mappings.js'

export type { InstrumentMode, TransformOptions } from './instrumenter.js'

/** What the transform produced. */
export interface TransformOutput {
  readonly code: string
  readonly map: SourceMap
  /** How many sites were instrumented. */
  readonly sites: number
}

/** The code could not be parsed: the plugin leaves it uninstrumented, with one warning. */
export class InstrumentParseError extends Error {
  constructor(file: string, detail: string) {
    super(`vitest-race: could not parse ${file} for instrumentation; it runs uninstrumented: ${detail}`)
    this.name = 'InstrumentParseError'
  }
}

/** Marks code this transform produced, so that it is never instrumented twice. */
const MARK = `globalThis.${H} ||`

/**
 * Instrument `code`. Undefined when there is nothing to instrument; throws
 * InstrumentParseError when the code cannot be parsed.
 */
export function instrument(code: string, options: TransformOptions): TransformOutput | undefined {
  if (code.includes(MARK)) return undefined
  if (options.mode === 'awaits' && !/\bawait\b/.test(code)) return undefined
  const commonjs = options.commonjs ?? /\.c[jt]s$/.test(options.file)
  const parsed = parseSync(commonjs ? 'x.cjs' : 'x.mjs', code, { sourceType: commonjs ? 'script' : 'module', preserveParens: true })
  if (parsed.errors.length > 0) throw new InstrumentParseError(options.file, parsed.errors[0]!.message)
  const program = parsed.program as unknown as Node
  const scope = analyseScopes(program)
  const ins = new Instrumenter(code, scope, options, program)
  walk(ins, program, undefined, '')
  if (ins.sites.length === 0) return undefined
  resolveDependences(ins.sites, ins.starts, ins.writes, scope)
  const ignored = new Map<number, string>(options.ignoredLines ?? [])
  for (const [line, reason] of ignoredLines(code)) ignored.set(options.originalLine?.(line, 0) ?? line, reason)
  const prelude =
    `${MARK} (globalThis.${H} = { on: false, sched: false, modules: [], m(f, s) { this.modules.push([f, s]); return NaN }, f(t, c, s, ...a) { return Reflect.apply(c, t, a) }, t(f) { return f } });` +
    `var __vm = ${H}.m(${JSON.stringify(options.file)}, ${JSON.stringify(ins.sites)}${ignored.size === 0 ? '' : `, ${JSON.stringify([...ignored])}`});${ins.moduleDecls.join('')}${ins.moduleTemps()}`
  let at = code.startsWith('#!') ? code.indexOf('\n') + 1 || code.length : 0
  for (const st of program.body as Node[]) {
    if (st.type === 'ExpressionStatement' && typeof st.directive === 'string') at = st.end
    else break
  }
  // On the same line: code without a source map (CommonJS through Node's loader) keeps its line numbers.
  ins.s.prependLeft(at, at === 0 ? prelude : `;${prelude}`)
  const out = ins.s.toString()
  const decoded = ins.s.generateDecodedMap({ hires: 'boundary', includeContent: true, source: options.file })
  mapHookCalls(ins.lines, out, decoded.mappings as Segment[][], ins.hookCalls, `${H}.f(`)
  return { code: out, map: new SourceMap(decoded), sites: ins.sites.length }
}

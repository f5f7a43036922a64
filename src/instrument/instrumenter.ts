/**
 * The transform's state and its emitters: sites, temporaries, binding tokens, and the code
 * inserted for each kind of access. Only insertions: each emitter wraps operands in place, so
 * that nested accesses nest, evaluation order is the original's and every operand is
 * evaluated once. Shapes (H is the hooks global, S a site, t… temporaries):
 *
 *   o.k          (t = o, H.on && H.r(t, "k", S), t).k
 *   o[e]         (t = o)[k = (e), H.on && H.r(t, k, S), k]
 *   o.k = v      (t = o).k = (u = v, H.on && H.w(t, "k", S), u)     (hook first when v is trivial)
 *   o.k += v     (t = o, H.on && H.r(t, "k", S), t).k += (u = v, H.on && H.w(t, "k", S), u)
 *   o.k++        (t = o, H.on && H.u(t, "k", S), t).k++
 *   x (shared)   (H.on && H.r(token, "x", S), x)
 *   m.set(a, b)  (t = o).set(k = (a), (u = (b), H.on && H.c(t, "set", k, S), u))
 *   await e      await (t = e, H.sched ? H.aw(t, S) : t)
 */
import MagicString from 'magic-string'
import type { Node } from './estree.js'
import type { Binding, ScopeInfo } from './scope.js'
import { HOOKS_GLOBAL as H, type Site, type SiteKind } from './sites.js'
import type { WriteFacts } from './dependence.js'
import type { HookCall } from './hook-mappings.js'
import { LineTable } from './line-table.js'

/** How much to instrument. */
export type InstrumentMode = 'full' | 'awaits'

/** Options of one transform. */
export interface TransformOptions {
  /** `'full'` in race mode; `'awaits'` in stress mode (scheduling points only). */
  readonly mode: InstrumentMode
  /** The file as reports print it (relative to the project root). */
  readonly file: string
  /** A CommonJS module (parsed as a script); by default, files ending in `.cjs`/`.cts`. */
  readonly commonjs?: boolean
  /** The original line of a (1-based) line and (0-based) column in `code`, where a source map knows it. */
  readonly originalLine?: (line: number, column: number) => number | undefined
  /** The original (1-based) line and (0-based) column of a position in `code`, where a source map knows it. */
  readonly originalPosition?: (line: number, column: number) => { readonly line: number; readonly column: number } | undefined
  /** Original lines under a `// vitest-race-ignore-next-line` comment, with the reasons (found in the original source). */
  readonly ignoredLines?: readonly (readonly [number, string])[]
}

/** Per function (or the module, or a static block): its temporaries. */
export interface FnCtx {
  readonly node: Node
  temps: number
  /** The function's name as a stack frame gives it (`BalanceService.debit`, `debit`), where the code says. */
  readonly name?: string
}

/** Where declarations go at the start of a block: after `{` and any directive prologue. */
export function blockStart(block: Node): number {
  let at = block.start + 1
  for (const st of block.body as Node[]) {
    if (st.type === 'ExpressionStatement' && typeof st.directive === 'string') at = st.end
    else break
  }
  return at
}

function shorten(text: string): string {
  const one = text.replace(/\s+/g, ' ')
  return one.length > 60 ? `${one.slice(0, 57)}...` : one
}

/** Names a simple owner expression (`this`, `svc`, `svc.balances`), or undefined. */
function ownerText(n: Node, code: string): string | undefined {
  if (n.type === 'ThisExpression' || n.type === 'Identifier') return code.slice(n.start, n.end)
  if (n.type === 'MemberExpression' && !n.computed && !n.optional && n.property.type === 'Identifier') {
    const o = ownerText(n.object, code)
    return o === undefined || o.length > 40 ? undefined : `${o}.${n.property.name}`
  }
  return undefined
}

function rootIdentifier(n: Node): Node | undefined {
  while (n.type === 'MemberExpression') n = n.object
  return n.type === 'Identifier' ? n : undefined
}

/** Anonymous functions and classes get their name from what they are assigned to: keep it out of temporaries. */
function anonymousFunction(n: Node): boolean {
  while (n.type === 'ParenthesizedExpression') n = n.expression
  return (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression' || n.type === 'ClassExpression') && !n.id
}

/** A value whose evaluation reads nothing and cannot await: its write may be recorded before it. */
export function trivialValue(n: Node): boolean {
  while (n.type === 'ParenthesizedExpression') n = n.expression
  switch (n.type) {
    case 'Literal':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
    case 'ClassExpression':
    case 'ThisExpression':
      return true
    case 'TemplateLiteral':
      return n.expressions.length === 0
    case 'Identifier':
      return n.name === 'undefined'
    default:
      return false
  }
}

export class Instrumenter {
  readonly s: MagicString
  readonly sites: Site[] = []
  /** Start offset of each site's node, for the dependence pass. */
  readonly starts: number[] = []
  readonly writes: WriteFacts[] = []
  /** Each inserted call hook (`H.f(`): where, and where V8 places the original call (hook-mappings.ts). */
  readonly hookCalls: HookCall[] = []
  /** Control tests enclosing the node being visited (if, ?:, &&, loops, switch, guards). */
  control: Node[] = []
  /** Visiting the test of a loop whose body awaits: its reads end a wait loop. */
  inWaitTest = false
  /** Operands of `await` (unparenthesised): calls awaited at once start no task. */
  readonly awaited = new Set<Node>()
  /** Calls that are elements of `Promise.all([…])` and the like: how their tasks are named. */
  readonly taskNames = new Map<Node, string>()
  /** The class whose methods are being visited: `this` is named after it. */
  className: string | undefined = undefined
  /** Module-level declarations for the prelude (tokens of module bindings). */
  readonly moduleDecls: string[] = []
  /** Lines of the input, for sites and for the hook mappings. */
  readonly lines: LineTable
  private readonly tokens = new Map<object, string>()
  private readonly bodyDecls = new Map<Node, string[]>()
  private tokenCount = 0
  fn: FnCtx
  readonly moduleCtx: FnCtx

  constructor(
    readonly code: string,
    readonly scope: ScopeInfo,
    readonly options: TransformOptions,
    program: Node,
  ) {
    this.s = new MagicString(code)
    this.lines = new LineTable(code)
    this.moduleCtx = this.fn = { node: program, temps: 0 }
  }

  get full(): boolean {
    return this.options.mode === 'full'
  }

  /**
   * Whether calls go through the call hook (calls.ts): always in race mode; in stress mode
   * only in a file that imports vitest-race (a concurrentTest's body, whose calls left in
   * flight are tasks), so that other code keeps its stacks and costs as written.
   */
  get callHooks(): boolean {
    return (this.importsRace ??= this.full || /['"]vitest-race['"]/.test(this.code))
  }

  private importsRace: boolean | undefined

  position(offset: number): { line: number; col: number } {
    return this.lines.position(offset)
  }

  /** A new site; returns the code that names it at run time. */
  site(k: SiteKind, node: Node, extra: Partial<Site> = {}): string {
    const at = this.position(node.start)
    const mapped = this.options.originalPosition?.(at.line, at.col - 1)
    const line = mapped?.line ?? this.options.originalLine?.(at.line, at.col - 1) ?? at.line
    const col = mapped === undefined ? at.col : mapped.column + 1
    const acq = this.inWaitTest && (k === 'r' || k === 'c') ? { acq: 1 as const } : {}
    const fn = this.fn.name === undefined ? {} : { fn: this.fn.name }
    this.sites.push({ k, line, col, text: shorten(this.code.slice(node.start, node.end)), ...fn, ...extra, ...acq })
    this.starts.push(node.start)
    return `__vm+${this.sites.length - 1}`
  }

  /** Remember what the write at the last site depends on, for dependence.ts. */
  wrote(value: readonly Node[], self: boolean, keys: readonly Node[] = []): void {
    this.writes.push({ site: this.sites.length - 1, value, keys, control: [...this.control], self })
  }

  temp(): string {
    return `__vt${++this.fn.temps}`
  }

  /** How a binding is described in reports: `module src/a.ts` or `closure in f, src/a.ts:3`. */
  where(b: Binding): string | undefined {
    if (b.scope.kind === 'module') return `module ${this.options.file}`
    // A closure of an anonymous function (a test body, a callback) says nothing a reader needs.
    const fnName = b.scope.fn.name
    if (fnName === undefined) return undefined
    const { line, col } = this.position(b.start)
    const original = this.options.originalLine?.(line, col - 1) ?? line
    return `closure in ${fnName}, ${this.options.file}:${original}`
  }

  /** The owner's name and declaration for reports. */
  ownerFacts(object: Node): Partial<Site> {
    let obj = ownerText(object, this.code)
    if (obj !== undefined && this.className !== undefined && /^this\b/.test(obj)) obj = this.className + obj.slice(4)
    const root = rootIdentifier(object)
    const b = root === undefined ? undefined : this.scope.refs.get(root)
    const shared = b !== undefined && (b.scope.kind === 'module' || b.captured)
    const where = shared ? this.where(b) : undefined
    return { ...(obj === undefined ? {} : { obj }), ...(where === undefined ? {} : { where }) }
  }

  /**
   * The token object that stands for a shared binding's scope at run time (locations are
   * keyed by it and the name), or undefined when the binding is not instrumented: only `let`,
   * `var` and parameters that are reassigned and live at module scope or are captured.
   */
  token(b: Binding | undefined): string | undefined {
    if (b === undefined || !b.reassigned) return undefined
    if (b.kind !== 'var' && b.kind !== 'let' && b.kind !== 'param') return undefined
    const scope = b.scope
    if (scope.kind !== 'module' && !b.captured) return undefined
    // Loop heads, switch bodies and catch clauses make a binding per entry that no token follows.
    if (scope.kind !== 'module' && scope.kind !== 'function' && scope.kind !== 'block') return undefined
    if (scope.kind === 'block' && scope.parent?.kind === 'switch') return undefined
    let name = this.tokens.get(scope)
    if (name !== undefined) return name
    name = `__vs${this.tokenCount++}`
    this.tokens.set(scope, name)
    if (scope.kind === 'module') this.moduleDecls.push(`var ${name} = {};`)
    else if (scope.kind === 'block') this.s.prependLeft(blockStart(scope.node), `const ${name} = {};`)
    else this.declareAtBodyStart(scope.node, `var ${name} = {};`)
    return name
  }

  private declareAtBodyStart(fnNode: Node, decl: string): void {
    let list = this.bodyDecls.get(fnNode)
    if (list === undefined) this.bodyDecls.set(fnNode, (list = []))
    list.push(decl)
  }

  /** Run `visit` inside a new function context, then declare its temporaries and tokens. */
  withFn(node: Node, visit: () => void, name?: string): void {
    // An expression-bodied arrow becomes a block that returns the expression (its `=>` is
    // rewritten when the function is done, once its declarations are known).
    if (node.type === 'ArrowFunctionExpression' && node.body.type !== 'BlockStatement') this.s.prependLeft(node.body.end, ') }')
    const outer = this.fn
    const outerControl = this.control
    const outerWait = this.inWaitTest
    const ctx: FnCtx = name === undefined ? { node, temps: 0 } : { node, temps: 0, name }
    this.fn = ctx
    this.control = []
    this.inWaitTest = false
    try {
      visit()
    } finally {
      this.control = outerControl
      this.inWaitTest = outerWait
      this.fn = outer
    }
    this.finishFunction(ctx)
  }

  /** Temporaries of the module, for the prelude. */
  moduleTemps(): string {
    const n = this.moduleCtx.temps
    return n > 0 ? `var ${Array.from({ length: n }, (_, i) => `__vt${i + 1}`).join(', ')};` : ''
  }

  private finishFunction(ctx: FnCtx): void {
    const decls = [...(this.bodyDecls.get(ctx.node) ?? [])]
    if (ctx.temps > 0) decls.push(`var ${Array.from({ length: ctx.temps }, (_, i) => `__vt${i + 1}`).join(', ')};`)
    const node = ctx.node
    if (node.type === 'ArrowFunctionExpression' && node.body.type !== 'BlockStatement') {
      const arrow = this.code.lastIndexOf('=>', node.body.start)
      this.s.overwrite(arrow, arrow + 2, `=> { ${decls.join(' ')} return (`, { contentOnly: true })
      return
    }
    if (decls.length === 0) return
    if (node.type === 'StaticBlock') {
      this.s.prependLeft(this.code.indexOf('{', node.start) + 1, decls.join(' '))
      return
    }
    this.s.prependLeft(blockStart(node.body), decls.join(' '))
  }

  // ---- emitters: each is called on the way down, before the node's children are visited ----

  /** `(t = obj` … `, hook, t)` around an object expression; `this` needs no temporary. Returns the object's code. */
  wrapObject(object: Node, hook: (obj: string) => string): string {
    if (object.type === 'ThisExpression') {
      this.s.appendLeft(object.start, `(${H}.on && ${hook('this')}, `)
      this.s.prependLeft(object.end, ')')
      return 'this'
    }
    const t = this.temp()
    this.s.appendLeft(object.start, `(${t} = `)
    this.s.prependLeft(object.end, `, ${H}.on && ${hook(t)}, ${t})`)
    return t
  }

  /** `(t = obj)` around an object expression, with no hook; `this` is left alone. */
  holdObject(object: Node): string {
    if (object.type === 'ThisExpression') return 'this'
    const t = this.temp()
    this.s.appendLeft(object.start, `(${t} = `)
    this.s.prependLeft(object.end, ')')
    return t
  }

  /** A computed key evaluated once into a temporary, then `hook`, inside the brackets. */
  wrapKey(property: Node, hook: ((key: string) => string) | undefined): string {
    const k = this.temp()
    this.s.appendLeft(property.start, `${k} = ${anonymousFunction(property) ? '(0, ' : '('}`)
    this.s.prependLeft(property.end, hook === undefined ? ')' : `), ${H}.on && ${hook(k)}, ${k}`)
    return k
  }

  /** `(u = value, H.on && hook, u)` around a value: the event after the value is computed. */
  wrapValue(value: Node, hook: string): void {
    const u = this.temp()
    this.s.appendLeft(value.start, `(${u} = ${anonymousFunction(value) ? '(0, ' : '('}`)
    this.s.prependLeft(value.end, `), ${H}.on && ${hook}, ${u})`)
  }

  /** `(H.on && hook, node)` around a node: the event first. */
  hookBefore(node: Node, hook: string): void {
    this.s.appendLeft(node.start, `(${H}.on && ${hook}, `)
    this.s.prependLeft(node.end, ')')
  }
}

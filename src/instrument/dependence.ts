/**
 * Dependence (DESIGN §4): which earlier reads a write depends on. A write depends on the
 * reads inside its value, on the reads that defined the locals its value uses (followed
 * through every assignment of those locals in the module, flow-insensitively), and on the
 * reads that decide whether it runs (the tests of enclosing ifs, conditionals, logical
 * operators, loops and switches, and of earlier ifs in its block that may leave early).
 * Over-approximating dependence can only keep a report; missing one could drop a true race,
 * never add a false one.
 */
import type { Node } from './estree.js'
import type { Binding, ScopeInfo } from './scope.js'
import { children, patternNames } from './scope.js'
import type { Site } from './sites.js'
import { COLLECTION_METHODS } from './collection-methods.js'

/** What the walk recorded about one write site. */
export interface WriteFacts {
  /** Index of the write's site. */
  readonly site: number
  /** The expressions whose value is written (or the value arguments of a collection call). */
  readonly value: readonly Node[]
  /**
   * The expressions that choose which location is written (a computed key, a Map key, a Set
   * member): their reads are dependences (`a[a.length] = v`), but a call in them says nothing
   * about where the written value comes from (`this.m.set(this.key(k), v)`).
   */
  readonly keys: readonly Node[]
  /** Tests that decide whether the write runs. */
  readonly control: readonly Node[]
  /** The write also reads the location at its own site (`x++`, `o.k += v`). */
  readonly self: boolean
}

const READ_KINDS = new Set(['r', 'u', 'c', 'rs', 'it'])

/** Fill `deps` of every write site. */
export function resolveDependences(sites: Site[], starts: readonly number[], writes: readonly WriteFacts[], scope: ScopeInfo): void {
  if (writes.length === 0) return
  // Read sites by their start offset, in order.
  const reads: { start: number; id: number }[] = []
  for (let i = 0; i < sites.length; i++) if (READ_KINDS.has(sites[i]!.k)) reads.push({ start: starts[i]!, id: i })
  reads.sort((a, b) => a.start - b.start)
  const defs = definitions(scope)
  const refs = [...scope.refs.entries()].map(([node, b]) => ({ start: node.start as number, b })).sort((a, b) => a.start - b.start)
  const memo = new Map<Binding, Set<number>>()

  const readsIn = (n: Node, out: Set<number>): void => {
    for (let i = lowerBound(reads, n.start); i < reads.length && reads[i]!.start < n.end; i++) out.add(reads[i]!.id)
  }
  const localsIn = (n: Node): Binding[] => {
    const out: Binding[] = []
    for (let i = lowerBound(refs, n.start); i < refs.length && refs[i]!.start < n.end; i++) out.push(refs[i]!.b)
    return out
  }
  const viaBinding = (b: Binding): Set<number> => {
    let set = memo.get(b)
    if (set !== undefined) return set
    set = new Set<number>()
    memo.set(b, set) // a cycle ends here
    for (const value of defs.get(b) ?? []) closure(value, set)
    return set
  }
  const closure = (n: Node, out: Set<number>): void => {
    readsIn(n, out)
    for (const b of localsIn(n)) for (const id of viaBinding(b)) out.add(id)
  }
  // Whether a value comes, directly or through locals, from a call the transform cannot see
  // into (a helper that reads the location and returns it): then the reads are not known here.
  const callMemo = new Map<Binding, boolean>()
  const owner = ownership(scope, defs)
  const fromCall = (n: Node): boolean => {
    if (callsIn(n, owner)) return true
    for (const b of localsIn(n)) {
      let known = callMemo.get(b)
      if (known === undefined) {
        callMemo.set(b, false) // a cycle ends here
        known = (defs.get(b) ?? []).some(fromCall)
        callMemo.set(b, known)
      }
      if (known) return true
    }
    return false
  }

  for (const w of writes) {
    const control = new Set<number>()
    for (const c of w.control) closure(c, control)
    const out = new Set<number>(control)
    if (w.self) out.add(w.site)
    for (const v of w.value) closure(v, out)
    for (const k of w.keys) closure(k, out)
    out.delete(-1)
    control.delete(-1)
    sites[w.site]!.deps = [...out].sort((a, b) => a - b)
    sites[w.site]!.cdeps = [...control].sort((a, b) => a - b)
    // The written value may come from a read inside a call: the worker's last read stands in.
    if (w.value.some(fromCall)) sites[w.site]!.open = 1
  }
}

function lowerBound(list: readonly { start: number }[], start: number): number {
  let lo = 0
  let hi = list.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (list[mid]!.start < start) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Every value assigned to each binding: declarator inits, assignments, for-of/in sources. */
function definitions(scope: ScopeInfo): Map<Binding, Node[]> {
  const defs = new Map<Binding, Node[]>()
  const add = (ids: Node[], value: Node) => {
    for (const id of ids) {
      const b = scope.refs.get(id)
      if (b === undefined) continue
      let list = defs.get(b)
      if (list === undefined) defs.set(b, (list = []))
      list.push(value)
    }
  }
  const visit = (n: Node): void => {
    if (n.type === 'VariableDeclarator' && n.init) add(patternNames(n.id), n.init)
    else if (n.type === 'AssignmentExpression') add(patternNames(n.left), n.right)
    else if ((n.type === 'ForOfStatement' || n.type === 'ForInStatement') && n.left.type !== 'VariableDeclaration') add(patternNames(n.left), n.right)
    else if ((n.type === 'ForOfStatement' || n.type === 'ForInStatement') && n.left.type === 'VariableDeclaration') {
      for (const d of n.left.declarations) add(patternNames(d.id), n.right)
    }
    for (const c of children(n)) visit(c)
  }
  visit(scope.module.node)
  return defs
}

const FUNCTION_NODES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'])

/**
 * A call in `n` (nested functions aside) that may read the program's own state and return it:
 * a method called on `this`, on a module binding or on a local that holds an object the
 * program made (`new`, an own call's result, a `this` member), or a function of this module.
 * Built-in collection methods are recorded as reads themselves; calls of imports, globals and
 * parameters are not followed (a log helper or a clock is not a read of the location), nor
 * methods of locals that only alias them or hold literals (`opts.expire.getTime()`, `s.trim()`).
 */
function callsIn(n: Node, owner: Owner): boolean {
  if (FUNCTION_NODES.has(n.type)) return false
  if (n.type === 'CallExpression') {
    const c = n.callee
    // `this.get()` is the class's own method; `this.cache.get(k)` a collection's.
    if (c.type === 'MemberExpression' && c.object.type !== 'ThisExpression' && !c.computed && c.property.type === 'Identifier' && COLLECTION_METHODS.has(c.property.name)) {
      // recorded as a read by the transform
    } else if (owner.callee(c)) return true
  }
  return children(n).some((child) => callsIn(child, owner))
}

/** Whether a callee, or a value a callee is reached through, belongs to the program's own objects. */
interface Owner {
  callee(c: Node): boolean
}

function ownership(scope: ScopeInfo, defs: ReadonlyMap<Binding, Node[]>): Owner {
  const memo = new Map<Binding, boolean>()
  const ownBinding = (b: Binding): boolean => {
    if (b.kind === 'import' || b.kind === 'param') return false
    if (b.kind === 'function' || b.kind === 'class' || b.scope.kind === 'module') return true
    let known = memo.get(b)
    if (known === undefined) {
      memo.set(b, false) // a cycle ends here
      known = (defs.get(b) ?? []).some(ownValue)
      memo.set(b, known)
    }
    return known
  }
  const ownRoot = (c: Node): boolean => {
    let root: Node = c
    while (root.type === 'MemberExpression' || root.type === 'ParenthesizedExpression' || root.type === 'ChainExpression') root = root.type === 'MemberExpression' ? root.object : root.expression
    if (root.type === 'ThisExpression') return true
    if (root.type !== 'Identifier') return false
    const b = scope.refs.get(root)
    return b !== undefined && ownBinding(b)
  }
  // The value a local is bound to: an object the program made, or reached through one.
  const ownValue = (v: Node): boolean => {
    switch (v.type) {
      case 'ParenthesizedExpression':
      case 'ChainExpression':
        return ownValue(v.expression)
      case 'AwaitExpression':
        return ownValue(v.argument)
      case 'NewExpression':
        return true
      case 'CallExpression':
        return ownRoot(v.callee)
      case 'MemberExpression':
      case 'Identifier':
      case 'ThisExpression':
        return ownRoot(v)
      case 'ConditionalExpression':
        return ownValue(v.consequent) || ownValue(v.alternate)
      case 'LogicalExpression':
        return ownValue(v.left) || ownValue(v.right)
      case 'SequenceExpression':
        return ownValue(v.expressions[v.expressions.length - 1])
      default:
        return false
    }
  }
  return { callee: ownRoot }
}

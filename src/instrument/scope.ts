/**
 * Scope analysis over an ESTree program (build time, pure): which declaration each
 * identifier reference resolves to, and which bindings can be shared between flows of
 * control: module-scope bindings, and locals captured by a nested function (DESIGN §4: a
 * local that no closure sees cannot be shared, the escape reasoning Go's compiler applies).
 */
import type { Node } from './estree.js'

/** How a binding was declared. */
export type BindingKind = 'var' | 'let' | 'const' | 'function' | 'class' | 'param' | 'import' | 'catch'

/** One declared name. */
export interface Binding {
  readonly name: string
  readonly kind: BindingKind
  readonly scope: Scope
  /** Assigned somewhere after its declaration (`x = …`, `x++`, `for (x of …)`). */
  reassigned: boolean
  /** Referenced from a function other than the one that declares it. */
  captured: boolean
  /** Start offset of the declaring identifier. */
  readonly start: number
}

/** A lexical scope: the module, a function, a block, a loop head, a catch clause, a class. */
export interface Scope {
  readonly kind: 'module' | 'function' | 'block' | 'loop' | 'switch' | 'catch' | 'class' | 'static'
  readonly node: Node
  readonly parent: Scope | undefined
  /** The nearest function (or module) scope: where `var` lands and what "captured" compares. */
  readonly fn: Scope
  readonly bindings: Map<string, Binding>
  /** The function's name, for `closure in makeCache` (function scopes only). */
  readonly name: string | undefined
}

/** What the analysis found. */
export interface ScopeInfo {
  /** Identifier reference node → its binding (absent for globals and non-references). */
  readonly refs: Map<Node, Binding>
  /** Scope created by a node (a function, a block, …). */
  readonly scopes: Map<Node, Scope>
  readonly module: Scope
}

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'])

function newScope(kind: Scope['kind'], node: Node, parent: Scope | undefined, name?: string): Scope {
  const fnScope = kind === 'function' || kind === 'module' || kind === 'static' ? undefined : parent!.fn
  const scope: Scope = { kind, node, parent, fn: undefined as unknown as Scope, bindings: new Map(), name }
  ;(scope as { fn: Scope }).fn = fnScope ?? scope
  return scope
}

/** Names bound by a pattern (`{ a, b: [c] }`, `...rest`, `x = 1`). */
export function patternNames(p: Node | null | undefined, out: Node[] = []): Node[] {
  if (p == null) return out
  switch (p.type) {
    case 'Identifier':
      out.push(p)
      break
    case 'ObjectPattern':
      for (const prop of p.properties) patternNames(prop.type === 'RestElement' ? prop.argument : prop.value, out)
      break
    case 'ArrayPattern':
      for (const el of p.elements) patternNames(el, out)
      break
    case 'RestElement':
      patternNames(p.argument, out)
      break
    case 'AssignmentPattern':
      patternNames(p.left, out)
      break
  }
  return out
}

function declare(scope: Scope, id: Node, kind: BindingKind): void {
  if (scope.bindings.has(id.name)) return
  scope.bindings.set(id.name, { name: id.name, kind, scope, reassigned: false, captured: false, start: id.start })
}

/** The children of a node, in source order (ESTree keys that hold nodes). */
export function children(node: Node): Node[] {
  const out: Node[] = []
  for (const key in node) {
    if (key === 'type' || key === 'start' || key === 'end' || key === 'range' || key === 'loc' || key === 'parent') continue
    const v = node[key]
    if (Array.isArray(v)) {
      for (const c of v) if (c !== null && typeof c === 'object' && typeof c.type === 'string') out.push(c)
    } else if (v !== null && typeof v === 'object' && typeof v.type === 'string') out.push(v)
  }
  return out
}

/** Whether `node` (an Identifier) is a reference, given its parent and the key it sits under. */
function isReference(node: Node, parent: Node, key: string): boolean {
  switch (parent.type) {
    case 'MemberExpression':
      return key === 'object' || parent.computed
    case 'Property':
      if (key === 'key') return parent.computed
      return true
    case 'PropertyDefinition':
    case 'MethodDefinition':
    case 'AccessorProperty':
      return key === 'key' ? parent.computed : true
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
      return false
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
    case 'ExportSpecifier':
      return parent.type === 'ExportSpecifier' && key === 'local' && true
    case 'MetaProperty':
      return false
    case 'ExportAllDeclaration':
      return false
    default:
      return true
  }
}

/** Analyse `program`: declarations first (hoisting), then references. */
export function analyseScopes(program: Node): ScopeInfo {
  const scopes = new Map<Node, Scope>()
  const module = newScope('module', program, undefined)
  scopes.set(program, module)
  declarePass(program, module, scopes)
  const refs = new Map<Node, Binding>()
  resolvePass(program, undefined, '', module, scopes, refs, new Set())
  return { refs, scopes, module }
}

function scopeFor(node: Node, scope: Scope, scopes: Map<Node, Scope>): Scope {
  let s = scopes.get(node)
  if (s !== undefined) return s
  if (FUNCTIONS.has(node.type)) s = newScope('function', node, scope, node.id?.name ?? undefined)
  else if (node.type === 'BlockStatement' || node.type === 'StaticBlock') s = node.type === 'StaticBlock' ? newScope('static', node, scope, 'static block') : newScope('block', node, scope)
  else if (node.type === 'ForStatement' || node.type === 'ForInStatement' || node.type === 'ForOfStatement') s = newScope('loop', node, scope)
  else if (node.type === 'SwitchStatement') s = newScope('switch', node, scope)
  else if (node.type === 'CatchClause') s = newScope('catch', node, scope)
  else if (node.type === 'ClassDeclaration' || node.type === 'ClassExpression') s = newScope('class', node, scope)
  else return scope
  scopes.set(node, s)
  return s
}

function declarePass(node: Node, scope: Scope, scopes: Map<Node, Scope>): void {
  const here = scopeFor(node, scope, scopes)
  switch (node.type) {
    case 'VariableDeclaration': {
      const kind = node.kind === 'var' ? 'var' : node.kind === 'const' || node.kind === 'using' || node.kind === 'await using' ? 'const' : 'let'
      const target = kind === 'var' ? scope.fn : scope
      for (const d of node.declarations) for (const id of patternNames(d.id)) declare(target, id, kind)
      break
    }
    case 'FunctionDeclaration':
      if (node.id) declare(scope.kind === 'block' || scope.kind === 'switch' ? scope : scope.fn, node.id, 'function')
      break
    case 'ClassDeclaration':
      if (node.id) declare(scope, node.id, 'class')
      break
    case 'ImportDeclaration':
      for (const s of node.specifiers) declare(scope, s.local, 'import')
      break
    case 'CatchClause':
      for (const id of patternNames(node.param)) declare(here, id, 'catch')
      break
  }
  if (FUNCTIONS.has(node.type)) {
    if (node.type === 'FunctionExpression' && node.id) declare(here, node.id, 'const')
    for (const p of node.params) for (const id of patternNames(p)) declare(here, id, 'param')
  }
  if (node.type === 'ClassExpression' && node.id) declare(here, node.id, 'const')
  for (const c of children(node)) declarePass(c, here, scopes)
}

function lookup(scope: Scope | undefined, name: string): Binding | undefined {
  for (let s = scope; s !== undefined; s = s.parent) {
    const b = s.bindings.get(name)
    if (b !== undefined) return b
  }
  return undefined
}

/** Marks every identifier a pattern assigns (assignment targets, `for (x of …)`). */
function markAssigned(p: Node | null | undefined, scope: Scope, refs: Map<Node, Binding>): void {
  for (const id of patternNames(p)) {
    const b = refs.get(id) ?? lookup(scope, id.name)
    if (b !== undefined) b.reassigned = true
  }
}

function resolvePass(node: Node, parent: Node | undefined, key: string, scope: Scope, scopes: Map<Node, Scope>, refs: Map<Node, Binding>, declIds: Set<Node>): void {
  const here = scopes.get(node) ?? scope
  if (node.type === 'Identifier') {
    if (parent !== undefined && !declIds.has(node) && isReference(node, parent, key)) {
      const b = lookup(scope, node.name)
      if (b !== undefined) {
        refs.set(node, b)
        if (b.scope.fn !== scope.fn) b.captured = true
      }
    }
    return
  }
  // Declaring identifiers are not references.
  if (node.type === 'VariableDeclarator') {
    for (const id of patternNames(node.id)) {
      declIds.add(id)
      const b = lookup(scope, id.name)
      if (b !== undefined) refs.set(id, b)
    }
  }
  if ((FUNCTIONS.has(node.type) || node.type === 'ClassDeclaration' || node.type === 'ClassExpression') && node.id) declIds.add(node.id)
  if (FUNCTIONS.has(node.type)) for (const p of node.params) for (const id of patternNames(p)) declIds.add(id)
  if (node.type === 'CatchClause') for (const id of patternNames(node.param)) declIds.add(id)
  if (node.type === 'ImportDeclaration') return
  if (node.type === 'AssignmentExpression') markAssigned(node.left, scope, refs)
  if (node.type === 'UpdateExpression' && node.argument.type === 'Identifier') markAssigned(node.argument, scope, refs)
  if ((node.type === 'ForInStatement' || node.type === 'ForOfStatement') && node.left.type !== 'VariableDeclaration') markAssigned(node.left, scope, refs)
  for (const k in node) {
    if (k === 'type' || k === 'start' || k === 'end' || k === 'range' || k === 'loc' || k === 'parent') continue
    const v = node[k]
    if (Array.isArray(v)) {
      for (const c of v) if (c !== null && typeof c === 'object' && typeof c.type === 'string') resolvePass(c, node, k, here, scopes, refs, declIds)
    } else if (v !== null && typeof v === 'object' && typeof v.type === 'string') resolvePass(v, node, k, here, scopes, refs, declIds)
  }
}

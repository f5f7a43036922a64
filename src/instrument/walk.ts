/**
 * The transform's visitor: one handler per node kind, each inserting its event around the
 * node it instruments (instrumenter.ts), parents before children so that insertions nest,
 * and keeping the control tests (if, ?:, &&, loops, switch, early-exit guards) that the
 * dependence pass needs. Reads and writes are visited in accesses.ts, calls in calls.ts.
 */
import type { Node } from './estree.js'
import { HOOKS_GLOBAL as H } from './sites.js'
import { children } from './scope.js'
import type { Instrumenter } from './instrumenter.js'
import { visitCall } from './calls.js'
import { destructure, visitAssignment, visitDelete, visitIdentifier, visitIn, visitMember, visitUpdate } from './accesses.js'

const FUNCTIONS = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression'])

/** Whether a member may be rewritten: not `super.x`, no `?.` link under it, and an optional link only at the top of its chain. */
export function rewritable(m: Node, parent: Node | undefined): boolean {
  if (m.object.type === 'Super') return false
  for (let x: Node = m.object; ; ) {
    if (x.type === 'MemberExpression' || x.type === 'CallExpression') {
      if (x.optional) return false
      x = x.type === 'MemberExpression' ? x.object : x.callee
    } else break
  }
  return !m.optional || parent?.type === 'ChainExpression'
}

/** Does a statement leave its block early (return, throw, break, continue; nested functions aside)? */
function mayExit(n: Node | null | undefined): boolean {
  if (n == null || FUNCTIONS.has(n.type) || n.type === 'ClassDeclaration' || n.type === 'ClassExpression') return false
  if (n.type === 'ReturnStatement' || n.type === 'ThrowStatement' || n.type === 'BreakStatement' || n.type === 'ContinueStatement') return true
  return children(n).some(mayExit)
}

/** Does `n` await (nested functions aside)? */
function awaits(n: Node | null | undefined): boolean {
  if (n == null || FUNCTIONS.has(n.type)) return false
  if (n.type === 'AwaitExpression' || (n.type === 'ForOfStatement' && n.await === true)) return true
  return children(n).some(awaits)
}

export function unparen(n: Node): Node {
  while (n.type === 'ParenthesizedExpression') n = n.expression
  return n
}

/** Visit `node` (under `parent[key]`). */
export function walk(ins: Instrumenter, node: Node, parent: Node | undefined, key: string): void {
  if (FUNCTIONS.has(node.type)) {
    const method = parent?.type === 'MethodDefinition' || (parent?.type === 'Property' && (parent.method || parent.kind !== 'init'))
    return visitFunction(ins, node, method, functionName(ins, node, parent, method))
  }
  if (node.type === 'StaticBlock') return ins.withFn(node, () => visitStatements(ins, node.body))
  if (node.type === 'AwaitExpression') {
    ins.awaited.add(unparen(node.argument))
    awaitPoint(ins, node.argument, node, 'aw')
    return walk(ins, node.argument, node, 'argument')
  }
  if (node.type === 'ForOfStatement' && node.await === true) {
    awaitPoint(ins, node.right, node, 'fa')
    return visitForIn(ins, node)
  }
  // Stress mode: awaits, and in a file that imports vitest-race the calls that may start a task of a concurrentTest body (calls.ts).
  if (!ins.full) return node.type === 'CallExpression' && ins.callHooks ? visitCall(ins, node) : visitChildren(ins, node)
  switch (node.type) {
    case 'Program':
    case 'BlockStatement':
      return visitStatements(ins, node.body)
    case 'SwitchCase':
      if (node.test) walk(ins, node.test, node, 'test')
      return visitStatements(ins, node.consequent)
    case 'IfStatement':
    case 'ConditionalExpression':
      walk(ins, node.test, node, 'test')
      return underControl(ins, node.test, () => {
        walk(ins, node.consequent, node, 'consequent')
        if (node.alternate) walk(ins, node.alternate, node, 'alternate')
      })
    case 'LogicalExpression':
      walk(ins, node.left, node, 'left')
      return underControl(ins, node.left, () => walk(ins, node.right, node, 'right'))
    case 'WhileStatement':
    case 'DoWhileStatement':
    case 'ForStatement':
      return visitLoop(ins, node)
    case 'SwitchStatement':
      walk(ins, node.discriminant, node, 'discriminant')
      return underControl(ins, node.discriminant, () => {
        for (const c of node.cases) walk(ins, c, node, 'cases')
      })
    case 'MemberExpression':
      return visitMember(ins, node, parent, key)
    case 'Identifier':
      return visitIdentifier(ins, node, parent, key)
    case 'AssignmentExpression':
      return visitAssignment(ins, node)
    case 'UpdateExpression':
      return visitUpdate(ins, node)
    case 'UnaryExpression':
      if (node.operator === 'delete' && visitDelete(ins, node)) return
      return visitChildren(ins, node)
    case 'BinaryExpression':
      if (node.operator === 'in' && node.left.type !== 'PrivateIdentifier') visitIn(ins, node)
      return visitChildren(ins, node)
    case 'CallExpression':
      return visitCall(ins, node)
    case 'VariableDeclarator':
      if (node.init && node.id.type === 'ObjectPattern') destructure(ins, node.id, node.init)
      if (node.init) walk(ins, node.init, node, 'init')
      return visitPattern(ins, node.id)
    case 'SpreadElement':
      if (parent?.type !== 'ObjectPattern' && parent?.type !== 'ArrayPattern') {
        const site = ins.site('it', node.argument, ins.ownerFacts(node.argument))
        ins.wrapValue(node.argument, `${H}.it(${lastTemp(ins)}, ${site})`)
      }
      return visitChildren(ins, node)
    case 'ForOfStatement': {
      const site = ins.site('it', node.right, ins.ownerFacts(node.right))
      ins.wrapValue(node.right, `${H}.it(${lastTemp(ins)}, ${site})`)
      return visitForIn(ins, node)
    }
    case 'ForInStatement':
      return visitForIn(ins, node)
    case 'Property':
      if (node.shorthand && parent?.type === 'ObjectExpression' && needsInstrumenting(ins, node.value)) ins.s.appendLeft(node.value.start, `${node.key.name}: `)
      if (node.computed) walk(ins, node.key, node, 'key')
      return walk(ins, node.value, node, 'value')
    case 'ExportSpecifier':
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
    case 'LabeledStatement':
      if (node.type === 'LabeledStatement') return walk(ins, node.body, node, 'body')
      return
    case 'ClassDeclaration':
    case 'ClassExpression': {
      // The class name is a declaration, not a reference; inside, `this` is named after it.
      if (node.superClass) walk(ins, node.superClass, node, 'superClass')
      const outer = ins.className
      ins.className = node.id?.name ?? (parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier' ? parent.id.name : undefined)
      walk(ins, node.body, node, 'body')
      ins.className = outer
      return
    }
    case 'MethodDefinition':
    case 'PropertyDefinition':
    case 'AccessorProperty':
      if (node.computed) walk(ins, node.key, node, 'key')
      if (node.value) walk(ins, node.value, node, 'value')
      return
    default:
      return visitChildren(ins, node)
  }
}

/** The temporary a `wrapValue` just allocated (it is the function context's newest). */
export function lastTemp(ins: Instrumenter): string {
  return `__vt${ins.fn.temps + 1}`
}

function needsInstrumenting(ins: Instrumenter, id: Node): boolean {
  return id.type === 'Identifier' && ins.token(ins.scope.refs.get(id)) !== undefined
}

/** `for (left in/of right) body`: the left side is a target, not a read. */
function visitForIn(ins: Instrumenter, node: Node): void {
  if (node.left.type === 'VariableDeclaration') walk(ins, node.left, node, 'left')
  else visitPattern(ins, node.left)
  walk(ins, node.right, node, 'right')
  walk(ins, node.body, node, 'body')
}

export function visitChildren(ins: Instrumenter, node: Node): void {
  for (const key in node) {
    if (key === 'type' || key === 'start' || key === 'end') continue
    const v = node[key]
    if (Array.isArray(v)) {
      for (const c of v) if (c !== null && typeof c === 'object' && typeof c.type === 'string') walk(ins, c, node, key)
    } else if (v !== null && typeof v === 'object' && typeof v.type === 'string') walk(ins, v, node, key)
  }
}

/** Statements of a block in order; an `if` that may leave early guards the ones after it. */
function visitStatements(ins: Instrumenter, body: readonly Node[]): void {
  const depth = ins.control.length
  for (const st of body) {
    // Inserted code may open with `(`: never let it continue the previous line's expression.
    if (st.type === 'ExpressionStatement' && typeof st.directive !== 'string') ins.s.appendLeft(st.start, ';')
    walk(ins, st, undefined, 'body')
    if (ins.full && st.type === 'IfStatement' && (mayExit(st.consequent) || mayExit(st.alternate))) ins.control.push(st.test)
  }
  ins.control.length = depth
}

function underControl(ins: Instrumenter, test: Node, visit: () => void): void {
  ins.control.push(test)
  try {
    visit()
  } finally {
    ins.control.pop()
  }
}

function visitLoop(ins: Instrumenter, node: Node): void {
  if (node.type === 'ForStatement' && node.init) walk(ins, node.init, node, 'init')
  if (node.type === 'DoWhileStatement') {
    // The body runs before the test, under it from the second round on.
    if (node.test) ins.control.push(node.test)
    walk(ins, node.body, node, 'body')
    if (node.test) ins.control.pop()
  }
  if (node.test) {
    const wasWaiting = ins.inWaitTest
    ins.inWaitTest = awaits(node.body) || (node.update != null && awaits(node.update))
    walk(ins, node.test, node, 'test')
    ins.inWaitTest = wasWaiting
  }
  const test: Node | null = node.test ?? null
  const rest = () => {
    if (node.type !== 'DoWhileStatement') walk(ins, node.body, node, 'body')
    if (node.type === 'ForStatement' && node.update) walk(ins, node.update, node, 'update')
  }
  if (test === null) rest()
  else underControl(ins, test, rest)
}

/** A function's name as a stack frame would give it: `Class.method`, `name`, or the variable it is assigned to. */
function functionName(ins: Instrumenter, node: Node, parent: Node | undefined, method: boolean): string | undefined {
  let name: string | undefined = node.id?.name
  if (name === undefined && (parent?.type === 'MethodDefinition' || parent?.type === 'Property' || parent?.type === 'PropertyDefinition') && !parent.computed) {
    name = parent.key.type === 'Identifier' ? parent.key.name : parent.key.type === 'PrivateIdentifier' ? `#${parent.key.name}` : undefined
  }
  if (name === undefined && parent?.type === 'VariableDeclarator' && parent.id.type === 'Identifier') name = parent.id.name
  if (name === undefined) return undefined
  return method && ins.className !== undefined ? `${ins.className}.${name}` : name
}

function visitFunction(ins: Instrumenter, node: Node, method = false, name?: string): void {
  // A plain function has its own `this`: not the enclosing class's instance.
  const outerClass = ins.className
  if (!method && node.type !== 'ArrowFunctionExpression') ins.className = undefined
  visitFunctionBody(ins, node, name)
  ins.className = outerClass
}

function visitFunctionBody(ins: Instrumenter, node: Node, name?: string): void {
  // Parameters (defaults) are evaluated in a scope that cannot see the body's declarations:
  // they use the enclosing function's temporaries.
  for (const p of node.params) visitPattern(ins, p)
  ins.withFn(
    node,
    () => {
      if (node.body.type === 'BlockStatement') visitStatements(ins, node.body.body)
      else walk(ins, node.body, node, 'body')
    },
    name,
  )
}

/** Patterns bind names; only their default values and computed keys are code to visit. */
export function visitPattern(ins: Instrumenter, p: Node | null): void {
  if (p == null) return
  switch (p.type) {
    case 'ObjectPattern':
      for (const prop of p.properties) {
        if (prop.type === 'RestElement') visitPattern(ins, prop.argument)
        else {
          if (prop.computed) walk(ins, prop.key, prop, 'key')
          visitPattern(ins, prop.value)
        }
      }
      return
    case 'ArrayPattern':
      for (const el of p.elements) visitPattern(ins, el)
      return
    case 'RestElement':
      return visitPattern(ins, p.argument)
    case 'AssignmentPattern':
      visitPattern(ins, p.left)
      return walk(ins, p.right, p, 'right')
    case 'Identifier':
      return
    default:
      // A member expression target inside a destructuring assignment: its operands are code.
      return walk(ins, p, undefined, 'pattern')
  }
}

function awaitPoint(ins: Instrumenter, argument: Node, node: Node, kind: 'aw' | 'fa'): void {
  const site = ins.site(kind, node)
  const t = ins.temp()
  ins.s.appendLeft(argument.start, `(${t} = `)
  ins.s.prependLeft(argument.end, `, ${H}.sched ? ${H}.${kind}(${t}, ${site}) : ${t})`)
}


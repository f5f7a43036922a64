/**
 * Calls. In race mode, a built-in collection method call (`m.get(k)`, `a.push(v)`) becomes an
 * event dispatched on the receiver at run time. In both modes, a call whose promise is not awaited at once
 * (DESIGN §4b: handed to Promise.all, kept and awaited later, or dropped) goes through
 * `H.f(self, callee, site, ...args)`, which calls it unchanged and, when the callee is an async
 * function inside a checked test, runs it as a new task:
 *
 *     o.m(a, b)   →  H.f((t = o), t.m, site, a, b)
 *     f(a)        →  H.f(void 0, f, site, a)
 *
 * The receiver is evaluated once, before the method is read and the arguments are evaluated,
 * as in the original call, and it is the call's `this`. Calls that cannot be rewritten so
 * (`super.m()`, optional calls, direct `eval`) and calls of test APIs and built-in namespaces
 * that never start a task (`expect(…)`, `vi.fn()`, `console.log`, `Math.max`) are left alone.
 */
import type { Node } from './estree.js'
import { HOOKS_GLOBAL as H } from './sites.js'
import type { Instrumenter } from './instrumenter.js'
import { COLLECTION_METHODS, KEYED_FIRST } from './collection-methods.js'
import { lastTemp, rewritable, unparen, walk } from './walk.js'

/** Global roots whose calls never start a task of the code under test. */
const NEVER_TASKS = new Set([
  'eval', 'require', 'Function',
  'describe', 'suite', 'it', 'test', 'bench', 'expect', 'expectTypeOf', 'assertType', 'assert', 'vi', 'vitest', 'chai',
  'beforeAll', 'afterAll', 'beforeEach', 'afterEach', 'aroundAll', 'aroundEach', 'onTestFailed', 'onTestFinished',
  'console', 'Math', 'JSON', 'Object', 'Array', 'Reflect', 'Promise', 'Symbol', 'Number', 'String', 'Boolean', 'BigInt',
  'Date', 'RegExp', 'Error', 'TypeError', 'RangeError', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Atomics', 'Intl', 'Buffer',
  'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI', 'decodeURI',
  'structuredClone', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask',
])

const PROMISE_COMBINATORS = /^Promise\.(all|allSettled|race|any)$/

/** The identifier a callee chain starts from (`expect` in `expect(x).resolves.toBe`). */
function rootName(n: Node): Node | undefined {
  for (;;) {
    n = unparen(n)
    if (n.type === 'MemberExpression') n = n.object
    else if (n.type === 'CallExpression') n = n.callee
    else return n.type === 'Identifier' ? n : undefined
  }
}

/** Offset of the `(` that opens a call's arguments, or -1 when anything but blanks and comments comes first. */
function openParen(code: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = code[i]!
    if (c === '(') return i
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue
    if (c === '/' && code[i + 1] === '*') {
      const end = code.indexOf('*/', i + 2)
      if (end < 0) return -1
      i = end + 1
      continue
    }
    if (c === '/' && code[i + 1] === '/') {
      const end = code.indexOf('\n', i + 2)
      if (end < 0) return -1
      i = end
      continue
    }
    return -1
  }
  return -1
}

/** A call of a test API or a built-in namespace (`expect(…)`, `vi.fn(…)`, `test(…)`): it never starts a task. */
function neverTasks(ins: Instrumenter, node: Node): boolean {
  const root = rootName(node.callee)
  if (root === undefined || !NEVER_TASKS.has(root.name)) return false
  // A global, an import (`import { it } from 'vitest'`, a `test.extend` from a fixtures file),
  // or the context's `expect` (`({ expect }) => …`); a local function of that name is followed.
  const binding = ins.scope.refs.get(root)
  return binding === undefined || binding.kind === 'import' || root.name === 'expect'
}

/** Whether the call may start a task: not awaited at once, and rewritable. */
function forkable(ins: Instrumenter, node: Node): boolean {
  if (ins.awaited.has(node) || node.optional) return false
  const callee = node.callee
  if (callee.type === 'Super' || callee.type === 'Import' || callee.type === 'ParenthesizedExpression') return false
  if (callee.type === 'MemberExpression' && (!rewritable(callee, undefined) || callee.optional)) return false
  if (callee.type === 'ChainExpression') return false
  if (neverTasks(ins, node)) return false
  return openParen(ins.code, node.callee.end, node.end) >= 0
}

/**
 * An async function written inline as an argument (`items.map(async (x) => …)`): each of its
 * calls is a task (`H.t(fn, site)`, tasks.ts `callbackAsTasks`). Inserted after the call's own
 * wrapping of that argument and before the function's (its expression body's `) }`), so the
 * three nest.
 */
function callbacksAsTasks(ins: Instrumenter, node: Node): void {
  if (node.callee.type === 'Super' || node.callee.type === 'Import' || neverTasks(ins, node)) return
  const callee = ins.code.slice(node.callee.start, node.callee.end)
  for (const a of node.arguments as Node[]) {
    const fn = unparen(a)
    if ((fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') || fn.async !== true || fn.generator === true) continue
    const site = ins.site('f', fn, { text: callee, how: `async callback of ${callee}(…)` })
    ins.s.appendLeft(a.start, `${H}.t(`)
    ins.s.prependLeft(a.end, `, ${site})`)
  }
}

/** `Promise.all([a(), b()])`: its elements' tasks are named `Promise.all element 1`, `… element 2`. */
function nameElements(ins: Instrumenter, node: Node): void {
  const array = node.arguments[0] === undefined ? undefined : unparen(node.arguments[0])
  if (array?.type !== 'ArrayExpression') return
  const name = ins.code.slice(node.callee.start, node.callee.end)
  if (!PROMISE_COMBINATORS.test(name)) return
  ;(array.elements as (Node | null)[]).forEach((e, i) => {
    if (e !== null) ins.taskNames.set(unparen(e), `${name} element ${i + 1}`)
  })
}

/** Visit a call (race mode). */
export function visitCall(ins: Instrumenter, node: Node): void {
  const callee = node.callee
  nameElements(ins, node)
  const fork = forkable(ins, node)
  if (fork) ins.s.appendLeft(node.start, `${H}.f(`)
  let self = 'void 0'
  const collection =
    ins.full && callee.type === 'MemberExpression' && !callee.computed && !callee.optional && !node.optional &&
    callee.property.type === 'Identifier' && COLLECTION_METHODS.has(callee.property.name) && rewritable(callee, undefined)
  if (collection) {
    const name = JSON.stringify(callee.property.name)
    const site = ins.site('c', node, { ...ins.ownerFacts(callee.object), text: ins.code.slice(callee.start, callee.end) })
    // Map#set, Set#add and #delete name the entry first; every other argument may be written.
    if (KEYED_FIRST.has(callee.property.name)) ins.wrote(node.arguments.slice(1), false, node.arguments.slice(0, 1))
    else ins.wrote(node.arguments, false)
    const args: Node[] = node.arguments
    if (args.length === 0) {
      self = ins.wrapObject(callee.object, (o) => `${H}.c(${o}, ${name}, undefined, ${site})`)
    } else {
      const o = (self = ins.holdObject(callee.object))
      const first = args[0]!
      const firstValue = first.type === 'SpreadElement' ? undefined : first
      let k = 'undefined'
      if (firstValue !== undefined && args.length > 1) k = ins.wrapKey(firstValue, undefined)
      const last = args[args.length - 1]!
      const lastValue = last.type === 'SpreadElement' ? last.argument : last
      if (args.length === 1 && firstValue !== undefined) k = lastTemp(ins)
      ins.wrapValue(lastValue, `${H}.c(${o}, ${name}, ${k}, ${site})`)
    }
  } else if (fork && unparen(callee).type === 'MemberExpression') {
    self = ins.holdObject(unparen(callee).object)
  }
  if (fork) {
    const member = unparen(callee)
    if (member.type === 'MemberExpression') ins.s.appendLeft(member.object.end, `, ${self}`)
    const described = ins.taskNames.get(node)
    // Placed where V8 places a call in a stack frame: at a method's name, else at the callee.
    const at = member.type === 'MemberExpression' ? member.property : node
    ins.hookCalls.push({ start: node.start, at: at.start })
    const site = ins.site('f', at, { text: ins.code.slice(callee.start, callee.end), ...(described === undefined ? {} : { how: described }) })
    if (member.type !== 'MemberExpression') ins.s.appendLeft(callee.start, `${self}, `)
    ins.s.appendLeft(callee.end, `, ${site}`)
    const paren = openParen(ins.code, callee.end, node.end)
    ins.s.overwrite(paren, paren + 1, node.arguments.length === 0 ? '' : ', ', { contentOnly: true })
  }
  callbacksAsTasks(ins, node)
  if (collection) {
    walk(ins, callee.object, callee, 'object')
    for (const a of node.arguments) walk(ins, a, node, 'arguments')
    return
  }
  walk(ins, callee, node, 'callee')
  for (const a of node.arguments) walk(ins, a, node, 'arguments')
}

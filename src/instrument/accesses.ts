/**
 * The transform's visitors for the nodes that read or write shared state: member and
 * binding reads, assignments, updates, `delete`, `in` and destructuring. Each names the
 * access's key as code (a literal where static) and states its write facts (what the written
 * value depends on) for the dependence pass. walk.ts dispatches to them.
 */
import type { Node } from './estree.js'
import { HOOKS_GLOBAL as H } from './sites.js'
import type { Binding } from './scope.js'
import { trivialValue, type Instrumenter } from './instrumenter.js'
import { lastTemp, rewritable, unparen, visitChildren, visitPattern, walk } from './walk.js'

/** The key of a member as code: a string literal for `o.k`, `o["k"]`, `o[3]` and `this.#k`; undefined when computed. */
function staticKey(m: Node): string | undefined {
  if (m.property.type === 'PrivateIdentifier') return JSON.stringify(`#${m.property.name}`)
  if (!m.computed) return JSON.stringify(m.property.name)
  const p = m.property
  if (p.type === 'Literal' && (typeof p.value === 'string' || typeof p.value === 'number')) return JSON.stringify(String(p.value))
  return undefined
}

/** `const { a, b } = v`: reads of `a` and `b` (and the shape, for a rest element) after `v`. */
export function destructure(ins: Instrumenter, pattern: Node, value: Node): void {
  const keys: string[] = []
  let rest = false
  for (const prop of pattern.properties) {
    if (prop.type === 'RestElement') rest = true
    else if (!prop.computed && prop.key.type === 'Identifier') keys.push(prop.key.name)
    else if (prop.key.type === 'Literal') keys.push(String(prop.key.value))
  }
  if (keys.length === 0 && !rest) return
  const site = ins.site('rs', value, { ...ins.ownerFacts(value), text: `{ ${keys.join(', ')}${rest ? ', ...' : ''} } = …` })
  ins.wrapValue(value, `${H}.rs(${lastTemp(ins)}, ${JSON.stringify(keys)}, ${rest}, ${site})`)
}

/** The site's object and key, for a member access with `hook(obj, key)` placed before the access. */
function memberAccess(ins: Instrumenter, m: Node, hook: (obj: string, key: string) => string): void {
  const key = staticKey(m)
  if (key !== undefined) {
    ins.wrapObject(m.object, (o) => hook(o, key))
    return
  }
  const o = ins.holdObject(m.object)
  ins.wrapKey(m.property, (k) => hook(o, k))
}

/** Visit a member's operands (not the member itself as a read). */
function visitMemberOperands(ins: Instrumenter, m: Node): void {
  walk(ins, m.object, m, 'object')
  if (m.computed) walk(ins, m.property, m, 'property')
}

export function visitMember(ins: Instrumenter, m: Node, parent: Node | undefined, key: string): void {
  const callee = parent?.type === 'CallExpression' && key === 'callee'
  const tagged = parent?.type === 'TaggedTemplateExpression' && key === 'tag'
  if (!callee && !tagged && rewritable(m, parent)) {
    const site = ins.site('r', m, ins.ownerFacts(m.object))
    memberAccess(ins, m, (o, k) => `${H}.r(${o}, ${k}, ${site})`)
  }
  visitMemberOperands(ins, m)
}

/** A shared binding's site facts: its name, where it lives (when that says something), and that it is a binding. */
function bindingFacts(ins: Instrumenter, name: string, b: Binding): { obj: string; where?: string; b: 1 } {
  const where = ins.where(b)
  return where === undefined ? { obj: name, b: 1 } : { obj: name, where, b: 1 }
}

export function visitIdentifier(ins: Instrumenter, id: Node, parent: Node | undefined, key: string): void {
  if (parent?.type === 'MemberExpression' && key === 'property' && !parent.computed) return
  const b = ins.scope.refs.get(id)
  const token = ins.token(b)
  if (token === undefined) return
  const site = ins.site('r', id, bindingFacts(ins, id.name, b!))
  ins.hookBefore(id, `${H}.r(${token}, ${JSON.stringify(id.name)}, ${site})`)
}

export function visitAssignment(ins: Instrumenter, node: Node): void {
  const left = unparen(node.left)
  const compound = node.operator !== '='
  const logical = node.operator === '||=' || node.operator === '&&=' || node.operator === '??='
  if (left.type === 'ObjectPattern' || left.type === 'ArrayPattern') {
    if (left.type === 'ObjectPattern') destructure(ins, left, node.right)
    walk(ins, node.right, node, 'right')
    return visitPattern(ins, left)
  }
  if (left.type === 'Identifier') {
    const b = ins.scope.refs.get(left)
    const token = ins.token(b)
    if (token !== undefined) {
      const facts = bindingFacts(ins, left.name, b!)
      const name = JSON.stringify(left.name)
      if (compound) {
        const site = ins.site('u', node, facts)
        ins.hookBefore(node, `${H}.r(${token}, ${name}, ${site})`)
        // A logical assignment of an anonymous function names it: leave that write unrecorded.
        if (!(logical && trivialValue(node.right))) {
          ins.wrote([node.right], true)
          ins.wrapValue(node.right, `${H}.w(${token}, ${name}, ${site})`)
        }
      } else {
        const site = ins.site('w', node, facts)
        ins.wrote([node.right], false)
        if (trivialValue(node.right)) ins.hookBefore(node, `${H}.w(${token}, ${name}, ${site})`)
        else ins.wrapValue(node.right, `${H}.w(${token}, ${name}, ${site})`)
      }
    }
    return walk(ins, node.right, node, 'right')
  }
  if (left.type === 'MemberExpression' && rewritable(left, undefined)) {
    const facts = ins.ownerFacts(left.object)
    const site = ins.site(compound ? 'u' : 'w', node, facts)
    const key = staticKey(left)
    // A computed key decides which element is written: `a[a.length] = v` depends on the length read.
    const keyDeps: Node[] = left.computed ? [left.property] : []
    if (compound || !trivialValue(node.right)) {
      // Object (and key) first, the read for a compound assignment, then the value, then the write.
      const o = compound && key !== undefined ? ins.wrapObject(left.object, (o) => `${H}.r(${o}, ${key}, ${site})`) : ins.holdObject(left.object)
      const k = key ?? ins.wrapKey(left.property, compound ? (k) => `${H}.r(${o}, ${k}, ${site})` : undefined)
      if (!(logical && trivialValue(node.right))) {
        ins.wrote([node.right], compound, keyDeps)
        ins.wrapValue(node.right, `${H}.w(${o}, ${k}, ${site})`)
      }
    } else {
      ins.wrote([], false, keyDeps)
      memberAccess(ins, left, (o, k) => `${H}.w(${o}, ${k}, ${site})`)
    }
    visitMemberOperands(ins, left)
    return walk(ins, node.right, node, 'right')
  }
  visitChildren(ins, node)
}

export function visitUpdate(ins: Instrumenter, node: Node): void {
  const arg = unparen(node.argument)
  if (arg.type === 'Identifier') {
    const b = ins.scope.refs.get(arg)
    const token = ins.token(b)
    if (token !== undefined) {
      const site = ins.site('u', node, bindingFacts(ins, arg.name, b!))
      ins.wrote([], true)
      ins.hookBefore(node, `${H}.u(${token}, ${JSON.stringify(arg.name)}, ${site})`)
    }
    return
  }
  if (arg.type === 'MemberExpression' && rewritable(arg, undefined)) {
    const site = ins.site('u', node, ins.ownerFacts(arg.object))
    ins.wrote([], true, arg.computed ? [arg.property] : [])
    memberAccess(ins, arg, (o, k) => `${H}.u(${o}, ${k}, ${site})`)
    return visitMemberOperands(ins, arg)
  }
  visitChildren(ins, node)
}

/** `delete o.k`: a delete of the member; false when it is not one to instrument (the caller visits its children). */
export function visitDelete(ins: Instrumenter, node: Node): boolean {
  const arg = unparen(node.argument)
  if (arg.type !== 'MemberExpression' || !rewritable(arg, undefined) || arg.property.type === 'PrivateIdentifier') return false
  const site = ins.site('d', arg, ins.ownerFacts(arg.object))
  ins.wrote([], false)
  memberAccess(ins, arg, (o, k) => `${H}.d(${o}, ${k}, ${site})`)
  visitMemberOperands(ins, arg)
  return true
}

/** `k in o`: a read of the key (the caller visits the operands). */
export function visitIn(ins: Instrumenter, node: Node): void {
  const site = ins.site('r', node, ins.ownerFacts(node.right))
  ins.s.appendLeft(node.left.start, '(')
  const k = ins.wrapKey(node.left, undefined)
  ins.s.prependLeft(node.left.end, ')')
  ins.wrapObject(node.right, (o) => `${H}.r(${o}, ${k}, ${site})`)
}

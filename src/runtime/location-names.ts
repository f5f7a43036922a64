/** Printed names of locations, following the path from the name given to `track` (DESIGN §4). */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/

/** A key as it appears inside `get(…)` or `[…]`. */
export function keyText(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key)
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint' || key === null || key === undefined) return String(key)
  if (typeof key === 'symbol') return key.toString()
  if (typeof key === 'function') return `<function ${key.name}>`
  const name = (key as { constructor?: { name?: string } }).constructor?.name
  return `<${name ?? 'object'}>`
}

/** `svc.balances`, `cart.items[3]`, `obj["a-b"]`. */
export function propertyName(owner: string, key: string | symbol, isArray: boolean): string {
  if (typeof key === 'symbol') return `${owner}[${key.toString()}]`
  if (isArray && /^\d+$/.test(key)) return `${owner}[${key}]`
  return IDENTIFIER.test(key) ? `${owner}.${key}` : `${owner}[${JSON.stringify(key)}]`
}

/** A Map entry `m.get("k")` or a Set member `s.has("k")`. */
export function entryName(owner: string, key: unknown, isSet: boolean): string {
  return `${owner}.${isSet ? 'has' : 'get'}(${keyText(key)})`
}

/** The shape of a collection or object: its size, key set and iteration order. */
export function shapeName(owner: string, kind: 'map' | 'set' | 'object'): string {
  return kind === 'object' ? `Object.keys(${owner})` : `${owner}.size`
}

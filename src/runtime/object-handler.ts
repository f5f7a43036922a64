/** Proxy traps for plain objects, arrays and class instances (DESIGN §4). */
import {
  safeGetPrototypeOf,
  safeObjectHasOwn,
  safeReflectDeleteProperty,
  safeReflectGet,
  safeReflectGetOwnPropertyDescriptor,
  safeReflectOwnKeys,
  safeReflectSet,
} from './builtins.js'
import { propertyName } from './location-names.js'
import { explainPrivateAccess } from './private-fields.js'
import type { Tracker } from './track.js'
import type { Meta } from './tracked-kinds.js'

function inheritedDescriptor(target: object, key: PropertyKey): PropertyDescriptor | undefined {
  for (let p = safeGetPrototypeOf(target) as object | null; p !== null; p = safeGetPrototypeOf(p) as object | null) {
    const d = safeReflectGetOwnPropertyDescriptor(p, key)
    if (d !== undefined) return d
  }
  return undefined
}

function isIndex(key: string): boolean {
  return /^(0|[1-9]\d*)$/.test(key)
}

/**
 * Well-known symbols (`Symbol.iterator`, `Symbol.toPrimitive`, …) are looked up by the
 * language's protocols, not read as data: never recorded. Every other symbol key is a
 * location like a string key.
 */
const PROTOCOL_SYMBOLS: ReadonlySet<unknown> = new Set<unknown>(
  Object.getOwnPropertyNames(Symbol)
    .map((n) => (Symbol as unknown as Record<string, unknown>)[n])
    .filter((v) => typeof v === 'symbol'),
)

/** Whether accesses to `key` are recorded. */
export function recordedKey(key: string | symbol): boolean {
  return typeof key === 'string' || !PROTOCOL_SYMBOLS.has(key)
}

function memberName(key: PropertyKey): string {
  return typeof key === 'symbol' ? `[${key.toString()}]` : `.${key}`
}

/** Traps for plain objects, arrays and class instances. */
export class ObjectHandler implements ProxyHandler<object> {
  proxy: object | undefined

  constructor(
    readonly t: Tracker,
    readonly meta: Meta,
  ) {}

  get(target: object, key: string | symbol, receiver: unknown): unknown {
    if (typeof key === 'symbol' && PROTOCOL_SYMBOLS.has(key)) return safeReflectGet(target, key, receiver)
    const t = this.t
    if (safeObjectHasOwn(target, key)) {
      if (t.sink.recording) t.read(t.prop(this.meta, key))
      const value = (target as Record<string | symbol, unknown>)[key]
      if (typeof value !== 'object' || value === null) return typeof value === 'function' ? t.method(value, this.meta, target) : value
      const d = safeReflectGetOwnPropertyDescriptor(target, key)
      if (d !== undefined && d.configurable === false && d.writable === false) return value // Proxy invariant
      return t.child(value, () => propertyName(this.meta.name, key, this.meta.kind === 'array'))
    }
    if (!(key in target)) {
      if (t.sink.recording) t.read(t.prop(this.meta, key))
      return undefined
    }
    // Inherited: a method, an accessor or a prototype constant. Accessors run with the
    // proxy as `this`, so the fields they touch are recorded there, not here.
    let value: unknown
    try {
      value = safeReflectGet(target, key, receiver)
    } catch (e) {
      throw explainPrivateAccess(e, this.meta.className ?? 'object', memberName(key))
    }
    return t.method(value, this.meta, target)
  }

  set(target: object, key: string | symbol, value: unknown, receiver: unknown): boolean {
    const t = this.t
    // Stored raw: the real object graph never holds this tracker's proxies.
    value = t.unwrap(value)
    if (!recordedKey(key) || receiver !== this.proxy) return safeReflectSet(target, key, value, receiver)
    if (!safeObjectHasOwn(target, key)) {
      const inherited = key in target ? inheritedDescriptor(target, key) : undefined
      if (inherited !== undefined && (inherited.set !== undefined || inherited.get !== undefined)) {
        try {
          return safeReflectSet(target, key, value, receiver)
        } catch (e) {
          throw explainPrivateAccess(e, this.meta.className ?? 'object', memberName(key))
        }
      }
      if (t.sink.recording) {
        if (this.meta.kind !== 'array') t.write(t.shape(this.meta))
        // Assigning past the end of an array also writes its length.
        else if (typeof key === 'string' && isIndex(key) && Number(key) >= (target as unknown[]).length) t.write(t.prop(this.meta, 'length'))
      }
    }
    if (t.sink.recording) t.write(t.prop(this.meta, key))
    // Plain assignment: it throws where Reflect.set would return false (strict mode), and
    // costs about half as much on V8.
    ;(target as Record<string | symbol, unknown>)[key] = value
    return true
  }

  has(target: object, key: string | symbol): boolean {
    if (this.t.sink.recording && recordedKey(key)) this.t.read(this.t.prop(this.meta, key))
    return key in target
  }

  deleteProperty(target: object, key: string | symbol): boolean {
    if (this.t.sink.recording && recordedKey(key) && safeObjectHasOwn(target, key)) {
      this.t.write(this.t.prop(this.meta, key))
      if (this.meta.kind !== 'array') this.t.write(this.t.shape(this.meta))
    }
    return safeReflectDeleteProperty(target, key)
  }

  defineProperty(target: object, key: string | symbol, descriptor: PropertyDescriptor): boolean {
    if (this.t.sink.recording && recordedKey(key)) {
      if (!safeObjectHasOwn(target, key) && this.meta.kind !== 'array') this.t.write(this.t.shape(this.meta))
      this.t.write(this.t.prop(this.meta, key))
    }
    if ('value' in descriptor) descriptor = { ...descriptor, value: this.t.unwrap(descriptor.value) }
    return Reflect.defineProperty(target, key, descriptor)
  }

  ownKeys(target: object): ArrayLike<string | symbol> {
    if (this.t.sink.recording) this.t.read(this.meta.kind === 'array' ? this.t.prop(this.meta, 'length') : this.t.shape(this.meta))
    return safeReflectOwnKeys(target)
  }

  getOwnPropertyDescriptor(target: object, key: string | symbol): PropertyDescriptor | undefined {
    if (this.t.sink.recording && recordedKey(key)) this.t.read(this.t.prop(this.meta, key))
    return safeReflectGetOwnPropertyDescriptor(target, key)
  }
}


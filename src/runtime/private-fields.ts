/**
 * Classes with `#private` members cannot run their methods with a Proxy as `this`: V8
 * throws a bare TypeError. Methods and accessors of tracked class instances go through
 * here so that the user learns why and what to do (DESIGN §4).
 */
import { safeApply } from './builtins.js'

const PRIVATE_ACCESS = /private member|private field|private method|private accessor|Receiver must be an instance of class|Object must be an instance of class/i
const promiseThen = Promise.prototype.then

/** The error that replaces V8's bare TypeError when a tracked class uses `#private` members. */
export class PrivateFieldsError extends TypeError {
  constructor(className: string, member: string, cause: TypeError) {
    super(
      `vitest-race: ${className}${member} cannot run on a tracked object: ${className} uses #private members, ` +
        `and the Proxy that track() returns cannot reach them when it is \`this\` (${cause.message}). ` +
        `Track the state the instance keeps rather than the instance (for example pass track(new Map(), 'balances') to its constructor), ` +
        `or turn its #private fields into ordinary ones (_balances).`,
      { cause },
    )
    this.name = 'PrivateFieldsError'
  }
}

/** `error` explained, when it is V8's private-member TypeError; otherwise `error` itself. */
export function explainPrivateAccess(error: unknown, className: string, member: string): unknown {
  if (error instanceof TypeError && !(error instanceof PrivateFieldsError) && PRIVATE_ACCESS.test(error.message)) {
    return new PrivateFieldsError(className, member, error)
  }
  return error
}

/**
 * `fn` wrapped so that a private-member TypeError, thrown or rejected, is explained. Only an
 * async function's promise is replaced (by one that explains its rejection): it is fresh, so
 * nobody else holds it. A promise that a plain method returns is returned as it is, since it
 * may be stored (`getReady() { return this.ready }`) or be a subclass with its own `then`
 * (a spawn handle, whose `then` joins the worker).
 */
export function explainingPrivateAccess(fn: (...args: unknown[]) => unknown, className: string): (...args: unknown[]) => unknown {
  const member = `.${fn.name}()`
  const isAsync = (fn as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] === 'AsyncFunction'
  const wrapped = function (this: unknown, ...args: unknown[]): unknown {
    let result: unknown
    try {
      result = safeApply(fn, this, args)
    } catch (e) {
      throw explainPrivateAccess(e, className, member)
    }
    if (isAsync && result instanceof Promise) {
      return safeApply(promiseThen, result, [
        undefined,
        (e: unknown) => {
          throw explainPrivateAccess(e, className, member)
        },
      ])
    }
    return result
  }
  Object.defineProperty(wrapped, 'name', { value: fn.name })
  return wrapped
}

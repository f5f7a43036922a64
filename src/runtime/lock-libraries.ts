/**
 * Lock libraries the detector recognises without any change to the test (DESIGN §3). Promise
 * edges alone do not cover a lock: an uncontended acquire passes no promise from the
 * previous holder (the lock is a free field), so the library's acquire and release become
 * edges themselves. First: async-mutex, whose Mutex is built on its Semaphore, so patching
 * `Semaphore.prototype.acquire` and `.release` covers both (runExclusive, acquire/release,
 * the releaser function, contended or not).
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Edge } from './edge.js'
import { safeApply } from './builtins.js'

const PATCHED = Symbol.for('vitest-race.patched')
const promiseThen = Promise.prototype.then

interface SemaphoreClass {
  prototype: {
    acquire: (...args: unknown[]) => Promise<unknown>
    release: (...args: unknown[]) => unknown
    [PATCHED]?: true
  }
}

/** Make one copy of async-mutex's Semaphore (and so its Mutex) a source of happens-before edges. */
export function instrumentAsyncMutexSemaphore(Semaphore: SemaphoreClass): void {
  const proto = Semaphore.prototype
  if (proto[PATCHED] === true) return
  const edges = new WeakMap<object, Edge>()
  const edgeOf = (s: object) => {
    let e = edges.get(s)
    if (e === undefined) edges.set(s, (e = new Edge()))
    return e
  }
  const acquire = proto.acquire
  const release = proto.release
  proto.acquire = function (this: object, ...args: unknown[]): Promise<unknown> {
    const granted = safeApply(acquire, this, args) as Promise<unknown>
    // The callback runs in the acquiring worker, after the permit is granted.
    return safeApply(promiseThen, granted, [
      (value: unknown) => {
        edgeOf(this).acquire()
        return value
      },
    ]) as Promise<unknown>
  }
  proto.release = function (this: object, ...args: unknown[]): unknown {
    edgeOf(this).release()
    return safeApply(release, this, args)
  }
  Object.defineProperty(proto, PATCHED, { value: true })
}

/**
 * Find async-mutex as the project sees it (from `root`), in both its ESM and CommonJS
 * builds, and instrument each. Does nothing when the project does not have it.
 */
export async function instrumentLockLibraries(root: string): Promise<void> {
  const require = createRequire(join(root, 'package.json'))
  let manifest: string
  try {
    manifest = require.resolve('async-mutex/package.json')
  } catch {
    return
  }
  const dir = dirname(manifest)
  const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { exports?: { '.'?: { import?: string } }; module?: string }
  const esmEntry = pkg.exports?.['.']?.import
  const builds: { Semaphore?: SemaphoreClass }[] = [require('async-mutex') as { Semaphore?: SemaphoreClass }]
  if (typeof esmEntry === 'string') builds.push((await import(pathToFileURL(join(dir, esmEntry)).href)) as { Semaphore?: SemaphoreClass })
  for (const b of builds) if (typeof b.Semaphore === 'function') instrumentAsyncMutexSemaphore(b.Semaphore)
}

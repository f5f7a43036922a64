/** Running a function while holding a lock or a permit: the one `runExclusive` of the primitives. */

/** Take, run `fn`, give back however `fn` ends. `api` names the call in the error for a bad `fn`. */
export async function whileHeld<T>(api: string, fn: () => T | Promise<T>, take: () => Promise<void>, give: () => void): Promise<Awaited<T>> {
  if (typeof fn !== 'function') throw new TypeError(`vitest-race: ${api}(fn): fn must be a function, got ${typeof fn}`)
  await take()
  try {
    return await fn()
  } finally {
    give()
  }
}

/** Loads a value: I/O the cache waits for. */
export type Loader = (key: string) => Promise<string>

/** The bug: check, await the load, then set; two callers both load. */
export class RacyCache {
  readonly entries = new Map<string, string>()
  constructor(private readonly load: Loader) {}

  async getOrLoad(key: string): Promise<string> {
    if (!this.entries.has(key)) {
      const value = await this.load(key)
      this.entries.set(key, value)
    }
    return this.entries.get(key)!
  }
}

/** Fixed: the promise is cached in the same turn as the check, so the load runs once. */
export class FixedCache {
  readonly pending = new Map<string, Promise<string>>()
  constructor(private readonly load: Loader) {}

  getOrLoad(key: string): Promise<string> {
    let p = this.pending.get(key)
    if (p === undefined) {
      p = this.load(key)
      this.pending.set(key, p)
    }
    return p
  }
}

import { Once } from 'vitest-race'

/** Loads the orders once: I/O every caller would like to share. */
export type LoadOrders = () => Promise<string[]>

/** The bug: "loaded" is checked before the await and set after it, so callers load twice. */
export class RacyOrderCache {
  loaded = false
  orders: string[] = []
  constructor(private readonly load: LoadOrders) {}

  async get(): Promise<string[]> {
    if (!this.loaded) {
      this.orders = await this.load()
      this.loaded = true
    }
    return this.orders
  }
}

/** Fixed: a Once runs the load one time, and every caller waits for that one run. */
export class FixedOrderCache {
  orders: string[] = []
  private readonly once = new Once<void>()
  constructor(private readonly load: LoadOrders) {}

  async get(): Promise<string[]> {
    await this.once.do(async () => {
      this.orders = await this.load()
    })
    return this.orders
  }
}

import type { ConformanceCase } from '../harness.js'
import { Mutex } from '../../../src/index.js'

class Counter {
  n = 0
  async bumpAfter(io: () => Promise<void>): Promise<void> {
    const v = this.n
    await io()
    this.n = v + 1
  }
  increment(): void {
    this.n = this.n + 1
  }
}

class Box {
  _value = 0
  get value(): number {
    return this._value
  }
  set value(v: number) {
    this._value = v
  }
}

class Base {
  count = 0
  async inc(pause: () => Promise<void>): Promise<void> {
    const c = this.count
    await pause()
    this.count = c + 1
  }
}
class Derived extends Base {}

class BalanceService {
  readonly balances = new Map<string, number>([['merchant', 1000]])
  constructor(private readonly audit: () => Promise<void>) {}
  async debit(id: string, amount: number): Promise<void> {
    const balance = this.balances.get(id) ?? 0
    await this.audit()
    this.balances.set(id, balance - amount)
  }
}

class LockedAccount {
  readonly mu = new Mutex()
  balance = 100
  async withdraw(amount: number, pause: () => Promise<void>): Promise<void> {
    await this.mu.runExclusive(async () => {
      const b = this.balance
      await pause()
      this.balance = b - amount
    })
  }
}

export const cases: ConformanceCase[] = [
  {
    name: 'RaceClassAsyncMethodReadAwaitWrite',
    locations: ['counter.n'],
    body: async ({ track, fanOut, scheduled }) => {
      const c = track(new Counter(), 'counter')
      const io = scheduled(async function io() {})
      await fanOut(2, () => c.bumpAfter(io))
    },
  },
  {
    name: 'RaceClassGetterThenSetter',
    locations: ['box._value'],
    body: async ({ track, fanOut, pause }) => {
      const b = track(new Box(), 'box')
      await fanOut(2, async (i) => {
        const v = b.value
        await pause()
        b.value = v + i + 1
      })
    },
  },
  {
    name: 'RaceClassInheritedAsyncMethod',
    locations: ['derived.count'],
    body: async ({ track, fanOut, pause }) => {
      const d = track(new Derived(), 'derived')
      await fanOut(3, () => d.inc(pause))
    },
  },
  {
    name: 'RaceClassServiceMapField',
    locations: ['svc.balances.get("merchant")'],
    body: async ({ track, fanOut, scheduled }) => {
      const svc = track(new BalanceService(scheduled(async function audit() {})), 'svc')
      await fanOut(3, () => svc.debit('merchant', 100))
    },
  },
  {
    name: 'NoRaceClassSyncMethodAfterAwait',
    body: async ({ track, fanOut, pause, expect }) => {
      const c = track(new Counter(), 'counter')
      await fanOut(4, async () => {
        await pause()
        c.increment()
      })
      expect(c.n).toBe(4)
    },
  },
  {
    name: 'NoRaceClassMutexFieldGuardsBalance',
    body: async ({ track, fanOut, pause, expect }) => {
      const acct = track(new LockedAccount(), 'acct')
      await fanOut(4, () => acct.withdraw(10, pause))
      expect(acct.balance).toBe(60)
    },
  },
  {
    name: 'NoRaceClassDistinctInstances',
    body: async ({ track, fanOut, scheduled }) => {
      const counters = track([new Counter(), new Counter(), new Counter()], 'counters')
      const io = scheduled(async function io() {})
      await fanOut(3, (i) => counters[i]!.bumpAfter(io))
    },
  },
  {
    name: 'NoRaceClassGetterOnlyReaders',
    body: async ({ track, fanOut, pause }) => {
      const b = track(new Box(), 'box')
      await fanOut(3, async () => {
        const v = b.value
        await pause()
        return v + b.value
      })
    },
  },
]

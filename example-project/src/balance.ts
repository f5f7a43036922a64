import { Mutex } from 'vitest-race'

/** An audit call: I/O the debit waits for. */
export type Audit = (account: string, amount: number) => Promise<void>

/** The seed's bug: the balance is read, the audit awaited, and the old value written back. */
export class RacyBalanceService {
  readonly balances = new Map<string, number>()
  constructor(protected readonly audit: Audit) {}

  credit(account: string, amount: number): void {
    this.balances.set(account, this.balance(account) + amount)
  }

  balance(account: string): number {
    return this.balances.get(account) ?? 0
  }

  async debit(account: string, amount: number): Promise<void> {
    const balance = this.balance(account)
    if (balance < amount) throw new Error(`insufficient funds in ${account}`)
    await this.audit(account, amount)
    this.balances.set(account, balance - amount)
  }
}

/** Fixed: the read-await-write runs under a Mutex. */
export class FixedBalanceService extends RacyBalanceService {
  private readonly lock = new Mutex()

  override debit(account: string, amount: number): Promise<void> {
    return this.lock.runExclusive(() => super.debit(account, amount))
  }
}

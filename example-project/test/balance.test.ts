import { concurrentTest } from 'vitest-race'
import { FixedBalanceService, RacyBalanceService } from '../src/balance.js'

for (const [variant, Service] of [
  ['racy', RacyBalanceService],
  ['fixed', FixedBalanceService],
] as const) {
  concurrentTest(`${variant}: concurrent debits keep the balance exact`, async ({ fanOut, scheduled, expect }) => {
    const audit = scheduled(async function audit() {})
    const svc = new Service(audit)
    svc.credit('merchant-1', 10_000)
    await fanOut(50, () => svc.debit('merchant-1', 100))
    expect(svc.balance('merchant-1')).toBe(5_000)
  })
}

/**
 * Wallets kept in module state, and the top-up a payment webhook triggers: the service code
 * a team's existing tests exercise with plain Vitest tests (test/wallet.test.ts).
 */
const wallets = new Map<string, number>()

/** Waits for the payment provider (a network call in production). */
async function confirm(_wallet: string, _amount: number): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve))
}

export function openWallet(id: string, amount = 0): void {
  wallets.set(id, amount)
}

export function walletBalance(id: string): number {
  return wallets.get(id) ?? 0
}

/** Racy: the balance is read before the provider confirms and written after it. */
export async function topUp(id: string, amount: number): Promise<void> {
  const balance = wallets.get(id) ?? 0
  await confirm(id, amount)
  wallets.set(id, balance + amount)
}

/** Fixed: confirm first, then read and write in one turn. */
export async function topUpAfterConfirm(id: string, amount: number): Promise<void> {
  await confirm(id, amount)
  wallets.set(id, (wallets.get(id) ?? 0) + amount)
}

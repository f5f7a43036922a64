// Plain Vitest tests, as a team writes them: no vitest-race import. In race mode every test
// is checked (`npx vitest-race run`): two top-ups handed to Promise.all are two tasks.
import { beforeEach, expect, test } from 'vitest'
import { openWallet, topUp, topUpAfterConfirm, walletBalance } from '../src/wallet.js'

beforeEach(() => openWallet('w-1'))

test('racy: two top-ups at once credit both amounts (plain test)', async () => {
  await Promise.all([topUp('w-1', 30), topUp('w-1', 20)])
  expect(walletBalance('w-1')).toBeGreaterThan(0)
})

test('fixed: two top-ups at once credit both amounts (plain test)', async () => {
  await Promise.all([topUpAfterConfirm('w-1', 30), topUpAfterConfirm('w-1', 20)])
  expect(walletBalance('w-1')).toBe(50)
})

test('fixed: top-ups one after the other (plain test)', async () => {
  await topUp('w-1', 30)
  await topUp('w-1', 20)
  expect(walletBalance('w-1')).toBe(50)
})

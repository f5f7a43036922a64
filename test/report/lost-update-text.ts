/**
 * The text of the lost update the report tests format (workers 2 and 3 of a fanOut of 50 in
 * `BalanceService.debit`, paths under /p), whether made from a RaceReport (format.test.ts) or
 * from an iteration's outcome (iteration-outcome.test.ts): the wording integration tests rely on.
 */
export const LOST_UPDATE_TEXT: readonly string[] = [
  'WARNING: DATA RACE',
  'Write at svc.balances.get("merchant-1") by worker 3:',
  '  BalanceService.debit  src/balance.ts:28:5',
  '  test/balance.test.ts:9:48',
  'Previous write at svc.balances.get("merchant-1") by worker 2:',
  '  BalanceService.debit  src/balance.ts:28:5',
  'Worker 3 read it at src/balance.ts:24:17 and awaited at src/balance.ts:26:5 (scheduled audit()) before writing.',
  'Worker 3 (fanOut index 2 of 50, finished) created at: test/balance.test.ts:9:9',
  'Worker 2 (fanOut index 1 of 50, finished) created at: test/balance.test.ts:9:9',
  'Replay: VITEST_RACE="seed=0x5eed1" npx vitest run test/balance.test.ts -t "debits"',
]

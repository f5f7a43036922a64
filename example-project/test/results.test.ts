import { concurrentTest } from 'vitest-race'
import { collectFixed, collectRacy } from '../src/results.js'

for (const [variant, collect] of [
  ['racy', collectRacy],
  ['fixed', collectFixed],
] as const) {
  concurrentTest(`${variant}: every worker's result is collected`, async ({ fanOut, scheduled, expect }) => {
    const work = scheduled(async function work(job: number) {
      return `result ${job}`
    })
    const results: string[] = []
    await collect(4, work, fanOut, results)
    expect([...results].sort()).toEqual(['result 0', 'result 1', 'result 2', 'result 3'])
  })
}

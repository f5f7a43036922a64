import { Channel } from 'vitest-race'

/** One job's work: I/O each worker waits for. */
export type Work = (job: number) => Promise<string>

/** The bug: a worker takes the next free slot, awaits its work, then fills the slot another worker also took. */
export async function collectRacy(jobs: number, work: Work, fanOut: <T>(n: number, fn: (i: number) => Promise<T>) => Promise<T[]>, results: string[]): Promise<string[]> {
  await fanOut(jobs, async (job) => {
    const slot = results.length
    const result = await work(job)
    results[slot] = result
  })
  return results
}

/** Fixed: workers send their results on a Channel; one receiver collects them all. */
export async function collectFixed(jobs: number, work: Work, fanOut: <T>(n: number, fn: (i: number) => Promise<T>) => Promise<T[]>, results: string[]): Promise<string[]> {
  const channel = new Channel<string>(jobs)
  await fanOut(jobs, async (job) => channel.send(await work(job)))
  channel.close()
  for await (const r of channel) results.push(r)
  return results
}

import type { ConformanceCase } from '../harness.js'
import { Channel } from '../../../src/index.js'

export const cases: ConformanceCase[] = [
  {
    name: 'NoRaceChannelSendBeforeReceive',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ch = new Channel<number>()
      await fanOut(2, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          await ch.send(1)
          return
        }
        const d = (await ch.receive())!
        const v = o.n
        await pause()
        o.n = v + d
      })
    },
  },
  {
    name: 'NoRaceChannelUnbufferedReceiveBeforeSendCompletes',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ch = new Channel<void>(0)
      await fanOut(2, async (i) => {
        if (i === 0) {
          await ch.send()
          const v = o.n
          await pause()
          o.n = v + 1
          return
        }
        const v = o.n
        await pause()
        o.n = v + 10
        await ch.receive()
      })
    },
  },
  {
    name: 'NoRaceChannelCapacityOneTokenIsMutex',
    body: async ({ track, fanOut, pause, expect }) => {
      const o = track({ n: 0 }, 'o')
      const token = new Channel<void>(1)
      await fanOut(4, async () => {
        await token.send()
        const v = o.n
        await pause()
        o.n = v + 1
        await token.receive()
      })
      expect(o.n).toBe(4)
    },
  },
  {
    name: 'NoRaceChannelCloseBeforeReceiveSeesClose',
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ch = new Channel<number>(2)
      await fanOut(2, async (i) => {
        if (i === 0) {
          const v = o.n
          await pause()
          o.n = v + 1
          ch.close()
          return
        }
        for await (const x of ch) o.n += x
        const v = o.n
        await pause()
        o.n = v * 2
      })
    },
  },
  {
    name: 'NoRaceChannelPipelineHandsOffObject',
    body: async ({ track, fanOut, pause }) => {
      const job = track({ steps: 0 }, 'job')
      const a = new Channel<{ steps: number }>()
      const b = new Channel<{ steps: number }>()
      await fanOut(3, async (i) => {
        const j = i === 0 ? job : (await (i === 1 ? a : b).receive())!
        const s = j.steps
        await pause()
        j.steps = s + 1
        if (i < 2) await (i === 0 ? a : b).send(j)
      })
    },
  },
  {
    name: 'NoRaceChannelWorkQueueThenCollector',
    body: async ({ track, fanOut, pause, expect }) => {
      const jobs = new Channel<{ steps: number }>(2)
      const done = new Channel<{ steps: number }>()
      const all = track([{ steps: 0 }, { steps: 0 }], 'jobs')
      for (const j of all) await jobs.send(j)
      jobs.close()
      await fanOut(3, async (i) => {
        if (i < 2) {
          for await (const j of jobs) {
            const s = j.steps
            await pause()
            j.steps = s + 1
            await done.send(j)
          }
          return
        }
        for (let k = 0; k < 2; k++) {
          const j = (await done.receive())!
          const s = j.steps
          await pause()
          j.steps = s * 10
        }
      })
      expect(all.map((j) => j.steps)).toEqual([10, 10])
    },
  },
  {
    name: 'RaceChannelWriteAfterSend',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ch = new Channel<number>(1)
      await fanOut(2, async (i) => {
        if (i === 0) {
          await ch.send(1)
          await pause()
          o.n = 7
          return
        }
        await ch.receive()
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
  {
    name: 'RaceChannelSenderKeepsMutatingSentObject',
    locations: ['job.steps'],
    body: async ({ track, fanOut, pause }) => {
      const job = track({ steps: 0 }, 'job')
      const ch = new Channel<{ steps: number }>(1)
      await fanOut(2, async (i) => {
        if (i === 0) {
          await ch.send(job)
          const s = job.steps
          await pause()
          job.steps = s + 1
          return
        }
        const j = (await ch.receive())!
        await pause()
        j.steps = j.steps + 10
      })
    },
  },
  {
    name: 'RaceChannelCapacityTwoTokenDoesNotExclude',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const token = new Channel<void>(2)
      await fanOut(2, async () => {
        await token.send()
        const v = o.n
        await pause()
        o.n = v + 1
        await token.receive()
      })
    },
  },
  {
    name: 'RaceChannelBufferedSendDoesNotWaitForReceive',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ch = new Channel<void>(1)
      await fanOut(2, async (i) => {
        if (i === 0) {
          await ch.send()
          const v = o.n
          await pause()
          o.n = v + 1
          return
        }
        await pause()
        o.n = 10
        await ch.receive()
      })
    },
  },
  {
    name: 'RaceChannelWriteAfterClose',
    locations: ['o.n'],
    body: async ({ track, fanOut, pause }) => {
      const o = track({ n: 0 }, 'o')
      const ch = new Channel<number>()
      await fanOut(2, async (i) => {
        if (i === 0) {
          ch.close()
          await pause()
          o.n = 3
          return
        }
        for await (const x of ch) o.n += x
        const v = o.n
        await pause()
        o.n = v + 1
      })
    },
  },
]

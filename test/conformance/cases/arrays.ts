import type { ConformanceCase } from '../harness.js'

export const cases: ConformanceCase[] = [
  {
    name: 'RaceArraySameIndexReadPauseWrite',
    locations: ['arr[0]'],
    body: async ({ track, fanOut, pause }) => {
      const arr = track([0, 0], 'arr')
      await fanOut(2, async (i) => {
        const v = arr[0]!
        await pause()
        arr[0] = v + i + 1
      })
    },
  },
  {
    name: 'RaceArrayPushAfterReadingLength',
    locations: ['arr.length'],
    body: async ({ track, fanOut, pause }) => {
      const arr = track<number[]>([], 'arr')
      await fanOut(2, async (i) => {
        const n = arr.length
        await pause()
        arr.push(n + i)
      })
    },
  },
  {
    name: 'RaceArrayIndexWriteAtReadLength',
    locations: ['arr.length'],
    body: async ({ track, fanOut, pause }) => {
      const arr = track<number[]>([], 'arr')
      await fanOut(3, async (i) => {
        const n = arr.length
        await pause()
        arr[n] = i
      })
    },
  },
  {
    name: 'RaceArrayIncludesThenPush',
    locations: ['arr.length'],
    body: async ({ track, fanOut, pause }) => {
      const arr = track<number[]>([], 'arr')
      await fanOut(2, async (i) => {
        const present = arr.includes(i)
        await pause()
        if (!present) arr.push(i)
      })
    },
  },
  {
    name: 'RaceArrayIndexOfThenSplice',
    locations: ['arr[1]', 'arr.length'],
    body: async ({ track, fanOut, pause }) => {
      const arr = track([10, 11, 12, 13], 'arr')
      await fanOut(2, async (i) => {
        const at = arr.indexOf(10 + i)
        await pause()
        arr.splice(at, 1)
      })
    },
  },
  {
    name: 'RaceArrayPopAfterLengthCheck',
    locations: ['arr.length'],
    body: async ({ track, fanOut, pause }) => {
      const arr = track([1, 2, 3], 'arr')
      await fanOut(2, async () => {
        const n = arr.length
        await pause()
        if (n > 0) arr.pop()
      })
    },
  },
  {
    name: 'NoRaceArrayPushWithoutRead',
    body: async ({ track, fanOut, pause, expect }) => {
      const arr = track<number[]>([], 'arr')
      await fanOut(4, async (i) => {
        await pause()
        arr.push(i)
      })
      expect(arr).toHaveLength(4)
    },
  },
  {
    name: 'NoRaceArrayDistinctIndexes',
    body: async ({ track, fanOut, pause }) => {
      const arr = track([0, 0, 0, 0], 'arr')
      await fanOut(4, async (i) => {
        const v = arr[i]!
        await pause()
        arr[i] = v + i
      })
    },
  },
  {
    name: 'NoRaceArrayReadOnlyIteration',
    body: async ({ track, fanOut, pause }) => {
      const arr = track([1, 2, 3], 'arr')
      await fanOut(3, async () => {
        let sum = 0
        for (const x of arr) sum += x
        await pause()
        return sum + arr.reduce((a, b) => a + b, 0)
      })
    },
  },
  {
    name: 'NoRaceArrayLengthCheckAndPushInOneTurn',
    body: async ({ track, fanOut, pause, expect }) => {
      const arr = track<number[]>([], 'arr')
      await fanOut(4, async (i) => {
        await pause()
        if (arr.length < 3) arr.push(i)
      })
      expect(arr).toHaveLength(3)
    },
  },
]

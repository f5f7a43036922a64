/**
 * NodeRacer's "archive" bug (node-archiver): an order violation between an async
 * `finalize()` and the appends still queued. A small model: `append` queues an entry on a
 * buffered Channel, a task of the library's (a spawned worker, as async.queue's worker)
 * writes each entry after some I/O, and `finalize` closes the queue. The racy version reads
 * the totals without waiting for the queue to drain; the fixed ones wait for it, through
 * `once(archive, 'finish')`, a promise, or an emit deferred with `process.nextTick` as
 * Node's streams do. Run under `semantics: 'strict'` (Go's rule), the fixed versions must be
 * silent: the tracked archive is an EventEmitter, and its listener bookkeeping was reported
 * as a race between `once` in the test and `emit` in the queue's task.
 */
import { EventEmitter, once } from 'node:events'
import type { ConformanceCase } from '../harness.js'
import type { ConcurrentContext } from '../../../src/runtime/test-context.js'
import { Channel } from '../../../src/index.js'

type Finish = 'emit' | 'nextTick' | 'promise'

class Archive extends EventEmitter {
  entries: string[] = []
  pointer = 0
  finalized = false
  private readonly queue = new Channel<string>(64)
  private done: Promise<void> | undefined

  constructor(
    private readonly io: () => Promise<void>,
    private readonly startTask: (fn: () => Promise<void>) => Promise<void>,
    private readonly finish: Finish,
  ) {
    super()
  }

  append(name: string): this {
    if (this.finalized) throw new Error('archive: append after finalize')
    void this.queue.send(name)
    // The queue's task starts with the first append (and sees the archive as its caller does).
    this.done ??= this.startTask(async () => {
      for await (const name of this.queue) {
        await this.io()
        this.entries.push(name)
        this.pointer += name.length
        this.emit('entry', name)
      }
      if (this.finish === 'emit') this.emit('finish')
      else if (this.finish === 'nextTick') process.nextTick(() => this.emit('finish'))
    })
    return this
  }

  /** node-archiver before the fix: finalizes while appends are still queued. */
  async finalizeWithoutWaiting(): Promise<{ count: number; bytes: number }> {
    this.finalized = true
    this.queue.close()
    return { count: this.entries.length, bytes: this.pointer }
  }

  /** After the fix: waits until the queue has drained. */
  async finalize(how: Finish): Promise<{ count: number; bytes: number }> {
    this.finalized = true
    const finished = how === 'promise' ? this.done : once(this, 'finish')
    this.queue.close()
    await finished
    return { count: this.entries.length, bytes: this.pointer }
  }
}

function archiveBody(fixed: boolean, finish: Finish) {
  return async ({ track, spawn, scheduled, expect }: ConcurrentContext) => {
    const io = scheduled(async function readSource() {})
    const archive = track(new Archive(io, (fn) => spawn(fn), finish), 'archive')
    archive.append('a.txt').append('bb.txt').append('ccc.txt')
    const result = fixed ? await archive.finalize(finish) : await archive.finalizeWithoutWaiting()
    if (fixed) expect(result).toEqual({ count: 3, bytes: 18 })
    return result
  }
}

/**
 * A progress listener registered once the queue's task is running: it runs in that task,
 * on state the test wrote before registering it (`ordered`) or after (not ordered: only
 * what precedes `on` happens-before the listener).
 */
function progressBody(writeBeforeRegistering: boolean) {
  return async ({ track, spawn, scheduled, expect }: ConcurrentContext) => {
    const io = scheduled(async function readSource() {})
    const archive = track(new Archive(io, (fn) => spawn(fn), 'emit'), 'archive')
    const seen = track<string[]>([], 'seen')
    archive.append('a.txt')
    if (writeBeforeRegistering) seen.push('(start)')
    archive.on('entry', (name: string) => {
      seen.push(name)
    })
    if (!writeBeforeRegistering) seen.push('(start)')
    archive.append('bb.txt')
    await archive.finalize('emit')
    expect(seen).toHaveLength(3)
  }
}

export const cases: ConformanceCase[] = [
  { name: 'RaceStrictArchiveFinalizeWithoutWaiting', locations: ['archive.entries.length', 'archive.pointer'], semantics: 'strict', body: archiveBody(false, 'emit') },
  { name: 'NoRaceStrictArchiveFinalizeAwaitsFinishEvent', semantics: 'strict', body: archiveBody(true, 'emit') },
  { name: 'NoRaceStrictArchiveFinalizeAwaitsNextTickEmit', semantics: 'strict', body: archiveBody(true, 'nextTick') },
  { name: 'NoRaceStrictArchiveFinalizeAwaitsDrainedPromise', semantics: 'strict', body: archiveBody(true, 'promise') },
  { name: 'NoRaceArchiveFinalizeAwaitsFinishEvent', body: archiveBody(true, 'emit') },
  { name: 'NoRaceStrictArchiveListenerSeesWritesBeforeItsRegistration', semantics: 'strict', body: progressBody(true) },
  { name: 'RaceStrictArchiveListenerAgainstWritesAfterItsRegistration', locations: ['seen.length'], semantics: 'strict', body: progressBody(false) },
]

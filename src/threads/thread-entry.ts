/**
 * The module tinypool runs in each worker thread: one task per thread per iteration. It
 * loads the user's worker module, builds instrumented views of the shared memory, waits at
 * the start line for the other threads, and calls the module's default export.
 */
import { A } from './atomics-originals.js'
import { installAtomicsPatch } from './atomics-patch.js'
import { Control, TYPED_ARRAYS, type SharedEntry, type SharedTypedArray, type ThreadResult, type ThreadTask } from './protocol.js'
import { instrument } from './shared-views.js'
import { StressPauses } from './stress-pauses.js'
import { abortCheck, ThreadLog, type ViewSink } from './thread-log.js'
import { CurrentThread, setCurrentThread } from './current-thread.js'
import { workerFunction } from './worker-module.js'
import { ThreadMutex } from './thread-mutex.js'
import { ThreadWaitGroup } from './thread-wait-group.js'
import { ThreadOnce } from './thread-once.js'
import { attach } from './thread-primitive.js'

// Stacks of a `.ts` worker module loaded through tsx point at its source lines.
process.setSourceMapsEnabled(true)
installAtomicsPatch()

const PRIMITIVES = { mutex: ThreadMutex, 'wait-group': ThreadWaitGroup, once: ThreadOnce } as const

function materialise(entries: readonly SharedEntry[], sink: ViewSink): Record<string, unknown> {
  const shared: Record<string, unknown> = {}
  for (const e of entries) {
    if (e.kind === 'array') {
      const raw = new (TYPED_ARRAYS[e.type] as new (buffer: SharedArrayBuffer) => SharedTypedArray)(e.buffer)
      shared[e.key] = instrument(raw, e.id, 0, sink)
    } else {
      shared[e.key] = attach(PRIMITIVES[e.kind], e.buffer, e.id)
    }
  }
  return shared
}

/** Every thread arrives before any runs the user's function, so they start together. */
function startLine(control: Int32Array, threads: number): void {
  const abort = abortCheck(control)
  if (A.add(control, Control.ARRIVED, 1) + 1 === threads) {
    A.notify(control, Control.ARRIVED)
    return
  }
  for (;;) {
    const n = A.load(control, Control.ARRIVED)
    if (n >= threads) return
    A.wait(control, Control.ARRIVED, n, 50)
    abort()
  }
}

/** One thread's part of one iteration. */
export default async function runThread(task: ThreadTask): Promise<ThreadResult> {
  const control = new Int32Array(task.control)
  const fn = await workerFunction(task.module)
  const log = task.log === undefined ? undefined : new ThreadLog(new Int32Array(task.log), control, new Set(task.capture))
  const shared = materialise(task.shared, log ?? new StressPauses(task.seed, control))
  startLine(control, task.threads)
  setCurrentThread(new CurrentThread(task.index, control, task.waits, log))
  try {
    await fn({ shared: shared as Record<string, never>, index: task.index, threads: task.threads })
  } finally {
    setCurrentThread(undefined)
    log?.close()
  }
  return { stacks: log?.stacks ?? [] }
}

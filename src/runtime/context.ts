/**
 * Which worker of which iteration is running: carried across awaits by AsyncLocalStorage.
 * Kept on a global symbol so that two copies of this module (one loaded by Vite's module
 * runner, one by Node) still agree on the current worker.
 */
import { SafeAsyncLocalStorage } from './builtins.js'
import type { IterationRun } from './iteration.js'

/** The running worker: its iteration and its id (0 is the test body). */
export interface WorkerContext {
  readonly run: IterationRun
  readonly worker: number
}

interface RuntimeGlobals {
  readonly als: InstanceType<typeof SafeAsyncLocalStorage<WorkerContext>>
}

const KEY = Symbol.for('vitest-race.runtime')
const g = globalThis as { [KEY]?: RuntimeGlobals }
const globals: RuntimeGlobals = (g[KEY] ??= { als: new SafeAsyncLocalStorage<WorkerContext>() })

/** The worker running now, or undefined outside a concurrentTest iteration. */
export function currentContext(): WorkerContext | undefined {
  return globals.als.getStore()
}

/** Run `fn` as `worker` of `run`. */
export function runAs<T>(context: WorkerContext, fn: () => T): T {
  return globals.als.run(context, fn)
}

/**
 * Run `fn` as no worker. The library's own promise reactions run so, so that the promise
 * edges (async-hooks.ts) never see its bookkeeping as synchronisation between workers.
 */
export function outsideWorkers<T>(fn: () => T): T {
  return globals.als.exit(fn)
}

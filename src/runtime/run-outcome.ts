/**
 * The end of an iteration as plain data (report/iteration-outcome.ts): its races with their
 * stacks, the workers and tasks they name with where each started, its schedule and notes.
 * Made once from the finished IterationRun; nothing after it reads the run.
 */
import { resolve as resolvePath } from 'node:path'
import type { RaceRecord } from '../detector/race-record.js'
import type { IterationOutcome, OutcomeRace, OutcomeWorker } from '../report/iteration-outcome.js'
import type { StepData } from '../report/schedule-steps.js'
import { statementOfStack } from '../sql/statement-stack.js'
import type { IterationRun, WorkerInfo } from './iteration.js'
import { siteFrame } from './site-table.js'
import type { TaskOrigin } from './tasks.js'

/**
 * Where a task started, as a stack: the instrumented call that forked it (its code site, a
 * one-frame stack), or the stack captured when its timer or listener was registered.
 */
export function taskOriginStack(task: TaskOrigin, root: string): string | undefined {
  const site = task.site
  return site !== undefined ? siteFrame(site, resolvePath(root, site.file)) : task.holder?.stack
}

/**
 * V8 names a method called on a Proxy `Proxy.debit`; name it after the tracked class that
 * has the method (`BalanceService.debit`) when exactly one does.
 */
function namedAfterClasses(stack: string | undefined, run: IterationRun): string | undefined {
  if (stack === undefined) return undefined
  return stack.replace(/\bProxy\.([\w$]+)/g, (whole, method: string) => {
    const owner = run.tracker.methodOwners.get(method)
    return typeof owner === 'string' ? `${owner}.${method}` : whole
  })
}

/** The number a report calls the task that made access number `seq` of `worker` by. */
type Label = (worker: number, seq: number) => number

function outcomeRace(race: RaceRecord, run: IterationRun, label: Label): OutcomeRace {
  const { current, previous, span } = race
  const currentStatement = statementOfStack(current.stack)
  const previousStatement = race.previousEvicted ? undefined : statementOfStack(previous.stack)
  const readStatement = span === undefined || race.readEvicted ? undefined : statementOfStack(span.read.stack)
  return {
    location: race.location.label,
    current: { kind: current.kind, worker: label(current.worker, current.seq), stack: namedAfterClasses(current.stack, run), ...(currentStatement === undefined ? {} : { statement: currentStatement }) },
    previous: {
      kind: previous.kind,
      worker: label(previous.worker, previous.seq),
      stack: race.previousEvicted ? undefined : namedAfterClasses(previous.stack, run),
      ...(previousStatement === undefined ? {} : { statement: previousStatement }),
    },
    span:
      span === undefined
        ? undefined
        : {
            worker: label(span.worker, span.read.seq),
            readStack: span.read.stack,
            readEvicted: race.readEvicted,
            ...(readStatement === undefined ? {} : { readStatement }),
            awaited: span.point?.label,
            awaitedStack: span.point?.stack,
          },
  }
}

function outcomeWorker(run: IterationRun, info: WorkerInfo | undefined, worker: number): OutcomeWorker {
  if (info === undefined) return { worker, state: 'running', origin: undefined, fanOut: undefined }
  const task = info.task
  if (task !== undefined) return { worker, state: info.state, origin: taskOriginStack(task, run.settings.root), fanOut: undefined, task: task.how }
  return { worker, state: info.state, origin: info.createdAt, fanOut: info.fanOut }
}

/** The outcome of the finished `run`, whose races are `races`; `notes` go beside its error. */
export function outcomeOf(run: IterationRun, races: readonly RaceRecord[], notes: readonly string[]): IterationOutcome {
  // A finished task's id goes to later tasks: each task the races name is told apart by the
  // access it made (run.workerAt), and a second task on one id gets a number of its own.
  const labels = new Map<WorkerInfo | number, number>()
  const used = new Set<number>()
  const workers: OutcomeWorker[] = []
  let next = Math.max(run.clockWidth, run.workers.size)
  const label: Label = (worker, seq) => {
    if (worker === 0) return 0
    const info = run.workerAt(worker, seq)
    const key = info ?? worker
    let l = labels.get(key)
    if (l === undefined) {
      l = used.has(worker) ? next++ : worker
      labels.set(key, l)
      used.add(l)
      workers.push(outcomeWorker(run, info, l))
    }
    return l
  }
  const outcomeRaces: OutcomeRace[] = []
  for (const race of races) outcomeRaces.push(outcomeRace(race, run, label))
  // A copy: a worker left running after a failure may still take steps.
  const ran = run.scheduler.steps
  const steps: StepData[] = []
  for (let i = 0; i < ran.length; i++) steps[i] = ran[i]!
  return { races: outcomeRaces, workers, steps, notes, suppressed: 0, workersStarted: run.workers.size - 1 }
}

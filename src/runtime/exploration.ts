/**
 * Exploring schedules (DESIGN §5). The iterations of a concurrentTest are a fast-check async
 * property over schedules: fast-check draws them, and on a failure shrinks the schedule to a
 * minimal interleaving and gives the seed and path that replay it exactly. The exhaustive
 * strategy instead walks every interleaving, depth first, from the one with no context switch.
 */
import fc from 'fast-check'
import { RaceOptionError } from '../options.js'
import { runIteration, type IterationPlan, type Outcome } from './iteration-runner.js'
import { randomSeed } from './random.js'
import { DecisionStrategy, type Schedule } from './strategies.js'
import { BudgetMeter, type TimeBudget } from './time-budget.js'

/** A failing iteration, found and shrunk. */
export interface Failure {
  /** The minimal failing iteration (the last one that failed). */
  readonly outcome: Outcome
  readonly schedule: Schedule
  /** fast-check's seed and path (undefined for the exhaustive search and the calibration run). */
  readonly seed: number
  readonly path: string | undefined
  /** The run (1-based) that first failed, and how many runs were made in all. */
  readonly failedRun: number
  readonly shrinks: number
  /** Steps in the first failing run, before shrinking. */
  readonly firstSteps: number
  /** The property inputs of the failing run (concurrentTest.prop), shrunk with the schedule. */
  readonly inputs: unknown
}

/** Property inputs (concurrentTest.prop): drawn and shrunk by fast-check with the schedule. */
export interface Inputs {
  /** A tuple or a record of values (never undefined: undefined means no inputs). */
  readonly arbitrary: fc.Arbitrary<unknown>
  readonly body: (values: unknown) => IterationPlan['body']
}

type Plan = Omit<IterationPlan, 'schedule' | 'iteration' | 'seed'> & {
  readonly inputs?: Inputs
  /** Called before each run with its number (1-based), for progress. */
  readonly onRun?: (run: number) => void
  /** When set, the random and pct strategies stop exploring before the budget runs out (time-budget.ts). */
  readonly budget?: TimeBudget
}

/** What exploring did: the failure, if any, and how many runs it made. */
export interface Exploration {
  readonly failure: Failure | undefined
  /** Runs made, the first (no context switch) and any replay included, shrinking runs not. */
  readonly runs: number
  /** True when the time budget stopped exploring before every planned run was made. */
  readonly stoppedByBudget: boolean
  /** Milliseconds spent, on the budget's clock (0 without a budget). */
  readonly elapsedMs: number
}

function failed(o: Outcome): boolean {
  return o.races.length > 0 || o.failed
}

/**
 * Decision arrays of a fixed length, shrunk first by cutting (everything after the cut
 * continues the current worker), then by zeroing single decisions from the end, then by
 * making a switch go to the lowest other id: each step removes or simplifies context
 * switches, and the shrinker depends on the value alone, so a fast-check path replays exactly.
 */
class DecisionsArbitrary extends fc.Arbitrary<Schedule> {
  constructor(private readonly length: number) {
    super()
  }

  generate(mrng: fc.Random): fc.Value<Schedule> {
    const decisions = Array.from({ length: this.length }, () => mrng.nextInt(0, 0xffff))
    return new fc.Value<Schedule>({ kind: 'decisions', decisions }, undefined)
  }

  canShrinkWithoutContext(value: unknown): value is Schedule {
    return typeof value === 'object' && value !== null && (value as Schedule).kind === 'decisions'
  }

  shrink(value: Schedule): fc.Stream<fc.Value<Schedule>> {
    if (value.kind !== 'decisions') return fc.Stream.nil()
    const d = value.decisions
    let end = d.length
    while (end > 0 && d[end - 1] === 0) end--
    const candidates: (readonly number[])[] = []
    for (let keep = 0; keep < end; keep = keep === 0 ? 1 : keep * 2) candidates.push(d.slice(0, Math.min(keep, end - 1)))
    for (let i = end - 1; i >= 0; i--) if (d[i] !== 0) candidates.push([...d.slice(0, i), 0, ...d.slice(i + 1, end)])
    // A switch to the lowest other id rather than an arbitrary one.
    for (let i = end - 1; i >= 0; i--) if (d[i]! > 1) candidates.push([...d.slice(0, i), 1, ...d.slice(i + 1, end)])
    const unique = [...new Map(candidates.map((c) => [c.join(','), c])).values()]
    return fc.Stream.of(...unique.map((c) => new fc.Value<Schedule>({ kind: 'decisions', decisions: c }, undefined)))
  }
}

/** PCT schedules: a priority per worker and depth − 1 change points among the expected steps. */
function pctArbitrary(workers: number, steps: number, depth: number): fc.Arbitrary<Schedule> {
  return fc
    .record({
      priorities: fc.array(fc.nat({ max: 0xffff }), { minLength: workers, maxLength: workers }),
      changes: fc.array(fc.nat({ max: Math.max(0, steps - 1) }), { minLength: depth - 1, maxLength: depth - 1 }),
    })
    .map((v): Schedule => ({ kind: 'pct', ...v }))
}

/** The error a property run throws so that fast-check sees the iteration failed. */
class IterationFailed extends Error {
  constructor(readonly outcome: Outcome) {
    super('the iteration failed')
  }
}

/**
 * Run the iterations of one concurrentTest; undefined when none failed. A first run with no
 * context switch measures the test (steps, workers) to size the schedules; it fails first if
 * the bug needs no interleaving at all.
 */
export async function explore(plan: Plan): Promise<Failure | undefined> {
  return (await exploreRuns(plan)).failure
}

/** As `explore`, and says how many runs were made and whether the time budget cut them short. */
export async function exploreRuns(plan: Plan): Promise<Exploration> {
  const { settings } = plan
  const meter = plan.budget === undefined ? undefined : new BudgetMeter(plan.budget)
  const done = (failure: Failure | undefined, runs: number, stoppedByBudget = false): Exploration => ({ failure, runs, stoppedByBudget, elapsedMs: meter?.elapsed() ?? 0 })
  const seed = settings.seed ?? randomSeed()
  const sequential: Schedule = { kind: 'decisions', decisions: [] }
  // The first run takes the first inputs fast-check draws from the seed.
  const firstInputs = plan.inputs === undefined ? undefined : fc.sample(plan.inputs.arbitrary, { seed, numRuns: 1 })[0]!
  const firstBody = plan.inputs === undefined ? plan.body : plan.inputs.body(firstInputs!)
  const replaying = settings.path !== undefined
  if (replaying && settings.strategy === 'exhaustive') {
    throw new RaceOptionError('vitest-race: path replays a random or pct schedule; the exhaustive strategy replays by itself (it is deterministic)')
  }
  // Race mode first plays the schedule a plain Promise.all gives (every worker to its next
  // await in turn): each worker reads before any writes, which a check-then-act needs to show.
  let extra = 0
  if (settings.race && !replaying && settings.strategy !== 'exhaustive') {
    const roundRobin: Schedule = { kind: 'roundRobin' }
    meter?.started()
    const rr = await runIteration({ ...plan, body: firstBody, seed, iteration: 0, schedule: roundRobin })
    meter?.ended()
    if (failed(rr)) {
      const steps = rr.steps.length
      return done({ outcome: rr, schedule: roundRobin, seed, path: undefined, failedRun: 1, shrinks: 0, firstSteps: steps, inputs: firstInputs }, 1)
    }
    extra = 1
  }
  // Also when replaying: it sizes the schedules exactly as the exploring run did.
  meter?.started()
  const first = await runIteration({ ...plan, body: firstBody, seed, iteration: 0, schedule: sequential })
  meter?.ended()
  if (!replaying && failed(first)) {
    const steps = first.steps.length
    return done({ outcome: first, schedule: sequential, seed, path: undefined, failedRun: 1 + extra, shrinks: 0, firstSteps: steps, inputs: firstInputs }, 1 + extra)
  }
  if (settings.strategy === 'exhaustive') {
    if (plan.inputs !== undefined) throw new RaceOptionError("vitest-race: concurrentTest.prop draws its inputs at random: use strategy 'random' or 'pct', not 'exhaustive'")
    // No budget here: the exhaustive search promises every interleaving (up to
    // maxInterleavings), and a pass cut short by time would say less than that.
    const r = await exhaustive(plan, seed)
    return done(r.failure, r.runs, false)
  }
  // A replay runs its one schedule whatever the time.
  const r = await property(plan, seed, first.steps.length, first.workersStarted, replaying ? undefined : meter, extra)
  return done(r.failure, r.runs + 1 + extra, r.stopped)
}

interface Explored {
  readonly failure: Failure | undefined
  readonly runs: number
  readonly stopped: boolean
}

async function property(plan: Plan, seed: number, steps: number, workers: number, meter: BudgetMeter | undefined, extra = 0): Promise<Explored> {
  const { settings } = plan
  const arbitrary =
    settings.strategy === 'pct' ? pctArbitrary(Math.max(1, workers * 2), Math.max(1, steps * 2), settings.depth) : new DecisionsArbitrary(steps * 2 + 16)
  let iteration = 0
  let last: Outcome | undefined
  let firstSteps: number | undefined
  const inputs = plan.inputs
  let explored = 0
  const prop = fc.asyncProperty(inputs?.arbitrary ?? fc.constant<unknown>(undefined), arbitrary, async (values, schedule) => {
    const shrinking = last !== undefined
    // fast-check's own way to stop a run early (its interruptAfterTimeLimit does the same):
    // interrupted before a failure, the property passes; while shrinking, the smallest
    // failure so far is kept.
    if (meter !== undefined && !meter.allows(shrinking ? 'shrink' : 'explore')) throw new fc.PreconditionFailure(true)
    const body = inputs === undefined ? plan.body : inputs.body(values)
    plan.onRun?.(iteration + 2 + extra)
    if (!shrinking) explored++
    meter?.started()
    const outcome = await runIteration({ ...plan, body, seed, iteration: ++iteration, schedule })
    meter?.ended()
    if (failed(outcome)) {
      last = outcome
      firstSteps ??= outcome.steps.length
      throw new IterationFailed(outcome)
    }
  })
  const details = await fc.check(prop, {
    numRuns: settings.path === undefined ? settings.iterations : 1,
    seed,
    ...(settings.path === undefined ? {} : { path: settings.path }),
  })
  if (!details.failed || last === undefined) return { failure: undefined, runs: explored, stopped: details.interrupted }
  const failure: Failure = {
    outcome: last,
    schedule: details.counterexample![1] as Schedule,
    inputs: inputs === undefined ? undefined : details.counterexample![0],
    seed,
    path: details.counterexamplePath ?? undefined,
    failedRun: Number((details.counterexamplePath ?? '0').split(':')[0]) + 2 + extra,
    shrinks: details.numShrinks,
    firstSteps: firstSteps ?? last.steps.length,
  }
  return { failure, runs: explored, stopped: false }
}

/** Every interleaving, depth first, each decision an index among the waiting workers. */
async function exhaustive(plan: Plan, seed: number): Promise<Explored> {
  const max = plan.settings.maxInterleavings
  let prefix: number[] = []
  for (let count = 1; ; count++) {
    plan.onRun?.(count)
    if (count > max) {
      throw new RaceOptionError(
        `vitest-race: the exhaustive strategy found more than maxInterleavings = ${max} interleavings; ` +
          `raise maxInterleavings, make the test smaller, or use strategy 'random' or 'pct'.`,
      )
    }
    const schedule: Schedule = { kind: 'decisions', decisions: prefix }
    const strategy = new DecisionStrategy(prefix)
    const outcome = await runIteration({ ...plan, seed, iteration: count, schedule, strategy })
    if (failed(outcome)) {
      const steps = outcome.steps.length
      return { failure: { outcome, schedule, seed, path: undefined, failedRun: count, shrinks: 0, firstSteps: steps, inputs: undefined }, runs: count, stopped: false }
    }
    const widths = strategy.widths
    const taken = widths.map((_, i) => prefix[i] ?? 0)
    let i = widths.length - 1
    while (i >= 0 && taken[i]! + 1 >= widths[i]!) i--
    if (i < 0) return { failure: undefined, runs: count, stopped: false }
    prefix = [...taken.slice(0, i), taken[i]! + 1]
  }
}

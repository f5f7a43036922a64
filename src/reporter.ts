/**
 * The run summary (main process), registered by the plugin in `configureVitest` so that it
 * survives `--reporter=…`: `Found N data race(s)` with each race's test and two code
 * locations, a GitHub Actions `::warning` at each previous access (Vitest already turns the
 * current access into an `::error`), the reports appended to `<log_path>.<pid>`, and the
 * exit status GORACE's `exitcode` asks for.
 *
 * Everything it prints goes to stderr (Vitest's `logger.error`), as Go's race detector
 * writes its reports: stdout may be a machine-readable stream (`--reporter=json`,
 * `--reporter=junit`, a custom reporter) that one extra line would corrupt, and which
 * reporters write there cannot be known for reporters we do not know. GitHub Actions reads
 * workflow commands from stderr as from stdout.
 */
import { appendFileSync, existsSync, readFileSync, rmSync } from 'node:fs'
import type { Reporter, TestModule, TestSpecification } from 'vitest/node'
import type { RaceSettings } from './options.js'
import { META_KEY, type RaceMeta } from './provided.js'
import { formatRace, SEPARATOR } from './report/format.js'
import { formatSummary, type FoundRace } from './report/summary.js'
import { terminalPaint } from './terminal-paint.js'

/** GitHub's workflow command escaping for a message and for a property value. */
function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}
function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** The plugin's name, as Vite lists it among a project's plugins. */
export const PLUGIN_NAME = 'vitest-race'

/** Whether a project's Vite config has the race() plugin (its own, or the root's through `extends: true`). */
function hasRacePlugin(project: TestSpecification['project']): boolean {
  return project.vite.config.plugins.some((p) => p.name === PLUGIN_NAME)
}

/** The warning for a project that runs in race mode without the plugin. */
export function projectWithoutPlugin(name: string): string {
  const shown = name === '' ? 'the root project' : `project "${name}"`
  return `vitest-race: race mode is on, but ${shown} has no race() plugin: its tests run without the race detector. Add race() to its plugins, or extends: true to inherit the root config's.`
}

export class RaceReporter implements Reporter {
  private log: (text: string) => void = (text) => process.stderr.write(`${text}\n`)
  private exitHooked = false
  private progressTimer: ReturnType<typeof setInterval> | undefined
  private progressRead = 0
  private readonly warned = new Set<string>()

  constructor(private readonly settings: RaceSettings) {}

  onInit(vitest: { logger: { error: (...args: unknown[]) => void } }): void {
    this.log = (text) => vitest.logger.error(text)
  }

  /**
   * In race mode, a warning for each project that runs tests without the race() plugin; in an
   * interactive terminal, the progress lines long-running tests leave (none in CI).
   */
  onTestRunStart(specifications: readonly TestSpecification[] = []): void {
    if (this.settings.race) this.warnProjectsWithoutPlugin(specifications)
    const file = this.settings.progressFile
    if (file === undefined || this.progressTimer !== undefined) return
    this.progressTimer = setInterval(() => this.showProgress(file), 1_000)
    this.progressTimer.unref()
  }

  private warnProjectsWithoutPlugin(specifications: readonly TestSpecification[]): void {
    const projects = new Set(specifications.map((s) => s.project))
    for (const project of projects) {
      if (this.warned.has(project.name) || hasRacePlugin(project)) continue
      this.warned.add(project.name)
      this.log(projectWithoutPlugin(project.name))
    }
  }

  private showProgress(file: string): void {
    if (!existsSync(file)) return
    const text = readFileSync(file, 'utf8')
    const fresh = text.slice(this.progressRead)
    this.progressRead = text.length
    const latest = new Map<string, { run: number; of: string; seconds: number }>()
    for (const line of fresh.split('\n')) {
      if (line === '') continue
      const p = JSON.parse(line) as { test: string; run: number; of: string; seconds: number }
      latest.set(p.test, p)
    }
    for (const [test, p] of latest) this.log(terminalPaint.dim(`vitest-race: ${test}: run ${p.run} of ${p.of} (${p.seconds} s)`))
  }

  private stopProgress(): void {
    // What was written since the last tick still shows, however short the run.
    if (this.progressTimer !== undefined && this.settings.progressFile !== undefined) this.showProgress(this.settings.progressFile)
    if (this.progressTimer !== undefined) clearInterval(this.progressTimer)
    this.progressTimer = undefined
    this.progressRead = 0
    if (this.settings.progressFile !== undefined) rmSync(this.settings.progressFile, { force: true })
  }

  onTestRunEnd(testModules: readonly TestModule[]): void {
    this.stopProgress()
    const found: FoundRace[] = []
    let suppressed = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const meta = (test.meta() as Record<string, unknown>)[META_KEY] as RaceMeta | undefined
        for (const report of meta?.races ?? []) found.push({ test: test.fullName, report })
        suppressed += meta?.suppressed ?? 0
      }
    }
    const prefix = this.settings.stripPathPrefix ?? this.settings.root
    if (found.length === 0) {
      if (suppressed > 0) this.log(formatSummary(found, prefix, terminalPaint, suppressed).join('\n'))
      return
    }
    this.log(formatSummary(found, prefix, terminalPaint, suppressed).join('\n'))
    if (process.env.GITHUB_ACTIONS === 'true') this.annotate(found)
    if (this.settings.logPath !== undefined) {
      const text = found.map(({ report }) => `${SEPARATOR}\n${formatRace(report, { stripPathPrefix: prefix })}\n${SEPARATOR}\n`).join('')
      appendFileSync(`${this.settings.logPath}.${process.pid}`, text)
    }
    this.setExitCode()
  }

  private annotate(found: readonly FoundRace[]): void {
    for (const { test, report } of found) {
      const previous = report.previous.frames?.[0]
      if (previous === undefined) continue
      const message = `Previous ${report.previous.kind} at ${report.location} (data race in ${test})`
      this.log(`::warning file=${escapeProperty(previous.file)},line=${previous.line},col=${previous.column},title=${escapeProperty('vitest-race: previous access')}::${escapeData(message)}`)
    }
  }

  /** Like Go's exitcode: the status of a run that found races (after Vitest has set its own). */
  private setExitCode(): void {
    if (this.exitHooked) return
    this.exitHooked = true
    process.on('exit', () => {
      process.exitCode = this.settings.exitcode
    })
  }
}

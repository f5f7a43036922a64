/** The run summary reporter on its own, with fake test modules: summary, annotations, log_path, exit code, warnings, progress. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { TestModule, TestSpecification } from 'vitest/node'
import { DEFAULT_SETTINGS, type RaceSettings } from '../src/options.js'
import { META_KEY } from '../src/provided.js'
import type { RaceReport } from '../src/report/race-report.js'
import { PLUGIN_NAME, projectWithoutPlugin, RaceReporter } from '../src/reporter.js'

const frame = (file: string, line: number, column: number) => ({ fn: undefined, file, line, column })
const report: RaceReport = {
  location: 'stock.apples',
  current: { kind: 'write', worker: 2, frames: [frame('/p/test/a.test.ts', 9, 11)] },
  previous: { kind: 'read', worker: 1, frames: [frame('/p/src/stock,1.ts', 4, 7)] },
  span: null,
  workers: [],
  replay: 'VITEST_RACE="seed=0x1" npx vitest run test/a.test.ts -t "t"',
}

/** Test modules as the reporter reads them: tests with a full name and task meta. */
function modules(...tests: { name: string; races?: RaceReport[] }[]): TestModule[] {
  const all = tests.map((t) => ({ fullName: t.name, meta: () => (t.races === undefined ? {} : { [META_KEY]: { races: t.races } }) }))
  return [{ children: { allTests: () => all } } as unknown as TestModule]
}

function reporter(over: Partial<RaceSettings> = {}): { r: RaceReporter; lines: string[] } {
  const lines: string[] = []
  const r = new RaceReporter({ ...DEFAULT_SETTINGS, race: true, root: '/p', ...over })
  r.onInit({ logger: { error: (...args: unknown[]) => lines.push(args.join(' ')) } })
  return { r, lines }
}

const exitListeners = () => process.listeners('exit')
const env = { ...process.env }
afterEach(() => {
  process.env = { ...env }
})

describe('RaceReporter', () => {
  it('says nothing and leaves the exit status alone when no test found a race', () => {
    const before = exitListeners().length
    const { r, lines } = reporter()
    r.onTestRunEnd(modules({ name: 'a > passes' }, { name: 'a > fails for another reason' }))
    expect(lines).toEqual([])
    expect(exitListeners()).toHaveLength(before)
  })

  it('prints the summary, relative to the root, and sets GORACE exitcode at exit', () => {
    const before = exitListeners()
    const { r, lines } = reporter({ exitcode: 13 })
    r.onTestRunEnd(modules({ name: 'a > races', races: [report] }, { name: 'a > passes' }))
    expect(lines.join('\n')).toContain('Found 1 data race(s)')
    expect(lines.join('\n')).toContain('a > races: stock.apples test/a.test.ts:9:11 ~ src/stock,1.ts:4:7')
    const added = exitListeners().filter((l) => !before.includes(l))
    expect(added).toHaveLength(1)
    const code = process.exitCode
    try {
      ;(added[0] as () => void)()
      expect(process.exitCode).toBe(13)
    } finally {
      process.exitCode = code
      process.removeListener('exit', added[0]!)
    }
  })

  it('cuts stripPathPrefix instead of the root when given', () => {
    const { r, lines } = reporter({ stripPathPrefix: '/p/test' })
    r.onTestRunEnd(modules({ name: 't', races: [report] }))
    expect(lines.join('\n')).toContain('stock.apples a.test.ts:9:11')
    for (const l of exitListeners().slice(-1)) process.removeListener('exit', l)
  })

  it('in GitHub Actions, a ::warning at each previous access, with properties escaped', () => {
    process.env.GITHUB_ACTIONS = 'true'
    const { r, lines } = reporter()
    r.onTestRunEnd(modules({ name: 'a > races', races: [report, { ...report, previous: { ...report.previous, frames: null } }] }))
    const warnings = lines.filter((l) => l.startsWith('::warning'))
    // The second race's previous access has no stack: nothing to point at.
    expect(warnings).toEqual(['::warning file=/p/src/stock%2C1.ts,line=4,col=7,title=vitest-race%3A previous access::Previous read at stock.apples (data race in a > races)'])
    for (const l of exitListeners().slice(-1)) process.removeListener('exit', l)
  })

  it('appends the reports, plain, to <log_path>.<pid>', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vitest-race-reporter-'))
    const logPath = join(dir, 'races')
    for (const _ of [1, 2]) {
      const { r } = reporter({ logPath })
      r.onTestRunEnd(modules({ name: 't', races: [report] }))
    }
    const text = readFileSync(`${logPath}.${process.pid}`, 'utf8')
    expect(text.match(/WARNING: DATA RACE/g)).toHaveLength(2)
    expect(text).toContain('stock.apples')
    expect(text).not.toMatch(/\u001b\[/)
    for (const l of exitListeners().slice(-2)) process.removeListener('exit', l)
  })

  it('in race mode, warns once for each project that runs without the race() plugin', () => {
    const project = (name: string, plugins: string[]) => ({ name, vite: { config: { plugins: plugins.map((p) => ({ name: p })) } } })
    const plain = project('plain', ['other'])
    const raced = project('raced', [PLUGIN_NAME])
    const specs = [plain, plain, raced].map((p) => ({ project: p })) as unknown as TestSpecification[]
    const { r, lines } = reporter()
    r.onTestRunStart(specs)
    r.onTestRunStart(specs)
    expect(lines).toEqual([projectWithoutPlugin('plain')])
    const off = reporter({ race: false })
    off.r.onTestRunStart(specs)
    expect(off.lines).toEqual([])
    expect(projectWithoutPlugin('')).toContain('the root project has no race() plugin')
  })

  it('shows the latest progress line of each test at the end of the run, then removes the file', () => {
    const progressFile = join(mkdtempSync(join(tmpdir(), 'vitest-race-progress-')), 'p.jsonl')
    writeFileSync(
      progressFile,
      [
        { test: 'a > slow', run: 10, of: '51', seconds: 2 },
        { test: 'a > slow', run: 20, of: '51', seconds: 4 },
        { test: 'b > other', run: 3, of: '9', seconds: 1 },
      ]
        .map((p) => JSON.stringify(p))
        .join('\n') + '\n',
    )
    const { r, lines } = reporter({ progressFile })
    r.onTestRunStart([])
    r.onTestRunEnd(modules())
    expect(lines.map((l) => l.replace(/\u001b\[\d+m/g, ''))).toEqual(['vitest-race: a > slow: run 20 of 51 (4 s)', 'vitest-race: b > other: run 3 of 9 (1 s)'])
    expect(existsSync(progressFile)).toBe(false)
  })
})

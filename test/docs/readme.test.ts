/**
 * README.md cannot drift from the code: every fenced block in it carries a
 * `<!-- readme-test: … -->` marker, and this test runs or checks each one.
 *
 * - `shell`: the first commands (`npm ci && npm run demo`, `npm ci && npm test`) are what .ci/run
 *   and package.json run; the demo itself is test/e2e/example-project.test.ts.
 * - `install`: installs this package and its peer dependencies only.
 * - `go-original ported-to=PATH project=P`: the Go test uses the numbers and names of its port.
 * - `file=PATH project=P [expect=pass|ErrorName]`: the block is that file of project P; with
 *   `expect`, every test in it passes (or fails with that error) when P runs in race mode.
 * - `run id=ID project=P [at=ID] [seed=S] [exit=N[,N…]] [replays=ID]`: each command runs in P as
 *   the README has it at that point (or as it was at run `at`), with the seed pinned to S where
 *   the command leaves it random, exits with N; `replays=ID`: its first command is the `Replay:`
 *   command run ID printed.
 * - `github-workflow id=ID project=P …`: as `run`, for the workflow's `run:` steps (with their
 *   `env:` and GITHUB_ACTIONS=true); they annotate, and the artifact's `path` finds the reports.
 * - `output-of=ID`: the block's lines appear, in order, in what every command of run ID printed
 *   (a first `$ command` line must be one of those commands).
 * - `options-table`, `context-table`, `primitives-table` (on tables): checked against the code;
 *   a helper or primitive the code adds must be in its table or documented elsewhere in the README.
 *
 * All the projects run in parallel, one Vitest run per command (whole projects batched into one).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import * as api from '../../src/index.js'
import { commandLines } from './command-line.js'
import { expectedLines, findInOrder } from './output-match.js'
import { headingAnchor, parseReadme, type CodeBlock } from './readme-blocks.js'
import { globFiles, planRuns, runAll, typeCheckTask, workflowSteps, type CommandResult } from './readme-runs.js'
import { checkContextTable, checkOptionsTable, checkPrimitivesTable, interfaceMembers } from './readme-tables.js'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const read = (path: string) => readFileSync(join(REPO, path), 'utf8')
const README = read('README.md')
const readme = parseReadme(README)
const plan = planRuns(readme.blocks)
const pkg = JSON.parse(read('package.json')) as { name: string; scripts: Record<string, string>; engines: { node: string }; peerDependencies: Record<string, string> }

const KINDS = ['shell', 'install', 'go-original', 'file', 'run', 'github-workflow', 'output-of']
const TABLE_KINDS = ['options-table', 'context-table', 'primitives-table']
const where = (block: CodeBlock) => `README.md:${block.line}`
const ofKind = (kind: string) => readme.blocks.filter((b) => b.marker?.kind === kind)
const tableOf = (kind: string) => {
  const table = readme.tables.find((t) => t.marker.kind === kind)
  if (table === undefined) throw new Error(`no table after <!-- readme-test: ${kind} -->`)
  return table
}

describe('README.md: every code block is checked', () => {
  it('every fenced block has a readme-test marker of a known kind, and every marker a block or table', () => {
    const unmarked = readme.blocks.filter((b) => b.marker === undefined).map((b) => `${where(b)} (\`\`\`${b.lang})`)
    expect(unmarked, 'blocks without a <!-- readme-test: … --> marker just before them').toEqual([])
    const unknown = readme.blocks.filter((b) => b.marker !== undefined && !KINDS.includes(b.marker.kind)).map((b) => `${where(b)}: ${b.marker!.kind}`)
    expect(unknown, `marker kinds other than ${KINDS.join(', ')}`).toEqual([])
    const misplaced = readme.tables.filter((t) => !TABLE_KINDS.includes(t.marker.kind)).map((t) => `README.md:${t.marker.line}: ${t.marker.kind}`)
    expect(misplaced, `table markers other than ${TABLE_KINDS.join(', ')}`).toEqual([])
    expect(readme.strayMarkers.map((m) => `README.md:${m.line}: ${m.kind}`), 'markers with no block or table after them').toEqual([])
  })

  it('every file block names its path in its first line', () => {
    for (const block of ofKind('file')) expect(block.text.split('\n')[0], where(block)).toBe(`// ${block.marker!.value}`)
  })

  it('every output block shows a run the README has', () => {
    for (const { run, block } of plan.outputs) expect(plan.runs.has(run), `${where(block)}: output-of=${run}`).toBe(true)
  })

  it('links to sections point at headings', () => {
    const anchors = new Set(readme.headings.map(headingAnchor))
    const links = [...README.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]!)
    expect(links.filter((l) => !anchors.has(l))).toEqual([])
  })
})

describe('README.md: commands and checks without a run', () => {
  it('shell: the first block is the two commands .ci/run and package.json run', () => {
    const [first] = readme.blocks
    expect(first?.marker?.kind).toBe('shell')
    const lines = commandLines(first!.text)
    expect(lines).toEqual(['npm ci && npm run demo', 'npm ci && npm test'])
    const ci = read('.ci/run')
    expect(ci).toMatch(/^npm ci\b/m)
    expect(ci).toMatch(/^npm test$/m)
    expect(pkg.scripts.test).toBeDefined()
    expect(pkg.scripts.demo).toBe('bash scripts/demo.sh')
    // `npm run demo` is exercised end to end by the e2e test, through the same script.
    expect(read('test/e2e/example-project.test.ts')).toContain("'scripts/demo.sh'")
  })

  it('install: this package and its peer dependencies, with the Node and Vitest versions the README states', () => {
    const [block] = ofKind('install')
    const words = commandLines(block!.text).flatMap((l) => l.split(/\s+/))
    expect(words.slice(0, 2)).toEqual(['npm', 'install'])
    const packages = words.slice(2).filter((w) => !w.startsWith('-'))
    expect(packages).toContain(pkg.name)
    for (const p of packages) expect(p === pkg.name || p in pkg.peerDependencies, `${p} is neither ${pkg.name} nor a peer dependency`).toBe(true)
    expect(README).toContain(`Node ${pkg.engines.node.replace('>=', '')} or later`)
    const majors = [...pkg.peerDependencies.vitest!.matchAll(/\^(\d+)/g)].map((m) => m[1])
    expect(README).toContain(`Vitest ${majors.join(' or ')}`)
  })

  it('go-original: the Go test and its port use the same numbers and names', () => {
    for (const block of ofKind('go-original')) {
      const { attrs } = block.marker!
      const port = plan.projects.get(attrs.project!)?.get(attrs['ported-to']!)
      expect(port, `${where(block)}: no ${attrs['ported-to']} in project ${attrs.project}`).toBeDefined()
      const literals = (code: string) => {
        const strings = [...code.matchAll(/(["'])([\w-]+)\1/g)].map((m) => m[2]!)
        const withoutStrings = code.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, '""').replace(/\/\/.*$/gm, '')
        const numbers = [...withoutStrings.matchAll(/\b\d[\d_]*\b/g)].map((m) => Number(m[0].replace(/_/g, ''))).filter((n) => n > 1)
        return { strings: [...new Set(strings)].sort(), numbers: [...new Set(numbers)].sort((a, b) => a - b) }
      }
      const go = literals(block.text)
      const ts = literals(port!)
      expect(go.numbers).toEqual(ts.numbers)
      expect(go.strings.filter((s) => !ts.strings.includes(s))).toEqual([])
      expect(block.text).toContain('sync.WaitGroup')
    }
  })

  it('options-table: every option, cell by cell, as the descriptor table (src/option-table.ts) has it', () => {
    expect(checkOptionsTable(tableOf('options-table'))).toEqual([])
  })

  it('context-table: the helpers ConcurrentContext adds, none that it lacks', () => {
    const members = interfaceMembers(join(REPO, 'src/runtime/test-context.ts'), 'ConcurrentContext')
    expect(members.length).toBeGreaterThan(0)
    expect(checkContextTable(tableOf('context-table'), members, README)).toEqual([])
  })

  it('primitives-table: the primitives src/index.ts exports, with the operations listed', () => {
    expect(checkPrimitivesTable(tableOf('primitives-table'), api, read('src/index.ts'), README)).toEqual([])
  })
})

describe('README.md: the code, run', () => {
  let runs: Map<string, CommandResult[]>
  let typeCheck: { code: number | null; output: string }

  beforeAll(async () => {
    const states = [...plan.runs.values()].map((r) => r.files)
    const done = await runAll(plan, [typeCheckTask(states)])
    runs = done.runs
    typeCheck = done.extra[0]!
  }, 900_000) // about 40 Vitest runs, 2 at a time: minutes on a loaded 2-core machine

  const show = (r: CommandResult) => `${r.planned.command.text} (in ${r.dir}):\n${r.output}`

  it('the TypeScript blocks type-check', () => {
    expect(typeCheck.output.trim(), 'tsc').toBe('')
    expect(typeCheck.code).toBe(0)
  })

  it.each([...plan.runs.values()].filter((r) => r.block !== undefined).map((r) => [r.id, r] as const))('run %s: every command exits as the README says', (id, run) => {
    const results = runs.get(id)!
    expect(results).toHaveLength(run.commands.length)
    for (const r of results) {
      if (r.planned.exit !== undefined) expect(r.code, show(r)).toBe(r.planned.exit)
      if (r.planned.exit === 66 || (r.planned.exit !== undefined && r.planned.command.args.some((a) => a.startsWith('--race-exitcode')))) {
        expect(r.output, show(r)).toContain('WARNING: DATA RACE')
      }
    }
    const replays = run.marker.attrs.replays
    if (replays !== undefined) {
      const printed = (runs.get(replays) ?? []).map((r) => /^Replay: (.*)$/m.exec(r.output)?.[1])
      expect(printed.length).toBeGreaterThan(0)
      for (const p of printed) expect(run.commands[0]!.command.text, `the Replay: line run ${replays} printed`).toBe(p)
    }
  })

  it.each(plan.outputs.map((o) => [o.run, o.block.line, o] as const))('output-of=%s (README.md:%i) is what the run printed', (id, _line, { block }) => {
    const results = runs.get(id) ?? []
    expect(results.length, `run ${id}`).toBeGreaterThan(0)
    const first = block.text.split('\n')[0]!
    if (first.startsWith('$ ')) expect(results.map((r) => r.planned.command.text)).toContain(first.slice(2))
    for (const r of results) expect(findInOrder(expectedLines(block.text), r.output), show(r)).toBeUndefined()
  })

  it.each(plan.expectedFiles.map((f) => [f.project, f.path, f.expect, f] as const))('project %s: every test in %s ends: %s', (project, path, expected, file) => {
    const run = plan.runs.get(project)!
    const json = JSON.parse(readFileSync(run.jsonReport!, 'utf8')) as {
      testResults: { name: string; assertionResults: { title: string; status: string; failureMessages: string[] }[] }[]
    }
    const module = json.testResults.find((t) => t.name.endsWith(`/${path}`))
    expect(module, `${where(file.block)}: ${path} did not run:\n${runs.get(project)![0]!.output}`).toBeDefined()
    expect(module!.assertionResults.length).toBeGreaterThan(0)
    for (const t of module!.assertionResults) {
      const message = t.failureMessages.join('\n')
      if (expected === 'pass') {
        expect(t.status, `${t.title}: ${message}`).toBe('passed')
      } else {
        expect(t.status, t.title).toBe('failed')
        expect(message, t.title).toMatch(new RegExp(`^${expected}: `))
      }
    }
  })

  it.each(ofKind('github-workflow').map((b) => [b.marker!.attrs.id!, b] as const))('github-workflow %s: annotations, and the artifact finds the reports', (id, block) => {
    const results = runs.get(id)!
    const { artifactPaths } = workflowSteps(block.text)
    expect(artifactPaths.length).toBeGreaterThan(0)
    for (const r of results) {
      expect(r.output, show(r)).toMatch(/^::error file=.*::DataRaceError: WARNING: DATA RACE/m)
      expect(r.output, show(r)).toMatch(/^::warning file=.*::Previous write at/m)
      for (const path of artifactPaths) expect(globFiles(r.dir, path), `${path} in ${r.dir}`).not.toEqual([])
    }
  })
})

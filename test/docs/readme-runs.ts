/**
 * The README's code, run. Walking the blocks in order, `file=` blocks build each project's
 * files (a later block for the same path replaces the earlier one, as a reader editing the
 * file would), and every `run` and `github-workflow` block runs its commands in a copy of the
 * project as it is at that point (or as it was at an earlier run, `at=ID`). A project with
 * `expect=` files is also run once as a whole (run id = the project's name), with a JSON
 * report that says how each of its tests ended. Runs go in parallel, one per core.
 */
import { spawn } from 'node:child_process'
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { VITEST } from '../integration/run-vitest.js'
import { commandLines, parseCommandLine, pinSeed, type CommandLine } from './command-line.js'
import type { CodeBlock, Marker } from './readme-blocks.js'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const BIN = join(REPO, 'dist/bin.js')
const TSC = join(REPO, 'node_modules/typescript/bin/tsc')
/** Files every project starts from (a Vitest config with the plugin), under the README's own. */
export const TEMPLATE = join(REPO, 'test/fixtures/readme/template')
/** Where the projects are written: inside the repository, so that they import `vitest-race` as users do (git-ignored). */
export const WORK = join(REPO, 'test/fixtures/readme/.run')

/** A `file=` block with `expect=`: how every test in it must end when its project runs. */
export interface ExpectedFile {
  readonly project: string
  readonly path: string
  /** `pass`, or the name of the error every test in the file must fail with. */
  readonly expect: string
  readonly block: CodeBlock
}

/** One command of a run, and what the README says about it. */
export interface PlannedCommand {
  readonly command: CommandLine
  readonly env: Readonly<Record<string, string>>
  /** Extra arguments the test adds (the JSON reporter of a whole-project run). */
  readonly extraArgs: readonly string[]
  readonly exit: number | undefined
}

export interface PlannedRun {
  readonly id: string
  readonly project: string
  readonly files: ReadonlyMap<string, string>
  readonly commands: readonly PlannedCommand[]
  readonly marker: Marker
  readonly block: CodeBlock | undefined
  /** For whole-project runs: where the JSON report goes. */
  readonly jsonReport: string | undefined
}

export interface Plan {
  readonly runs: ReadonlyMap<string, PlannedRun>
  readonly expectedFiles: readonly ExpectedFile[]
  /** `output-of` blocks, by the run they show. */
  readonly outputs: readonly { readonly run: string; readonly block: CodeBlock }[]
  /** The README's files by project, as they stand at the end. */
  readonly projects: ReadonlyMap<string, ReadonlyMap<string, string>>
}

function required(marker: Marker, attr: string): string {
  const v = marker.attrs[attr]
  if (v === undefined || v === '') throw new Error(`README.md:${marker.line}: readme-test ${marker.kind} needs ${attr}=…`)
  return v
}

function exits(marker: Marker, count: number): (number | undefined)[] {
  const list = (marker.attrs.exit ?? '').split(',').filter((s) => s !== '').map(Number)
  if (list.length > 1 && list.length !== count) throw new Error(`README.md:${marker.line}: exit= lists ${list.length} codes for ${count} commands`)
  return Array.from({ length: count }, (_, i) => (list.length > 1 ? list[i] : list[0]))
}

function planned(command: CommandLine, marker: Marker, exit: number | undefined, env: Record<string, string> = {}): PlannedCommand {
  const all = { ...env, ...command.env }
  const seed = marker.attrs.seed
  if (seed !== undefined) all.VITEST_RACE = pinSeed(all.VITEST_RACE, seed)
  return { command, env: all, extraArgs: [], exit }
}

/** The `run:` steps of a workflow with their `env:`, and the artifact `path:` (enough YAML for the README's workflow). */
export function workflowSteps(yaml: string): { runs: { command: string; env: Record<string, string> }[]; artifactPaths: string[] } {
  const runs: { command: string; env: Record<string, string> }[] = []
  const artifactPaths: string[] = []
  let inEnv: { indent: number; env: Record<string, string> } | undefined
  for (const line of yaml.split('\n')) {
    const indent = line.length - line.trimStart().length
    const run = /^\s*-\s+run:\s*(.+)$/.exec(line)
    if (inEnv !== undefined && indent <= inEnv.indent) inEnv = undefined
    if (run !== null) {
      runs.push({ command: run[1]!.trim(), env: {} })
      continue
    }
    if (/^\s*env:\s*$/.test(line) && runs.length > 0) {
      inEnv = { indent, env: runs[runs.length - 1]!.env }
      continue
    }
    const pair = /^\s*([\w-]+):\s*(.*)$/.exec(line)
    if (inEnv !== undefined && pair !== null) inEnv.env[pair[1]!] = pair[2]!.replace(/^(["'])(.*)\1$/, '$2')
    else if (pair !== null && pair[1] === 'path') artifactPaths.push(pair[2]!.trim())
  }
  return { runs, artifactPaths }
}

/** Walk the README's blocks in order and plan every run. */
export function planRuns(blocks: readonly CodeBlock[]): Plan {
  const projects = new Map<string, Map<string, string>>()
  const runs = new Map<string, PlannedRun>()
  const expectedFiles: ExpectedFile[] = []
  const outputs: { run: string; block: CodeBlock }[] = []
  const project = (name: string) => projects.get(name) ?? projects.set(name, new Map()).get(name)!
  const addRun = (run: PlannedRun) => {
    if (runs.has(run.id)) throw new Error(`README.md:${run.marker.line}: a second run with id ${run.id}`)
    runs.set(run.id, run)
  }
  const snapshot = (marker: Marker, name: string) => {
    const at = marker.attrs.at
    if (at === undefined) return new Map(project(name))
    const earlier = runs.get(at)
    if (earlier === undefined || earlier.project !== name) throw new Error(`README.md:${marker.line}: at=${at} names no earlier run of project ${name}`)
    return new Map(earlier.files)
  }
  for (const block of blocks) {
    const m = block.marker
    if (m === undefined) continue
    if (m.kind === 'file') {
      const name = required(m, 'project')
      project(name).set(m.value, block.text)
      if (m.attrs.expect !== undefined) expectedFiles.push({ project: name, path: m.value, expect: m.attrs.expect, block })
    } else if (m.kind === 'run') {
      const name = required(m, 'project')
      const lines = commandLines(block.text).map(parseCommandLine)
      const codes = exits(m, lines.length)
      addRun({ id: required(m, 'id'), project: name, files: snapshot(m, name), commands: lines.map((c, i) => planned(c, m, codes[i])), marker: m, block, jsonReport: undefined })
    } else if (m.kind === 'github-workflow') {
      const name = required(m, 'project')
      const steps = workflowSteps(block.text).runs.filter((s) => s.command !== 'npm ci')
      const lines = steps.map((s) => parseCommandLine(s.command))
      const codes = exits(m, lines.length)
      const commands = lines.map((c, i) => planned(c, m, codes[i], { ...steps[i]!.env, GITHUB_ACTIONS: 'true' }))
      addRun({ id: required(m, 'id'), project: name, files: snapshot(m, name), commands, marker: m, block, jsonReport: undefined })
    } else if (m.kind === 'output-of') {
      outputs.push({ run: m.value, block })
    }
  }
  for (const name of new Set(expectedFiles.map((f) => f.project))) {
    const marker: Marker = { kind: 'project', value: name, attrs: {}, line: 0 }
    const jsonReport = join(WORK, `${name}.json`)
    const command = parseCommandLine('npx vitest-race run')
    addRun({
      id: name,
      project: name,
      files: new Map(project(name)),
      commands: [{ command, env: {}, extraArgs: ['--reporter=default', '--reporter=json', `--outputFile=${jsonReport}`], exit: undefined }],
      marker,
      block: undefined,
      jsonReport,
    })
  }
  return { runs, expectedFiles, outputs, projects }
}

/** What one command printed (stdout and stderr interleaved, as a terminal shows them) and its exit status. */
export interface CommandResult {
  readonly planned: PlannedCommand
  readonly code: number | null
  readonly output: string
  /** The project folder it ran in. */
  readonly dir: string
}

/** Write a project's files over the template into `dir`. */
export function writeProject(dir: string, files: ReadonlyMap<string, string>): void {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  cpSync(TEMPLATE, dir, { recursive: true })
  for (const [path, text] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), text)
  }
}

/** The environment of a run: the test's own Vitest and CI variables removed, no colour, CI on (no watch mode). */
function cleanEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env }
  for (const key of Object.keys(env)) {
    if (key.startsWith('VITEST') || key.startsWith('GITHUB_') || key === 'NODE_OPTIONS' || key === 'TEST' || key === 'FORCE_COLOR') delete env[key]
  }
  return { ...env, NO_COLOR: '1', CI: 'true', ...extra }
}

/** Run `node argv` in `cwd`, both output streams into one file so that their lines keep the order they were written in. */
export function runNode(argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv, outFile: string): Promise<{ code: number | null; output: string }> {
  const fd = openSync(outFile, 'w')
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd, env, stdio: ['ignore', fd, fd] })
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      closeSync(fd)
      // eslint-disable-next-line no-control-regex
      resolve({ code, output: readFileSync(outFile, 'utf8').replace(/\u001b\[[0-9;]*m/g, '') })
    })
  })
}

function runCommand(run: PlannedRun, index: number): Promise<CommandResult> {
  const planned = run.commands[index]!
  const dir = join(WORK, `${run.id}-${index}`)
  writeProject(dir, run.files)
  const program = planned.command.program === 'vitest-race' ? BIN : VITEST
  const argv = [program, ...planned.command.args, ...planned.extraArgs]
  return runNode(argv, dir, cleanEnv(planned.env), join(WORK, `${run.id}-${index}.out`)).then((r) => ({ planned, ...r, dir }))
}

/** Run `tasks` at most `limit` at a time. */
export async function inParallel<T>(tasks: readonly (() => Promise<T>)[], limit = Math.max(1, availableParallelism())): Promise<T[]> {
  const results: T[] = new Array(tasks.length)
  let next = 0
  const lane = async () => {
    for (let i = next++; i < tasks.length; i = next++) results[i] = await tasks[i]!()
  }
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, lane))
  return results
}

/** Type-check every distinct project state the README shows, in one `tsc` run. */
export function typeCheckTask(states: readonly ReadonlyMap<string, string>[]): () => Promise<{ code: number | null; output: string }> {
  return () => {
    const dir = join(WORK, 'typecheck')
    rmSync(dir, { recursive: true, force: true })
    const distinct = [...new Map(states.map((s) => [JSON.stringify([...s].sort()), s])).values()]
    distinct.forEach((files, i) => writeProject(join(dir, `state-${i}`), files))
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2023'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
      },
      include: ['state-*/**/*.ts'],
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2))
    return runNode([TSC, '-p', 'tsconfig.json'], dir, cleanEnv({}), join(WORK, 'typecheck.out'))
  }
}

/** Run every planned command (and `extra` tasks alongside); results by run id, in command order. */
export async function runAll<E>(plan: Plan, extra: readonly (() => Promise<E>)[] = []): Promise<{ runs: Map<string, CommandResult[]>; extra: E[] }> {
  mkdirSync(WORK, { recursive: true })
  const runs = new Map<string, CommandResult[]>()
  const extras: E[] = []
  // The slowest tasks first (the type check, then whole projects), so that none is left running alone at the end.
  const tasks: (() => Promise<void>)[] = extra.map((task) => async () => void extras.push(await task()))
  const slowFirst = [...plan.runs.values()].sort((a, b) => Number(b.jsonReport !== undefined) - Number(a.jsonReport !== undefined))
  for (const run of slowFirst) {
    if (run.jsonReport !== undefined) rmSync(run.jsonReport, { force: true }) // never read a report an earlier test run left
    const results: CommandResult[] = []
    runs.set(run.id, results)
    run.commands.forEach((_, i) => tasks.push(async () => void (results[i] = await runCommand(run, i))))
  }
  await inParallel(tasks)
  return { runs, extra: extras }
}

/** Files directly in `dir` whose names match a simple glob (`race-report.*`). */
export function globFiles(dir: string, glob: string): string[] {
  const re = new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
  return existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f)) : []
}

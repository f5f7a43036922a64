/**
 * Folders as layers (DESIGN §7): reads every import in src/ and fails on one that runs the
 * wrong way. Type-only imports count for the direction of arrows (they are still a design
 * dependency); only value imports count for what a module loads.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const REPO = fileURLToPath(new URL('..', import.meta.url))
const SRC = join(REPO, 'src')

/** One import: the importing file and what it names, both relative to the repository. */
interface Import {
  readonly from: string
  /** `src/runtime/context.ts` for a relative import, else the package specifier (`vitest`, `node:fs`). */
  readonly to: string
  readonly typeOnly: boolean
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []))
}

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8')
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true)
  const from = relative(REPO, file)
  const out: Import[] = []
  const add = (specifier: string, typeOnly: boolean) => {
    const to = specifier.startsWith('.') ? relative(REPO, resolve(dirname(file), specifier)).replace(/\.js$/, '.ts') : specifier
    out.push({ from, to, typeOnly })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause
      const allTypes = clause?.isTypeOnly === true || (clause !== undefined && clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly))
      add(node.moduleSpecifier.text, allTypes)
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      const allTypes = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly))
      add(node.moduleSpecifier.text, allTypes)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true)
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return out
}

const FILES = sourceFiles(SRC).map((f) => relative(REPO, f))
const IMPORTS = sourceFiles(SRC).flatMap(importsOf)

/** `src/runtime/x.ts` → `runtime`; a file directly in src/ → its name (`plugin.ts`). */
function layerOf(path: string): string {
  const parts = path.split('/')
  return parts[0] === 'src' && parts.length > 2 ? parts[1]! : parts.at(-1)!
}

const show = (i: Import) => `${i.from} → ${i.to}${i.typeOnly ? ' (type)' : ''}`
const internal = (i: Import) => i.to.startsWith('src/')

/** Vitest's main process: the plugin, its reporter, the command, and what only they use. */
const MAIN_PROCESS = ['src/plugin.ts', 'src/reporter.ts', 'src/bin.ts', 'src/bad-option.ts', 'src/vitest-seed.ts', 'src/terminal-paint.ts', 'src/instrument/plugin.ts', 'src/instrument/instrument-options.ts']
/** What test files and worker modules import: nothing in src/ imports them back. */
const ENTRY_POINTS = ['src/index.ts', 'src/threads.ts', 'src/plugin.ts', 'src/bin.ts', 'src/concurrent-test-api.ts']
/** Vitest, and what comes with it; none of it may load in a thread. */
const VITEST = /^(vitest|vite|@vitest\/[^/]+|vite-node)(\/|$)/

describe('the import graph', () => {
  it('sees every module and its imports', () => {
    expect(FILES.length).toBeGreaterThan(50)
    for (const i of IMPORTS.filter(internal)) expect(FILES, `${show(i)}: no such file`).toContain(i.to)
  })

  it('detector/ and report/ know neither side: they import only detector/ and report/, and never Vitest; detector/ nothing from Node', () => {
    const wrong = IMPORTS.filter((i) => ['detector', 'report'].includes(layerOf(i.from)))
      .filter((i) => (internal(i) ? !['detector', 'report'].includes(layerOf(i.to)) : VITEST.test(i.to) || (layerOf(i.from) === 'detector' && i.to.startsWith('node:'))))
      .map(show)
    expect(wrong).toEqual([])
  })

  it("runtime/, sync/ and threads/ (test workers) import nothing of Vitest's main process: plugin, reporter, bin", () => {
    const wrong = IMPORTS.filter((i) => ['runtime', 'sync', 'threads'].includes(layerOf(i.from)) && MAIN_PROCESS.includes(i.to)).map(show)
    expect(wrong).toEqual([])
  })

  it('runtime/, sync/ and threads/ have no import cycle between them: runtime/ is below sync/ and threads/', () => {
    const workerSide = ['runtime', 'sync', 'threads']
    const across = IMPORTS.filter((i) => internal(i) && workerSide.includes(layerOf(i.from)) && workerSide.includes(layerOf(i.to)) && layerOf(i.from) !== layerOf(i.to))
    // A cycle between folders shows as arrows both ways between two of them, or around all three.
    const arrows = new Set(across.map((i) => `${layerOf(i.from)}→${layerOf(i.to)}`))
    const cycles = [
      ...[['runtime', 'sync'], ['runtime', 'threads'], ['sync', 'threads']].filter(([a, b]) => arrows.has(`${a}→${b}`) && arrows.has(`${b}→${a}`)).map(([a, b]) => `${a} ⇄ ${b}`),
      ...(['runtime→sync', 'sync→threads', 'threads→runtime'].every((a) => arrows.has(a)) || ['runtime→threads', 'threads→sync', 'sync→runtime'].every((a) => arrows.has(a)) ? ['runtime, sync, threads'] : []),
    ]
    expect(cycles, across.map(show).join('\n')).toEqual([])
    expect(across.filter((i) => layerOf(i.from) === 'runtime').map(show), 'runtime/ is the lowest of the three').toEqual([])
  })

  it('index.ts and threads.ts only re-export', () => {
    for (const file of ['src/index.ts', 'src/threads.ts']) {
      const sf = ts.createSourceFile(file, readFileSync(join(REPO, file), 'utf8'), ts.ScriptTarget.Latest, true)
      const other = sf.statements.filter((s) => !(ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined)).map((s) => `${file}: ${s.getText(sf).split('\n')[0]}`)
      expect(other).toEqual([])
    }
  })

  it('no module imports an entry point (index.ts, threads.ts, plugin.ts, bin.ts, concurrent-test-api.ts) except an entry point that re-exports it', () => {
    const wrong = IMPORTS.filter((i) => ENTRY_POINTS.includes(i.to) && !['src/index.ts', 'src/threads.ts'].includes(i.from)).map(show)
    expect(wrong).toEqual([])
  })
})

/** Every module `file` loads (value imports, followed through src/), and the packages they name. */
function loads(file: string): { modules: Set<string>; packages: Map<string, string> } {
  const modules = new Set<string>()
  const packages = new Map<string, string>()
  const visit = (f: string) => {
    if (modules.has(f)) return
    modules.add(f)
    for (const i of IMPORTS.filter((x) => x.from === f && !x.typeOnly)) {
      if (internal(i)) visit(i.to)
      else if (!packages.has(i.to)) packages.set(i.to, f)
    }
  }
  visit(file)
  return { modules, packages }
}

describe('threads load without Vitest', () => {
  it.each(['src/threads/thread-run.ts', 'src/threads/thread-entry.ts', 'src/threads.ts'])('%s: no module it loads imports Vitest', (file) => {
    const { modules, packages } = loads(file)
    expect(modules.size).toBeGreaterThan(1)
    const vitest = [...packages].filter(([p]) => VITEST.test(p)).map(([p, by]) => `${p} (imported by ${by})`)
    expect(vitest).toEqual([])
  })

  it.each(['threads/thread-run.js', 'threads/thread-entry.js', 'threads.js'])('dist/%s loads in a Node where vitest cannot be resolved', (file) => {
    const built = join(REPO, 'dist', file)
    expect(existsSync(built), `${built} (test/global-setup.ts builds dist/)`).toBe(true)
    // A resolve hook that refuses Vitest and Vite, then the module itself.
    const hook = `export async function resolve(s, c, next) { if (${VITEST}.test(s)) throw new Error('layers test: ' + s + ' refused'); return next(s, c) }`
    const script = `import { register } from 'node:module'
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}))
await import(${JSON.stringify(built)})
console.log('loaded')`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 60_000 })
    expect(r.stderr + r.stdout).toContain('loaded')
    expect(r.status, r.stderr).toBe(0)
  })

  it('the hook does refuse vitest (the check above can fail)', () => {
    const hook = `export async function resolve(s, c, next) { if (${VITEST}.test(s)) throw new Error('layers test: ' + s + ' refused'); return next(s, c) }`
    const script = `import { register } from 'node:module'
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(hook)}))
await import('vitest')`
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, encoding: 'utf8', timeout: 60_000 })
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('layers test: vitest refused')
  })
})

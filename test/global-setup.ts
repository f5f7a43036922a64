/**
 * Builds dist/ before the suite when it is missing or older than its sources: fixture projects
 * load the package as users do. `npm ci` (prepare) has usually just built it, so the suite does
 * not build it again; a source edited since the last build (or a build config) rebuilds it.
 */
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('..', import.meta.url))

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
}

/** Whether dist/ was built after the last change to what it is built from. */
function distUpToDate(): boolean {
  const outputs = filesUnder(join(ROOT, 'dist')).filter((file) => file.endsWith('.js'))
  if (outputs.length === 0 || !existsSync(join(ROOT, 'dist/bin.js')) || !existsSync(join(ROOT, 'dist/index.js'))) return false
  const inputs = [...filesUnder(join(ROOT, 'src')), join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json'), join(ROOT, 'package.json')]
  const newestInput = Math.max(...inputs.map((file) => statSync(file).mtimeMs))
  const oldestOutput = Math.min(...outputs.map((file) => statSync(file).mtimeMs))
  // Every source must have a compiled file newer than it (a deleted source leaves a stale one, harmless).
  const sources = filesUnder(join(ROOT, 'src')).filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
  const compiled = sources.every((file) => existsSync(join(ROOT, 'dist', file.slice(join(ROOT, 'src').length).replace(/\.ts$/, '.js'))))
  return compiled && newestInput < oldestOutput
}

export default function setup(): void {
  if (distUpToDate()) return
  const require = createRequire(import.meta.url)
  const tsc = require.resolve('typescript/bin/tsc')
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
}

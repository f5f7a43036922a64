/**
 * The database clients recognised without any change to the test (DESIGN §4c), found as the
 * project sees them (from its root), in their ESM and CommonJS builds: PGlite and node-postgres.
 * Called by the setup file in every test worker; does nothing for a project that has neither.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { instrumentPGlite, type PGliteBase } from './sql-pglite.js'
import { instrumentPg, type PgClass } from './sql-pg.js'

type Require = ReturnType<typeof createRequire>
type Template = Parameters<typeof instrumentPGlite>[1]

function resolveFrom(require: Require, request: string): string | undefined {
  try {
    return require.resolve(request)
  } catch {
    return undefined
  }
}

/** `BasePGlite.prototype` of a build's `PGlite` class: the prototype that defines `transaction`. */
function basePrototype(PGlite: unknown): PGliteBase | undefined {
  if (typeof PGlite !== 'function') return undefined
  for (let p = PGlite.prototype as object | null; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    if (Object.hasOwn(p, 'transaction') && Object.hasOwn(p, 'query')) return p as PGliteBase
  }
  return undefined
}

/** The folder of package `name` (its `exports` may not list `package.json`). */
function packageDir(require: Require, name: string): string | undefined {
  const entry = resolveFrom(require, name)
  for (let dir = entry === undefined ? undefined : dirname(entry); dir !== undefined && dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === name) return dir
  }
  return undefined
}

async function findPGlite(require: Require): Promise<void> {
  const dir = packageDir(require, '@electric-sql/pglite')
  if (dir === undefined) return
  const esm = join(dir, 'dist', 'index.js')
  const esmTemplate = join(dir, 'dist', 'templating.js')
  if (existsSync(esm)) {
    const mod = (await import(pathToFileURL(esm).href)) as { PGlite?: unknown }
    const template = existsSync(esmTemplate) ? ((await import(pathToFileURL(esmTemplate).href)) as { query?: Template }).query : undefined
    const proto = basePrototype(mod.PGlite)
    if (proto !== undefined) instrumentPGlite(proto, template)
  }
  try {
    const cjs = require('@electric-sql/pglite') as { PGlite?: unknown }
    const template = (require('@electric-sql/pglite/template') as { query?: Template }).query
    const proto = basePrototype(cjs.PGlite)
    if (proto !== undefined) instrumentPGlite(proto, template)
  } catch {
    // A build without CommonJS: the ESM one is what the project loads.
  }
}

function findPg(require: Require): void {
  const dir = packageDir(require, 'pg')
  if (dir === undefined) return
  let pg: { Client?: PgClass; Pool?: PgClass }
  let Parameters: Parameters<typeof instrumentPg>[2]
  try {
    pg = require('pg') as typeof pg
    Parameters = createRequire(join(dir, 'package.json'))('./lib/connection-parameters') as typeof Parameters
  } catch {
    return
  }
  if (typeof pg.Client === 'function') instrumentPg(pg.Client, typeof pg.Pool === 'function' ? pg.Pool : undefined, Parameters)
}

/** Find and watch the clients the project at `root` can load. */
export async function instrumentSqlClients(root: string): Promise<void> {
  const require = createRequire(join(root, 'package.json'))
  await findPGlite(require)
  findPg(require)
}

/**
 * Loading the user's worker module inside a thread (DESIGN §8): JavaScript and, natively,
 * TypeScript where Node strips types (22.6+ with the feature on); elsewhere tsx's
 * `tsImport`. Loaded once per thread and kept for the following iterations.
 */
import { fileURLToPath } from 'node:url'
import { WORKER_MODULE_PROBLEM } from './protocol.js'
import type { ThreadContext } from './thread-context.js'

type WorkerFunction = (ctx: ThreadContext<Record<string, never>>) => unknown

const loaded = new Map<string, Promise<WorkerFunction>>()

const TYPESCRIPT = /\.[cm]?tsx?$/

function nativeTypeScript(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript)
}

/** The message when a `.ts` worker needs tsx (an optional peer dependency) and it is not installed. */
export function tsxMissing(file: string): string {
  return `${file} is TypeScript and this Node (${process.version}) does not strip types: install tsx (npm i -D tsx), which loads it, or use Node 22.6+ with type stripping, or a .js worker module`
}

type TsImport = (url: string, parent: string) => Promise<unknown>

/**
 * tsx's `tsImport` for a `.ts` worker `file`; tsx is an optional peer dependency, so when it
 * is not installed, the WorkerModuleError that says to install it. `load` is for tests.
 */
export async function typeScriptLoader(file: string, load: () => Promise<{ tsImport: TsImport }> = () => import('tsx/esm/api')): Promise<TsImport> {
  try {
    return (await load()).tsImport
  } catch (e) {
    const missing = (e as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND' && String((e as Error).message).includes("'tsx'")
    if (missing) throw new WorkerModuleError(tsxMissing(file))
    throw e
  }
}

async function importModule(url: string, file: string): Promise<Record<string, unknown>> {
  if (TYPESCRIPT.test(url) && !nativeTypeScript()) {
    const tsImport = await typeScriptLoader(file)
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>
  }
  return (await import(url)) as Record<string, unknown>
}

/** Why a thread could not start: the message names the module (and begins with WORKER_MODULE_PROBLEM). */
export class WorkerModuleError extends Error {
  constructor(message: string) {
    super(`${WORKER_MODULE_PROBLEM}${message}`)
    this.name = 'WorkerModuleError'
  }
}

async function load(url: string): Promise<WorkerFunction> {
  const file = url.startsWith('file:') ? fileURLToPath(url) : url
  let ns: Record<string, unknown>
  try {
    ns = await importModule(url, file)
  } catch (e) {
    if (e instanceof WorkerModuleError) throw e
    const why = e instanceof Error ? e.message : String(e)
    throw new WorkerModuleError(`${file} could not be loaded: ${why}`)
  }
  let fn = ns.default
  // A CommonJS module (no "type": "module" near a .ts file) arrives as { default: exports }.
  if (typeof fn !== 'function' && typeof (fn as { default?: unknown } | null)?.default === 'function') fn = (fn as { default: unknown }).default
  if (typeof fn !== 'function') {
    throw new WorkerModuleError(`${file} has no default export function (it runs once in each thread: export default function ({ shared, index, threads }) { … })`)
  }
  return fn as WorkerFunction
}

/** The worker module's default export. */
export function workerFunction(url: string): Promise<WorkerFunction> {
  let p = loaded.get(url)
  if (p === undefined) {
    p = load(url)
    loaded.set(url, p)
    p.catch(() => loaded.delete(url))
  }
  return p
}

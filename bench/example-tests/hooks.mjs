// Module hooks (node:module register) that let plain Node import the example project's
// TypeScript test files (and the exploration fixtures) as they are: .ts under those roots is transpiled with the
// repository's own TypeScript (types erased, nothing else changed), a relative `./x.js`
// import from a .ts file finds `./x.ts` (TypeScript's convention), and the test files'
// imports of 'vitest' and 'vitest-race' go to the bench's stand-ins (./vitest.mjs,
// ./vitest-race.mjs), which record what the files register instead of running it.
// Every other import resolves as usual from the example project (e.g. @electric-sql/pglite).
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

let roots // file URLs of the folders whose .ts files are transpiled (example-project/, the exploration fixtures)
let redirects // bare specifier -> URL of its stand-in
let ts // typescript, loaded on the first .ts file

export function initialize(data) {
  roots = data.roots
  redirects = data.redirects
}

const own = (url) => url !== undefined && roots.some((root) => url.startsWith(root)) && !url.includes('/node_modules/')

export async function resolve(specifier, context, nextResolve) {
  if (own(context.parentURL)) {
    if (Object.hasOwn(redirects, specifier)) return { url: redirects[specifier], shortCircuit: true }
    if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js') && context.parentURL.endsWith('.ts')) {
      const url = new URL(specifier, context.parentURL)
      if (!existsSync(url)) return { url: url.href.replace(/\.js$/, '.ts'), format: 'module', shortCircuit: true }
    }
  }
  return nextResolve(specifier, context)
}

export async function load(url, context, nextLoad) {
  if (!(own(url) && url.endsWith('.ts'))) return nextLoad(url, context)
  ts ??= (await import('typescript')).default
  const path = fileURLToPath(url)
  const { outputText } = ts.transpileModule(readFileSync(path, 'utf8'), {
    fileName: path,
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, inlineSourceMap: true, inlineSources: true },
  })
  return { format: 'module', source: outputText, shortCircuit: true }
}

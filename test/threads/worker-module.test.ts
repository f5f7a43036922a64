import { describe, expect, it } from 'vitest'
import { typeScriptLoader, WorkerModuleError } from '../../src/threads/worker-module.js'

const notFound = (name: string) => Object.assign(new Error(`Cannot find package '${name}' imported from /p/dist/threads/worker-module.js`), { code: 'ERR_MODULE_NOT_FOUND' })

describe('tsx, an optional peer dependency', () => {
  it('loads a .ts worker through tsImport when tsx is installed', async () => {
    const tsImport = async () => ({})
    expect(await typeScriptLoader('/p/w.worker.ts', async () => ({ tsImport }))).toBe(tsImport)
  })

  it('without tsx, a .ts worker fails with a message that says to install it', async () => {
    const loading = typeScriptLoader('/p/w.worker.ts', () => Promise.reject(notFound('tsx')))
    await expect(loading).rejects.toBeInstanceOf(WorkerModuleError)
    await expect(loading).rejects.toThrow(/\/p\/w\.worker\.ts is TypeScript and this Node \(v[\d.]+\) does not strip types: install tsx \(npm i -D tsx\)/)
  })

  it('another missing package inside tsx is its own error, not "install tsx"', async () => {
    await expect(typeScriptLoader('/p/w.worker.ts', () => Promise.reject(notFound('esbuild')))).rejects.toThrow("Cannot find package 'esbuild'")
  })
})

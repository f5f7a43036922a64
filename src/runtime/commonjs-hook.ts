/**
 * CommonJS dependencies listed in `instrument.deps` (test worker): Vite transforms only the
 * entry file of a CommonJS package; the `require()`s inside it go to Node's loader. This hook
 * on Node's module compilation instruments those files as they load, with the same transform
 * (DESIGN §8). The transform only inserts code on existing lines, so stack lines stay right.
 */
import Module from 'node:module'
import { relative } from 'node:path'
import { instrument, type InstrumentMode } from '../instrument/transform.js'

type Compile = (this: unknown, content: string, filename: string) => unknown
const proto = (Module as unknown as { prototype: { _compile: Compile } }).prototype
let installed: { readonly original: Compile } | undefined

/** Instrument the CommonJS files under `dirs` (absolute, ending in `/`) as Node compiles them. */
export function instrumentCommonJs(dirs: readonly string[], root: string, mode: InstrumentMode): void {
  if (dirs.length === 0 || installed !== undefined) return
  const original = proto._compile
  installed = { original }
  proto._compile = function (this: unknown, content: string, filename: string): unknown {
    if (typeof filename === 'string' && /\.c?js$/.test(filename) && dirs.some((d) => filename.startsWith(d))) {
      try {
        const out = instrument(content, { mode, file: relative(root, filename), commonjs: !filename.endsWith('.mjs') })
        if (out !== undefined) content = out.code
      } catch {
        // A file the parser cannot read runs as it is.
      }
    }
    return original.call(this, content, filename)
  }
}

/**
 * The README's reference tables against the code they describe: the options table against
 * src/options.ts (names, GORACE names, flags, ranges, defaults), the context helpers against
 * ConcurrentContext, the primitives against what src/index.ts exports. Each check returns the
 * problems it found, one line each.
 */
import { readFileSync } from 'node:fs'
import { applyOptions, applyRaceEnv, applyRaceFlags, DEFAULT_SETTINGS, type RaceOptions, type RaceSettings } from '../../src/options.js'
import { codeSpans, leadingName, type Table } from './readme-blocks.js'

function thrown(fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

/** The names an error message lists after `prefix` (`known options are a, b, c.`). */
function listed(message: string | undefined, prefix: string): string[] {
  const at = message?.indexOf(prefix) ?? -1
  if (message === undefined || at < 0) throw new Error(`expected a message listing names after "${prefix}", got: ${message}`)
  return message
    .slice(at + prefix.length)
    .replace(/\.$/, '')
    .split(',')
    .map((s) => s.trim())
}

/** What options.ts knows, read through its own error messages (the lists it shows users). */
export function knownNames(): { options: string[]; env: string[]; flags: string[] } {
  return {
    // `instrument` is an object, documented in its own section (Instrumentation), not in the table.
    options: listed(thrown(() => applyOptions(DEFAULT_SETTINGS, { bogus: 1 } as never, 'race() plugin options')), 'known options are ').filter((n) => n !== 'instrument'),
    env: listed(thrown(() => applyRaceEnv(DEFAULT_SETTINGS, 'bogus=1')), 'with names ').filter((n) => n !== 'race'),
    flags: listed(thrown(() => applyRaceFlags(DEFAULT_SETTINGS, ['--race-bogus'])), 'known flags are ').filter((n) => n !== '--race'),
  }
}

interface ValueSpec {
  /** A valid value, as a string (for VITEST_RACE and flags) */
  readonly sample: string
  readonly valid: readonly unknown[]
  readonly invalid: readonly unknown[]
}

/** The `values` column: `0..7`, `≥ 1`, `true, false`, `'random'`, `'pct'`, `a path`, `3:1:0`. */
function valueSpec(cell: string): ValueSpec | string {
  const range = /^(0x[0-9a-f]+|\d+)\.\.(0x[0-9a-f]+|\d+)$/i.exec(cell)
  if (range !== null) {
    const [lo, hi] = [Number(range[1]), Number(range[2])]
    return { sample: range[2]!, valid: [lo, hi], invalid: [lo - 1, hi + 1] }
  }
  const atLeast = /^≥ (\d+)( \(\w+\))?$/.exec(cell)
  if (atLeast !== null) {
    const lo = Number(atLeast[1])
    return { sample: String(lo + 6), valid: [lo, lo + 6], invalid: [lo - 1, 2.5] }
  }
  if (cell === 'true, false') return { sample: 'true', valid: [true, false], invalid: ['maybe'] }
  if (cell === 'a path') return { sample: '/tmp/readme-path', valid: ['/tmp/readme-path'], invalid: [''] }
  const spans = codeSpans(cell)
  if (spans.length === 1 && /^\d+(:\d+)*$/.test(spans[0]!)) return { sample: spans[0]!, valid: [spans[0]], invalid: ['x:1'] }
  const quoted = spans.map((s) => /^'([^']*)'$/.exec(s)?.[1])
  if (quoted.length > 0 && quoted.every((q) => q !== undefined)) return { sample: quoted.at(-1)!, valid: quoted, invalid: ['bogus'] }
  return `values "${cell}" are in no form the test knows (a..b, ≥ n, true, false, a path, \`3:1:0\`, \`'a'\`, \`'b'\`)`
}

/** The `default` column: a number, `false`, a quoted string, or words for "no value" (`none`, `random`, `Vitest's`). */
function defaultValue(cell: string): unknown {
  if (/^\d+$/.test(cell)) return Number(cell)
  if (cell === 'true' || cell === 'false') return cell === 'true'
  const quoted = /^`'([^']*)'`$/.exec(cell)
  if (quoted !== null) return quoted[1]
  return undefined
}

function setting(settings: RaceSettings, option: string): unknown {
  return (settings as unknown as Record<string, unknown>)[option]
}

/** The options table: one row per option, with its VITEST_RACE name, flag, values and default. */
export function checkOptionsTable(table: Table): string[] {
  const problems: string[] = []
  const col = (name: string) => table.header.findIndex((h) => h.replace(/`/g, '').toLowerCase() === name.toLowerCase())
  const [cOption, cEnv, cFlag, cValues, cDefault] = ['option', 'VITEST_RACE name', 'flag', 'values', 'default'].map(col)
  if ([cOption, cEnv, cFlag, cValues, cDefault].some((c) => c! < 0)) return [`the options table needs the columns option, VITEST_RACE name, flag, values, default; it has ${table.header.join(', ')}`]
  const known = knownNames()
  const rows = table.rows.map((r) => ({ option: codeSpans(r[cOption!]!)[0] ?? '', env: codeSpans(r[cEnv!]!)[0], flag: codeSpans(r[cFlag!]!)[0], values: r[cValues!]!, default: r[cDefault!]! }))
  const same = (what: string, documented: (string | undefined)[], actual: string[]) => {
    const doc = documented.filter((d): d is string => d !== undefined)
    const missing = actual.filter((a) => !doc.includes(a))
    const extra = doc.filter((d) => !actual.includes(d))
    if (missing.length > 0) problems.push(`${what} missing from the options table: ${missing.join(', ')}`)
    if (extra.length > 0) problems.push(`${what} in the options table that src/options.ts does not know: ${extra.join(', ')}`)
  }
  same('options', rows.map((r) => r.option), known.options)
  same('VITEST_RACE names', rows.map((r) => r.env), known.env)
  same('flags', rows.map((r) => r.flag), known.flags)
  for (const row of rows) {
    const option = row.option as keyof RaceOptions
    const spec = valueSpec(row.values)
    if (typeof spec === 'string') {
      problems.push(`${option}: ${spec}`)
      continue
    }
    for (const v of spec.valid) {
      const error = thrown(() => applyOptions(DEFAULT_SETTINGS, { [option]: v }, 'race() plugin options'))
      if (error !== undefined) problems.push(`${option}: the table allows ${JSON.stringify(v)}, options.ts says: ${error}`)
    }
    for (const v of spec.invalid) {
      if (thrown(() => applyOptions(DEFAULT_SETTINGS, { [option]: v }, 'race() plugin options')) === undefined) problems.push(`${option}: the table's "${row.values}" excludes ${JSON.stringify(v)}, options.ts accepts it`)
    }
    const expected = setting(applyOptions(DEFAULT_SETTINGS, { [option]: spec.sample }, 'race() plugin options'), option)
    if (row.env !== undefined) {
      const got = thrown(() => applyRaceEnv(DEFAULT_SETTINGS, `${row.env}=${spec.sample}`)) ?? setting(applyRaceEnv(DEFAULT_SETTINGS, `${row.env}=${spec.sample}`), option)
      if (got !== expected) problems.push(`${option}: VITEST_RACE="${row.env}=${spec.sample}" does not set it (got ${String(got)})`)
    }
    if (row.flag !== undefined) {
      const got = thrown(() => applyRaceFlags(DEFAULT_SETTINGS, [`${row.flag}=${spec.sample}`])) ?? setting(applyRaceFlags(DEFAULT_SETTINGS, [`${row.flag}=${spec.sample}`]), option)
      if (got !== expected) problems.push(`${option}: ${row.flag}=${spec.sample} does not set it (got ${String(got)})`)
    }
    const documented = defaultValue(row.default)
    if (documented !== setting(DEFAULT_SETTINGS, option)) {
      problems.push(`${option}: the table's default "${row.default}" is not DEFAULT_SETTINGS.${option} = ${JSON.stringify(setting(DEFAULT_SETTINGS, option))}`)
    }
  }
  return problems
}

/** The members of an exported interface, read from its source (`  readonly seed: number`, `  track<T>(…)`). */
export function interfaceMembers(file: string, name: string): string[] {
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf(`export interface ${name} `)
  if (start < 0) throw new Error(`no interface ${name} in ${file}`)
  const body = text.slice(text.indexOf('{', start) + 1, text.indexOf('\n}', start))
  return [...body.matchAll(/^ {2}(?:readonly )?([A-Za-z_$][\w$]*)\??[<(:]/gm)].map((m) => m[1]!)
}

/**
 * Every documented name exists in the code; every name in the code is in the table, or at
 * least documented elsewhere in the README as a code span (a section such as Threads may
 * document its own).
 */
function compareSets(what: string, documented: readonly string[], actual: readonly string[], readme: string): string[] {
  const elsewhere = new Set(codeSpans(readme).map(leadingName))
  const missing = actual.filter((a) => !documented.includes(a) && !elsewhere.has(a))
  const extra = documented.filter((d) => !actual.includes(d))
  return [
    ...(missing.length > 0 ? [`${what} documented nowhere in the README: ${missing.join(', ')}`] : []),
    ...(extra.length > 0 ? [`${what} in the README's table that the code does not have: ${extra.join(', ')}`] : []),
  ]
}

/** The context helpers table: the members ConcurrentContext adds to Vitest's context. */
export function checkContextTable(table: Table, members: readonly string[], readme: string): string[] {
  const documented = table.rows.flatMap((r) => codeSpans(r[0]!).map(leadingName))
  return compareSets('context helpers', documented, members, readme)
}

/** The primitives table: the classes src/index.ts re-exports from src/sync/, each with the operations it lists. */
export function checkPrimitivesTable(table: Table, exports: Readonly<Record<string, unknown>>, indexSource: string, readme: string): string[] {
  const fromSync = [...indexSource.matchAll(/^export \{ (\w+) \} from '\.\/sync\/[\w-]+\.js'/gm)].map((m) => m[1]!)
  const rows = table.rows.map((r) => ({ name: leadingName(codeSpans(r[0]!)[0] ?? ''), operations: codeSpans(r[1]!) }))
  const problems = compareSets('primitives', rows.map((r) => r.name), fromSync, readme)
  for (const { name, operations } of rows) {
    const cls = exports[name]
    if (typeof cls !== 'function') continue
    const proto = cls.prototype as Record<PropertyKey, unknown>
    for (const op of operations) {
      const method = op === 'for await' ? Symbol.asyncIterator : leadingName(op)
      if (typeof proto[method] !== 'function') problems.push(`${name} has no ${op}`)
    }
  }
  return problems
}

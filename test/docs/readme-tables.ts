/**
 * The README's reference tables against the code they describe: the options table against
 * the descriptor table (src/option-table.ts), cell by cell, the context helpers against
 * ConcurrentContext, the primitives against what src/index.ts exports. Each check returns the
 * problems it found, one line each.
 */
import { readFileSync } from 'node:fs'
import { applyOptions, applyRaceEnv, applyRaceFlags, DEFAULT_SETTINGS, OPTIONS, type OptionDescriptor } from '../../src/options.js'
import { valuesText } from '../../src/option-values.js'
import { codeSpans, leadingName, type Table } from './readme-blocks.js'

/** The options table's columns, in order. */
export const OPTION_COLUMNS = ['option', '`VITEST_RACE` name', 'flag', 'values', 'meaning', 'default'] as const

/** The default as the table shows it: a number, `false`, `'random'` in code, or the descriptor's words (`none`). */
function defaultCell(d: OptionDescriptor): string {
  if (d.defaultShown !== undefined) return d.defaultShown
  return typeof d.default === 'string' ? `\`'${d.default}'\`` : String(d.default)
}

/** The row the descriptor table gives for one option, cell by cell. */
export function optionRow(d: OptionDescriptor): readonly string[] {
  const code = (s: string | undefined) => (s === undefined ? '' : `\`${s}\``)
  const meaning = d.see === undefined ? d.help : `${d.help} (see [${d.see[0]}](#${d.see[1]}))`
  return [code(d.name), code(d.env), code(d.flag), valuesText(d.values), meaning, defaultCell(d)]
}

/** A row as a markdown line, to paste into the README. */
function markdownRow(cells: readonly string[]): string {
  return `| ${cells.join(' | ')} |`.replace(/ {2}\|/g, ' |')
}

function thrown(fn: () => unknown): string | undefined {
  try {
    fn()
    return undefined
  } catch (e) {
    return e instanceof Error ? e.message : String(e)
  }
}

/**
 * The options table against the descriptor table (src/option-table.ts): one row per option,
 * each cell as the descriptor gives it (rows in any order). Each problem names the option and
 * shows the row to paste. A row's names also work: its VITEST_RACE name and flag set it.
 */
export function checkOptionsTable(table: Table): string[] {
  const problems: string[] = []
  if (table.header.join('|') !== OPTION_COLUMNS.join('|')) return [`the options table's columns are ${table.header.join(', ')}; expected ${OPTION_COLUMNS.join(', ')}`]
  const documented = new Map(table.rows.map((r) => [codeSpans(r[0]!)[0] ?? r[0]!, r]))
  const descriptors = Object.values(OPTIONS) as OptionDescriptor[]
  for (const d of descriptors) {
    const row = documented.get(d.name)
    const expected = optionRow(d)
    if (row === undefined) {
      problems.push(`${d.name} is missing from the options table; add: ${markdownRow(expected)}`)
      continue
    }
    const differ = OPTION_COLUMNS.filter((_, i) => row[i] !== expected[i])
    if (differ.length > 0) problems.push(`${d.name}: the table's ${differ.join(', ')} differ from src/option-table.ts; the row is: ${markdownRow(expected)}`)
    const sample = d.values.kind === 'boolean' ? 'true' : d.values.kind === 'choice' ? d.values.choices.at(-1)! : d.values.kind === 'integer' ? String(d.values.min + 1) : undefined
    if (sample === undefined) continue
    const value = (applyOptions(DEFAULT_SETTINGS, { [d.name]: sample }, 'race() plugin options') as unknown as Record<string, unknown>)[d.name]
    if (d.env !== undefined) {
      const got = thrown(() => applyRaceEnv(DEFAULT_SETTINGS, `${d.env}=${sample}`)) ?? (applyRaceEnv(DEFAULT_SETTINGS, `${d.env}=${sample}`) as unknown as Record<string, unknown>)[d.name]
      if (got !== value) problems.push(`${d.name}: VITEST_RACE="${d.env}=${sample}" does not set it (got ${String(got)})`)
    }
    if (d.flag !== undefined) {
      const got = thrown(() => applyRaceFlags(DEFAULT_SETTINGS, [`${d.flag}=${sample}`])) ?? (applyRaceFlags(DEFAULT_SETTINGS, [`${d.flag}=${sample}`]) as unknown as Record<string, unknown>)[d.name]
      if (got !== value) problems.push(`${d.name}: ${d.flag}=${sample} does not set it (got ${String(got)})`)
    }
  }
  const extra = [...documented.keys()].filter((name) => !(name in OPTIONS))
  if (extra.length > 0) problems.push(`options in the options table that src/option-table.ts does not have: ${extra.join(', ')}`)
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

/**
 * The kinds of value an option takes. From one kind come the check (with the allowed range
 * its error names), the `values` column of the README's options table and the placeholder of
 * the `vitest-race` flag, so the three cannot disagree.
 */
import { checkInstrument, type FailField } from './instrument/instrument-check.js'

/**
 * What values an option takes.
 *
 * @example
 * { kind: 'integer', min: 0, max: 7 } // historySize
 * { kind: 'choice', choices: ['atomicity', 'strict'] } // semantics
 */
export type OptionValues =
  /** An integer in [min, max] (no max: unbounded); `unit` is shown beside the range. */
  | { readonly kind: 'integer'; readonly min: number; readonly max?: number; readonly unit?: string }
  | { readonly kind: 'boolean' }
  /** One of a few strings. */
  | { readonly kind: 'choice'; readonly choices: readonly string[] }
  /** A 32-bit seed, decimal or 0x-hex. */
  | { readonly kind: 'seed' }
  /** A fast-check path such as `3:1:0`. */
  | { readonly kind: 'schedule-path' }
  /** A non-empty string (a file path, a prefix); `placeholder` names it in the flag's help. */
  | { readonly kind: 'text'; readonly placeholder: string }
  /** Suppressions: npm package names, globs relative to the project root, `fn:<name>`. */
  | { readonly kind: 'suppressions' }
  /** The `instrument` object: delegates to instrument/instrument-check.ts. */
  | { readonly kind: 'instrument' }

/** The largest seed: seeds are 32-bit. */
export const SEED_MAX = 0xffffffff

/** Parse a seed: a non-negative 32-bit integer, decimal or 0x-hex. */
export function parseSeed(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 && value <= SEED_MAX ? value : undefined
  if (typeof value !== 'string' || !/^(0x[0-9a-f]+|\d+)$/i.test(value.trim())) return undefined
  const n = Number(value.trim())
  return Number.isSafeInteger(n) && n <= SEED_MAX ? n : undefined
}

const FUNCTION_SUPPRESSION = /^fn:(.*)$/s
const SUPPRESSION_KINDS = 'an npm package name, a glob relative to the project root, or fn:<function name>'

/** One suppression checked: non-empty, `fn:` followed by a name, a glob that is not absolute. */
function checkSuppression(option: string, entry: unknown, fail: FailField): string {
  if (typeof entry !== 'string' || entry.trim() === '') return fail(option, entry, `expected a non-empty string: ${SUPPRESSION_KINDS}`)
  const fn = FUNCTION_SUPPRESSION.exec(entry)
  if (fn !== null && !/^[^\s()]+$/.test(fn[1]!)) return fail(option, entry, 'expected fn: followed by a function name without spaces, such as fn:debit or fn:Ledger.debit')
  if (fn === null && (entry.startsWith('/') || /^[a-z]:[\\/]/i.test(entry))) return fail(option, entry, 'expected a glob relative to the project root, not an absolute path')
  return entry
}

/** The error's "expected …" phrase for a kind (the allowed range). */
export function allowedText(values: OptionValues): string {
  switch (values.kind) {
    case 'integer':
      return values.max === undefined ? `expected an integer ≥ ${values.min}` : `expected an integer from ${values.min} to ${values.max}`
    case 'boolean':
      return 'expected true or false (1 or 0)'
    case 'choice': {
      const quoted = values.choices.map((c) => `'${c}'`)
      return `expected ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`
    }
    case 'seed':
      return 'expected an integer from 0 to 0xffffffff, decimal or 0x-hex'
    case 'schedule-path':
      return 'expected a fast-check path such as "3:1:0"'
    case 'text':
      return 'expected a non-empty string'
    case 'suppressions':
      return `expected an array of strings, each ${SUPPRESSION_KINDS}`
    case 'instrument':
      return 'expected false or an object { deps?, include?, exclude? }'
  }
}

/**
 * `value` checked and converted to its resolved form (strings from VITEST_RACE and flags
 * included), or `fail` called with the option, the value and the allowed range.
 */
export function parseOptionValue(option: string, values: OptionValues, value: unknown, fail: FailField): unknown {
  const allowed = allowedText(values)
  switch (values.kind) {
    case 'integer': {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value
      const max = values.max ?? Number.MAX_SAFE_INTEGER
      if (typeof n !== 'number' || !Number.isInteger(n) || n < values.min || n > max) fail(option, value, allowed)
      return n
    }
    case 'boolean':
      if (value === true || value === 'true' || value === '1') return true
      if (value === false || value === 'false' || value === '0') return false
      return fail(option, value, allowed)
    case 'choice':
      if (typeof value !== 'string' || !values.choices.includes(value)) fail(option, value, allowed)
      return value
    case 'seed': {
      const seed = parseSeed(value)
      return seed === undefined ? fail(option, value, allowed) : seed
    }
    case 'schedule-path':
      if (typeof value !== 'string' || !/^\d+(:\d+)*$/.test(value)) fail(option, value, allowed)
      return value
    case 'text':
      if (typeof value !== 'string' || value === '') fail(option, value, allowed)
      return value
    case 'suppressions':
      if (!Array.isArray(value)) fail(option, value, allowed)
      return Object.freeze((value as unknown[]).map((entry, i) => checkSuppression(`${option}[${i}]`, entry, fail)))
    case 'instrument':
      return checkInstrument(value, fail) !== false
  }
}

/** The `values` column of the README's options table (markdown). */
export function valuesText(values: OptionValues): string {
  switch (values.kind) {
    case 'integer':
      return `${values.max === undefined ? `≥ ${values.min}` : `${values.min}..${values.max}`}${values.unit === undefined ? '' : ` (${values.unit})`}`
    case 'boolean':
      return 'true, false'
    case 'choice':
      return values.choices.map((c) => `\`'${c}'\``).join(', ')
    case 'seed':
      return '0..0xffffffff'
    case 'schedule-path':
      return '`3:1:0`'
    case 'text':
      return 'a path'
    case 'suppressions':
      return 'package names, globs, `fn:<name>`'
    case 'instrument':
      return '`false`, `{ deps, include, exclude }`'
  }
}

/** The argument a flag takes in `--help` (`<n>`), or '' for a boolean flag. */
export function flagPlaceholder(values: OptionValues): string {
  switch (values.kind) {
    case 'integer':
      return '<n>'
    case 'boolean':
      return ''
    case 'choice':
      return '<name>'
    case 'seed':
      return '<seed>'
    case 'schedule-path':
      return '<path>'
    case 'text':
      return values.placeholder
    default:
      return '<value>'
  }
}

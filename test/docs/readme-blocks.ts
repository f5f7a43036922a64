/**
 * README.md as data: its fenced code blocks and tables, each with the `<!-- readme-test: … -->`
 * marker that says how test/docs/readme.test.ts checks it. Pure: text in, blocks out.
 *
 * A marker is an HTML comment on the lines just before the block or table (blank lines may
 * come between): `<!-- readme-test: KIND[=VALUE] key=value key="a value" -->`.
 */

/** How a block is checked, as written in its marker. */
export interface Marker {
  /** `file`, `run`, `output-of`, `shell`, … */
  readonly kind: string
  /** `src/balance.ts` in `file=src/balance.ts`; '' for a kind without a value. */
  readonly value: string
  readonly attrs: Readonly<Record<string, string>>
  /** 1-based line of the marker in README.md. */
  readonly line: number
}

/** A fenced code block. */
export interface CodeBlock {
  /** The info string's first word: `ts`, `sh`, `go`, `yaml`, or ''. */
  readonly lang: string
  /** The block's text, without the fences, ending with a newline. */
  readonly text: string
  /** 1-based line of the opening fence. */
  readonly line: number
  readonly marker: Marker | undefined
}

/** A Markdown table that a marker checks. */
export interface Table {
  readonly marker: Marker
  readonly header: readonly string[]
  readonly rows: readonly (readonly string[])[]
}

export interface Readme {
  readonly blocks: readonly CodeBlock[]
  readonly tables: readonly Table[]
  /** Markers followed by neither a block nor a table. */
  readonly strayMarkers: readonly Marker[]
  /** Heading texts (without the #s), in order. */
  readonly headings: readonly string[]
}

const MARKER = /^<!--\s*readme-test:\s*(.*?)\s*-->\s*$/
const FENCE = /^(`{3,}|~{3,})\s*([^`\s]*)/

/** Parse `KIND[=VALUE] key=value key="quoted value"`. */
export function parseMarker(body: string, line: number): Marker {
  const parts: [string, string][] = []
  const re = /([\w-]+)(?:=("([^"]*)"|\S+))?/g
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    parts.push([m[1]!, m[3] ?? m[2] ?? ''])
  }
  if (parts.length === 0) throw new Error(`README.md:${line}: empty readme-test marker`)
  const [[kind, value], ...rest] = parts as [[string, string], ...[string, string][]]
  return { kind, value, attrs: Object.fromEntries(rest), line }
}

function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '')
  // A `|` inside a code span does not split cells in our tables; keep it simple and split on all.
  return inner.split('|').map((c) => c.trim())
}

export function parseReadme(text: string): Readme {
  const lines = text.split('\n')
  const blocks: CodeBlock[] = []
  const tables: Table[] = []
  const stray: Marker[] = []
  const headings: string[] = []
  let pending: Marker | undefined
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    const marker = MARKER.exec(line)
    if (marker !== null) {
      if (pending !== undefined) stray.push(pending)
      pending = parseMarker(marker[1]!, i + 1)
      continue
    }
    const fence = FENCE.exec(line)
    if (fence !== null) {
      const close = fence[1]!
      const start = i
      const body: string[] = []
      for (i++; i < lines.length && !lines[i]!.startsWith(close); i++) body.push(lines[i]!)
      blocks.push({ lang: fence[2] ?? '', text: `${body.join('\n')}\n`, line: start + 1, marker: pending })
      pending = undefined
      continue
    }
    if (line.startsWith('|') && pending !== undefined) {
      const header = splitRow(line)
      const rows: string[][] = []
      for (i += 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(splitRow(lines[i]!))
      i--
      tables.push({ marker: pending, header, rows })
      pending = undefined
      continue
    }
    const heading = /^#{1,6}\s+(.*)$/.exec(line)
    if (heading !== null) headings.push(heading[1]!.trim())
    if (line.trim() !== '' && pending !== undefined) {
      stray.push(pending)
      pending = undefined
    }
  }
  if (pending !== undefined) stray.push(pending)
  return { blocks, tables, strayMarkers: stray, headings }
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
export function headingAnchor(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

/** The code spans of a table cell: `` `track(value, name?)`, `seed` `` → ['track(value, name?)', 'seed']. */
export function codeSpans(cell: string): string[] {
  return [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
}

/** The identifier a code span starts with: `Channel<T>(capacity = 0)` → `Channel`. */
export function leadingName(span: string): string {
  return /^[A-Za-z_$][\w$]*/.exec(span)?.[0] ?? ''
}

/**
 * Source-map segments for the inserted call hooks. A routed call `f(a)` becomes
 * `H.f(void 0, f, site, a)`, and V8 places the calling frame at the hook's `f`. That text is
 * inserted, so the map has no segment for it: a call at the start of a line mapped to nothing
 * (the stack then showed the generated line) and one later in a line to the previous token (a
 * `return`'s column). Each inserted hook gets a segment at the position V8 gives the original
 * call (a method's name, else the callee), so stacks read as they do without instrumentation.
 */

import { LineTable } from './line-table.js'

/** A decoded source-map segment: generated column, source, original line (0-based), original column. */
export type Segment = [number] | [number, number, number, number] | [number, number, number, number, number]

/** Where one hook was inserted (`start`, an offset of the input) and where V8 places the original call (`at`). */
export interface HookCall {
  readonly start: number
  readonly at: number
}

/**
 * Adds a segment (source 0) for each occurrence of `marker` in `output` to `mappings`, in order,
 * pointing at its hook's `at` in the input (whose lines `input` holds). Hooks pair with occurrences by input position (ties in
 * insertion order, as they were appended). Changes nothing and returns false when the counts differ
 * (the marker also appears in the user's own text).
 */
export function mapHookCalls(input: LineTable, output: string, mappings: Segment[][], hooks: readonly HookCall[], marker: string): boolean {
  const found: number[] = []
  for (let i = output.indexOf(marker); i >= 0; i = output.indexOf(marker, i + marker.length)) found.push(i)
  if (found.length !== hooks.length) return false
  const ordered = hooks.map((h, i) => ({ h, i })).sort((a, b) => a.h.start - b.h.start || a.i - b.i)
  const outLines = new LineTable(output)
  ordered.forEach(({ h }, k) => {
    const gen = outLines.position(found[k]!)
    const genLine = gen.line - 1
    const genCol = gen.col - 1
    const at = input.position(h.at)
    const segment: Segment = [genCol, 0, at.line - 1, at.col - 1]
    while (mappings.length <= genLine) mappings.push([])
    const row = mappings[genLine]!
    let j = 0
    while (j < row.length && row[j]![0] < genCol) j++
    if (j < row.length && row[j]![0] === genCol) row[j] = segment
    else row.splice(j, 0, segment)
  })
  return true
}

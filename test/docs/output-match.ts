/**
 * Does a README output block show what a run printed? Its lines, in order, must be found among
 * the printed lines (other printed lines may come between). Durations and runs of spaces do
 * not count; `…` in a line stands for any text, and a line of only `…` for lines left out.
 */

/** Durations (`417ms`, `1.48s`) vary from run to run; so does Vitest's column alignment. */
export function normaliseLine(line: string): string {
  return line
    .replace(/\b\d+(?:\.\d+)?(?:ms|s)\b/g, '<duration>')
    .replace(/\s+/g, ' ')
    .trim()
}

function lineMatcher(expected: string): (actual: string) => boolean {
  const wanted = normaliseLine(expected)
  if (!wanted.includes('…')) return (actual) => normaliseLine(actual) === wanted
  const re = new RegExp(`^${wanted.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`)
  return (actual) => re.test(normaliseLine(actual))
}

/** The lines of an output block that are compared: not blank, not a lone `…`, not the `$ command` line. */
export function expectedLines(block: string): string[] {
  return block.split('\n').filter((l) => l.trim() !== '' && l.trim() !== '…' && !l.startsWith('$ '))
}

/** Undefined when every expected line is found in order; else what went wrong, for the failure message. */
export function findInOrder(expected: readonly string[], output: string): string | undefined {
  const actual = output.split('\n')
  let at = 0
  for (const [n, line] of expected.entries()) {
    const matches = lineMatcher(line)
    let found = -1
    for (let i = at; i < actual.length; i++) {
      if (matches(actual[i]!)) {
        found = i
        break
      }
    }
    if (found < 0) {
      const anywhere = actual.findIndex(matches)
      const where = anywhere < 0 ? 'not printed at all' : `printed only earlier, at output line ${anywhere + 1}`
      return `line ${n + 1} of the block, after output line ${at}: ${JSON.stringify(line)} is ${where}\n--- printed ---\n${output}`
    }
    at = found + 1
  }
  return undefined
}

/**
 * `// vitest-race-ignore-next-line: <reason>` (DESIGN §4b, suppressions): a known race on the
 * next line is counted, not reported. Found by text, in the original source (a TypeScript
 * transform may drop comments before the instrumentation sees the code).
 */

/** The comment, with its reason after an optional colon. */
const IGNORE_COMMENT = /\/\/\s*vitest-race-ignore-next-line\b:?[ \t]*([^\r\n]*)/

/** Lines (1-based) that a comment above them ignores, with the comment's reason (may be empty). */
export function ignoredLines(text: string): [number, string][] {
  if (!text.includes('vitest-race-ignore-next-line')) return []
  const out: [number, string][] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const m = IGNORE_COMMENT.exec(lines[i]!)
    if (m !== null) out.push([i + 2, m[1]!.trim()])
  }
  return out
}

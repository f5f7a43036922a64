/**
 * A statement travels to the report with its access's stack: its first line, before the
 * frames. Stack parsers skip it (it never starts with `at `); `statementOfStack` reads it back.
 */

const MARK = 'vitest-race SQL: '

/** `stack` with the statement on a line of its own before it. */
export function withStatement(statement: string, stack: string): string {
  return `${MARK}${statement.replace(/[\r\n]+/g, ' ')}\n${stack}`
}

/** The statement a stack carries, or undefined for the stack of any other access. */
export function statementOfStack(stack: string | undefined): string | undefined {
  if (stack === undefined || !stack.startsWith(MARK)) return undefined
  const end = stack.indexOf('\n')
  return stack.slice(MARK.length, end < 0 ? undefined : end)
}

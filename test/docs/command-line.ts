/**
 * One command line from a README shell block, as the test runs it: leading `NAME=value`
 * assignments, then `npx vitest-race …` or `npx vitest …`. Only what the README's commands
 * use of sh's syntax: words, "double" and 'single' quotes, backslash escapes, `# comments`.
 */

export interface CommandLine {
  /** The line as written, without its comment and surrounding spaces. */
  readonly text: string
  /** `VITEST_RACE="seed=0x1"` before the command. */
  readonly env: Readonly<Record<string, string>>
  /** `vitest-race` or `vitest`. */
  readonly program: 'vitest-race' | 'vitest'
  /** The arguments after the program, unquoted. */
  readonly args: readonly string[]
}

/** Split a line into words as sh does, stopping at an unquoted `#` that starts a word. */
export function shellWords(line: string): { words: string[]; text: string } {
  const words: string[] = []
  let word: string | undefined
  let i = 0
  let end = line.length
  for (; i < line.length; i++) {
    const c = line[i]!
    if (c === '#' && word === undefined) {
      end = i
      break
    }
    if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word)
      word = undefined
      continue
    }
    word ??= ''
    if (c === '\\') {
      word += line[++i] ?? ''
    } else if (c === "'") {
      const close = line.indexOf("'", i + 1)
      if (close < 0) throw new Error(`unterminated ' in: ${line}`)
      word += line.slice(i + 1, close)
      i = close
    } else if (c === '"') {
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && '"\\$`'.includes(line[i + 1] ?? '')) i++
        word += line[i]
      }
      if (i >= line.length) throw new Error(`unterminated " in: ${line}`)
    } else {
      word += c
    }
  }
  if (word !== undefined) words.push(word)
  return { words, text: line.slice(0, end).trim() }
}

/** Parse a `vitest-race` or `vitest` command line; anything else is an error. */
export function parseCommandLine(line: string): CommandLine {
  const { words, text } = shellWords(line)
  const env: Record<string, string> = {}
  while (words.length > 0 && /^[A-Z_][A-Z0-9_]*=/.test(words[0]!)) {
    const w = words.shift()!
    env[w.slice(0, w.indexOf('='))] = w.slice(w.indexOf('=') + 1)
  }
  const [npx, program, ...args] = words
  if (npx !== 'npx' || (program !== 'vitest-race' && program !== 'vitest')) {
    throw new Error(`the test can run only "npx vitest-race …" and "npx vitest …" commands, not: ${line}`)
  }
  return { text, env, program, args }
}

/** The command lines of a shell block: every line that is not blank or only a comment. */
export function commandLines(block: string): string[] {
  return block
    .split('\n')
    .map((l) => shellWords(l).text)
    .filter((l) => l !== '')
}

/**
 * `VITEST_RACE` with the run's seed pinned, so that a command whose seed is random prints the
 * seed the README shows. Leaves a value that already names a seed alone; keeps race mode off
 * where the command left it off (`vitest-race` and `-- --race` turn it on anyway).
 */
export function pinSeed(value: string | undefined, seed: string): string {
  const v = (value ?? '').trim()
  if (/(^|\s)seed=/.test(v)) return v
  if (v === '' || v === '0' || v === 'false') return `race=0 seed=${seed}`
  if (v === '1' || v === 'true') return `seed=${seed}`
  return `${v} seed=${seed}`
}

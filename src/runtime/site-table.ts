/**
 * The code sites of instrumented modules, as the test worker knows them: each module hands
 * its sites over once when it loads (`__vitestRace.m(file, sites)`) and gets the id of its
 * first; write sites carry the set of read-site ids they depend on.
 */
import type { Site, SiteKind } from '../instrument/sites.js'

/** A site with its dependences resolved to global ids. */
export interface RuntimeSite {
  /** Global id: the index in the site table. */
  readonly id: number
  readonly k: SiteKind
  readonly file: string
  readonly line: number
  /** 1-based column in the original file, where a source map knew it. */
  readonly col: number
  readonly text: string
  readonly obj: string | undefined
  readonly where: string | undefined
  /** For writes: the read sites the written value or its branch depends on (empty: a blind write). */
  readonly deps: ReadonlySet<number> | undefined
  /** For writes: the read sites that decide whether it runs (a built-in mutator's change of a shape depends only on those). */
  readonly controlDeps: ReadonlySet<number> | undefined
  /** A read that ends a wait loop: an edge from the writer. */
  readonly acq: boolean
  /** An access of a shared binding. */
  readonly binding: boolean
  /** For a call that may start a task: how it started, when the code says (`Promise.all element 2`). */
  readonly how: string | undefined
  /** The enclosing function's name (`BalanceService.debit`), where the code says. */
  readonly fn: string | undefined
  /** The access as a one-frame stack (plain tests report sites, not captured stacks); made once. */
  frame?: string
}

const sites: RuntimeSite[] = []
/** `file:line` → reason, for lines under a `// vitest-race-ignore-next-line` comment. */
const ignored = new Map<string, string>()

/**
 * Register a module's sites, and the lines its ignore comments cover (original line
 * numbers, with the comments' reasons); returns the global id of its first site.
 */
export function registerSites(file: string, list: readonly Site[], ignoredLines?: readonly (readonly [number, string])[]): number {
  for (const [line, reason] of ignoredLines ?? []) ignored.set(`${file}:${line}`, reason)
  const base = sites.length
  for (const s of list) {
    sites.push({
      id: sites.length,
      k: s.k,
      file,
      line: s.line,
      col: s.col,
      text: s.text,
      obj: s.obj,
      where: s.where,
      // An open write (its value may come from a read inside a call) keeps today's rule: the
      // worker's last read of the location stands in for what it depends on.
      deps: s.deps === undefined || s.open === 1 ? undefined : new Set(s.deps.map((d) => d + base)),
      controlDeps: s.cdeps === undefined ? undefined : new Set(s.cdeps.map((d) => d + base)),
      acq: s.acq === 1,
      binding: s.b === 1,
      how: s.how,
      fn: s.fn,
    })
  }
  return base
}

/** The site with global id `id`, if known (an early call from a cyclic import may not know its module's yet). */
export function siteAt(id: number): RuntimeSite | undefined {
  return sites[id]
}

/** The reason an ignore comment gave for `line` of `file` (relative to the root), or undefined. */
export function ignoredLineReason(file: string, line: number): string | undefined {
  return ignored.size === 0 ? undefined : ignored.get(`${file}:${line}`)
}

/** A site as a one-frame stack, `    at fn (/abs/file:line:col)`, made once per site (plain tests report sites). */
export function siteFrame(site: RuntimeSite, absoluteFile: string): string {
  return (site.frame ??= site.fn === undefined ? `    at ${absoluteFile}:${site.line}:${site.col}` : `    at ${site.fn} (${absoluteFile}:${site.line}:${site.col})`)
}

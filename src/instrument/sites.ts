/**
 * Code sites: what the transform knows about each instrumented access or await, handed to
 * the runtime once per module (build time and test worker agree on this shape).
 */

/** What happens at a site. */
export type SiteKind =
  /** a property, element or binding read */
  | 'r'
  /** a property, element or binding write */
  | 'w'
  /** a read and a write in one step (`x++`, `o.k += v`) */
  | 'u'
  /** `delete o.k` */
  | 'd'
  /** a built-in collection method call, dispatched on the receiver at run time */
  | 'c'
  /** destructuring reads of named properties */
  | 'rs'
  /** iteration or spread: a read of the shape */
  | 'it'
  /** `await` */
  | 'aw'
  /** `for await` */
  | 'fa'
  /** a call whose promise is not awaited at once: an async callee's call starts a task (race mode) */
  | 'f'

/**
 * One site, as the transform emits it (JSON): kind, line and column in the transformed
 * input, source text, and where known the owner's printed name, the binding's description,
 * the read sites a write depends on and whether a read ends a wait loop.
 */
export interface Site {
  readonly k: SiteKind
  readonly line: number
  readonly col: number
  /** Source text of the access, shortened (`this.balance`, `await load(k)`). */
  readonly text: string
  /** The owner's printed name where the code names it (`svc.balances`, `this`, a binding's name). */
  readonly obj?: string
  /** Where the owner (or the binding) is declared: `module src/ledger.ts`, `closure in makeCache, src/cache.ts:3`. */
  readonly where?: string
  /** For writes: indexes (in this module) of the read sites the written value or its branch depends on. */
  deps?: number[]
  /** For writes: the read sites that decide whether the write runs (a subset of `deps`). */
  cdeps?: number[]
  /** For writes: the value may come from a read inside a call: `deps` is not the whole story. */
  open?: 1
  /** A read that ends a wait loop (`while (!ready) await …`): an edge from the writer. */
  acq?: 1
  /** An access of a shared binding (its owner is the binding's scope token). */
  b?: 1
  /** For a call that may start a task: how, where the code says (`Promise.all element 2`). */
  how?: string
  /** The enclosing function's name, as a stack frame gives it (`BalanceService.debit`). */
  fn?: string
}

/** The global the instrumented code reaches the runtime through (no import: works in ESM, CommonJS and threads). */
export const HOOKS_GLOBAL = '__vitestRace'

/** What a race is, as data: formatting lives in `report/`, never here. */
import type { AccessRecord, Location, SpanRecord } from './shadow.js'

/** One race found by the detector. */
export interface RaceRecord {
  /**
   * Which rule fired: `atomicity`, a read-await-write span broken by another write; `strict`,
   * Go's rule: two unordered accesses, at least one a write.
   */
  readonly rule: 'atomicity' | 'strict'
  readonly location: Location
  /** The later access in the run (the one that revealed the race). */
  readonly current: AccessRecord
  /** The other worker's access. */
  readonly previous: AccessRecord
  /** The read-await-write span that the race breaks (atomicity only); its worker is `current` or `previous`'s. */
  readonly span: SpanRecord | undefined
  /** The previous access is older than its worker's history window: its stack cannot be shown. */
  readonly previousEvicted: boolean
  /** Likewise for the span's read. */
  readonly readEvicted: boolean
}

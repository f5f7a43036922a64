/**
 * The one channel between Vitest's main process and test workers (DESIGN §7): the plugin
 * provides the resolved run settings, the runtime injects them.
 */
import type { RaceSettings } from './options.js'
import type { RaceReport } from './report/race-report.js'

/** The key of the settings in Vitest's provide/inject. */
export const SETTINGS_KEY = 'vitest-race:settings'

/** The key under which a failing test leaves its race reports in its task meta. */
export const META_KEY = 'vitest-race'

/** What a test that found races leaves in its task meta for the reporter. */
export interface RaceMeta {
  readonly races: readonly RaceReport[]
  /** Races that a suppression (the `suppressions` option, an ignore comment) silenced: counted, not reported. */
  readonly suppressed?: number
}

declare module 'vitest' {
  interface ProvidedContext {
    'vitest-race:settings': RaceSettings
  }
  interface TaskMeta {
    /** `false`: race mode does not check this test (`test('…', { meta: { race: false } }, fn)`). */
    race?: boolean
  }
}

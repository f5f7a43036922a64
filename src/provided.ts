/**
 * The one channel between Vitest's main process and test workers (DESIGN §7): the plugin
 * provides the resolved run settings, the runtime injects them.
 */
import type { RaceSettings } from './options.js'

/** The key of the settings in Vitest's provide/inject. */
export const SETTINGS_KEY = 'vitest-race:settings'

declare module 'vitest' {
  interface ProvidedContext {
    'vitest-race:settings': RaceSettings
  }
}

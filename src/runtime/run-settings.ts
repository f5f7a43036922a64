/**
 * What every kind of concurrent test needs from its surroundings: the settings the plugin
 * resolved (or the environment's, without the plugin), and small helpers for the messages.
 */
import { inject, type TestContext } from 'vitest'
import { resolveRunSettings, type RaceSettings } from '../options.js'
import { SETTINGS_KEY } from '../provided.js'

/** The run's settings: provided by the plugin, else resolved from `VITEST_RACE` alone. */
export function runSettings(): RaceSettings {
  let provided: RaceSettings | undefined
  try {
    provided = inject(SETTINGS_KEY)
  } catch {
    provided = undefined
  }
  // Without the plugin (no provided settings), the environment alone decides.
  return provided ?? resolveRunSettings(undefined, process.env.VITEST_RACE, process.cwd())
}

export { describeValue } from '../report/describe-value.js'

/** `s` quoted for a POSIX shell. */
function shellQuote(s: string): string {
  return `"${s.replace(/["\\$`]/g, '\\$&')}"`
}

/** The command that reruns this test alone with `VITEST_RACE` set to `options`, the file relative to the root. */
export function replayCommand(settings: RaceSettings, options: readonly string[], vitest: TestContext): string {
  const file = vitest.task.file.filepath
  const rel = settings.root !== '' && file.startsWith(`${settings.root}/`) ? file.slice(settings.root.length + 1) : file
  const pattern = vitest.task.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return `VITEST_RACE="${options.join(' ')}" npx vitest run ${rel} -t ${shellQuote(pattern)}`
}

/**
 * The setup file the plugin registers in every test worker. Loading the runtime here,
 * before any test file, captures the built-ins (builtins.ts) before a test can install
 * fake timers or spies, and instruments the lock libraries and database clients the project uses.
 */
import { inject } from 'vitest'
import './builtins.js'
import './async-hooks.js'
import './context.js'
import './access-hooks.js'
import { SETTINGS_KEY } from '../provided.js'
import { instrumentLockLibraries } from './lock-libraries.js'
import { installTaskSources } from './task-sources.js'
import { checkPlainTests } from './plain-test.js'
import { setInstrumentedDirs } from '../report/frames.js'
import { hideOwnFrames } from './own-frames.js'
import { OWN_DIRS } from './stacks.js'

const settings = inject(SETTINGS_KEY)
if (settings?.race === true && settings.instrument) {
  // Every plain test is checked too (DESIGN §4b): timers and listeners start tasks.
  installTaskSources()
  checkPlainTests(settings)
  // The call hook's frames would push the test's own out of every error's stack.
  hideOwnFrames(OWN_DIRS)
}
setInstrumentedDirs(settings?.instrumentedDeps ?? [])
if (settings !== undefined && settings.instrumentedDeps.length > 0 && settings.instrument) {
  const { instrumentCommonJs } = await import('./commonjs-hook.js')
  instrumentCommonJs(settings.instrumentedDeps, settings.root, settings.race ? 'full' : 'awaits')
}
await instrumentLockLibraries(settings?.root || process.cwd())
await (await import('./sql-clients.js')).instrumentSqlClients(settings?.root || process.cwd())

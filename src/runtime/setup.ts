/**
 * The setup file the plugin registers in every test worker. Loading the runtime here,
 * before any test file, captures the built-ins (builtins.ts) before a test can install
 * fake timers or spies.
 */
import './builtins.js'
import './async-hooks.js'
import './context.js'

// Stands in for 'vitest-race' in the example project's files (see hooks.mjs): everything is
// the built library (../../dist/index.js, the very modules the bench drives), except that
// concurrentTest records the test instead of registering it with Vitest.
export * from '../../dist/index.js'

/** Tests recorded so far, in registration order: { name, body, options }. */
export const registered = []

export function concurrentTest(name, body, options) {
  registered.push({ name, body, options })
}
concurrentTest.prop = () => {
  throw new Error('bench: concurrentTest.prop in the example project is not supported by bench/example-tests')
}

// Stands in for 'vitest' in the example project's files (see hooks.mjs): Vitest's own exports
// (its `expect` works outside a test run), except the lifecycle hooks, which are recorded so
// that the bench runs them around the file's tests.
export * from 'vitest'

/** Hooks recorded so far: { beforeAll: fn[], afterAll: fn[], beforeEach: fn[], afterEach: fn[] }. */
export const hooks = { beforeAll: [], afterAll: [], beforeEach: [], afterEach: [] }

export const beforeAll = (fn) => void hooks.beforeAll.push(fn)
export const afterAll = (fn) => void hooks.afterAll.push(fn)
export const beforeEach = (fn) => void hooks.beforeEach.push(fn)
export const afterEach = (fn) => void hooks.afterEach.push(fn)

// Loads the example project's test files (example-project/test/*.test.ts) as they are, in
// plain Node, through the module hooks of ./hooks.mjs: each file's concurrentTests and
// lifecycle hooks are recorded, not run, so that a bench can run the very bodies the demo
// runs under any approach it compares. Needs the example project installed (`npm run demo`)
// for the files that import its own dependencies (@electric-sql/pglite).
import { readdirSync } from 'node:fs'
import { register } from 'node:module'
import * as vitestRace from './vitest-race.mjs'
import * as vitest from './vitest.mjs'

const example = new URL('../../example-project/', import.meta.url)
const testDir = new URL('test/', example)
/** The exploration fixtures: bugs only an assertion reveals (test/fixtures/exploration). */
const fixtureDir = new URL('../../test/fixtures/exploration/', import.meta.url)

register('./hooks.mjs', import.meta.url, {
  data: {
    roots: [example.href, fixtureDir.href],
    redirects: { 'vitest-race': new URL('./vitest-race.mjs', import.meta.url).href, vitest: new URL('./vitest.mjs', import.meta.url).href },
  },
})

/**
 * Every example test file, in name order: { file (e.g. 'balance'), tests: [{ name, body,
 * options }], hooks: { beforeAll, afterAll, beforeEach, afterEach } } or, when the file could
 * not be loaded, { file, error }.
 */
export function loadExampleTests() {
  return loadTests(testDir, readdirSync(testDir).filter((f) => f.endsWith('.test.ts')).sort())
}

/** The exploration fixture files named (e.g. 'crawler'), as loadExampleTests gives them. */
export function loadFixtureTests(names) {
  return loadTests(fixtureDir, names.map((n) => `${n}.test.ts`))
}

async function loadTests(dir, files) {
  const loaded = []
  for (const name of files) {
    const file = name.replace(/\.test\.ts$/, '')
    const testsBefore = vitestRace.registered.length
    const hooksBefore = Object.fromEntries(Object.entries(vitest.hooks).map(([k, v]) => [k, v.length]))
    try {
      await import(new URL(name, dir).href)
    } catch (error) {
      loaded.push({ file, error })
      continue
    }
    const hooks = Object.fromEntries(Object.entries(vitest.hooks).map(([k, v]) => [k, v.slice(hooksBefore[k])]))
    loaded.push({ file, tests: vitestRace.registered.slice(testsBefore), hooks })
  }
  return loaded
}

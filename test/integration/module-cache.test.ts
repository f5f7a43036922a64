/**
 * Vitest's on-disk module cache (Vitest 5 default, Vitest 4 experimental) keeps transformed
 * modules between runs. The transform differs between stress and race mode, so a race run
 * after a stress run must not reuse the stress transform (it would see no access and report
 * nothing), nor the other way round.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { reportCount, runVitest } from './run-vitest.js'

const dir = mkdtempSync(join(tmpdir(), 'vitest-race-module-cache-'))
const env = { MODULE_CACHE_DIR: dir }
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it('a race run after a stress run is instrumented for race mode, and back', () => {
  const stress = runVitest('module-cache', [], env)
  expect(stress.output).toContain('1 passed')
  expect(stress.code).toBe(0)
  // The cache is really on: the stress run left transformed modules behind.
  expect(readdirSync(dir, { recursive: true }).length).toBeGreaterThan(0)

  const race = runVitest('module-cache', [], { ...env, VITEST_RACE: '1' })
  expect(race.output).toContain('Found 1 data race(s)')
  expect(reportCount(race.output)).toBe(1)
  expect(race.output).toMatch(/Write at balance \(module src\/ledger\.ts\)/)
  expect(race.code).toBe(66)

  const again = runVitest('module-cache', [], env)
  expect(again.output).not.toContain('DATA RACE')
  expect(again.code).toBe(0)

  const raceAgain = runVitest('module-cache', [], { ...env, VITEST_RACE: '1' })
  expect(reportCount(raceAgain.output)).toBe(1)
  expect(raceAgain.code).toBe(66)
})

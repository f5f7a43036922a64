/** Progress of a long concurrentTest: shown in an interactive terminal, never in CI logs. */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FIXTURES, runVitest, VITEST } from './run-vitest.js'

describe('progress', () => {
  it('a long test shows its run count in an interactive terminal (a pseudo-terminal through script)', () => {
    const env: NodeJS.ProcessEnv = { ...process.env }
    for (const key of Object.keys(env)) if (key.startsWith('VITEST') || key === 'CI' || key.startsWith('GITHUB_')) delete env[key]
    const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(VITEST)} run`
    const r = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: join(FIXTURES, 'progress'), env, encoding: 'utf8', timeout: 120_000 })
    // eslint-disable-next-line no-control-regex
    const out = `${r.stdout}${r.stderr}`.replace(/\u001b\[[0-9;?]*[a-zA-Z]/g, '')
    expect(out).toMatch(/vitest-race: slow\.test\.ts > a slow test: run \d+ of 401 \(\d+ s\)/)
    expect(r.status).toBe(0)
  })

  it('prints nothing of the kind in CI', () => {
    const r = runVitest('progress', [])
    expect(r.output).toContain('1 passed')
    expect(r.output).not.toContain('vitest-race: slow.test.ts')
  })
})

// Reads Vitest's JSON report of the demo run and checks each variant against what the
// example project documents: `racy: …` tests fail (with a race report, or, where the shared
// state is a database the detector cannot see, through the test's own invariant), and
// `fixed …` tests pass.
import { readFileSync } from 'node:fs'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const rows = []
for (const file of report.testResults) {
  for (const t of file.assertionResults) {
    const racy = t.title.startsWith('racy:')
    const raced = t.failureMessages.some((m) => m.includes('WARNING: DATA RACE'))
    const ok = racy ? t.status === 'failed' : t.status === 'passed'
    const got = t.status === 'passed' ? 'passed' : raced ? 'race reported' : `failed: ${t.failureMessages[0]?.split('\n')[0] ?? 'no message'}`
    rows.push({ ok, line: `${ok ? '✓' : '✗'} ${t.title.padEnd(82)} ${got}` })
  }
}
console.log('\nvitest-race demo: racy variants must fail (a race report, or their own invariant), fixed variants must pass')
for (const r of rows) console.log(`  ${r.line}`)
const bad = rows.filter((r) => !r.ok).length
console.log(bad === 0 ? `\nAll ${rows.length} variants behaved as documented.` : `\n${bad} of ${rows.length} variants did not behave as documented.`)
process.exit(bad === 0 && rows.length > 0 ? 0 : 1)

// Reads Vitest's JSON report of the demo run and checks each variant against what the
// example project documents: `racy: …` tests fail with a race report (the database's too:
// its statements are accesses to rows), and every other test passes.
import { readFileSync } from 'node:fs'

const report = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const rows = []
for (const file of report.testResults) {
  for (const t of file.assertionResults) {
    const racy = t.title.startsWith('racy:')
    const raced = t.failureMessages.some((m) => m.includes('WARNING: DATA RACE'))
    const ok = racy ? t.status === 'failed' && raced : t.status === 'passed'
    const got = t.status === 'passed' ? 'passed' : raced ? 'race reported' : `failed: ${t.failureMessages[0]?.split('\n')[0] ?? 'no message'}`
    rows.push({ ok, line: `${ok ? '✓' : '✗'} ${t.title.padEnd(82)} ${got}` })
  }
}
console.log('\nvitest-race demo: racy variants must fail with a race report, fixed variants must pass')
for (const r of rows) console.log(`  ${r.line}`)
const bad = rows.filter((r) => !r.ok).length
console.log(bad === 0 ? `\nAll ${rows.length} variants behaved as documented.` : `\n${bad} of ${rows.length} variants did not behave as documented.`)
process.exit(bad === 0 && rows.length > 0 ? 0 : 1)

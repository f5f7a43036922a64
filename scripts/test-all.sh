#!/usr/bin/env bash
# The whole test suite: type check, then every test on Vitest 4 / this Node (20),
# then again on Vitest 5 / Node 24 (scripts/compat-v5.sh), then one closing line.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
rm -f .cache/results-*.json
echo "== type check"
node_modules/.bin/tsc -p tsconfig.json --noEmit
echo "== Vitest $(node_modules/.bin/vitest --version | cut -d' ' -f1) on Node $(node --version)"
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile="$PWD/.cache/results-vitest4.json"
bash scripts/compat-v5.sh --reporter=default --reporter=json --outputFile="$PWD/.cache/results-vitest5.json"
node -e '
  const fs = require("fs")
  let passed = 0, failed = 0
  for (const f of process.argv.slice(1)) {
    const r = JSON.parse(fs.readFileSync(f, "utf8"))
    passed += r.numPassedTests
    failed += r.numFailedTests
  }
  console.log(`${passed} passed, ${failed} failed`)
' .cache/results-vitest4.json .cache/results-vitest5.json

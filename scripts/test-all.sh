#!/usr/bin/env bash
# The whole test suite: type check, every test on Vitest 4 / this Node (20), then again on
# Vitest 5 / Node 24 (scripts/compat-v5.sh), then one closing line.
# The type check and the Vitest 5 install (mostly waiting on the network) run in the background
# beside the Vitest 4 half; their output is shown, and their failure fails the suite, after it.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .cache
rm -f .cache/results-*.json

# Copy the sources for the Vitest 5 half before the Vitest 4 half writes into test/fixtures.
bash scripts/compat-v5.sh --copy
bash scripts/compat-v5.sh --install >.cache/compat-install.log 2>&1 &
install=$!
node_modules/.bin/tsc -p tsconfig.json --noEmit >.cache/typecheck.log 2>&1 &
typecheck=$!

echo "== Vitest $(node_modules/.bin/vitest --version | cut -d' ' -f1) on Node $(node --version)"
status=0
node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile="$PWD/.cache/results-vitest4.json" || status=$?

echo "== type check"
typecheck_status=0
wait "$typecheck" || typecheck_status=$?
cat .cache/typecheck.log
install_status=0
wait "$install" || install_status=$?
[ "$install_status" = 0 ] || echo "== installing Vitest 5 / Node 24 failed:"
cat .cache/compat-install.log
[ "$typecheck_status" = 0 ] || exit "$typecheck_status"
[ "$status" = 0 ] || exit "$status"
[ "$install_status" = 0 ] || exit "$install_status"

bash scripts/compat-v5.sh --run --reporter=default --reporter=json --outputFile="$PWD/.cache/results-vitest5.json"
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

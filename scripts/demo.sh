#!/usr/bin/env bash
# The demo: the example project under race mode. Racy variants must fail with a race
# report and fixed ones pass; the exit status says whether every variant behaved so.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f dist/index.js ] || npm run build --silent
cd example-project
# --ignore-scripts: vitest-race is linked (file:..), and its `prepare` would rebuild ../dist while
# other test runs load it (the suite runs this beside them; dist/ is built by then).
npm install --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null
set +e
VITEST_RACE=1 node_modules/.bin/vitest run --reporter=default --reporter=json --outputFile=.vitest-race-demo.json
set -e
node ../scripts/demo-check.mjs .vitest-race-demo.json

#!/usr/bin/env bash
# The whole test suite: type check, then every test on Vitest 4 / this Node (20),
# then again on Vitest 5 / Node 24 (scripts/compat-v5.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== type check"
node_modules/.bin/tsc -p tsconfig.json --noEmit
echo "== Vitest $(node_modules/.bin/vitest --version | cut -d' ' -f1) on Node $(node --version)"
node_modules/.bin/vitest run
bash scripts/compat-v5.sh

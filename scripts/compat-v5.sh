#!/usr/bin/env bash
# Runs the whole test suite again on Vitest 5 and Node 24 (DESIGN: both majors supported).
# Installs Node 24 from npm (the `node` package) and a copy of this repo with vitest@5,
# under .cache/compat (git-ignored), reusing Node 24 on later runs.
#
#   bash scripts/compat-v5.sh [vitest args…]            copy, install, run (all three)
#   bash scripts/compat-v5.sh --copy                     only copy the sources
#   bash scripts/compat-v5.sh --install                  only install Node 24 and the copy's packages
#   bash scripts/compat-v5.sh --run [vitest args…]       only run, on a copy made and installed before
#
# scripts/test-all.sh copies first, installs in the background while the Vitest 4 half runs,
# then runs.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
cache=$root/.cache/compat
repo=$cache/vitest5

phase=all
case "${1:-}" in
  --copy | --install | --run) phase=${1#--}; shift ;;
esac

if [ "$phase" = all ] || [ "$phase" = copy ]; then
  mkdir -p "$repo"
  # A fresh copy of the sources (not node_modules, not dist) on every run.
  (cd "$root" && tar --exclude=./node_modules --exclude=./.cache --exclude=./dist --exclude=./.git \
    --exclude='./example-project/node_modules' -cf - .) | (cd "$repo" && tar -xf -)
  cd "$repo"
  node -e '
    const fs = require("fs")
    const pkg = JSON.parse(fs.readFileSync("package.json", "utf8"))
    pkg.devDependencies.vitest = "^5.1.0"
    pkg.devDependencies["@types/node"] = "^24.0.0"
    fs.writeFileSync("package.json", JSON.stringify(pkg, null, 2) + "\n")
    const ex = JSON.parse(fs.readFileSync("example-project/package.json", "utf8"))
    ex.devDependencies.vitest = "^5.1.0"
    fs.writeFileSync("example-project/package.json", JSON.stringify(ex, null, 2) + "\n")
  '
  rm -f package-lock.json example-project/package-lock.json
  cd "$root"
fi

if [ "$phase" = all ] || [ "$phase" = install ]; then
  mkdir -p "$cache/node24"
  if [ ! -x "$cache/node24/node_modules/.bin/node" ]; then
    echo "installing Node 24 from npm into $cache/node24"
    (cd "$cache/node24" && [ -f package.json ] || echo '{"private":true}' > package.json)
    (cd "$cache/node24" && npm install --no-audit --no-fund --loglevel=error node@24 >/dev/null)
  fi
fi
if [ "$phase" != copy ]; then
  node24_bin=$(dirname "$(readlink -f "$cache/node24/node_modules/.bin/node")")
  export PATH="$node24_bin:$PATH"
fi

if [ "$phase" = all ] || [ "$phase" = install ]; then
  # Also builds the copy's dist/ (prepare), on Node 24 with its @types/node.
  (cd "$repo" && npm install --no-audit --no-fund --loglevel=error >/dev/null)
fi

if [ "$phase" = all ] || [ "$phase" = run ]; then
  cd "$repo"
  echo "== Vitest $(node_modules/.bin/vitest --version | cut -d' ' -f1) on Node $(node --version)"
  node_modules/.bin/vitest run "$@"
fi

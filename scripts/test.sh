#!/usr/bin/env bash
# The README's test command (`npm test`): installs what the tests need, builds, runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/system-deps.sh
npm run --silent build
mapfile -t files < <(find dist/test -name "*.test.js" | sort)
exec node --import ./dist/src/compat/register.js --test --test-concurrency=2 --test-reporter=spec "${files[@]}"

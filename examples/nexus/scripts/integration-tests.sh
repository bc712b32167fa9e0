#!/usr/bin/env bash
# Integration tests: starts all five services together and tests them across their HTTP boundaries.
#   scripts/integration-tests.sh                 the source tree (installs and builds what is missing)
#   scripts/integration-tests.sh --bundles DIR   the deployable bundles made by scripts/build-bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--bundles" ]; then
  export NEXUS_BUNDLES="$(cd "${2:?--bundles needs a directory}" && pwd)"
else
  for service in orchestration frontend; do
    [ -d "services/$service/node_modules" ] || (cd "services/$service" && npm ci --no-audit --no-fund)
    (cd "services/$service" && npm run --silent build >/dev/null)
  done
fi
exec node --test --test-reporter=spec scripts/integration/stack.test.mjs

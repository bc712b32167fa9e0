#!/usr/bin/env bash
# Integration tests: starts all five services together and tests them across their HTTP boundaries.
#   scripts/integration-tests.sh                 the source tree (installs and builds what is missing)
#   scripts/integration-tests.sh --bundles DIR   the deployable bundles made by scripts/build-bundle.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--bundles" ]; then
  [ -d "${2:-}" ] || { echo "integration-tests: --bundles needs a directory of bundles, got '${2:-}'" >&2; exit 2; }
  NEXUS_BUNDLES="$(cd "$2" && pwd)"
  export NEXUS_BUNDLES
else
  for service in orchestration frontend; do
    [ -d "services/$service/node_modules" ] || (cd "services/$service" && npm ci --no-audit --no-fund)
    (cd "services/$service" && npm run --silent build >/dev/null)
  done
fi
# A node:test run that started this script (an end-to-end test of the pipeline) leaves NODE_TEST_CONTEXT set;
# node --test then skips its files and passes with nothing run.
unset NODE_TEST_CONTEXT
exec node --test --test-reporter=spec scripts/integration/stack.test.mjs

#!/usr/bin/env bash
# Test runner: every check the CI pipeline runs before deploying, in its order, from one command.
#   scripts/run-tests.sh            lint + type check, unit tests, Python tests, integration tests, local E2E
#   scripts/run-tests.sh --no-e2e   the same without the browser tests
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

step() { echo; echo "== $*"; }

# A fresh checkout: install what the lock files and the spec's pip line say, once.
for service in frontend orchestration execution; do
  [ -d "services/$service/node_modules" ] || (cd "services/$service" && npm ci --no-audit --no-fund)
done
python3 -c 'import pytest_cov' 2>/dev/null || pip install -q pytest pytest-cov

for service in frontend orchestration; do
  step "$service: lint and type check"
  (cd "services/$service" && npm run --silent lint && npx tsc --noEmit)
done

for service in frontend orchestration execution; do
  step "$service: unit tests"
  (cd "services/$service" && npm run --silent test:unit -- --coverage)
done

for service in bmad voice; do
  step "$service: pytest"
  (cd "services/$service" && pytest --cov=. --cov-report=xml -q)
done

step "integration tests"
bash scripts/integration-tests.sh

if [ "${1:-}" != "--no-e2e" ]; then
  step "E2E tests against a local stack"
  log=$(mktemp)
  node scripts/stack.mjs >"$log" 2>&1 &
  stack_pid=$!
  trap 'kill "$stack_pid" 2>/dev/null; rm -f "$log"' EXIT
  for _ in $(seq 100); do grep -q '^frontend ' "$log" && break; kill -0 "$stack_pid" 2>/dev/null || break; sleep 0.2; done
  base_url=$(awk '/^frontend /{print $2}' "$log")
  [ -n "$base_url" ] || { cat "$log" >&2; echo "run-tests: the local stack did not start" >&2; exit 1; }
  (cd "$root/services/frontend" && BASE_URL="$base_url" npx playwright test)
fi

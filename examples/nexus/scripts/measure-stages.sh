#!/usr/bin/env bash
# Times the pipeline's stages run by hand, one after another, beside the spec's stage budgets.
#   scripts/measure-stages.sh          warm: node_modules and the npm cache as they are
#   scripts/measure-stages.sh --cold   cold: no node_modules and an empty npm cache (every package downloaded)
# Staging and production deploys need the engine (nexus/deploy); they are measured by the pipeline run itself.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=warm
if [ "${1:-}" = "--cold" ]; then
  mode=cold
  npm_config_cache=$(mktemp -d)
  export npm_config_cache
  trap 'rm -rf "$npm_config_cache"' EXIT
  rm -rf services/{frontend,orchestration,execution}/node_modules
fi
bundles=$(mktemp -d)
results=()

# Wall time is what the pipeline waits; CPU time (user + sys of every process) shows how much of it was work
# when other load shares the 2 cores.
timed() {
  local label=$1 budget=$2 times
  shift 2
  if ! times=$( { TIMEFORMAT='%R %U %S'; time "$@" >/dev/null 2>&1; } 2>&1 ); then
    echo "measure-stages: '$label' failed; run it by hand to see why" >&2
    exit 1
  fi
  read -r wall user sys <<<"$(tail -1 <<<"$times")"
  results+=("$(printf '%-34s %8.1f s %8.1f s   %s' "$label" "$wall" "$(echo "$user + $sys" | bc)" "$budget")")
}

install() { for s in frontend orchestration execution; do (cd "services/$s" && npm ci --no-audit --no-fund); done; }
lint() { for s in frontend orchestration; do (cd "services/$s" && npm run lint && npx tsc --noEmit); done; }
unit() {
  for s in frontend orchestration execution; do (cd "services/$s" && npm run test:unit -- --coverage); done
  for s in bmad voice; do (cd "services/$s" && pytest --cov=. --cov-report=xml -q); done
}
build() { for s in frontend orchestration bmad execution voice; do node scripts/build-bundle.mjs "$s" "$bundles"; done; }
e2e() {
  local log base_url pid
  log=$(mktemp)
  node scripts/stack.mjs --bundles "$bundles" >"$log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q '^frontend ' "$log" && break; sleep 0.1; done
  base_url=$(awk '/^frontend /{print $2}' "$log")
  (cd services/frontend && BASE_URL="$base_url" npx playwright test)
  local status=$?
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -f "$log"
  return $status
}

timed "npm ci (3 Node services)" "-" install
timed "1 Lint & type check" "30 s" lint
timed "2 Unit tests (5 services)" "2 min" unit
timed "3 Build (5 bundles)" "5 min" build
timed "4 Integration tests (bundles)" "3 min" bash scripts/integration-tests.sh --bundles "$bundles"
timed "6 E2E tests (local stack)" "5 min" e2e
rm -rf "$bundles"

echo "Stages by hand, $mode, $(nproc) cores, $(date -u +%Y-%m-%d), load average at the end:$(cut -d' ' -f1-3 /proc/loadavg | sed 's/^/ /')"
printf '%-34s %10s %10s   %s\n' "stage" "wall" "CPU" "spec budget"
printf '%s\n' "${results[@]}"

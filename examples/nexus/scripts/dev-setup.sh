#!/usr/bin/env bash
# Local development setup: installs every service's dependencies from the lock files and checks the tools the
# pipeline expects (Node 20, python3 with pytest + pytest-cov, Debian's Chromium for the E2E tests).
set -euo pipefail
cd "$(dirname "$0")/.."

node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 20 ] || { echo "dev-setup: Node 20 or newer is needed, found $(node --version)" >&2; exit 1; }

for service in frontend orchestration execution; do
  echo "== $service: npm ci"
  (cd "services/$service" && npm ci --no-audit --no-fund)
done

for service in bmad voice; do
  echo "== $service: pip install"
  (cd "services/$service" && pip install -q -r requirements.txt)
done
# The spec's own install line. pip resolves it from this machine's local package mirror (PyPI is unreachable);
# where pip cannot, Debian's python3-pytest and python3-pytest-cov are the fallback (see README.md).
pip install -q pytest pytest-cov

if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "dev-setup: the E2E tests need Chromium at ${CHROMIUM_PATH:-/usr/bin/chromium} (apt-get install chromium)" >&2
  exit 1
fi
echo "dev-setup: ready. Start everything with: node scripts/stack.mjs"

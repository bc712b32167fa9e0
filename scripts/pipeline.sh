#!/usr/bin/env bash
# `npm run pipeline`: the README's main job. Builds Nexus, then runs the spec's pipeline of examples/nexus
# (a push to main, production approved up front by the example's release manager) on this machine with the embedded defaults, with a local
# stand-in for Slack. The example is copied into a repository of its own under .nexus-demo/ (kept between
# runs, so the second run hits its caches). Extra arguments go to `nexus run`.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent build
bash scripts/system-deps.sh   # the E2E stage drives Debian's Chromium
demo="$PWD/.nexus-demo"
if [ ! -d "$demo/nexus/.git" ]; then
  rm -rf "$demo/nexus"
  bash examples/nexus/scripts/as-repository.sh "$demo/nexus"
fi
fifo="$demo/slack.out"
node scripts/webhook-receiver.mjs > "$fifo" &
receiver=$!
trap 'kill $receiver 2>/dev/null || true' EXIT
for _ in $(seq 50); do [ -s "$fifo" ] && break; sleep 0.1; done
slack_url=$(head -n 1 "$fifo")
status=0
(cd "$demo/nexus" && node ../../bin/nexus.js run push --approve production --as engineering-lead --data "$demo/data" -s "SLACK_WEBHOOK_URL=$slack_url" "$@") || status=$?
echo
echo "Slack messages received:"
tail -n +2 "$fifo"
exit $status

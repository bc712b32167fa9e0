#!/usr/bin/env bash
# Copies this example (the files git tracks, as they are in the work tree) into DIR as a repository of its own,
# one commit on main, so that `nexus run` sees examples/nexus as the repository root the spec's workflows expect.
#   scripts/as-repository.sh DIR
set -euo pipefail
target=${1:?usage: scripts/as-repository.sh DIR}
cd "$(dirname "$0")/.."
if [ -e "$target" ] && [ -n "$(ls -A "$target" 2>/dev/null)" ]; then
  echo "as-repository: $target exists and is not empty" >&2
  exit 1
fi
mkdir -p "$target"
# --cached --others --exclude-standard: tracked and new files alike, never node_modules or build output.
git ls-files -z --cached --others --exclude-standard . | while IFS= read -r -d '' file; do
  [ -e "$file" ] || [ -L "$file" ] || continue
  mkdir -p "$target/$(dirname "$file")"
  cp -P "$file" "$target/$file"
done
cp -P .nexus/environments.yml "$target/.nexus/environments.yml" 2>/dev/null || { mkdir -p "$target/.nexus"; cp .nexus/environments.yml "$target/.nexus/"; }
cd "$target"
git init -q -b main
git add -A
git add -f .nexus/environments.yml
git -c user.name="${GIT_AUTHOR_NAME:-nexus-example}" -c user.email="${GIT_AUTHOR_EMAIL:-nexus-example@localhost}" \
  commit -q -m "Nexus reference monorepo"
echo "as-repository: $target is ready (branch main)"

#!/usr/bin/env bash
# Runs every test: system deps, type check, layer rules, then all test files with node's test
# runner (one file at a time: the lab's network namespaces are machine-wide). Ends with a plain
# "N passed, N failed" line taken from the runner's own TAP summary.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-deps.sh
npx tsc -p tsconfig.json --noEmit
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
set +e
node --import tsx --test --test-concurrency=1 \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "${files[@]}"
status=$?
set -e
pass=$(grep -E '^# pass [0-9]+' "$tap" | tail -n1 | awk '{print $3}')
fail=$(grep -E '^# fail [0-9]+' "$tap" | tail -n1 | awk '{print $3}')
echo "${pass:-0} passed, ${fail:-0} failed"
exit $status

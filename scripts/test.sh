#!/usr/bin/env bash
# Runs every test: system deps, type check, layer rules, then all test files with node's test
# runner (one file at a time: the lab's network namespaces are machine-wide).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/test-deps.sh
npx tsc -p tsconfig.json --noEmit
mapfile -t files < <(find test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
exec node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"

#!/usr/bin/env bash
# The whole test suite: lint, format, typecheck, build, then every test (unit, integration,
# E2E in Chromium), ending with one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
# The Node major of the shipped Electron (see node-runtime.sh).
# shellcheck source=node-runtime.sh
source scripts/node-runtime.sh

step() { printf '\n== %s\n' "$*"; }

step "lint";      npx eslint . --max-warnings 0
step "format";    npx prettier --check . --log-level warn
step "typecheck"; npx tsc -p tsconfig.node.json && npx tsc -p tsconfig.web.json
step "build";     npx tsx scripts/build.ts && (cd chaincode && npm run build --silent)

mkdir -p artifacts
rc=0
step "tests"
npx vitest run --reporter=default --reporter=json --outputFile.json=artifacts/test-report.json || rc=$?

if [ -f chaincode/package.json ]; then
  step "chaincode"
  (cd chaincode && npm test) || rc=$?
fi

echo
echo "Screenshots and reports: $(pwd)/artifacts"
npx tsx scripts/test-summary.ts artifacts/test-report.json || rc=$?
exit $rc

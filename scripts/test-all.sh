#!/usr/bin/env bash
# The whole test suite, from a fresh clone: `npm ci && npm run test:all` (README, .ci/run).
# Brings up PostgreSQL, Redis and Kafka on 127.0.0.1 (scripts/services.sh), then type
# checks, enforces the architecture rules, and runs unit and e2e tests (the e2e tests
# include rendering and validating the Helm chart).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)

scripts/services.sh up
npm run lint
npx jest --ci "$@"

echo "test suite finished in $(( $(date +%s) - started ))s"

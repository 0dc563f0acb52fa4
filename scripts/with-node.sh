#!/usr/bin/env bash
# Runs a command on the Node.js the tests and the app use (see node-runtime.sh).
set -euo pipefail
# shellcheck source=node-runtime.sh
source "$(dirname "$0")/node-runtime.sh"
exec "$@"

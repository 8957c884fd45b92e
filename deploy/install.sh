#!/usr/bin/env bash
# `npm ci`, exactly as CI runs it (.ci/run calls this script; so does the container's build stage).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund

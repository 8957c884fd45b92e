#!/usr/bin/env bash
# `npm run build`, exactly as CI runs it: every server-side package to dist/ and the cashier, precompressed.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build

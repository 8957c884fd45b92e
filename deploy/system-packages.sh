#!/usr/bin/env bash
# Build stage, first step: what `npm ci` needs to compile better-sqlite3 when no prebuilt binary fits
# (python3, make, g++). The same script runs in .ci/run; it installs only what is missing.
set -euo pipefail
missing=()
for tool in python3 make g++; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
$SUDO rm -rf /var/lib/apt/lists/*

#!/usr/bin/env bash
# Checks the C++ formatting, then builds qat and runs every test (lit +
# GoogleTest) through check-qat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/check-format.sh
bash scripts/build.sh check-qat

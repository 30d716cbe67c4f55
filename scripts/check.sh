#!/usr/bin/env bash
# Builds qat and runs every test (lit + GoogleTest) through check-qat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh check-qat

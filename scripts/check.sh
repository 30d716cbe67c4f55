#!/usr/bin/env bash
# Checks the C++ formatting and that every diagnostic has a test, then
# builds qat and runs every test (lit + GoogleTest) through check-qat.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/check-format.sh
python3 scripts/untested-diagnostics.py --fail-if-any
bash scripts/build.sh check-qat

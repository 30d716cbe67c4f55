#!/usr/bin/env bash
# Regenerates the dialect and pass reference (add_mlir_doc) into docs/Qat/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh mlir-doc
mkdir -p docs/Qat
cp "${QAT_BUILD_DIR:-build}"/docs/Qat/*.md docs/Qat/
ls docs/Qat

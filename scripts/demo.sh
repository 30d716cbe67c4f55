#!/usr/bin/env bash
# The main job, end to end as far as the project goes today: build, then run
# the example models under the JIT on real inputs and print their outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh qat-opt qat-run
BIN="${QAT_BUILD_DIR:-build}/bin"

echo "== tutorial model: quant_stub -> Linear(10,20) -> ReLU -> dequant_stub =="
"$BIN/qat-run" examples/tutorial.mlir --input examples/tutorial.input.npy

for m in m1 c1; do
  echo "== $m on the first 64 Fashion-MNIST test images (untrained weights) =="
  start=$(date +%s.%N)
  "$BIN/qat-run" "examples/$m.mlir" --data=fashion-mnist --print --print-limit=30
  end=$(date +%s.%N)
  awk -v m="$m" -v s="$start" -v e="$end" \
    'BEGIN { printf "(%s: compile + run took %.2f s)\n", m, e - s }'
done

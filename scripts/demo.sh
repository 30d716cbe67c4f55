#!/usr/bin/env bash
# The main job, end to end as far as the project goes today:
#   build; run the tutorial model under the JIT; train the M1 MLP on
#   Fashion-MNIST in float (3 epochs), fuse + prepare it for QAT (x86
#   preset) and fine-tune it with fake-quant (2 epochs) -- the A1 recipe of
#   bench/README.md -- and report accuracy and time.
#   Then convert it to the int8 graph, run that under the JIT, and compare
#   it with the fake-quant model element by element; finally compile the
#   int8 model ahead of time (qat-compile, this CPU's best x86 kernels),
#   link it into the C example and report its accuracy and speed.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh qat-opt qat-run qat-compile
BIN="${QAT_BUILD_DIR:-build}/bin"
OUT="${QAT_DEMO_DIR:-demo-out}"
mkdir -p "$OUT"

echo "== tutorial model: quant_stub -> Linear(10,20) -> ReLU -> dequant_stub =="
"$BIN/qat-run" examples/tutorial.mlir --input examples/tutorial.input.npy

echo "== M1 (MLP 784-256-128-10), float training: 3 epochs, SGD lr 0.01 momentum 0.9, batch 64 =="
rm -f "$OUT"/m1.*.jsonl
"$BIN/qat-run" train examples/m1.mlir --epochs=3 --lr=0.01 --momentum=0.9 \
  --seed=0 --metrics="$OUT/m1.float.jsonl" -o "$OUT/m1.float.mlir"

echo "== fuse + prepare (preset x86: uint8 [0,127] activations, per-channel int8 weights) =="
"$BIN/qat-opt" "$OUT/m1.float.mlir" --qat-fuse \
  --qat-prepare="preset=x86 report=true" -o "$OUT/m1.prepared.mlir"

echo "== QAT fine-tuning: 2 epochs (fresh optimizer, as PyTorch's recipe) =="
"$BIN/qat-run" train "$OUT/m1.prepared.mlir" --epochs=2 --lr=0.01 \
  --momentum=0.9 --seed=1 --reset-optimizer --metrics="$OUT/m1.qat.jsonl" \
  -o "$OUT/m1.qat.mlir"

echo "== convert to int8 =="
"$BIN/qat-opt" "$OUT/m1.qat.mlir" --qat-convert -o "$OUT/m1.int8.mlir"

echo "== report =="
echo -n "float model, "; "$BIN/qat-run" eval "$OUT/m1.float.mlir"
echo -n "QAT model, float fake-quant simulation: "; "$BIN/qat-run" eval "$OUT/m1.qat.mlir" --float-fake-quant
echo -n "QAT model (eval = integer semantics): "; "$BIN/qat-run" eval "$OUT/m1.qat.mlir"
echo -n "int8 model: "; "$BIN/qat-run" eval "$OUT/m1.int8.mlir"
echo -n "fake-quant model vs int8: "; "$BIN/qat-run" compare "$OUT/m1.qat.mlir" "$OUT/m1.int8.mlir"
echo -n "float fake-quant simulation vs int8: "; "$BIN/qat-run" compare "$OUT/m1.qat.mlir" "$OUT/m1.int8.mlir" --float-fake-quant
echo "== AOT: qat-compile the int8 model and classify the test set from C =="
FM=/usr/share/datasets/fashion-mnist
for b in 64 1; do
  mkdir -p "$OUT/aot-b$b"
  "$BIN/qat-compile" "$OUT/m1.int8.mlir" --batch=$b --name=model --time \
    -o "$OUT/aot-b$b/model.o" --header "$OUT/aot-b$b/model.h"
  cc -O2 -I"$OUT/aot-b$b" examples/aot/classify.c "$OUT/aot-b$b/model.o" -lz -lm \
    -o "$OUT/aot-b$b/classify"
  echo -n "int8 AOT object, batch $b: "
  "$OUT/aot-b$b/classify" "$FM/t10k-images-idx3-ubyte.gz" "$FM/t10k-labels-idx1-ubyte.gz" \
    --quantized --repeat 3
done
# The threaded build: each int8 layer split over this machine's cores
# (OpenMP), linked with LLVM's libomp; the same outputs bit for bit.
T=$(nproc)
mkdir -p "$OUT/aot-b64-t$T"
"$BIN/qat-compile" "$OUT/m1.int8.mlir" --batch=64 --threads=$T --name=model \
  -o "$OUT/aot-b64-t$T/model.o" --header "$OUT/aot-b64-t$T/model.h"
cc -O2 -I"$OUT/aot-b64-t$T" examples/aot/classify.c "$OUT/aot-b64-t$T/model.o" \
  -lz -lm -L/usr/lib/llvm-22/lib -lomp -Wl,-rpath,/usr/lib/llvm-22/lib \
  -o "$OUT/aot-b64-t$T/classify"
echo -n "int8 AOT object, batch 64, threaded build: "
"$OUT/aot-b64-t$T/classify" "$FM/t10k-images-idx3-ubyte.gz" "$FM/t10k-labels-idx1-ubyte.gz" \
  --quantized --repeat 3
echo "models, per-epoch metrics and the AOT objects (model.o + model.h) are in $OUT/"

#!/bin/bash
# G1/G2/G3 (bench/README.md): int8 GEMM u8 x s8 with the requant to
# u8 fused, qat-compile'd, vs oneDNN 2.6's matmul (u8 x s8 -> u8 with
# per-channel output scales, src/dst zero points, s32 bias; weights
# pre-packed), side by side in one process on one core.
#   G1 M=N=K=1024, G2 M=1 K=4096 N=4096 (hot and cold), G3 M=128 K=768 N=3072
#
# Steps: bench/int8_gemm_gen.py writes one-qlinear models (vnni types: u8
# activations zp 128, int8 per-channel symmetric weights, int32 bias, u8
# output); qat-compile --isa=$ISA compiles each to an object; g++ links them
# with bench/int8_gemm_bench.cpp and -ldnnl; the program checks ours
# bit-exactly against docs/numerics.md's scalar reference, measures the vpdpbusd
# limit and a 16 MiB read bandwidth, then times both (median and min of
# --runs interleaved calls after warm-up) under `taskset -c $CPU`.
#
# Usage: bench/int8_gemm_bench.sh [--runs N] [--cpu C] [--isa avx512vnni|...]
#          [--cases g1,g2,g3] [--onednn-isa vnni|native|both] [--no-cold]
#          [--keep DIR]
#   --onednn-isa: vnni (default) caps oneDNN at avx512_core_vnni, the
#     vpdpbusd instruction our kernel uses (bench/README.md's G1-G3 peer);
#     native lets it use AMX where the CPU has it; both runs twice.
# Needs libdnnl-dev (oneDNN 2.6.3, a benchmark-only dependency): installed
# with apt-get if missing.
set -euo pipefail

source "$(dirname "$0")/common.sh"
RUNS=50
CPU=0
ISA=avx512vnni
CASES=g1,g2,g3
DNNL_ISA=vnni
COLD=
KEEP=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --cpu) CPU=$2; shift ;;
    --isa) ISA=$2; shift ;;
    --cases) CASES=$2; shift ;;
    --onednn-isa) DNNL_ISA=$2; shift ;;
    --no-cold) COLD=--no-cold ;;
    --keep) KEEP=$2; shift ;;
    -h|--help) sed -n '2,26p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

if [ ! -f /usr/include/oneapi/dnnl/dnnl.hpp ]; then
  echo "== installing libdnnl-dev (benchmark-only dependency)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y libdnnl-dev >/dev/null 2>&1 ||
    { apt-get update >/dev/null && apt-get install -y libdnnl-dev >/dev/null; }
fi

bench_tmpdir int8_gemm_bench "$KEEP"

echo "== generating models ($CASES) in $TMP" >&2
$PY "$ROOT/bench/int8_gemm_gen.py" "$TMP" --cases "$CASES"
# The C++ program links all three entry points; a case not asked for gets a
# tiny stand-in model so the link succeeds (it is never run).
for c in g1 g2 g3; do
  if [ ! -f "$TMP/$c.mlir" ]; then
    cat >"$TMP/$c.mlir" <<EOF
module {
  qat.param @w = dense<1> : tensor<16x4xi8>
  qat.param @b = dense<0> : tensor<16xi32>
  func.func @forward(%x: tensor<1x4xf32>) -> tensor<1x16xf32> {
    %q = qat.quantize %x : tensor<1x4xf32> -> tensor<1x4x!quant.uniform<u8:f32, 1.0:128>>
    %w0 = qat.load @w : tensor<16x4xi8>
    %w = quant.scast %w0 : tensor<16x4xi8> to tensor<16x4x!quant.uniform<i8:f32, 1.0>>
    %b = qat.load @b : tensor<16xi32>
    %y = qat.qlinear %q, %w, %b {clamp_max = 255 : i64, clamp_min = 0 : i64} : (tensor<1x4x!quant.uniform<u8:f32, 1.0:128>>, tensor<16x4x!quant.uniform<i8:f32, 1.0>>, tensor<16xi32>) -> tensor<1x16x!quant.uniform<u8:f32, 1.0:128>>
    %d = qat.dequantize %y : tensor<1x16x!quant.uniform<u8:f32, 1.0:128>> -> tensor<1x16xf32>
    return %d : tensor<1x16xf32>
  }
}
EOF
  fi
  echo "== qat-compile $c.mlir --isa=$ISA --name $c" >&2
  run_retry "$BIN/qat-compile" "$TMP/$c.mlir" -o "$TMP/$c.o" --header "$TMP/$c.h" \
    --name "$c" --isa="$ISA" --time >&2
done
echo "== g++ -O2 bench/int8_gemm_bench.cpp g1.o g2.o g3.o -ldnnl" >&2
g++ -O2 -std=c++17 -ffp-contract=off -I"$TMP" "$ROOT/bench/int8_gemm_bench.cpp" \
  "$TMP/g1.o" "$TMP/g2.o" "$TMP/g3.o" -ldnnl -o "$TMP/int8_gemm_bench"

case "$DNNL_ISA" in
  vnni|native) ISAS=$DNNL_ISA ;;
  both) ISAS="vnni native" ;;
  *) echo "--onednn-isa vnni|native|both" >&2; exit 2 ;;
esac
rc=0
for di in $ISAS; do
  echo
  echo "== taskset -c $CPU int8_gemm_bench --runs $RUNS --cases $CASES --onednn-isa $di $COLD (ours: qat-compile --isa=$ISA)"
  taskset -c "$CPU" "$TMP/int8_gemm_bench" --dir "$TMP" --runs "$RUNS" \
    --cases "$CASES" --onednn-isa "$di" $COLD || rc=$?
done
exit $rc

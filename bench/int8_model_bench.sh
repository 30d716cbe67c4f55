#!/bin/bash
# M1/C1 int8 inference (bench/README.md): batch-1 latency (us) and
# batch-256 throughput (img/s) of our qat-compile'd int8 models vs ONNX
# Runtime 1.30 (npm onnxruntime-node) and PyTorch 1.13 eager int8, at each
# thread count of --threads (default 1).
#
# Models: the README's pipeline, x86 preset. M1: demo-out/m1.int8.mlir
#   (scripts/demo.sh; --m1-int8 FILE to pick another) if it exists, else the
#   short recipe below. C1 (and M1 without the demo output): qat-opt --qat-fuse
#   --qat-prepare=preset=x86, qat-run train --epochs=1 --max-steps=$STEPS
#   (calibrates observers and scales; the weights' values do not matter
#   for timing), qat-opt --qat-convert.
# Ours: qat-compile --batch B --isa=$ISA for B = 1, 64, 256, linked with
#   bench/int8_model_driver.c; times NAME_forward (float in/out, as the peers)
#   and NAME_forward_q (uint8 in/out). With N > 1 threads: qat-compile
#   --threads N (OpenMP) for B = 1 and 256, the driver linked with LLVM's
#   libomp. Checks first
#   that the 256 test images' outputs are bit-identical at batch 1, 64 and
#   256 and at every thread count. A second row
#   reruns ours with glibc's malloc told not to return memory to the kernel
#   (GLIBC_TUNABLES mmap/trim thresholds): the compiled code mallocs its
#   temporaries per call, and each large one is a fresh mmap whose page
#   faults are expensive in this VM (bench/README.md); a diagnostic, not the
#   headline.
# ORT: bench/int8_model_onnx.py writes a QDQ ONNX model from our int8 model
#   (same weights and qparams; ORT fuses it to QGemm/QLinearConv);
#   bench/int8_model_ort.js times it (N intra-op threads, all optimizations).
#   onnxruntime-node is installed with npm into ~/.cache/qat-bench/ort
#   (--ignore-scripts: the CPU binaries are in the package); skipped with a
#   message if npm or the registry is unavailable.
# PyTorch: bench/int8_model_torch.py, the same architecture converted by
#   torch.ao.quantization, x86 qconfig on the onednn engine and qnnpack
#   qconfig on qnnpack (Debian's torch has no fbgemm), torch.set_num_threads(N)
#   and OPENBLAS_NUM_THREADS=N; skipped if /usr/bin/python3 cannot import torch.
# Timing: with N threads every side is pinned to N cores (`taskset -c
#   C..C+N-1`, C = --cpu); per thread count ours, torch, ORT in turn;
#   warm-up, then per-call times: median [min] of 1000 calls at batch 1 and
#   100 at batch 256. Scaling = time at 1 thread / time at N.
#
# Usage: bench/int8_model_bench.sh [--m1-only | --c1-only] [--cpu C]
#          [--threads "1 2"] [--isa avx512vnni|avxvnni|avx2|x86-64]
#          [--steps K] [--runs N] [--m1-int8 FILE] [--no-ort] [--no-torch]
#          [--keep DIR]
set -euo pipefail

source "$(dirname "$0")/common.sh"
MODELS="m1 c1"
CPU=0
THREADS=1
ISA=avx512vnni
STEPS=50
RUNS=
M1_INT8=$ROOT/demo-out/m1.int8.mlir
ORT=1
TORCH=1
KEEP=
ORT_DIR=${QAT_BENCH_CACHE:-$HOME/.cache/qat-bench}/ort
ORT_VERSION=1.30.0
while [ $# -gt 0 ]; do
  case "$1" in
    --m1-only) MODELS=m1 ;;
    --c1-only) MODELS=c1 ;;
    --cpu) CPU=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --isa) ISA=$2; shift ;;
    --steps) STEPS=$2; shift ;;
    --runs) RUNS=$2; shift ;;
    --m1-int8) M1_INT8=$2; shift ;;
    --no-ort) ORT=0 ;;
    --no-torch) TORCH=0 ;;
    --keep) KEEP=$2; shift ;;
    -h|--help) sed -n '2,43p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
threads_check "$THREADS"
omp_defaults
PIN="taskset -c $CPU"
bench_tmpdir int8_model_bench "$KEEP"

torch_or_skip columns
if [ "$ORT" = 1 ]; then
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "note: node/npm not found; ONNX Runtime column skipped" >&2
    ORT=0
  elif [ ! -f "$ORT_DIR/node_modules/onnxruntime-node/package.json" ] ||
       ! grep -q "\"version\": \"$ORT_VERSION\"" "$ORT_DIR/node_modules/onnxruntime-node/package.json"; then
    echo "== npm install onnxruntime-node@$ORT_VERSION into $ORT_DIR" >&2
    mkdir -p "$ORT_DIR"
    [ -f "$ORT_DIR/package.json" ] || echo '{"private": true}' >"$ORT_DIR/package.json"
    if ! (cd "$ORT_DIR" && timeout 600 npm install "onnxruntime-node@$ORT_VERSION" \
            --ignore-scripts --no-audit --no-fund >"$ORT_DIR/npm.log" 2>&1); then
      echo "note: npm install onnxruntime-node failed (see $ORT_DIR/npm.log); ONNX Runtime column skipped" >&2
      ORT=0
    fi
  fi
  if [ "$ORT" = 1 ] && ! $PY -c 'import onnx' 2>/dev/null; then
    echo "note: $PY cannot import onnx (apt-get install python3-onnx); ONNX Runtime column skipped" >&2
    ORT=0
  fi
fi

# The first 256 Fashion-MNIST test images, pixels / 255, raw float32.
$PY - "$TMP/x256.f32" <<EOF
import sys
sys.path.insert(0, "$ROOT/scripts")
import numpy as np, qatref as R
x, _ = R.load_fmnist("test", 0, 256)
np.ascontiguousarray(x, dtype=np.float32).tofile(sys.argv[1])
EOF

int8_model() {  # $1 = m1|c1: writes $TMP/$1.int8.mlir (batch 64)
  local m=$1
  if [ "$m" = m1 ] && [ -f "$M1_INT8" ]; then
    echo "== M1 int8 model: $M1_INT8" >&2
    cp "$M1_INT8" "$TMP/m1.int8.mlir"
    return
  fi
  echo "== $m int8 model: fuse + prepare (x86), qat-run train --max-steps=$STEPS, convert" >&2
  run_retry "$BIN/qat-opt" "$ROOT/examples/$m.mlir" --qat-fuse --qat-prepare="preset=x86" \
    -o "$TMP/$m.prep.mlir"
  run_retry $PIN "$BIN/qat-run" train "$TMP/$m.prep.mlir" --data=fashion-mnist --epochs=1 \
    --max-steps="$STEPS" --max-eval=1000 --lr=0.01 --momentum=0.9 --seed=0 \
    -o "$TMP/$m.qat.mlir" | grep '^epoch' >&2
  run_retry "$BIN/qat-opt" "$TMP/$m.qat.mlir" --qat-convert -o "$TMP/$m.int8.mlir"
}

HAVE_BATCH=0
"$BIN/qat-compile" --help | grep -q -- '--batch' && HAVE_BATCH=1
if [ "$THREADS" != 1 ]; then
  "$BIN/qat-compile" --help | grep -q -- '--threads' ||
    { echo "$BIN/qat-compile has no --threads; only --threads 1 can be measured" >&2; exit 2; }
  omp_link_check
fi
# Without qat-compile --batch: re-specialize the batch in the text: the
# leading dimension of every activation type (f32 or u8 quantized; weights
# are i8/i32 and keep theirs).
rebatch() {  # $1 in, $2 out, $3 batch
  $PY - "$1" "$2" "$3" <<'EOF'
import re, sys
src, dst, b = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(src).read()
old = re.search(r"func\.func @forward\(%\w+: tensor<(\d+)x", text).group(1)
pat = re.compile(r"tensor<%sx((?:\d+x)*)(f32>|!quant\.uniform<u8)" % old)
open(dst, "w").write(pat.sub(lambda m: "tensor<%sx%s%s" % (b, m.group(1), m.group(2)), text))
EOF
}


# compile_driver M B N DIR: our model M at batch B, split over N threads,
# and its driver, in DIR.
compile_driver() {
  local m=$1 b=$2 n=$3 d=$4 thr=() omp=()
  mkdir -p "$d"
  [ "$n" = 1 ] || { thr=(--threads="$n"); omp=(-L"$OMP_LIBDIR" -lomp -Wl,-rpath,"$OMP_LIBDIR"); }
  if [ "$HAVE_BATCH" = 1 ]; then
    run_retry "$BIN/qat-compile" "$TMP/$m.int8.mlir" --batch "$b" --isa="$ISA" \
      "${thr[@]}" -o "$d/model.o" --header "$d/model.h" --name model --time >&2
  else
    rebatch "$TMP/$m.int8.mlir" "$d/model.mlir" "$b"
    run_retry "$BIN/qat-compile" "$d/model.mlir" --isa="$ISA" \
      "${thr[@]}" -o "$d/model.o" --header "$d/model.h" --name model --time >&2
  fi
  cc -O2 -std=c99 -I"$d" "$ROOT/bench/int8_model_driver.c" "$d/model.o" -lm "${omp[@]}" -o "$d/driver"
}

# Keyed by model.batch.threads (the peers' JSON by model.threads).
declare -A OURS OURST TORCH_OD TORCH_QN ORT_T CHECK
for m in $MODELS; do
  int8_model "$m"
  # 1 thread: batch 1, 64 (the reference of the check) and 256; N threads:
  # batch 1 and 256.
  for b in 1 64 256; do compile_driver "$m" "$b" 1 "$TMP/$m.b$b"; done
  for n in $THREADS; do
    [ "$n" = 1 ] || for b in 1 256; do compile_driver "$m" "$b" "$n" "$TMP/$m.b$b.t$n"; done
  done
  [ "$HAVE_BATCH" = 1 ] || echo "note: qat-compile has no --batch; batch re-specialized textually (activation types)" >&2
  # Same outputs for the same images at every batch size and thread count.
  "$TMP/$m.b64/driver" "$TMP/x256.f32" 1 "$TMP/$m.out64" >/dev/null
  CHECK[$m]="outputs of 256 images identical at batch 1, 64, 256$([ "$THREADS" = 1 ] || echo " and at ${THREADS// /, } threads")"
  if [ "$ORT" = 1 ]; then $PY "$ROOT/bench/int8_model_onnx.py" "$TMP/$m.int8.mlir" -o "$TMP/$m.onnx" >&2; fi
  for n in $THREADS; do
    pin="taskset -c $(cores "$n")"
    for b in 1 256; do
      d=$TMP/$m.b$b$([ "$n" = 1 ] || echo ".t$n")
      r=${RUNS:-$([ $b = 1 ] && echo 1000 || echo 100)}
      echo "== ours $m batch $b, $n thread(s): $pin driver ($r runs)" >&2
      OURS[$m.$b.$n]=$($pin "$d/driver" "$TMP/x256.f32" "$r" "$TMP/$m.out$b.t$n")
      OURST[$m.$b.$n]=$(GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967295 \
        $pin "$d/driver" "$TMP/x256.f32" "$r")
      cmp -s "$TMP/$m.out$b.t$n" "$TMP/$m.out64" ||
        CHECK[$m]="OUTPUTS DIFFER between batch $b, $n thread(s) and batch 64, 1 thread (WRONG)"
    done
    if [ "$TORCH" = 1 ]; then
      echo "== torch $m, $n thread(s): OPENBLAS_NUM_THREADS=$n $pin $PY bench/int8_model_torch.py time --threads $n (x86 qconfig/onednn, qnnpack)" >&2
      TORCH_OD[$m.$n]=$(OPENBLAS_NUM_THREADS=$n $pin $PY "$ROOT/bench/int8_model_torch.py" time --model "$m" \
        --input "$TMP/x256.f32" --qconfig x86 --threads "$n" ${RUNS:+--runs $RUNS} | tail -1)
      TORCH_QN[$m.$n]=$(OPENBLAS_NUM_THREADS=$n $pin $PY "$ROOT/bench/int8_model_torch.py" time --model "$m" \
        --input "$TMP/x256.f32" --qconfig qnnpack --threads "$n" ${RUNS:+--runs $RUNS} | tail -1)
    fi
    if [ "$ORT" = 1 ]; then
      echo "== ort $m, $n thread(s): $pin node bench/int8_model_ort.js $m.onnx --threads $n" >&2
      if ! ORT_T[$m.$n]=$(NODE_PATH="$ORT_DIR/node_modules" $pin node "$ROOT/bench/int8_model_ort.js" \
          "$TMP/$m.onnx" "$TMP/x256.f32" ${RUNS:+--runs $RUNS} --threads "$n" \
          --optimized "$TMP/$m.ort-opt.onnx" 2>"$TMP/ort.log"); then
        echo "note: ONNX Runtime failed on $m ($n thread(s)): $(tail -3 "$TMP/ort.log")" >&2
        ORT_T[$m.$n]=
      else
        echo "   ORT's optimized graph: $($PY -c 'import onnx,sys; print(" ".join(n.op_type for n in onnx.load(sys.argv[1]).graph.node))' "$TMP/$m.ort-opt.onnx")" >&2
      fi
    fi
  done
done

# Table. Latency in us (median [min]); throughput img/s = 256 / time (median
# [best]); ratio = peer time / our time (> 1: we are faster), our float entry;
# with several thread counts, a row per count and scaling = time at 1 thread
# / time at N (median) for ours and each peer.
$PY - <<EOF
import json
models = "$MODELS".split()
threads = [int(n) for n in "$THREADS".split()]
def parse_ours(s):
    v = [float(t) for t in s.split()]
    return (v[0], v[1]), (v[2], v[3])
def parse_peer(s, b):
    if not s:
        return None
    d = json.loads(s)["batch"][str(b)]
    return (d["median_us"], d["min_us"])
raw = {
$(for m in $MODELS; do for b in 1 256; do for n in $THREADS; do
  echo "  ('$m', $b, $n): dict(ours=\"${OURS[$m.$b.$n]}\", tun=\"${OURST[$m.$b.$n]}\", ort='${ORT_T[$m.$n]:-}', tod='${TORCH_OD[$m.$n]:-}', tqn='${TORCH_QN[$m.$n]:-}'),"
done; done; done)
}
checks = {
$(for m in $MODELS; do echo "  '$m': \"${CHECK[$m]}\","; done)
}
def cell(t, b):
    if t is None:
        return "not measured"
    if b == 1:
        return "%.1f [%.1f] us" % t
    return "%.1fk [%.1fk] img/s" % (256e3 / t[0], 256e3 / t[1])
def ratio(p, o):
    return "-" if p is None or o is None else "%.2fx" % (p[0] / o[0])
def row(m, b, n):
    r = raw[(m, b, n)]
    of, oq = parse_ours(r["ours"])
    tf, _ = parse_ours(r["tun"])
    ort = parse_peer(r["ort"], b)
    tod = parse_peer(r["tod"], b)
    tqn = parse_peer(r["tqn"], b)
    tb = min([t for t in (tod, tqn) if t], default=None, key=lambda t: t[0])
    return dict(of=of, oq=oq, tf=tf, ort=ort, tod=tod, tqn=tqn, tb=tb)
def goal_ort(x, b):
    goal = 2.0 if b == 1 else 1.2
    if x["ort"] is None:
        return "-"
    return ("met" if x["ort"][0] / x["of"][0] >= goal else "not met") + " (>= %.1fx)" % goal
def show(hdr, rows):
    w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
    for x in [hdr] + rows:
        print(" | ".join(c.ljust(w[i]) for i, c in enumerate(x)))
print()
if threads == [1]:
    print("int8 inference, 1 thread (taskset -c $CPU), ours: qat-compile --isa=$ISA; batch 1: latency median [min]; batch 256: throughput from the median [best] call")
else:
    print("int8 inference, N threads on N cores ($(pins_desc "$THREADS")), ours: qat-compile --isa=$ISA --threads N; batch 1: latency median [min]; batch 256: throughput from the median [best] call")
print("$(host_line)")
print("ratios: peer time / our time (float entry), > 1: we are faster; goals vs ONNX Runtime: >= 2x at batch 1, >= 1.2x at batch 256")
hdr = ["model", "batch", "ours (float in/out)", "ours (u8 entry)", "ours, malloc tuned*", "ONNX Runtime", "torch onednn", "torch qnnpack", "ORT/ours", "torch best/ours", "goal vs ORT"]
rows = []
if threads == [1]:
    for m in models:
        for b in (1, 256):
            x = row(m, b, 1)
            rows.append([m.upper(), str(b), cell(x["of"], b), cell(x["oq"], b), cell(x["tf"], b), cell(x["ort"], b), cell(x["tod"], b), cell(x["tqn"], b), ratio(x["ort"], x["of"]), ratio(x["tb"], x["of"]), goal_ort(x, b)])
else:
    print("scaling: time at 1 thread / time at N (median; > 1: N threads are faster); goals at 2 threads: >= 1.8x at batch 256, >= 1.0x at batch 1 (latency no worse)")
    hdr[2:2] = ["threads"]
    hdr += ["scaling ours", "scaling ORT", "scaling torch onednn/qnnpack", "goal scaling"]
    for m in models:
        for b in (1, 256):
            base = row(m, b, 1) if 1 in threads else None
            for n in threads:
                x = row(m, b, n)
                sc = lambda k: "-" if base is None else ratio(base[k], x[k])
                gs = "-"
                if n == 2 and base is not None:
                    goal = 1.0 if b == 1 else 1.8
                    gs = ("met" if base["of"][0] / x["of"][0] >= goal else "not met") + " (>= %.1fx)" % goal
                rows.append([m.upper(), str(b), str(n), cell(x["of"], b), cell(x["oq"], b), cell(x["tf"], b), cell(x["ort"], b), cell(x["tod"], b), cell(x["tqn"], b), ratio(x["ort"], x["of"]), ratio(x["tb"], x["of"]), goal_ort(x, b), sc("of"), sc("ort"), sc("tod") + "/" + sc("tqn"), gs])
show(hdr, rows)
print("* ours with GLIBC_TUNABLES=glibc.malloc.mmap_threshold=1073741824:glibc.malloc.trim_threshold=4294967295 (temporaries reuse the heap instead of a fresh mmap per call); diagnostic only")
for m in models:
    print("check %s: %s" % (m.upper(), checks[m]))
EOF

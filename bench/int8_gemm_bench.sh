#!/bin/bash
# G1/G2/G3 (bench/README.md): int8 GEMM u8 x s8 with the requant to
# u8 fused, qat-compile'd, vs oneDNN 2.6's matmul (u8 x s8 -> u8 with
# per-channel output scales, src/dst zero points, s32 bias; weights
# pre-packed), side by side in one process, at each thread count of
# --threads (default 1).
#   G1 M=N=K=1024, G2 M=1 K=4096 N=4096 (hot and cold), G3 M=128 K=768 N=3072
#
# Steps: bench/int8_gemm_gen.py writes one-qlinear models (vnni types: u8
# activations zp 128, int8 per-channel symmetric weights, int32 bias, u8
# output); qat-compile --isa=$ISA compiles each to an object; g++ links them
# with bench/int8_gemm_bench.cpp and -ldnnl; the program checks ours
# bit-exactly against docs/numerics.md's scalar reference, measures the vpdpbusd
# limit and a 16 MiB read bandwidth, then times both (median and min of
# --runs interleaved calls after warm-up) under `taskset -c $CPU`.
# N threads (N > 1): the objects are compiled with qat-compile --threads N
# and linked with LLVM's libomp, oneDNN gets N threads (omp_set_num_threads),
# and the program runs on N cores (`taskset -c C..C+N-1`); one program per
# thread count, then a table of both sides' scaling (time at 1 thread / at N).
#
# Usage: bench/int8_gemm_bench.sh [--runs N] [--cpu C] [--isa avx512vnni|...]
#          [--threads "1 2"] [--cases g1,g2,g3] [--onednn-isa vnni|native|both]
#          [--onednn-omp libomp|libgomp] [--no-cold] [--keep DIR]
#   --onednn-isa: vnni (default) caps oneDNN at avx512_core_vnni, the
#     vpdpbusd instruction our kernel uses (bench/README.md's G1-G3 peer);
#     native lets it use AMX where the CPU has it; both runs twice.
#   --onednn-omp (N > 1): Debian's oneDNN is built on GNU OpenMP (libgomp).
#     libomp (default): the program links libomp first, which also serves
#     libgomp's ABI, so both sides share one OpenMP runtime and its threads.
#     libgomp: oneDNN stays on libgomp (linked before libomp), two runtimes
#     alternate, both with OMP_WAIT_POLICY=passive (bench/README.md#threads).
# Needs libdnnl-dev (oneDNN 2.6.3, a benchmark-only dependency): installed
# with apt-get if missing.
set -euo pipefail

source "$(dirname "$0")/common.sh"
RUNS=50
CPU=0
THREADS=1
DNNL_OMP=libomp
ISA=avx512vnni
CASES=g1,g2,g3
DNNL_ISA=vnni
COLD=
KEEP=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift ;;
    --cpu) CPU=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --onednn-omp) DNNL_OMP=$2; shift ;;
    --isa) ISA=$2; shift ;;
    --cases) CASES=$2; shift ;;
    --onednn-isa) DNNL_ISA=$2; shift ;;
    --no-cold) COLD=--no-cold ;;
    --keep) KEEP=$2; shift ;;
    -h|--help) sed -n '2,33p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
threads_check "$THREADS"
omp_defaults
case "$DNNL_ISA" in
  vnni|native) ISAS=$DNNL_ISA ;;
  both) ISAS="vnni native" ;;
  *) echo "--onednn-isa vnni|native|both" >&2; exit 2 ;;
esac
case "$DNNL_OMP" in
  libomp|libgomp) ;;
  *) echo "--onednn-omp libomp|libgomp" >&2; exit 2 ;;
esac
if [ "$THREADS" != 1 ]; then
  "$BIN/qat-compile" --help | grep -q -- '--threads' ||
    { echo "$BIN/qat-compile has no --threads; only --threads 1 can be measured" >&2; exit 2; }
  omp_link_check
fi

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
done
# Per thread count N, in $TMP/tN: the objects (qat-compile --threads N) and
# the program. N > 1 links libomp. With --onednn-omp libgomp, GCC's libgomp
# comes first (kept although nothing references it by name), named by its
# file: LLVM's lib directory has a libgomp.so.1 that is libomp (a drop-in),
# so neither -lgomp nor the runpath may find it there (the runpath names
# libomp's real directory instead).
for n in $THREADS; do
  mkdir -p "$TMP/t$n"
  thr=(); omp=()
  if [ "$n" != 1 ]; then
    thr=(--threads="$n")
    if [ "$DNNL_OMP" = libomp ]; then
      omp=(-L"$OMP_LIBDIR" -lomp -Wl,-rpath,"$OMP_LIBDIR")
    else
      omp=(-Wl,--push-state,--no-as-needed "$(readlink -f "$(g++ -print-file-name=libgomp.so)")"
           -Wl,--pop-state "$(readlink -f "$OMP_LIBDIR/libomp.so")"
           -Wl,-rpath,"$(dirname "$(readlink -f "$OMP_LIBDIR/libomp.so")")")
    fi
  fi
  for c in g1 g2 g3; do
    echo "== qat-compile $c.mlir --isa=$ISA --name $c${thr[*]:+ ${thr[*]}}" >&2
    run_retry "$BIN/qat-compile" "$TMP/$c.mlir" -o "$TMP/t$n/$c.o" --header "$TMP/t$n/$c.h" \
      --name "$c" --isa="$ISA" "${thr[@]}" --time >&2
  done
  echo "== g++ -O2 bench/int8_gemm_bench.cpp g1.o g2.o g3.o -ldnnl${omp[*]:+ ${omp[*]}}" >&2
  g++ -O2 -std=c++17 -ffp-contract=off -I"$TMP/t$n" "$ROOT/bench/int8_gemm_bench.cpp" \
    "$TMP/t$n/g1.o" "$TMP/t$n/g2.o" "$TMP/t$n/g3.o" -ldnnl "${omp[@]}" -o "$TMP/t$n/int8_gemm_bench"
done

rc=0
for n in $THREADS; do
  # Two runtimes alternating in one process: each releases its cores when
  # its parallel region ends (bench/README.md#threads).
  wait=()
  if [ "$n" != 1 ] && [ "$DNNL_OMP" = libgomp ]; then wait=(env OMP_WAIT_POLICY=passive); fi
  for di in $ISAS; do
    args=(--dir "$TMP" --runs "$RUNS" --cases "$CASES" --onednn-isa "$di" $COLD)
    shown="--runs $RUNS --cases $CASES --onednn-isa $di $COLD"
    ours="--isa=$ISA"
    if [ "$THREADS" != 1 ]; then
      args+=(--threads "$n" --json "$TMP/t$n/$di.json")
      shown+=" --threads $n"; ours+=" --threads=$n"
    fi
    echo
    echo "== ${wait[*]}${wait[*]:+ }taskset -c $(cores "$n") int8_gemm_bench $shown (ours: qat-compile $ours)"
    "${wait[@]}" taskset -c "$(cores "$n")" "$TMP/t$n/int8_gemm_bench" "${args[@]}" || rc=$?
  done
done
if [ "$THREADS" = 1 ]; then exit $rc; fi

# Scaling: per oneDNN ISA, case and thread count, both sides' median time
# (and GOPS), the ratio, and time at 1 thread / time at N.
echo
echo "int8 GEMM at each thread count: N threads on N cores ($(pins_desc "$THREADS")); oneDNN's OpenMP runtime for N > 1: $DNNL_OMP$([ "$DNNL_OMP" = libomp ] || echo ", OMP_WAIT_POLICY=passive")"
host_line
$PY - "$TMP" "$THREADS" "$ISAS" <<'EOF'
import json, os, sys
tmp, threads, isas = sys.argv[1], [int(n) for n in sys.argv[2].split()], sys.argv[3].split()
print("median [min] per call; GOPS = 2*M*N*K / median time; ratio = ours/oneDNN speed (>= 1: ours is as fast or faster), of the medians [of the mins];")
print("scaling = time at 1 thread / at N (> 1: N threads are faster), of the medians [of the mins]; goals at 2 threads (medians): G1 scaling >= 1.9x, G1/G3 ratio >= 1.0x")
def us(t):
    return "%.0f [%.0f] us" % (1e6 * t[0], 1e6 * t[1])
for isa in isas:
    res = {}
    for n in threads:
        path = os.path.join(tmp, "t%d" % n, "%s.json" % isa)
        if os.path.exists(path):
            for r in json.load(open(path))["rows"]:
                res[(r["case"], n)] = r
    cases = []
    for (c, _) in res:
        if c not in cases:
            cases.append(c)
    print("\noneDNN ISA: %s" % ("avx512_core_vnni" if isa == "vnni" else "native"))
    hdr = ["case", "threads", "ours", "ours GOPS", "oneDNN", "oneDNN GOPS", "ratio", "scaling ours", "scaling oneDNN", "goal"]
    rows = []
    for c in cases:
        for n in threads:
            r = res.get((c, n))
            if r is None:
                rows.append([c, str(n), "not measured"] + ["-"] * 7)
                continue
            ops = 2.0 * r["m"] * r["n"] * r["k"] / 1e9
            o, d = r["ours"], r["onednn"]
            base = res.get((c, 1))
            both = lambda a, b: "%.2fx [%.2fx]" % (a[0] / b[0], a[1] / b[1])
            so = "-" if base is None else both(base["ours"], o)
            sd = "-" if base is None else both(base["onednn"], d)
            goal = []
            if n == 2 and c in ("g1", "g3"):
                goal.append("ratio >= 1.0x: " + ("met" if d[0] / o[0] >= 1.0 else "not met"))
            if n == 2 and c == "g1" and base is not None:
                goal.append("scaling >= 1.9x: " + ("met" if base["ours"][0] / o[0] >= 1.9 else "not met"))
            rows.append([c, str(n), us(o), "%.0f" % (ops / o[0]), us(d), "%.0f" % (ops / d[0]),
                         both(d, o), so, sd, ", ".join(goal) or "-"])
    w = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
    for x in [hdr] + rows:
        print(" | ".join(v.ljust(w[i]) for i, v in enumerate(x)))
EOF
exit $rc

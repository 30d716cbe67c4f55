# Sourced by the bench/*.sh scripts: the paths, peers and helpers they share.
# Sets ROOT, BIN (QAT_BIN, else $QAT_BUILD_DIR/bin, else build/bin) and PY.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${QAT_BIN:-$ROOT/${QAT_BUILD_DIR:-build}/bin}
PY=/usr/bin/python3

# bench_tmpdir NAME [KEEP]: sets TMP to KEEP (kept) or to a fresh directory
# that is removed when the script exits.
bench_tmpdir() {
  if [ -n "${2:-}" ]; then
    TMP=$2; mkdir -p "$TMP"
  else
    TMP=$(mktemp -d "/tmp/$1.XXXXXX")
    trap 'rm -rf "$TMP"' EXIT
  fi
}

# torch_or_skip WHAT: when TORCH=1 but python3 cannot import torch, says so
# (WHAT names the rows or columns left out) and sets TORCH=0.
torch_or_skip() {
  if [ "$TORCH" = 1 ] && ! $PY -c 'import torch' 2>/dev/null; then
    echo "note: $PY cannot import torch; PyTorch $1 skipped" >&2
    TORCH=0
  fi
}

# run_retry CMD...: the binaries may be relinked while a benchmark runs.
run_retry() {
  local i
  for i in 1 2 3; do
    if "$@"; then return 0; fi
    echo "retrying ($i): $*" >&2; sleep 5
  done
  return 1
}

# median V...: prints "median min".
median() {
  $PY -c 'import sys,statistics as s; v=[float(a) for a in sys.argv[1:]]; print("%.3f %.3f" % (s.median(v), min(v)))' "$@"
}

# threads_check LIST: a --threads list ("1 2"): positive integers, each
# pinnable to the cores $CPU .. $CPU+N-1 (exits with a message otherwise).
threads_check() {
  local n
  [ -n "${1// /}" ] || { echo "--threads: empty list" >&2; exit 2; }
  for n in $1; do
    if ! [[ "$n" =~ ^[1-9][0-9]*$ ]]; then
      echo "--threads: '$n' is not a positive integer (list: '$1')" >&2; exit 2
    fi
    if ! taskset -c "$(cores "$n")" true 2>/dev/null; then
      echo "--threads: $n thread(s) from --cpu $CPU need cores $(cores "$n"), which this process cannot use (nproc: $(nproc))" >&2
      exit 2
    fi
  done
}

# cores N: the taskset core list of a run with N threads: one core per
# thread, $CPU .. $CPU+N-1.
cores() {
  if [ "$1" = 1 ]; then echo "$CPU"; else echo "$CPU-$((CPU + $1 - 1))"; fi
}

# Threading runtimes (bench/README.md#threads): every side runs with its
# runtime's default wait policy (libomp: a worker spins KMP_BLOCKTIME =
# 200 ms after a parallel region before it sleeps; libgomp: ~300k spins;
# ONNX Runtime and OpenBLAS: their own pools' spinning). Each benchmark
# process runs one side on the cores it is pinned to, so the spinning takes
# nothing from the other side; where both sides share one process
# (int8_gemm_bench) they share one OpenMP runtime. A caller's settings
# would change one side only, so they are cleared.
omp_defaults() {
  unset OMP_WAIT_POLICY KMP_BLOCKTIME KMP_LIBRARY GOMP_SPINCOUNT OMP_NUM_THREADS \
    OMP_DYNAMIC OMP_PROC_BIND OMP_PLACES KMP_AFFINITY GOMP_CPU_AFFINITY \
    OMP_THREAD_LIMIT OPENBLAS_NUM_THREADS MKL_NUM_THREADS
}

# host_line: the CPU model and LLVM's name for the host CPU, printed
# beside every table (/proc/cpuinfo's model may be masked in a VM).
host_line() {
  local model llvm
  model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
  llvm=$(llc-22 --version 2>/dev/null | sed -n 's/^ *Host CPU: //p')
  echo "CPU: ${model:-unknown} ($(nproc) cores here); LLVM host CPU: ${llvm:-unknown (no llc-22)}"
}

# scaling T1 TN: "T1/TN" as "1.85x", or "-" when either is missing.
scaling() {
  if [ "$1" = - ] || [ "$2" = - ] || [ -z "$1" ] || [ -z "$2" ]; then echo -; else
    $PY -c "print('%.2fx' % ($1 / $2))"; fi
}

# pins_desc LIST: "taskset -c 0 (1 thread), 0-1 (2 threads)" for a --threads list.
pins_desc() {
  local n out=""
  for n in $1; do out+="${out:+, }$(cores "$n") ($n thread$([ "$n" = 1 ] || echo s))"; done
  echo "taskset -c $out"
}

# LLVM's OpenMP runtime, which a `qat-compile --threads N` object (N > 1)
# calls (its header names the link line).
OMP_LIBDIR=${QAT_OMP_LIBDIR:-/usr/lib/llvm-22/lib}
omp_link_check() {
  if [ ! -e "$OMP_LIBDIR/libomp.so" ]; then
    echo "no $OMP_LIBDIR/libomp.so: threaded builds need libomp-22-dev (scripts/setup.sh) or QAT_OMP_LIBDIR" >&2
    exit 2
  fi
}

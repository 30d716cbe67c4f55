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

#!/bin/bash
# A1/A2 (bench/README.md): float 3 epochs, then QAT 2 epochs
# (SGD lr 0.01 momentum 0.9, batch 64), test accuracy of M1 (A1) / C1 (A2),
# ours and PyTorch's side by side.
#
# Ours:  qat-run train MODEL --epochs=3                       (float)
#        qat-opt --qat-fuse --qat-prepare="preset=x86"
#        qat-run train --epochs=2 --reset-optimizer           (QAT)
#        qat-run eval                                         (fake-quant)
#        qat-opt --qat-convert; qat-run eval                  (int8)
#   Where qat-convert cannot convert a model the int8 column says so.
# Peer:  bench/torch_qat.py accuracy (x86 qconfig, int8 via convert on the
#        onednn engine) if /usr/bin/python3 can import torch.
#
# One run is one draw of a chaotic process (fake-quant rounding and max-pool
# ties turn float-rounding differences into different trajectories): on C1
# the int8 accuracy of one seed spreads by ~0.35 points (standard
# deviation). --seeds runs several and prints each side's mean with its
# standard error and the difference of the means.
#
# Usage: bench/accuracy_bench.sh [--a2 | --both] [--seed S | --seeds "S..."]
#          [--cpu C] [--no-torch] [--max-steps K]   (quick smoke run)
#   Default: A1 only, seed 0. A2 takes longer (5 C1 epochs: ~2 min ours,
#   ~5 min PyTorch, per seed).
set -euo pipefail

source "$(dirname "$0")/common.sh"
MODELS=m1
SEEDS=0
CPU=0
TORCH=1
MAXSTEPS=
while [ $# -gt 0 ]; do
  case "$1" in
    --a2) MODELS=c1 ;;
    --both) MODELS="m1 c1" ;;
    --seed|--seeds) SEEDS=$2; shift ;;
    --cpu) CPU=$2; shift ;;
    --no-torch) TORCH=0 ;;
    --max-steps) MAXSTEPS=$2; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
torch_or_skip column

bench_tmpdir accuracy_bench
PIN="taskset -c $CPU"
STEPS_ARG=${MAXSTEPS:+--max-steps=$MAXSTEPS}

acc_of() { sed -n 's/.*accuracy \([0-9.]*\)%.*/\1/p' | tail -1; }

declare -A OF OQ OI TF TQ TI
for m in $MODELS; do
  for s in $SEEDS; do
    TRAIN="--lr=0.01 --momentum=0.9 --seed=$s $STEPS_ARG"
    k=$m.$s
    echo "== ours $m seed $s: float 3 epochs" >&2
    run_retry $PIN "$BIN/qat-run" train "$ROOT/examples/$m.mlir" --epochs=3 $TRAIN \
      --metrics="$TMP/$k.float.jsonl" -o "$TMP/$k.float.mlir" 2>/dev/null | grep '^epoch' >&2
    OF[$k]=$($PIN "$BIN/qat-run" eval "$TMP/$k.float.mlir" 2>/dev/null | acc_of)
    echo "== ours $m seed $s: prepare x86, QAT 2 epochs --reset-optimizer" >&2
    run_retry "$BIN/qat-opt" "$TMP/$k.float.mlir" --qat-fuse --qat-prepare="preset=x86" -o "$TMP/$k.prep.mlir"
    run_retry $PIN "$BIN/qat-run" train "$TMP/$k.prep.mlir" --epochs=2 --reset-optimizer $TRAIN \
      --metrics="$TMP/$k.qat.jsonl" -o "$TMP/$k.qat.mlir" 2>/dev/null | grep '^epoch' >&2
    OQ[$k]=$($PIN "$BIN/qat-run" eval "$TMP/$k.qat.mlir" 2>/dev/null | acc_of)
    if "$BIN/qat-opt" "$TMP/$k.qat.mlir" --qat-convert -o "$TMP/$k.int8.mlir" 2>/dev/null; then
      OI[$k]=$($PIN "$BIN/qat-run" eval "$TMP/$k.int8.mlir" 2>/dev/null | acc_of)
    else
      OI[$k]="n/a"
    fi
    if [ "$TORCH" = 1 ]; then
      echo "== torch $m seed $s: $PIN $PY bench/torch_qat.py accuracy --model $m --qconfig x86 --seed $s ${MAXSTEPS:+--max-steps $MAXSTEPS}" >&2
      out=$($PIN $PY "$ROOT/bench/torch_qat.py" accuracy --model "$m" --qconfig x86 --seed "$s" ${MAXSTEPS:+--max-steps $MAXSTEPS})
      echo "$out" | head -n -1 >&2
      read -r TF[$k] TQ[$k] TI[$k] < <(echo "$out" | tail -1 | $PY -c 'import json,sys; d=json.load(sys.stdin); print(*["%.2f" % (100*d[k]) for k in ("float","fake_quant","int8")])')
    else
      TF[$k]=-; TQ[$k]=-; TI[$k]=-
    fi
  done
done

echo
echo "Float 3 epochs + QAT 2 epochs (x86), test accuracy %${MAXSTEPS:+, ONLY $MAXSTEPS steps/epoch (smoke run)}"
printf "%-4s | %-4s | %-10s | %-15s | %-10s | %-11s | %-16s | %-10s | %s\n" id seed "ours float" "ours fake-quant" "ours int8" "torch float" "torch fake-quant" "torch int8" "ours int8 - torch int8"
for m in $MODELS; do
  id=A1; [ "$m" = c1 ] && id=A2
  for s in $SEEDS; do
    k=$m.$s
    d=$({ [ "${TI[$k]}" = - ] || [ "${OI[$k]}" = n/a ]; } && echo - || $PY -c "print('%+.2f' % (${OI[$k]} - ${TI[$k]}))")
    printf "%-4s | %-4s | %-10s | %-15s | %-10s | %-11s | %-16s | %-10s | %s\n" "$id" "$s" "${OF[$k]}" "${OQ[$k]}" "${OI[$k]}" "${TF[$k]}" "${TQ[$k]}" "${TI[$k]}" "$d"
  done
  set -- $SEEDS
  if [ $# -gt 1 ]; then
    ours=""; theirs=""
    for s in $SEEDS; do ours="$ours ${OI[$m.$s]}"; theirs="$theirs ${TI[$m.$s]}"; done
    $PY - "$id" "$ours" "$theirs" <<'PYEOF'
import math, statistics as st, sys
def stats(vals):
    v = [float(x) for x in vals.split() if x not in ("-", "n/a")]
    if len(v) < 2:
        return None
    return st.mean(v), st.stdev(v) / math.sqrt(len(v)), len(v)
o, t = stats(sys.argv[2]), stats(sys.argv[3])
line = "%s int8 over seeds: ours %.2f +- %.2f (n=%d)" % ((sys.argv[1],) + o) if o else ""
if t:
    line += ", torch %.2f +- %.2f (n=%d)" % t
    line += "; ours - torch %+.2f +- %.2f (mean +- standard error)" % (
        o[0] - t[0], math.hypot(o[1], t[1]))
print(line)
PYEOF
  fi
done
for m in $MODELS; do
  for s in $SEEDS; do
    [ "${OI[$m.$s]}" = n/a ] && echo "n/a ($m, seed $s): qat-convert could not convert the trained model (its error is above)."
  done
done
echo "  Goal: int8 >= PyTorch's int8 on this recipe, and within 0.3 points of our own float."

#!/bin/bash
# A1/A2 (../shared/BENCHMARKS.md): float 3 epochs, then QAT 2 epochs
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
# Usage: bench/accuracy_bench.sh [--a2 | --both] [--seed S] [--cpu C]
#          [--no-torch] [--max-steps K]   (quick smoke run)
#   Default: A1 only. A2 takes longer (5 C1 epochs, about a minute each).
set -euo pipefail

source "$(dirname "$0")/common.sh"
MODELS=m1
SEED=0
CPU=0
TORCH=1
MAXSTEPS=
while [ $# -gt 0 ]; do
  case "$1" in
    --a2) MODELS=c1 ;;
    --both) MODELS="m1 c1" ;;
    --seed) SEED=$2; shift ;;
    --cpu) CPU=$2; shift ;;
    --no-torch) TORCH=0 ;;
    --max-steps) MAXSTEPS=$2; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
torch_or_skip column

bench_tmpdir accuracy_bench
PIN="taskset -c $CPU"
STEPS_ARG=${MAXSTEPS:+--max-steps=$MAXSTEPS}
TRAIN="--lr=0.01 --momentum=0.9 --seed=$SEED $STEPS_ARG"

acc_of() { sed -n 's/.*accuracy \([0-9.]*\)%.*/\1/p' | tail -1; }

declare -A OF OQ OI TF TQ TI
for m in $MODELS; do
  echo "== ours $m: float 3 epochs" >&2
  run_retry $PIN "$BIN/qat-run" train "$ROOT/examples/$m.mlir" --epochs=3 $TRAIN \
    --metrics="$TMP/$m.float.jsonl" -o "$TMP/$m.float.mlir" 2>/dev/null | grep '^epoch' >&2
  OF[$m]=$($PIN "$BIN/qat-run" eval "$TMP/$m.float.mlir" 2>/dev/null | acc_of)
  echo "== ours $m: prepare x86, QAT 2 epochs --reset-optimizer" >&2
  run_retry "$BIN/qat-opt" "$TMP/$m.float.mlir" --qat-fuse --qat-prepare="preset=x86" -o "$TMP/$m.prep.mlir"
  run_retry $PIN "$BIN/qat-run" train "$TMP/$m.prep.mlir" --epochs=2 --reset-optimizer $TRAIN \
    --metrics="$TMP/$m.qat.jsonl" -o "$TMP/$m.qat.mlir" 2>/dev/null | grep '^epoch' >&2
  OQ[$m]=$($PIN "$BIN/qat-run" eval "$TMP/$m.qat.mlir" 2>/dev/null | acc_of)
  if "$BIN/qat-opt" "$TMP/$m.qat.mlir" --qat-convert -o "$TMP/$m.int8.mlir" 2>/dev/null; then
    OI[$m]=$($PIN "$BIN/qat-run" eval "$TMP/$m.int8.mlir" 2>/dev/null | acc_of)
  else
    OI[$m]="n/a"
  fi
  if [ "$TORCH" = 1 ]; then
    echo "== torch $m: $PIN $PY bench/torch_qat.py accuracy --model $m --qconfig x86 --seed $SEED ${MAXSTEPS:+--max-steps $MAXSTEPS}" >&2
    out=$($PIN $PY "$ROOT/bench/torch_qat.py" accuracy --model "$m" --qconfig x86 --seed "$SEED" ${MAXSTEPS:+--max-steps $MAXSTEPS})
    echo "$out" | head -n -1 >&2
    read -r TF[$m] TQ[$m] TI[$m] < <(echo "$out" | tail -1 | $PY -c 'import json,sys; d=json.load(sys.stdin); print(*["%.2f" % (100*d[k]) for k in ("float","fake_quant","int8")])')
  else
    TF[$m]=-; TQ[$m]=-; TI[$m]=-
  fi
done

echo
echo "Float 3 epochs + QAT 2 epochs (x86), test accuracy %, seed $SEED${MAXSTEPS:+, ONLY $MAXSTEPS steps/epoch (smoke run)}"
printf "%-4s | %-10s | %-15s | %-10s | %-11s | %-16s | %-10s | %s\n" id "ours float" "ours fake-quant" "ours int8" "torch float" "torch fake-quant" "torch int8" "ours int8 - torch int8"
for m in $MODELS; do
  id=A1; [ "$m" = c1 ] && id=A2
  d=$({ [ "${TI[$m]}" = - ] || [ "${OI[$m]}" = n/a ]; } && echo - || $PY -c "print('%+.2f' % (${OI[$m]} - ${TI[$m]}))")
  printf "%-4s | %-10s | %-15s | %-10s | %-11s | %-16s | %-10s | %s\n" "$id" "${OF[$m]}" "${OQ[$m]}" "${OI[$m]}" "${TF[$m]}" "${TQ[$m]}" "${TI[$m]}" "$d"
done
for m in $MODELS; do
  [ "${OI[$m]}" = n/a ] && echo "n/a ($m): qat-convert could not convert the trained model (its error is above)."
done
echo "  Goal: int8 >= PyTorch's int8 on this recipe, and within 0.3 points of our own float."

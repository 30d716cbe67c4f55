#!/bin/bash
# Fake-quant vs int8 agreement (docs/numerics.md#fake-quant-eval-equals-int8): after the A1/A2
# recipe (float 3 epochs, prepare x86, QAT 2 epochs --reset-optimizer), each
# side's fake-quant model with observers frozen vs its converted int8 model
# over the 10k Fashion-MNIST test images: output elements compared /
# different, largest difference in output quantization steps (the int8
# model's output scale), argmax agreement.
#
# Ours:  qat-run train MODEL --epochs=3; qat-opt --qat-fuse --qat-prepare=preset=x86
#        qat-run train --epochs=2 --reset-optimizer; qat-opt --qat-convert
#        qat-run compare FQ INT8                     (integer semantics: expect 0 differ)
#        qat-run compare FQ INT8 --float-fake-quant  (the float simulation)
# Peer:  bench/torch_qat.py agreement (x86 qconfig; eval() + disable_observer
#        vs convert on the onednn engine, or --engine)
#
# Usage: bench/agreement_bench.sh [--c1 | --both] [--seed S] [--cpu C]
#          [--engine onednn|qnnpack] [--no-torch] [--max-steps K] (smoke run)
#   Default: M1 only. C1 is slow for us (~6 min per epoch, 5 epochs).
set -euo pipefail

source "$(dirname "$0")/common.sh"
MODELS=m1
SEED=0
CPU=0
TORCH=1
MAXSTEPS=
ENGINE=
while [ $# -gt 0 ]; do
  case "$1" in
    --c1) MODELS=c1 ;;
    --both) MODELS="m1 c1" ;;
    --seed) SEED=$2; shift ;;
    --cpu) CPU=$2; shift ;;
    --engine) ENGINE=$2; shift ;;
    --no-torch) TORCH=0 ;;
    --max-steps) MAXSTEPS=$2; shift ;;
    -h|--help) sed -n '2,18p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
torch_or_skip rows

bench_tmpdir agreement_bench
PIN="taskset -c $CPU"
STEPS_ARG=${MAXSTEPS:+--max-steps=$MAXSTEPS}
TRAIN="--lr=0.01 --momentum=0.9 --seed=$SEED $STEPS_ARG"

# "compared E output elements of R records: D differ, largest difference X
#  (S quantization steps of Q), argmax agreement A/R (P%)" -> "E D S A/R P"
parse_compare() {
  sed -n 's/^compared \([0-9]*\) output elements of \([0-9]*\) records: \([0-9]*\) differ, largest difference [^ ]* (\([^ ]*\) quantization steps of [^)]*), argmax agreement \([0-9]*\/[0-9]*\) (\([0-9.]*\)%).*/\1 \3 \4 \5 \6/p' | tail -1
}

ROWS=()
row() { ROWS+=("$(printf "%-3s | %-44s | %8s | %8s | %9s | %s" "$@")"); }
for m in $MODELS; do
  M=${m^^}
  echo "== ours $m: float 3 epochs" >&2
  run_retry $PIN "$BIN/qat-run" train "$ROOT/examples/$m.mlir" --epochs=3 $TRAIN \
    -o "$TMP/$m.float.mlir" 2>/dev/null | grep '^epoch' >&2
  echo "== ours $m: prepare x86, QAT 2 epochs --reset-optimizer" >&2
  run_retry "$BIN/qat-opt" "$TMP/$m.float.mlir" --qat-fuse --qat-prepare="preset=x86" -o "$TMP/$m.prep.mlir"
  run_retry $PIN "$BIN/qat-run" train "$TMP/$m.prep.mlir" --epochs=2 --reset-optimizer $TRAIN \
    -o "$TMP/$m.qat.mlir" 2>/dev/null | grep '^epoch' >&2
  if "$BIN/qat-opt" "$TMP/$m.qat.mlir" --qat-convert -o "$TMP/$m.int8.mlir" 2>"$TMP/convert.err"; then
    for mode in int float; do
      flag=; what="ours, fake-quant (integer semantics) vs int8"
      [ $mode = float ] && { flag=--float-fake-quant; what="ours, fake-quant (float simulation) vs int8"; }
      echo "== ours $m: qat-run compare qat.mlir int8.mlir $flag" >&2
      out=$($PIN "$BIN/qat-run" compare "$TMP/$m.qat.mlir" "$TMP/$m.int8.mlir" $flag 2>&1)
      echo "$out" | grep '^compared' >&2 || { echo "$out" >&2; exit 1; }
      read -r E D S A P < <(echo "$out" | parse_compare)
      row "$M" "$what" "$E" "$D" "$S" "$A ($P%)"
    done
  else
    echo "qat-convert failed: $(head -3 "$TMP/convert.err")" >&2
    row "$M" "ours (qat-convert failed)" - - - -
  fi
  if [ "$TORCH" = 1 ]; then
    cmd="$PY $ROOT/bench/torch_qat.py agreement --model $m --qconfig x86 --seed $SEED ${ENGINE:+--engine $ENGINE} ${MAXSTEPS:+--max-steps $MAXSTEPS}"
    echo "== torch $m: $PIN $cmd" >&2
    out=$($PIN $cmd)
    echo "$out" | head -n -1 >&2
    read -r E D S A P EN < <(echo "$out" | tail -1 | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["elements"], d["different"], "%.3g" % d["max_steps_diff"], "%d/%d" % (d["argmax_agree"], d["records"]), "%.3f" % d["argmax_agree_pct"], d["engine"])')
    row "$M" "torch, fake-quant (eval) vs convert ($EN)" "$E" "$D" "$S" "$A ($P%)"
  fi
done

echo
echo "Fake-quant (observers frozen) vs int8 on the test set after float 3 + QAT 2 epochs (x86), seed $SEED${MAXSTEPS:+, ONLY $MAXSTEPS steps/epoch (smoke run)}"
printf "%-3s | %-44s | %8s | %8s | %9s | %s\n" id comparison elements differ "max steps" "argmax agreement"
printf "%s\n" "${ROWS[@]}"
echo "max steps: largest |fake-quant - int8| output difference in units of the int8 model's output scale."
echo "  Goal (docs/numerics.md): integer semantics 0 differ; float simulation argmax agreement >= 99.9%."

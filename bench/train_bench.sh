#!/bin/bash
# T1/T2 (bench/README.md): seconds per QAT epoch of M1 / C1 on the
# 60k Fashion-MNIST train set, batch 64, SGD lr 0.01 momentum 0.9, one core.
#
# Ours: qat-opt --qat-fuse --qat-prepare="preset=x86", then
#   qat-run train --epochs=2 --metrics=...; epoch 2's "seconds" is the
#   steady-state figure (epoch 1 pays the warm-up; the JIT compiles
#   before the epoch's clock starts).
# Peer: PyTorch 1.13 eager QAT (bench/torch_qat.py epoch, x86 qconfig, which
#   matches preset=x86) if /usr/bin/python3 can import torch.
# Everything is pinned with `taskset -c $CPU` and runs in this one invocation,
# so the ratio torch/ours (> 1: we are faster) is from one run.
#
# Usage: bench/train_bench.sh [--m1-only | --c1-only] [--repeat N]
#          [--qconfig x86|qnnpack|onednn] [--cpu C] [--no-torch]
#          [--max-steps K]   (quick smoke run; not a T1/T2 figure)
set -euo pipefail

source "$(dirname "$0")/common.sh"
MODELS="m1 c1"
REPEAT=1
QCONFIG=x86
CPU=0
TORCH=1
MAXSTEPS=
while [ $# -gt 0 ]; do
  case "$1" in
    --m1-only) MODELS=m1 ;;
    --c1-only) MODELS=c1 ;;
    --repeat) REPEAT=$2; shift ;;
    --qconfig) QCONFIG=$2; shift ;;
    --cpu) CPU=$2; shift ;;
    --no-torch) TORCH=0 ;;
    --max-steps) MAXSTEPS=$2; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
torch_or_skip column

bench_tmpdir train_bench
PIN="taskset -c $CPU"
STEPS_ARG=${MAXSTEPS:+--max-steps=$MAXSTEPS}

declare -A E1 E2 TT
for m in $MODELS; do
  run_retry "$BIN/qat-opt" "$ROOT/examples/$m.mlir" --qat-fuse --qat-prepare="preset=x86" -o "$TMP/$m.prep.mlir"
  e1=(); e2=(); tt=()
  for r in $(seq 1 "$REPEAT"); do
    rm -f "$TMP/$m.jsonl"
    echo "== ours $m run $r: $PIN qat-run train $m.prep.mlir --epochs=2 --lr=0.01 --momentum=0.9 --seed=$r $STEPS_ARG" >&2
    run_retry $PIN "$BIN/qat-run" train "$TMP/$m.prep.mlir" --epochs=2 --lr=0.01 --momentum=0.9 \
      --seed="$r" $STEPS_ARG --metrics="$TMP/$m.jsonl" -o "$TMP/$m.out.mlir" 2>"$TMP/$m.log" \
      | grep '^epoch' >&2
    read -r s1 s2 < <($PY -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print(L[0]["seconds"], L[1]["seconds"])' "$TMP/$m.jsonl")
    e1+=("$s1"); e2+=("$s2")
    if [ "$TORCH" = 1 ]; then
      echo "== torch $m run $r: $PIN $PY bench/torch_qat.py epoch --model $m --qconfig $QCONFIG --seed $r ${MAXSTEPS:+--max-steps $MAXSTEPS}" >&2
      out=$($PIN $PY "$ROOT/bench/torch_qat.py" epoch --model "$m" --qconfig "$QCONFIG" --seed "$r" ${MAXSTEPS:+--max-steps $MAXSTEPS})
      echo "$out" | head -n -1 >&2
      tt+=("$(echo "$out" | tail -1 | $PY -c 'import json,sys; print(json.load(sys.stdin)["median"])')")
    fi
  done
  E1[$m]=$(median "${e1[@]}"); E2[$m]=$(median "${e2[@]}")
  [ "$TORCH" = 1 ] && TT[$m]=$(median "${tt[@]}") || TT[$m]="- -"
done

echo
echo "QAT epoch, 1 thread (taskset -c $CPU), batch 64, $REPEAT run(s) each: median [min] seconds${MAXSTEPS:+, ONLY $MAXSTEPS steps/epoch (smoke run)}"
printf "%-4s | %-20s | %-20s | %-22s | %-16s | %s\n" id "ours epoch 1" "ours epoch 2" "torch ($QCONFIG qconfig)" "torch/ours (ep2)" target
for m in $MODELS; do
  read -r a1 n1 <<<"${E1[$m]}"; read -r a2 n2 <<<"${E2[$m]}"; read -r t tn <<<"${TT[$m]}"
  if [ "$m" = m1 ]; then id=T1; target="<= 0.8 s"; else id=T2; target="<= 10 s"; fi
  ratio=$([ "$t" = - ] && echo - || $PY -c "print('%.2fx' % ($t/$a2))")
  printf "%-4s | %-20s | %-20s | %-22s | %-16s | %s\n" "$id" "$a1 [$n1]" "$a2 [$n2]" "$t [$tn]" "$ratio" "$target$([ -n "$MAXSTEPS" ] || $PY -c "print(' (ours: met)' if $a2 <= ${target//[^0-9.]/} else ' (ours: not met)')")"
done

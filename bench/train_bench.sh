#!/bin/bash
# T1/T2 (bench/README.md): seconds per QAT epoch of M1 / C1 on the
# 60k Fashion-MNIST train set, batch 64, SGD lr 0.01 momentum 0.9, at each
# thread count of --threads (default 1).
#
# Ours: qat-opt --qat-fuse --qat-prepare="preset=x86", then
#   qat-run train --epochs=2 --threads=N --metrics=...; epoch 2's "seconds"
#   is the steady-state figure (epoch 1 also includes the JIT's lazy compile).
# Peer: PyTorch 1.13 eager QAT (bench/torch_qat.py epoch --threads N, which
#   calls torch.set_num_threads(N); OPENBLAS_NUM_THREADS=N; x86 qconfig,
#   which matches preset=x86) if /usr/bin/python3 can import torch.
# A run with N threads is pinned to N cores (`taskset -c C..C+N-1`, C =
# --cpu); per repeat and thread count, ours then torch, all in this one
# invocation, so the ratio torch/ours (> 1: we are faster) and the scaling
# (time at 1 thread / time at N) are from one run.
#
# Usage: bench/train_bench.sh [--m1-only | --c1-only] [--repeat N]
#          [--threads "1 2"] [--qconfig x86|qnnpack|onednn] [--cpu C]
#          [--no-torch] [--max-steps K]   (quick smoke run; not a T1/T2 figure)
set -euo pipefail

source "$(dirname "$0")/common.sh"
MODELS="m1 c1"
REPEAT=1
THREADS=1
QCONFIG=x86
CPU=0
TORCH=1
MAXSTEPS=
while [ $# -gt 0 ]; do
  case "$1" in
    --m1-only) MODELS=m1 ;;
    --c1-only) MODELS=c1 ;;
    --repeat) REPEAT=$2; shift ;;
    --threads) THREADS=$2; shift ;;
    --qconfig) QCONFIG=$2; shift ;;
    --cpu) CPU=$2; shift ;;
    --no-torch) TORCH=0 ;;
    --max-steps) MAXSTEPS=$2; shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
threads_check "$THREADS"
omp_defaults
torch_or_skip column

bench_tmpdir train_bench
STEPS_ARG=${MAXSTEPS:+--max-steps=$MAXSTEPS}

# Per model and thread count: the epoch times of every repeat, then their
# "median min".
declare -A E1 E2 TT
for m in $MODELS; do
  run_retry "$BIN/qat-opt" "$ROOT/examples/$m.mlir" --qat-fuse --qat-prepare="preset=x86" -o "$TMP/$m.prep.mlir"
  for r in $(seq 1 "$REPEAT"); do
    for n in $THREADS; do
      PIN="taskset -c $(cores "$n")"
      rm -f "$TMP/$m.jsonl"
      echo "== ours $m run $r: $PIN qat-run train $m.prep.mlir --epochs=2 --threads=$n --lr=0.01 --momentum=0.9 --seed=$r $STEPS_ARG" >&2
      run_retry $PIN "$BIN/qat-run" train "$TMP/$m.prep.mlir" --epochs=2 --threads="$n" --lr=0.01 \
        --momentum=0.9 --seed="$r" $STEPS_ARG --metrics="$TMP/$m.jsonl" -o "$TMP/$m.out.mlir" 2>"$TMP/$m.log" \
        | grep '^epoch' >&2
      read -r s1 s2 < <($PY -c 'import json,sys; L=[json.loads(l) for l in open(sys.argv[1])]; print(L[0]["seconds"], L[1]["seconds"])' "$TMP/$m.jsonl")
      E1[$m.$n]+=" $s1"; E2[$m.$n]+=" $s2"
      if [ "$TORCH" = 1 ]; then
        echo "== torch $m run $r: OPENBLAS_NUM_THREADS=$n $PIN $PY bench/torch_qat.py epoch --model $m --qconfig $QCONFIG --threads $n --seed $r ${MAXSTEPS:+--max-steps $MAXSTEPS}" >&2
        out=$(OPENBLAS_NUM_THREADS=$n $PIN $PY "$ROOT/bench/torch_qat.py" epoch --model "$m" --qconfig "$QCONFIG" \
          --threads "$n" --seed "$r" ${MAXSTEPS:+--max-steps $MAXSTEPS})
        echo "$out" | head -n -1 >&2
        TT[$m.$n]+=" $(echo "$out" | tail -1 | $PY -c 'import json,sys; print(json.load(sys.stdin)["median"])')"
      fi
    done
  done
  for n in $THREADS; do
    E1[$m.$n]=$(median ${E1[$m.$n]}); E2[$m.$n]=$(median ${E2[$m.$n]})
    [ "$TORCH" = 1 ] && TT[$m.$n]=$(median ${TT[$m.$n]}) || TT[$m.$n]="- -"
  done
done

echo
if [ "$THREADS" = 1 ]; then
  echo "QAT epoch, 1 thread (taskset -c $CPU), batch 64, $REPEAT run(s) each: median [min] seconds${MAXSTEPS:+, ONLY $MAXSTEPS steps/epoch (smoke run)}"
  host_line
  printf "%-4s | %-20s | %-20s | %-22s | %-16s | %s\n" id "ours epoch 1 (+JIT)" "ours epoch 2" "torch ($QCONFIG qconfig)" "torch/ours (ep2)" target
  for m in $MODELS; do
    read -r a1 n1 <<<"${E1[$m.1]}"; read -r a2 n2 <<<"${E2[$m.1]}"; read -r t tn <<<"${TT[$m.1]}"
    if [ "$m" = m1 ]; then id=T1; target="<= 0.8 s"; else id=T2; target="<= 10 s"; fi
    ratio=$([ "$t" = - ] && echo - || $PY -c "print('%.2fx' % ($t/$a2))")
    printf "%-4s | %-20s | %-20s | %-22s | %-16s | %s\n" "$id" "$a1 [$n1]" "$a2 [$n2]" "$t [$tn]" "$ratio" "$target$([ -n "$MAXSTEPS" ] || $PY -c "print(' (ours: met)' if $a2 <= ${target//[^0-9.]/} else ' (ours: not met)')")"
  done
  exit 0
fi

# Several thread counts: a row per model and count; scaling = the median
# epoch-2 time at 1 thread / at N (ours), the median epoch time likewise
# (torch); the targets of 2 threads (issue 20) on the 2-thread rows.
echo "QAT epoch, batch 64, N threads on N cores ($(pins_desc "$THREADS")), $REPEAT run(s) each: median [min] seconds${MAXSTEPS:+, ONLY $MAXSTEPS steps/epoch (smoke run)}"
host_line
echo "torch/ours > 1: we are faster; scaling = median time at 1 thread / at N (> 1: N threads are faster)"
fmt="%-4s | %-7s | %-20s | %-20s | %-22s | %-16s | %-12s | %-13s | %s\n"
printf "$fmt" id threads "ours epoch 1 (+JIT)" "ours epoch 2" "torch ($QCONFIG qconfig)" "torch/ours (ep2)" "ours scaling" "torch scaling" target
for m in $MODELS; do
  for n in $THREADS; do
    read -r a1 n1 <<<"${E1[$m.$n]}"; read -r a2 n2 <<<"${E2[$m.$n]}"; read -r t tn <<<"${TT[$m.$n]}"
    ratio=$([ "$t" = - ] && echo - || $PY -c "print('%.2fx' % ($t/$a2))")
    so=-; st=-
    if [ -n "${E2[$m.1]:-}" ]; then
      so=$(scaling "${E2[$m.1]%% *}" "$a2"); st=$(scaling "${TT[$m.1]%% *}" "$t")
    fi
    id=$([ "$m" = m1 ] && echo T1 || echo T2)
    target=-
    if [ "$n" = 1 ]; then
      target=$([ "$m" = m1 ] && echo "<= 0.8 s" || echo "<= 10 s")
      [ -n "$MAXSTEPS" ] || target+=$($PY -c "print(' (ours: met)' if $a2 <= ${target//[^0-9.]/} else ' (ours: not met)')")
    elif [ "$n" = 2 ] && [ "$m" = c1 ]; then
      target="scaling >= 1.8x, torch/ours >= 3x"
      if [ -z "$MAXSTEPS" ] && [ "$so" != - ]; then
        ok_s=$($PY -c "print('met' if ${so%x} >= 1.8 else 'not met')")
        ok_r=$([ "$ratio" = - ] && echo - || $PY -c "print('met' if ${ratio%x} >= 3 else 'not met')")
        target+=" (ours: $ok_s, $ok_r)"
      fi
    fi
    printf "$fmt" "$id" "$n" "$a1 [$n1]" "$a2 [$n2]" "$t [$tn]" "$ratio" "$so" "$st" "$target"
  done
done

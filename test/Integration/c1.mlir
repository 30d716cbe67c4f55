// REQUIRES: fashion-mnist
// RUN: qat-run %qat_src/examples/c1.mlir --data=fashion-mnist:%fmnist \
// RUN:   --expect %S/Inputs/c1.logits.npy --atol=1e-6 --rtol=1e-4 \
// RUN:   | FileCheck %s
// CHECK: result 0 vs c1.logits.npy: 640 elements, {{.*}} 0 outside tolerance OK
//
// C1 (examples/c1.mlir, Conv+BN(eval)+ReLU+MaxPool x2, Linear x2) under the
// JIT on Fashion-MNIST test images 0..63, against the float64 NumPy forward
// pass of scripts/gen_examples.py (Inputs/c1.logits.npy).

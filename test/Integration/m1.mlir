// REQUIRES: fashion-mnist
// RUN: qat-run %qat_src/examples/m1.mlir --data=fashion-mnist:%fmnist \
// RUN:   --expect %S/Inputs/m1.logits.npy --atol=1e-6 --rtol=1e-4 \
// RUN:   | FileCheck %s
// CHECK: result 0 vs m1.logits.npy: 640 elements, {{.*}} 0 outside tolerance OK
//
// M1 (examples/m1.mlir, MLP 784-256-128-10) under the JIT on Fashion-MNIST
// test images 0..63, against the float64 NumPy forward pass of
// scripts/gen_examples.py (Inputs/m1.logits.npy).

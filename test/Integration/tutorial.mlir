// RUN: qat-run %qat_src/examples/tutorial.mlir \
// RUN:   --input %qat_src/examples/tutorial.input.npy \
// RUN:   --expect %S/Inputs/tutorial.y.npy | FileCheck %s
// CHECK: result 0 vs tutorial.y.npy: 80 elements, {{.*}} 0 outside tolerance OK
//
// The PyTorch QAT tutorial model (examples/tutorial.mlir: quant_stub ->
// Linear(10,20) -> ReLU -> dequant_stub) on examples/tutorial.input.npy,
// against the NumPy reference of scripts/gen_examples.py.

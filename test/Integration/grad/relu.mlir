// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 21 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.relu on x [3, 7].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<3x7xf64>) -> tensor<3x7xf64> {
  %y = qat.relu %x : tensor<3x7xf64>
  return %y : tensor<3x7xf64>
}

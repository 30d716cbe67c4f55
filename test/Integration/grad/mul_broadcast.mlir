// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 30 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d input 1: 12 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.mul with broadcasting on both sides: [2, 3, 1, 5] * [3, 4, 1] -> [2, 3, 4, 5].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%a: tensor<2x3x1x5xf64>, %b: tensor<3x4x1xf64>) -> tensor<2x3x4x5xf64> {
  %y = qat.mul %a, %b : (tensor<2x3x1x5xf64>, tensor<3x4x1xf64>) -> tensor<2x3x4x5xf64>
  return %y : tensor<2x3x4x5xf64>
}

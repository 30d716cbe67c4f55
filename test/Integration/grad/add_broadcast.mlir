// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 10 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d input 1: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.add with broadcasting on both sides: [2, 1, 5] + [3, 1] -> [2, 3, 5].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%a: tensor<2x1x5xf64>, %b: tensor<3x1xf64>) -> tensor<2x3x5xf64> {
  %y = qat.add %a, %b : (tensor<2x1x5xf64>, tensor<3x1xf64>) -> tensor<2x3x5xf64>
  return %y : tensor<2x3x5xf64>
}

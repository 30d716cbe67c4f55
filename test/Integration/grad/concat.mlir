// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 18 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d input 1: 6 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d input 2: 30 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.concat of three inputs on axis 1: [2, 3, 3] ++ [2, 1, 3] ++ [2, 5, 3].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x0: tensor<2x3x3xf64>, %x1: tensor<2x1x3xf64>, %x2: tensor<2x5x3xf64>) -> tensor<2x9x3xf64> {
  %y = qat.concat %x0, %x1, %x2 {axis = 1 : i64} : (tensor<2x3x3xf64>, tensor<2x1x3xf64>, tensor<2x5x3xf64>) -> tensor<2x9x3xf64>
  return %y : tensor<2x9x3xf64>
}

// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 6 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d input 1: 15 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.concat on axis -1: [3, 2] ++ [3, 5].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x0: tensor<3x2xf64>, %x1: tensor<3x5xf64>) -> tensor<3x7xf64> {
  %y = qat.concat %x0, %x1 {axis = -1 : i64} : (tensor<3x2xf64>, tensor<3x5xf64>) -> tensor<3x7xf64>
  return %y : tensor<3x7xf64>
}

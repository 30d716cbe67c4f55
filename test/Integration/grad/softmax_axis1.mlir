// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 30 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.softmax on axis 1 of x [2, 5, 3].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<2x5x3xf64>) -> tensor<2x5x3xf64> {
  %y = qat.softmax %x {axis = 1 : i64} : tensor<2x5x3xf64>
  return %y : tensor<2x5x3xf64>
}

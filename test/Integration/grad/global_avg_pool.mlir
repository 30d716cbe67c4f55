// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 210 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.global_avg_pool on x [2, 3, 5, 7].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<2x3x5x7xf64>) -> tensor<2x3x1x1xf64> {
  %y = qat.global_avg_pool %x : tensor<2x3x5x7xf64> -> tensor<2x3x1x1xf64>
  return %y : tensor<2x3x1x1xf64>
}

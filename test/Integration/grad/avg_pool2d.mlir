// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 252 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.avg_pool2d, kernel [2, 3], default stride, no padding: x [2, 3, 6, 7].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<2x3x6x7xf64>) -> tensor<2x3x3x2xf64> {
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 2, 3>}
      : tensor<2x3x6x7xf64> -> tensor<2x3x3x2xf64>
  return %y : tensor<2x3x3x2xf64>
}

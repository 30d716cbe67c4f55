// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 140 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.avg_pool2d, kernel 2, stride 2, no padding, ceil_mode (the last window
// hangs over the edge and averages fewer elements): x [2, 2, 5, 7].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<2x2x5x7xf64>) -> tensor<2x2x3x4xf64> {
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2, 2>, ceil_mode}
      : tensor<2x2x5x7xf64> -> tensor<2x2x3x4xf64>
  return %y : tensor<2x2x3x4xf64>
}

// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 288 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.max_pool2d, kernel [2, 3], stride [2, 1], padding 1, dilation 2, ceil_mode:
// x [2, 2, 9, 8].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<2x2x9x8xf64>) -> tensor<2x2x5x6xf64> {
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 3>, strides = array<i64: 2, 1>, padding = array<i64: 1, 1>, dilation = array<i64: 2, 2>, ceil_mode}
      : tensor<2x2x9x8xf64> -> tensor<2x2x5x6xf64>
  return %y : tensor<2x2x5x6xf64>
}

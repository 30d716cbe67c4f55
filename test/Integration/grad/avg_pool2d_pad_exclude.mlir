// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 112 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.avg_pool2d, kernel 3, stride 2, padding 1, ceil_mode, count_include_pad = false:
// x [1, 2, 8, 7].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<1x2x8x7xf64>) -> tensor<1x2x5x4xf64> {
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, ceil_mode, count_include_pad = false}
      : tensor<1x2x8x7xf64> -> tensor<1x2x5x4xf64>
  return %y : tensor<1x2x5x4xf64>
}

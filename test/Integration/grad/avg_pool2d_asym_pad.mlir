// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 120 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.avg_pool2d, kernel [3, 2], stride 1, asymmetric padding [1, 0, 0, 1],
// count_include_pad = false: x [2, 2, 5, 6].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<2x2x5x6xf64>) -> tensor<2x2x4x6xf64> {
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 3, 2>, strides = array<i64: 1, 1>, padding = array<i64: 1, 0, 0, 1>, count_include_pad = false}
      : tensor<2x2x5x6xf64> -> tensor<2x2x4x6xf64>
  return %y : tensor<2x2x4x6xf64>
}

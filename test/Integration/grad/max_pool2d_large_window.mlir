// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 240 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.max_pool2d, kernel 5x5 (more window elements than the unrolled argmax
// takes: the window-reduction form), stride 2: x [2, 2, 6, 10].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<2x2x6x10xf64>) -> tensor<2x2x1x3xf64> {
  %y = qat.max_pool2d %x {kernel_size = array<i64: 5, 5>, strides = array<i64: 2, 2>}
      : tensor<2x2x6x10xf64> -> tensor<2x2x1x3xf64>
  return %y : tensor<2x2x1x3xf64>
}

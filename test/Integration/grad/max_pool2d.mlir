// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 378 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.max_pool2d, kernel 2, default stride (= kernel), no padding: x [2, 3, 7, 9]
// (the last row and column are dropped).
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<2x3x7x9xf64>) -> tensor<2x3x3x4xf64> {
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>}
      : tensor<2x3x7x9xf64> -> tensor<2x3x3x4xf64>
  return %y : tensor<2x3x3x4xf64>
}

// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 28 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.clamp [-0.5, 1.25] on x [4, 7].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

func.func @forward(%x: tensor<4x7xf64>) -> tensor<4x7xf64> {
  %y = qat.clamp %x {min = -5.0e-01 : f64, max = 1.25 : f64} : tensor<4x7xf64>
  return %y : tensor<4x7xf64>
}

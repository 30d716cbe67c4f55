// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 60 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @rs.scale: 4 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.reshape [6, 10] -> [3, 4, 5], times a [4, 1] scale.
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @rs.scale = dense<[[4.991352e-01], [1.246321e-01], [-2.020997e-01], [3.741994e-01]]> : tensor<4x1xf64>

func.func @forward(%x: tensor<6x10xf64>) -> tensor<3x4x5xf64> {
  %scale = qat.load @rs.scale : tensor<4x1xf64>
  %r = qat.reshape %x : tensor<6x10xf64> -> tensor<3x4x5xf64>
  %y = qat.mul %r, %scale : (tensor<3x4x5xf64>, tensor<4x1xf64>) -> tensor<3x4x5xf64>
  return %y : tensor<3x4x5xf64>
}

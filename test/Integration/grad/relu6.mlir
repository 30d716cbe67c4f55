// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 45 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @act.scale: 5 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.relu6 on x * scale, x [3, 5, 3], scale [5, 1] in [2, 6] so that both
// clamps are hit by N(0, 1) inputs.
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @act.scale = dense<[[5.123865e+00], [5.297413e+00], [4.469188e+00], [4.044929e+00], [5.779191e+00]]> : tensor<5x1xf64>

func.func @forward(%x: tensor<3x5x3xf64>) -> tensor<3x5x3xf64> {
  %scale = qat.load @act.scale : tensor<5x1xf64>
  %s = qat.mul %x, %scale : (tensor<3x5x3xf64>, tensor<5x1xf64>) -> tensor<3x5x3xf64>
  %y = qat.relu6 %s : tensor<3x5x3xf64>
  return %y : tensor<3x5x3xf64>
}

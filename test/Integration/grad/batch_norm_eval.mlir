// RUN: qat-run gradcheck %s --train-mode=false --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 180 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.weight: 4 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.bias: 4 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.batch_norm in evaluation mode (running statistics; --train-mode=false)
// on x [3, 4, 3, 5].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @bn.weight = dense<[1.435248e+00, 1.215281e+00, 1.403169e+00, 1.344653e+00]> : tensor<4xf64>
qat.param @bn.bias = dense<[1.974171e-01, -1.696072e-01, -4.426645e-01, 4.751942e-01]> : tensor<4xf64>
qat.param state @bn.running_mean = dense<[1.285738e-01, 4.500589e-01, -3.433663e-01, -2.775844e-01]> : tensor<4xf64>
qat.param state @bn.running_var = dense<[1.069406e+00, 7.835589e-01, 5.218643e-01, 1.155679e+00]> : tensor<4xf64>

func.func @forward(%x: tensor<3x4x3x5xf64>) -> tensor<3x4x3x5xf64> {
  %weight = qat.load @bn.weight : tensor<4xf64>
  %bias = qat.load @bn.bias : tensor<4xf64>
  %running_mean = qat.load @bn.running_mean : tensor<4xf64>
  %running_var = qat.load @bn.running_var : tensor<4xf64>
  %y, %new_mean, %new_var = qat.batch_norm %x, %weight, %bias, %running_mean, %running_var
      : (tensor<3x4x3x5xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) -> (tensor<3x4x3x5xf64>, tensor<4xf64>, tensor<4xf64>)
  return %y : tensor<3x4x3x5xf64>
}

// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 180 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.weight: 4 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.bias: 4 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.batch_norm in training mode (batch statistics; --train-mode=true, the
// default) on x [3, 4, 3, 5].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @bn.weight = dense<[1.210190e+00, 1.271657e+00, 1.060049e+00, 1.318267e+00]> : tensor<4xf64>
qat.param @bn.bias = dense<[3.152772e-01, -3.003126e-01, -2.834858e-01, 3.602095e-01]> : tensor<4xf64>
qat.param state @bn.running_mean = dense<[4.966010e-01, -2.998485e-01, 1.034787e-01, -2.300130e-01]> : tensor<4xf64>
qat.param state @bn.running_var = dense<[1.045782e+00, 1.435123e+00, 7.189531e-01, 5.504967e-01]> : tensor<4xf64>

func.func @forward(%x: tensor<3x4x3x5xf64>) -> tensor<3x4x3x5xf64> {
  %weight = qat.load @bn.weight : tensor<4xf64>
  %bias = qat.load @bn.bias : tensor<4xf64>
  %running_mean = qat.load @bn.running_mean : tensor<4xf64>
  %running_var = qat.load @bn.running_var : tensor<4xf64>
  %y, %new_mean, %new_var = qat.batch_norm %x, %weight, %bias, %running_mean, %running_var {training}
      : (tensor<3x4x3x5xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) -> (tensor<3x4x3x5xf64>, tensor<4xf64>, tensor<4xf64>)
  return %y : tensor<3x4x3x5xf64>
}

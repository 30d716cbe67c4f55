// RUN: qat-run gradcheck %s --train-mode=false --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 15 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.weight: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.bias: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.batch_norm in evaluation mode on x [5, 3] (BatchNorm1d), eps 1e-3.
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @bn.weight = dense<[6.941297e-01, 1.353943e+00, 6.036259e-01]> : tensor<3xf64>
qat.param @bn.bias = dense<[-1.571636e-01, -1.817195e-01, -2.331687e-01]> : tensor<3xf64>
qat.param state @bn.running_mean = dense<[6.035838e-02, 3.648486e-02, -4.090800e-01]> : tensor<3xf64>
qat.param state @bn.running_var = dense<[8.887123e-01, 9.607241e-01, 1.365820e+00]> : tensor<3xf64>

func.func @forward(%x: tensor<5x3xf64>) -> tensor<5x3xf64> {
  %weight = qat.load @bn.weight : tensor<3xf64>
  %bias = qat.load @bn.bias : tensor<3xf64>
  %running_mean = qat.load @bn.running_mean : tensor<3xf64>
  %running_var = qat.load @bn.running_var : tensor<3xf64>
  %y, %new_mean, %new_var = qat.batch_norm %x, %weight, %bias, %running_mean, %running_var {eps = 1.0e-03 : f64}
      : (tensor<5x3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<5x3xf64>, tensor<3xf64>, tensor<3xf64>)
  return %y : tensor<5x3xf64>
}

// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 21 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.weight: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.bias: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.batch_norm in training mode on x [7, 3] (BatchNorm1d), eps 1e-3.
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @bn.weight = dense<[1.079973e+00, 1.333655e+00, 1.037458e+00]> : tensor<3xf64>
qat.param @bn.bias = dense<[7.454747e-02, 1.217119e-01, -1.326021e-02]> : tensor<3xf64>
qat.param state @bn.running_mean = dense<[-4.314269e-01, -1.090514e-02, 9.552052e-02]> : tensor<3xf64>
qat.param state @bn.running_var = dense<[5.565754e-01, 1.167202e+00, 1.285555e+00]> : tensor<3xf64>

func.func @forward(%x: tensor<7x3xf64>) -> tensor<7x3xf64> {
  %weight = qat.load @bn.weight : tensor<3xf64>
  %bias = qat.load @bn.bias : tensor<3xf64>
  %running_mean = qat.load @bn.running_mean : tensor<3xf64>
  %running_var = qat.load @bn.running_var : tensor<3xf64>
  %y, %new_mean, %new_var = qat.batch_norm %x, %weight, %bias, %running_mean, %running_var {eps = 1.0e-03 : f64, training}
      : (tensor<7x3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>, tensor<3xf64>) -> (tensor<7x3xf64>, tensor<3xf64>, tensor<3xf64>)
  return %y : tensor<7x3xf64>
}

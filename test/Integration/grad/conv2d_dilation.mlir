// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 180 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.weight: 36 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.conv2d, dilation 2, padding 1, no bias: x [1, 2, 9, 10], weight [3, 2, 3, 2].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @conv.weight = dense<[[[[-1.055623e-01, -2.951691e-01], [-1.803463e-02, 3.454001e-01], [1.384682e-01, 2.674322e-01]], [[3.305479e-01, -3.730605e-01], [-4.557328e-01, -5.180288e-02], [-3.344444e-02, 4.602675e-01]]], [[[-2.421942e-01, -5.588925e-02], [5.900838e-02, 3.499888e-01], [-3.746711e-01, 4.285014e-01]], [[7.970904e-02, -3.746659e-02], [-5.660626e-02, -4.501090e-01], [-2.249739e-01, 1.199292e-01]]], [[[4.190122e-01, 4.206825e-01], [-2.439364e-01, 3.614633e-02], [-1.940759e-01, -1.321483e-01]], [[-1.489028e-01, -6.719227e-02], [-4.967379e-01, -4.513122e-02], [-1.860410e-01, -2.363504e-01]]]]> : tensor<3x2x3x2xf64>

func.func @forward(%x: tensor<1x2x9x10xf64>) -> tensor<1x3x7x10xf64> {
  %weight = qat.load @conv.weight : tensor<3x2x3x2xf64>
  %y = qat.conv2d %x, %weight {padding = array<i64: 1, 1>, dilation = array<i64: 2, 2>}
      : (tensor<1x2x9x10xf64>, tensor<3x2x3x2xf64>) -> tensor<1x3x7x10xf64>
  return %y : tensor<1x3x7x10xf64>
}

// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 30 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @div.den: 12 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.div with broadcasting on both sides: x [2, 3, 1, 5] / den [3, 4, 1] -> [2, 3, 4, 5];
// the denominator is a parameter with |den| in [0.5, 2] (away from 0).
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @div.den = dense<[[[-1.243963e+00], [-1.209787e+00], [-1.364789e+00], [-9.549774e-01]], [[-1.824564e+00], [1.284324e+00], [1.326182e+00], [8.297631e-01]], [[-1.321568e+00], [1.282968e+00], [8.653977e-01], [1.141594e+00]]]> : tensor<3x4x1xf64>

func.func @forward(%x: tensor<2x3x1x5xf64>) -> tensor<2x3x4x5xf64> {
  %den = qat.load @div.den : tensor<3x4x1xf64>
  %y = qat.div %x, %den : (tensor<2x3x1x5xf64>, tensor<3x4x1xf64>) -> tensor<2x3x4x5xf64>
  return %y : tensor<2x3x4x5xf64>
}

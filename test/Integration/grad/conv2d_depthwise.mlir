// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 294 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.weight: 27 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.bias: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.conv2d, depthwise (groups = channels = 3), stride 2, padding 1:
// x [2, 3, 7, 7], weight [3, 1, 3, 3], bias.
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @conv.weight = dense<[[[[-3.048653e-01, 5.299092e-02, 3.155751e-01], [-2.430181e-01, -4.802131e-01, -1.969673e-01], [-1.355983e-01, 1.089638e-01, -3.122124e-01]]], [[[-2.403856e-01, 1.215893e-01, -3.681579e-01], [-8.421004e-02, -7.057847e-02, -3.700548e-01], [-3.528645e-01, -1.058210e-01, 2.389791e-01]]], [[[1.401645e-01, 2.916100e-01, 1.546296e-01], [-4.505075e-01, 3.018499e-01, -2.025395e-01], [-8.524711e-02, -2.757825e-01, 2.244872e-01]]]]> : tensor<3x1x3x3xf64>
qat.param @conv.bias = dense<[3.018428e-01, 3.589046e-01, -2.427225e-01]> : tensor<3xf64>

func.func @forward(%x: tensor<2x3x7x7xf64>) -> tensor<2x3x4x4xf64> {
  %weight = qat.load @conv.weight : tensor<3x1x3x3xf64>
  %bias = qat.load @conv.bias : tensor<3xf64>
  %y = qat.conv2d %x, %weight, %bias {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, groups = 3 : i64}
      : (tensor<2x3x7x7xf64>, tensor<3x1x3x3xf64>, tensor<3xf64>) -> tensor<2x3x4x4xf64>
  return %y : tensor<2x3x4x4xf64>
}

// RUN: qat-opt %s --convert-qat-to-linalg | FileCheck %s --check-prefix=LOWER
// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 252 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.weight: 54 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.bias: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// conv2d + relu + 2x2 max-pool with odd conv output extents (5 x 7): in
// blocked pixel order (convert-qat-to-linalg block-pools) the planes of
// the 2 x 3 windows come first, then column 6 of rows 0-3 and row 4, which
// no window reads. x [2, 2, 7, 9], weight [3, 2, 3, 3].
// Generated gradients against central finite differences, float64, mse.

// The im2col matrix is the three pieces' gathers, the pool reads the planes.
// LOWER-LABEL: func.func @forward
// LOWER: tensor.insert_slice {{.*}} : tensor<2x18x24xf64> into tensor<2x18x35xf64>
// LOWER: tensor.insert_slice {{.*}} : tensor<2x18x4xf64> into tensor<2x18x35xf64>
// LOWER: tensor.insert_slice {{.*}} : tensor<2x18x7xf64> into tensor<2x18x35xf64>
// LOWER: tensor.extract_slice {{.*}} : tensor<2x3x35xf64> to tensor<2x3x24xf64>

qat.param @conv.weight = dense<[[[[-2.557842e-01, -3.844198e-01, -2.942518e-02], [1.799471e-01, -6.383712e-02, -1.165832e-02], [-3.897753e-01, -1.010271e-02, 3.534453e-01]], [[2.806361e-01, 1.839716e-01, -3.130111e-01], [3.151233e-01, 2.857234e-01, -2.679307e-01], [1.058672e-01, -3.836131e-01, -3.066102e-01]]], [[[-1.469062e-01, -2.736702e-01, 2.071837e-01], [2.546203e-01, -1.243004e-01, -1.449610e-01], [-3.106710e-01, -3.328375e-01, 1.701807e-01]], [[7.963472e-02, -3.554611e-01, -1.616217e-02], [-7.865882e-02, 2.783832e-01, 1.742793e-01], [8.165124e-02, 4.190706e-02, 3.592819e-01]]], [[[3.893387e-01, -1.295568e-01, -2.081003e-01], [2.371486e-01, -3.490509e-01, -1.083075e-01], [-3.439818e-01, -1.445058e-01, -3.436939e-01]], [[-1.677891e-01, 2.320809e-01, 3.243203e-01], [2.340971e-01, 4.945497e-02, 9.281471e-02], [-1.108132e-01, -2.649462e-01, -5.100725e-02]]]]> : tensor<3x2x3x3xf64>
qat.param @conv.bias = dense<[1.396952e-01, -2.622674e-01, -2.875602e-01]> : tensor<3xf64>

func.func @forward(%x: tensor<2x2x7x9xf64>) -> tensor<2x3x2x3xf64> {
  %w = qat.load @conv.weight : tensor<3x2x3x3xf64>
  %b = qat.load @conv.bias : tensor<3xf64>
  %c = qat.conv2d %x, %w, %b
      : (tensor<2x2x7x9xf64>, tensor<3x2x3x3xf64>, tensor<3xf64>) -> tensor<2x3x5x7xf64>
  %r = qat.relu %c : tensor<2x3x5x7xf64>
  %y = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>}
      : tensor<2x3x5x7xf64> -> tensor<2x3x2x3xf64>
  return %y : tensor<2x3x2x3xf64>
}

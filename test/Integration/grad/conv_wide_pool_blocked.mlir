// RUN: qat-opt %s --convert-qat-to-linalg | FileCheck %s --check-prefix=LOWER
// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 126 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.weight: 90 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.bias: 10 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// conv2d (padding 1, more filters than window terms: F 10 >= K 9) + relu +
// 2x2 max-pool, odd extents 7 x 9: with blocked pixel order
// (convert-qat-to-linalg block-pools) the input gradient scatters dcol
// piece by piece from blocked order (col2im of the planes, column 8, row 6)
// rather than copying dy back to standard order. x [2, 1, 7, 9].
// Generated gradients against central finite differences, float64, mse.

// LOWER-LABEL: func.func @forward
// LOWER: tensor.insert_slice {{.*}} : tensor<2x9x48xf64> into tensor<2x9x63xf64>

qat.param @conv.weight = dense<[[[[2.221619e-01, -2.099670e-01, 2.594228e-01], [3.725994e-01, 3.780809e-01, -3.724060e-02], [8.723397e-02, 2.204212e-01, 1.132907e-01]]], [[[1.776146e-01, -3.719708e-01, -1.612404e-01], [-3.531900e-01, 2.856488e-01, -1.017168e-01], [1.438784e-01, -1.949760e-01, -1.219350e-01]]], [[[-3.924698e-01, -1.133330e-01, 3.592753e-01], [-2.256808e-01, -1.444869e-01, 3.342179e-01], [-3.744771e-01, -3.479324e-01, 1.038632e-01]]], [[[2.990508e-01, -3.930274e-01, 1.972618e-01], [2.502729e-01, -3.394260e-01, 1.251643e-01], [7.409760e-03, -1.609329e-02, 3.644593e-01]]], [[[-3.999904e-01, -2.024170e-01, 1.697861e-01], [-1.403344e-01, -1.784029e-01, 1.563564e-01], [3.348414e-01, -2.044194e-01, -3.353135e-02]]], [[[-1.976059e-01, -9.653337e-02, 8.363106e-02], [2.179030e-01, -3.456660e-01, 1.488681e-01], [3.860808e-02, -2.896112e-01, -3.209974e-01]]], [[[-2.035527e-01, -2.785707e-01, 3.407956e-01], [1.440840e-01, -2.098729e-01, 5.510820e-02], [4.530564e-02, -3.418102e-01, 2.717668e-01]]], [[[-7.574441e-02, -2.841032e-01, -2.472640e-01], [-7.487890e-03, 1.696195e-01, 3.879508e-01], [2.998292e-01, -7.666529e-04, -3.145760e-01]]], [[[3.305702e-01, -1.080672e-01, -2.187297e-01], [2.979455e-01, -2.909133e-01, -2.108959e-01], [7.631940e-02, 5.113809e-02, 3.671478e-01]]], [[[-3.740853e-02, -2.968335e-01, 2.084541e-01], [-2.386927e-01, -2.594161e-01, -5.030559e-02], [-1.277914e-01, 3.738025e-01, -2.855791e-01]]]]> : tensor<10x1x3x3xf64>
qat.param @conv.bias = dense<[2.067351e-01, 1.016437e-01, -2.344171e-01, -2.470479e-01, 2.798772e-01, -1.834215e-01, -2.508600e-01, -1.383692e-01, 9.007831e-02, 2.806635e-02]> : tensor<10xf64>

func.func @forward(%x: tensor<2x1x7x9xf64>) -> tensor<2x10x3x4xf64> {
  %w = qat.load @conv.weight : tensor<10x1x3x3xf64>
  %b = qat.load @conv.bias : tensor<10xf64>
  %c = qat.conv2d %x, %w, %b {padding = array<i64: 1, 1>}
      : (tensor<2x1x7x9xf64>, tensor<10x1x3x3xf64>, tensor<10xf64>) -> tensor<2x10x7x9xf64>
  %r = qat.relu %c : tensor<2x10x7x9xf64>
  %y = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>}
      : tensor<2x10x7x9xf64> -> tensor<2x10x3x4xf64>
  return %y : tensor<2x10x3x4xf64>
}

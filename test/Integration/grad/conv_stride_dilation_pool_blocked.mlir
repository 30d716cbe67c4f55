// RUN: qat-opt %s --convert-qat-to-linalg | FileCheck %s --check-prefix=LOWER
// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 480 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.weight: 54 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.bias: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @scale: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// conv2d with stride 2, dilation 2 and padding [1, 2, 1, 1], a per-channel
// scale and a 2x2 max-pool: the blocked pixel order (convert-qat-to-linalg
// block-pools) with strided, dilated windows. x [2, 2, 10, 12], weight
// [3, 2, 3, 3] -> [2, 3, 4, 6] -> [2, 3, 2, 3].
// Generated gradients against central finite differences, float64, mse.

// LOWER-LABEL: func.func @forward
// LOWER: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x2x3x3x2x2x2x3xf64>)
// LOWER: linalg.generic {{.*}} ins(%[[P:.*]], %[[P]], %[[P]], %[[P]] : tensor<2x3x2x2x2x3xf64>, tensor<2x3x2x2x2x3xf64>, tensor<2x3x2x2x2x3xf64>, tensor<2x3x2x2x2x3xf64>) outs(%{{.*}} : tensor<2x3x2x3xf64>)

qat.param @conv.weight = dense<[[[[3.801117e-01, -1.805931e-01, -2.647191e-01], [3.013607e-01, 3.273460e-01, -2.419737e-01], [-4.677621e-02, 1.753857e-01, 2.762761e-01]], [[-2.653798e-01, 1.319752e-01, 2.462684e-01], [3.977130e-02, -2.682267e-01, -3.715770e-01], [-1.747729e-01, 2.462967e-01, -3.641870e-01]]], [[[-3.934268e-01, -1.107067e-01, -3.491022e-01], [-2.804110e-01, -3.814477e-01, 1.977587e-02], [1.573567e-01, -5.835721e-02, -2.923436e-01]], [[-1.349142e-01, 7.227668e-02, 3.525291e-01], [3.940462e-01, -2.067177e-01, -3.915361e-01], [2.645123e-01, 3.412904e-01, -3.311722e-02]]], [[[2.171539e-01, 2.929592e-01, 8.769184e-02], [2.981017e-01, -3.808776e-01, -1.827238e-01], [-1.782243e-01, -3.034941e-01, 3.285708e-01]], [[-3.756486e-01, 1.380488e-01, -3.429283e-01], [-1.113756e-01, -6.552037e-02, -2.548766e-01], [1.681128e-02, 2.799341e-02, -1.463649e-01]]]]> : tensor<3x2x3x3xf64>
qat.param @conv.bias = dense<[1.422528e-01, -2.038786e-01, -1.844951e-01]> : tensor<3xf64>
qat.param @scale = dense<[[[8.545110e-01]], [[8.783761e-01]], [[7.062859e-01]]]> : tensor<3x1x1xf64>

func.func @forward(%x: tensor<2x2x10x12xf64>) -> tensor<2x3x2x3xf64> {
  %w = qat.load @conv.weight : tensor<3x2x3x3xf64>
  %b = qat.load @conv.bias : tensor<3xf64>
  %c = qat.conv2d %x, %w, %b {strides = array<i64: 2, 2>, dilation = array<i64: 2, 2>, padding = array<i64: 1, 2, 1, 1>}
      : (tensor<2x2x10x12xf64>, tensor<3x2x3x3xf64>, tensor<3xf64>) -> tensor<2x3x4x6xf64>
  %s = qat.load @scale : tensor<3x1x1xf64>
  %t = qat.mul %c, %s : (tensor<2x3x4x6xf64>, tensor<3x1x1xf64>) -> tensor<2x3x4x6xf64>
  %y = qat.max_pool2d %t {kernel_size = array<i64: 2, 2>}
      : tensor<2x3x4x6xf64> -> tensor<2x3x2x3xf64>
  return %y : tensor<2x3x2x3xf64>
}

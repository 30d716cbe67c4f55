// RUN: qat-opt %s --convert-qat-to-linalg | FileCheck %s --check-prefix=LOWER
// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 288 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.weight: 108 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.bias: 4 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.weight: 4 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @bn.bias: 4 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// conv2d (padding 1) + batch_norm (batch statistics) + relu + 2x2 max-pool:
// the conv output is stored in blocked pixel order (convert-qat-to-linalg
// block-pools), so the gradient goes through the blocked im2col, pool,
// pool gradient and col2im. x [2, 3, 6, 8], weight [4, 3, 3, 3].
// Generated gradients against central finite differences, float64, mse.

// The forward's pool reads the four planes of the conv output, element-wise.
// LOWER-LABEL: func.func @forward
// LOWER: linalg.generic {{.*}} ins(%{{.*}} : tensor<2x3x8x10xf64>) outs(%{{.*}} : tensor<2x3x3x3x2x2x3x4xf64>)
// LOWER: linalg.generic {{.*}} ins(%[[P:.*]], %[[P]], %[[P]], %[[P]] : tensor<2x4x2x2x3x4xf64>, tensor<2x4x2x2x3x4xf64>, tensor<2x4x2x2x3x4xf64>, tensor<2x4x2x2x3x4xf64>) outs(%{{.*}} : tensor<2x4x3x4xf64>)
// LOWER-NOT: linalg.pooling_nchw_max

qat.param @conv.weight = dense<[[[[-3.389534e-01, 2.239350e-01, -4.927261e-02], [1.787721e-01, 3.823916e-01, 3.079670e-02], [8.963709e-04, -3.423591e-01, -1.852488e-01]], [[-9.399934e-05, 1.433840e-01, 2.429912e-01], [-9.524709e-02, -3.472509e-01, -1.694835e-01], [3.276748e-01, -2.292917e-01, -3.830083e-02]], [[3.449648e-01, -3.800806e-01, 8.043913e-02], [3.601036e-01, -2.157577e-01, 3.879194e-02], [3.273027e-01, -2.934644e-01, 1.873006e-02]]], [[[2.003279e-01, 1.352106e-01, -2.579771e-02], [-2.361207e-01, -7.387289e-03, -1.020922e-01], [-1.807908e-02, -1.072877e-01, 2.703344e-01]], [[2.149180e-01, -1.488043e-01, 5.810027e-02], [-1.791608e-01, -3.772565e-02, -1.176173e-01], [1.259196e-01, -1.037191e-01, -3.272562e-02]], [[1.754593e-01, -6.960654e-02, 3.251386e-01], [-2.556387e-01, 1.928951e-01, -6.210077e-02], [-5.883714e-02, 1.075039e-01, 1.832496e-02]]], [[[-6.809122e-02, -3.988585e-01, -3.261901e-01], [1.675155e-01, 1.947648e-02, 1.569284e-01], [3.643747e-01, 1.463311e-01, -3.574970e-01]], [[-1.529179e-01, 7.407575e-02, -2.119037e-01], [3.719768e-01, 3.560386e-01, 2.787207e-01], [-2.214080e-02, 2.731814e-01, -2.951115e-01]], [[-1.530131e-01, -2.960288e-02, 1.934778e-01], [-1.133982e-02, -2.904991e-01, -1.251708e-01], [-1.404591e-01, -1.596649e-01, -2.675989e-01]]], [[[-6.807858e-02, -4.150347e-02, 2.199203e-01], [2.371126e-01, 1.791210e-02, -3.149576e-02], [2.225709e-01, 3.098312e-01, 1.399350e-01]], [[2.403832e-01, 3.512891e-01, -3.674754e-01], [3.005374e-01, -1.787495e-01, -1.938840e-02], [2.374088e-01, 1.737938e-01, -2.822819e-01]], [[1.269986e-01, -3.445983e-01, -1.143435e-01], [2.502636e-01, -5.783613e-02, 7.988355e-02], [1.825290e-01, 2.569821e-01, 2.084121e-01]]]]> : tensor<4x3x3x3xf64>
qat.param @conv.bias = dense<[-2.957140e-01, -4.784590e-02, -2.211827e-02, -2.667003e-01]> : tensor<4xf64>
qat.param @bn.weight = dense<[1.016577e+00, 1.043108e+00, 1.131381e+00, 1.176724e+00]> : tensor<4xf64>
qat.param @bn.bias = dense<[-1.487409e-01, -1.078277e-01, 6.366336e-02, -1.470104e-01]> : tensor<4xf64>
qat.param state @bn.running_mean = dense<[-1.103685e-01, 2.994504e-02, -1.321905e-01, 1.128921e-01]> : tensor<4xf64>
qat.param state @bn.running_var = dense<[1.314185e+00, 8.202045e-01, 1.119587e+00, 1.278171e+00]> : tensor<4xf64>

func.func @forward(%x: tensor<2x3x6x8xf64>) -> tensor<2x4x3x4xf64> {
  %w = qat.load @conv.weight : tensor<4x3x3x3xf64>
  %b = qat.load @conv.bias : tensor<4xf64>
  %c = qat.conv2d %x, %w, %b {padding = array<i64: 1, 1>}
      : (tensor<2x3x6x8xf64>, tensor<4x3x3x3xf64>, tensor<4xf64>) -> tensor<2x4x6x8xf64>
  %g = qat.load @bn.weight : tensor<4xf64>
  %beta = qat.load @bn.bias : tensor<4xf64>
  %m = qat.load @bn.running_mean : tensor<4xf64>
  %v = qat.load @bn.running_var : tensor<4xf64>
  %n, %new_mean, %new_var = qat.batch_norm %c, %g, %beta, %m, %v {training}
      : (tensor<2x4x6x8xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>, tensor<4xf64>) -> (tensor<2x4x6x8xf64>, tensor<4xf64>, tensor<4xf64>)
  %r = qat.relu %n : tensor<2x4x6x8xf64>
  %y = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>}
      : tensor<2x4x6x8xf64> -> tensor<2x4x3x4xf64>
  return %y : tensor<2x4x3x4xf64>
}

// RUN: qat-opt %s -split-input-file --qat-fuse --qat-prepare --qat-fold-bn | FileCheck %s

// conv + bias + batch_norm + relu, fused and prepared, then folded as
// PyTorch's fuse_conv_bn_eval: sf = gamma / sqrt(var + eps) = [0.5, 0.5],
// w' = w * sf, b' = (b - mean) / sqrt(var + eps) * gamma + beta =
// [(1.5 - 0.5) / 2 + 0.25, (-0.5 - 0.5) / 4 * 2 - 0.25] = [0.75, -0.75].
// The batch norm and its parameters are gone; the weight observer and
// fake-quant read the folded weight; the ReLU stays fused with the conv.
// CHECK-LABEL: module
// CHECK-DAG: qat.param @conv.weight = dense<{{\[\[\[\[}}2.500000e-01, -5.000000e-01], [7.500000e-01, 1.000000e+00]]], {{\[\[\[}}-1.250000e-01, 3.750000e-01], [5.000000e-01, -1.000000e+00]]]]> : tensor<2x1x2x2xf32>
// CHECK-DAG: qat.param @conv.bias = dense<[7.500000e-01, -7.500000e-01]> : tensor<2xf32>
// CHECK-NOT: @bn.
// CHECK-LABEL: func.func @forward
// CHECK: %[[W:.*]] = qat.load @conv.weight : tensor<2x1x2x2xf32>
// CHECK: qat.observe %[[W]]
// CHECK: %[[WQ:.*]] = qat.fake_quant %[[W]]
// CHECK: %[[B:.*]] = qat.load @conv.bias : tensor<2xf32>
// CHECK: %[[C:.*]] = qat.conv2d %{{.*}}, %[[WQ]], %[[B]] {qat.fused}
// CHECK-NEXT: %[[R:.*]] = qat.relu %[[C]]
// CHECK-NOT: qat.batch_norm
// CHECK-NOT: qat.div
// CHECK-NOT: qat.mul
// CHECK: return

qat.param @conv.weight = dense<[[[[0.5, -1.0], [1.5, 2.0]]], [[[-0.25, 0.75], [1.0, -2.0]]]]> : tensor<2x1x2x2xf32>
qat.param @conv.bias = dense<[1.5, -0.5]> : tensor<2xf32>
qat.param @bn.weight = dense<[1.0, 2.0]> : tensor<2xf32>
qat.param @bn.bias = dense<[0.25, -0.25]> : tensor<2xf32>
qat.param state @bn.running_mean = dense<[0.5, 0.5]> : tensor<2xf32>
qat.param state @bn.running_var = dense<[3.0, 15.0]> : tensor<2xf32>
func.func @forward(%x: tensor<1x1x3x3xf32>) -> tensor<1x2x2x2xf32> {
  %w = qat.load @conv.weight : tensor<2x1x2x2xf32>
  %b = qat.load @conv.bias : tensor<2xf32>
  %c = qat.conv2d %x, %w, %b : (tensor<1x1x3x3xf32>, tensor<2x1x2x2xf32>, tensor<2xf32>) -> tensor<1x2x2x2xf32>
  %g = qat.load @bn.weight : tensor<2xf32>
  %be = qat.load @bn.bias : tensor<2xf32>
  %rm = qat.load @bn.running_mean : tensor<2xf32>
  %rv = qat.load @bn.running_var : tensor<2xf32>
  %n, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv {eps = 1.0 : f64, training} : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>)
  %r = qat.relu %n : tensor<1x2x2x2xf32>
  return %r : tensor<1x2x2x2xf32>
}

// -----

// Without a conv bias the fold creates one: b' = (0 - 2) / sqrt(3 + 1) * 2
// + 1 = -1. A conv without a batch norm is left as it is.
// CHECK-LABEL: module
// CHECK-DAG: qat.param @c1.weight = dense<2.000000e+00> : tensor<1x1x1x1xf32>
// CHECK-DAG: qat.param @c1.bias = dense<-1.000000e+00> : tensor<1xf32>
// CHECK-DAG: qat.param @c2.weight = dense<5.000000e-01> : tensor<1x1x1x1xf32>
// CHECK-LABEL: func.func @forward
// CHECK: %[[B:.*]] = qat.load @c1.bias : tensor<1xf32>
// CHECK: %[[C:.*]] = qat.conv2d %{{.*}}, %{{.*}}, %[[B]] :
// CHECK: qat.observe %[[C]]
// CHECK: qat.load @c2.weight
// CHECK: qat.conv2d %{{[^,]*}}, %{{[^,]*}} :
// CHECK-NOT: qat.batch_norm
qat.param @c1.weight = dense<2.0> : tensor<1x1x1x1xf32>
qat.param @bn.weight = dense<2.0> : tensor<1xf32>
qat.param @bn.bias = dense<1.0> : tensor<1xf32>
qat.param state @bn.running_mean = dense<2.0> : tensor<1xf32>
qat.param state @bn.running_var = dense<3.0> : tensor<1xf32>
qat.param @c2.weight = dense<0.5> : tensor<1x1x1x1xf32>
func.func @forward(%x: tensor<1x1x3x3xf32>) -> tensor<1x1x3x3xf32> {
  %w = qat.load @c1.weight : tensor<1x1x1x1xf32>
  %c = qat.conv2d %x, %w : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  %g = qat.load @bn.weight : tensor<1xf32>
  %be = qat.load @bn.bias : tensor<1xf32>
  %rm = qat.load @bn.running_mean : tensor<1xf32>
  %rv = qat.load @bn.running_var : tensor<1xf32>
  %n, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv {eps = 1.0 : f64} : (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>)
  %w2 = qat.load @c2.weight : tensor<1x1x1x1xf32>
  %c2 = qat.conv2d %n, %w2 : (tensor<1x1x3x3xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x3x3xf32>
  return %c2 : tensor<1x1x3x3xf32>
}

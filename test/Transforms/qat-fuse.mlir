// RUN: qat-opt %s -split-input-file --qat-fuse | FileCheck %s
// RUN: qat-opt %s -split-input-file --qat-fuse=freeze-bn=true | FileCheck %s --check-prefix=FREEZE

// linear + relu: the linear is marked, the relu (the group's last op) is not.

qat.param @fc.weight = dense<0.5> : tensor<8x4xf32>
qat.param @fc.bias = dense<0.0> : tensor<8xf32>

// CHECK-LABEL: func.func @linear_relu
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK: %[[W:.*]] = qat.load @fc.weight
// CHECK: %[[B:.*]] = qat.load @fc.bias
// CHECK: %[[Y:.*]] = qat.linear %[[X]], %[[W]], %[[B]] {qat.fused}
// CHECK-NEXT: %[[R:.*]] = qat.relu %[[Y]] : tensor<2x8xf32>
// CHECK-NEXT: return %[[R]]
func.func @linear_relu(%x: tensor<2x4xf32>) -> tensor<2x8xf32> {
  %w = qat.load @fc.weight : tensor<8x4xf32>
  %b = qat.load @fc.bias : tensor<8xf32>
  %y = qat.linear %x, %w, %b : (tensor<2x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %r = qat.relu %y : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

qat.param @fc.weight = dense<0.5> : tensor<8x4xf32>

// CHECK-LABEL: func.func @linear_relu6
// CHECK: %[[Y:.*]] = qat.linear %{{.*}}, %{{.*}} {qat.fused}
// CHECK-NEXT: %[[R:.*]] = qat.relu6 %[[Y]]
// CHECK-NOT: qat.fused
// CHECK: return %[[R]]
func.func @linear_relu6(%x: tensor<2x4xf32>) -> tensor<2x8xf32> {
  %w = qat.load @fc.weight : tensor<8x4xf32>
  %y = qat.linear %x, %w : (tensor<2x4xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  %r = qat.relu6 %y : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @conv.bias = dense<0.1> : tensor<4xf32>

// A plain conv + relu is only marked: no batch norm, nothing rewritten.
// CHECK-LABEL: func.func @conv_relu
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// CHECK: %[[W:.*]] = qat.load @conv.weight
// CHECK: %[[B:.*]] = qat.load @conv.bias
// CHECK: %[[C:.*]] = qat.conv2d %[[X]], %[[W]], %[[B]] {padding = array<i64: 1, 1>, qat.fused}
// CHECK-NEXT: %[[R:.*]] = qat.relu %[[C]]
// CHECK-NEXT: return %[[R]]
func.func @conv_relu(%x: tensor<1x3x6x6xf32>) -> tensor<1x4x6x6xf32> {
  %w = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %b = qat.load @conv.bias : tensor<4xf32>
  %c = qat.conv2d %x, %w, %b {padding = array<i64: 1, 1>} : (tensor<1x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x6x6xf32>
  %r = qat.relu %c : tensor<1x4x6x6xf32>
  return %r : tensor<1x4x6x6xf32>
}

// -----

// CHECK-LABEL: func.func @add_relu
// CHECK-SAME: (%[[A:.*]]: tensor<2x8xf32>, %[[B:.*]]: tensor<2x8xf32>)
// CHECK: %[[S:.*]] = qat.add %[[A]], %[[B]] {qat.fused}
// CHECK-NEXT: %[[R:.*]] = qat.relu6 %[[S]]
// CHECK-NEXT: return %[[R]]
func.func @add_relu(%a: tensor<2x8xf32>, %b: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %s = qat.add %a, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  %r = qat.relu6 %s : tensor<2x8xf32>
  return %r : tensor<2x8xf32>
}

// -----

qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>

// A batch norm that does not follow a conv fuses with its relu (BNReLU2d);
// freeze-bn only concerns batch norms folded into a conv, so this one keeps
// training.
// CHECK-LABEL: func.func @batch_norm_relu
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x3x3xf32>)
// CHECK: %[[Y:.*]], %[[RM:.*]], %[[RV:.*]] = qat.batch_norm %[[X]], {{.*}} {qat.fused, training}
// CHECK-NEXT: qat.store %[[RM]], @bn.running_mean
// CHECK-NEXT: qat.store %[[RV]], @bn.running_var
// CHECK-NEXT: %[[R:.*]] = qat.relu %[[Y]]
// CHECK-NEXT: return %[[R]]
// FREEZE-LABEL: func.func @batch_norm_relu
// FREEZE: qat.batch_norm {{.*}} {qat.fused, training}
func.func @batch_norm_relu(%x: tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32> {
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %y, %rm1, %rv1 = qat.batch_norm %x, %g, %be, %rm, %rv {training} : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
  qat.store %rm1, @bn.running_mean : tensor<4xf32>
  qat.store %rv1, @bn.running_var : tensor<4xf32>
  %r = qat.relu %y : tensor<2x4x3x3xf32>
  return %r : tensor<2x4x3x3xf32>
}

// -----

qat.param @fc.weight = dense<0.5> : tensor<8x4xf32>

// The linear's output is also returned: it must be quantized on its own,
// so there is no group. Neither is a relu that does not follow a fusable op.
// CHECK-LABEL: func.func @linear_two_users
// CHECK-NOT: qat.fused
// CHECK: %[[Y:.*]] = qat.linear
// CHECK-NEXT: %[[R:.*]] = qat.relu %[[Y]]
// CHECK-NEXT: %[[S:.*]] = qat.softmax %[[R]]
// CHECK-NEXT: %[[R2:.*]] = qat.relu %[[S]]
// CHECK-NOT: qat.fused
// CHECK: return %[[R2]], %[[Y]]
func.func @linear_two_users(%x: tensor<2x4xf32>) -> (tensor<2x8xf32>, tensor<2x8xf32>) {
  %w = qat.load @fc.weight : tensor<8x4xf32>
  %y = qat.linear %x, %w : (tensor<2x4xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  %r = qat.relu %y : tensor<2x8xf32>
  %s = qat.softmax %r {axis = -1 : i64} : tensor<2x8xf32>
  %r2 = qat.relu %s : tensor<2x8xf32>
  return %r2, %y : tensor<2x8xf32>, tensor<2x8xf32>
}

// -----

qat.param @fc.weight = dense<0.5> : tensor<8x4xf32>

// A linear whose single user is not an activation stays alone.
// CHECK-LABEL: func.func @linear_softmax
// CHECK-NOT: qat.fused
// CHECK: return
func.func @linear_softmax(%x: tensor<2x4xf32>) -> tensor<2x8xf32> {
  %w = qat.load @fc.weight : tensor<8x4xf32>
  %y = qat.linear %x, %w : (tensor<2x4xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  %s = qat.softmax %y {axis = -1 : i64} : tensor<2x8xf32>
  return %s : tensor<2x8xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @conv.bias = dense<0.1> : tensor<4xf32>
qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>

// conv (with bias) + batch_norm, PyTorch's ConvBn2d QAT forward:
//   sf = gamma / sqrt(running_var + eps)
//   bn(conv(x, w * sf[:, None, None, None]) / sf[None, :, None, None]
//      + bias[None, :, None, None])
// The conv's attributes are kept, eps goes to bn_scale_factor, the batch
// norm still trains and is the group's last op (not marked).
// CHECK-LABEL: func.func @conv_bn_bias
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x8x8xf32>)
// CHECK: %[[W:.*]] = qat.load @conv.weight : tensor<4x3x3x3xf32>
// CHECK: %[[B:.*]] = qat.load @conv.bias : tensor<4xf32>
// CHECK: %[[G:.*]] = qat.load @bn.weight
// CHECK: %[[BETA:.*]] = qat.load @bn.bias
// CHECK: %[[RM:.*]] = qat.load @bn.running_mean
// CHECK: %[[RV:.*]] = qat.load @bn.running_var
// CHECK-NOT: qat.conv2d
// CHECK: %[[SF:.*]] = qat.bn_scale_factor %[[G]], %[[RV]] {eps = 1.000000e-03 : f64, qat.fused} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
// CHECK-NEXT: %[[SFW:.*]] = qat.reshape %[[SF]] {qat.fused} : tensor<4xf32> -> tensor<4x1x1x1xf32>
// CHECK-NEXT: %[[WS:.*]] = qat.mul %[[W]], %[[SFW]] {qat.bn_folded_weight, qat.fused} : (tensor<4x3x3x3xf32>, tensor<4x1x1x1xf32>) -> tensor<4x3x3x3xf32>
// CHECK-NEXT: %[[C:.*]] = qat.conv2d %[[X]], %[[WS]] {dilation = array<i64: 2, 2>, padding = array<i64: 1, 1>, qat.fused, strides = array<i64: 1, 2>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x3xf32>
// CHECK-NEXT: %[[SFO:.*]] = qat.reshape %[[SF]] {qat.fused} : tensor<4xf32> -> tensor<1x4x1x1xf32>
// CHECK-NEXT: %[[D:.*]] = qat.div %[[C]], %[[SFO]] {qat.fused} : (tensor<2x4x6x3xf32>, tensor<1x4x1x1xf32>) -> tensor<2x4x6x3xf32>
// CHECK-NEXT: %[[BR:.*]] = qat.reshape %[[B]] {qat.fused} : tensor<4xf32> -> tensor<1x4x1x1xf32>
// CHECK-NEXT: %[[A:.*]] = qat.add %[[D]], %[[BR]] {qat.fused} : (tensor<2x4x6x3xf32>, tensor<1x4x1x1xf32>) -> tensor<2x4x6x3xf32>
// CHECK-NEXT: %[[Y:.*]], %[[RM1:.*]], %[[RV1:.*]] = qat.batch_norm %[[A]], %[[G]], %[[BETA]], %[[RM]], %[[RV]] {eps = 1.000000e-03 : f64, training}
// CHECK-NEXT: qat.store %[[RM1]], @bn.running_mean
// CHECK-NEXT: qat.store %[[RV1]], @bn.running_var
// CHECK-NEXT: return %[[Y]]
// FREEZE-LABEL: func.func @conv_bn_bias
// FREEZE: %[[Y:.*]], %{{.*}}, %{{.*}} = qat.batch_norm
// FREEZE-NOT: training
// FREEZE-SAME: {eps = 1.000000e-03 : f64}
// FREEZE: return %[[Y]]
func.func @conv_bn_bias(%x: tensor<2x3x8x8xf32>) -> tensor<2x4x6x3xf32> {
  %w = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %b = qat.load @conv.bias : tensor<4xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %c = qat.conv2d %x, %w, %b {strides = array<i64: 1, 2>, padding = array<i64: 1, 1>, dilation = array<i64: 2, 2>} : (tensor<2x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x6x3xf32>
  %y, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv {eps = 1.0e-3 : f64, training} : (tensor<2x4x6x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x6x3xf32>, tensor<4xf32>, tensor<4xf32>)
  qat.store %rm1, @bn.running_mean : tensor<4xf32>
  qat.store %rv1, @bn.running_var : tensor<4xf32>
  return %y : tensor<2x4x6x3xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>

// Bias-less conv + batch_norm + relu: no bias add; the batch norm is marked
// as the relu follows it.
// CHECK-LABEL: func.func @conv_bn_nobias_relu
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x6x6xf32>)
// CHECK: %[[W:.*]] = qat.load @conv.weight
// CHECK: %[[G:.*]] = qat.load @bn.weight
// CHECK: %[[RV:.*]] = qat.load @bn.running_var
// CHECK-NEXT: %[[SF:.*]] = qat.bn_scale_factor %[[G]], %[[RV]] {qat.fused}
// CHECK-NEXT: %[[SFW:.*]] = qat.reshape %[[SF]] {qat.fused} : tensor<4xf32> -> tensor<4x1x1x1xf32>
// CHECK-NEXT: %[[WS:.*]] = qat.mul %[[W]], %[[SFW]] {qat.bn_folded_weight, qat.fused}
// CHECK-NEXT: %[[C:.*]] = qat.conv2d %[[X]], %[[WS]] {qat.fused} : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
// CHECK-NEXT: %[[SFO:.*]] = qat.reshape %[[SF]] {qat.fused} : tensor<4xf32> -> tensor<1x4x1x1xf32>
// CHECK-NEXT: %[[D:.*]] = qat.div %[[C]], %[[SFO]] {qat.fused}
// CHECK-NOT: qat.add
// CHECK-NEXT: %[[Y:.*]], %{{.*}}, %{{.*}} = qat.batch_norm %[[D]], {{.*}} {qat.fused, training}
// CHECK: %[[R:.*]] = qat.relu %[[Y]]
// CHECK-NEXT: return %[[R]]
// FREEZE-LABEL: func.func @conv_bn_nobias_relu
// FREEZE: qat.batch_norm {{.*}} {qat.fused} :
// FREEZE: qat.relu
func.func @conv_bn_nobias_relu(%x: tensor<2x3x6x6xf32>) -> tensor<2x4x4x4xf32> {
  %w = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %c = qat.conv2d %x, %w : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
  %y, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv {training} : (tensor<2x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  qat.store %rm1, @bn.running_mean : tensor<4xf32>
  qat.store %rv1, @bn.running_var : tensor<4xf32>
  %r = qat.relu %y : tensor<2x4x4x4xf32>
  return %r : tensor<2x4x4x4xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @conv.bias = dense<0.1> : tensor<4xf32>
qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>

// conv with bias + batch_norm (eval mode) + relu6.
// CHECK-LABEL: func.func @conv_bn_bias_relu6
// CHECK: %[[B:.*]] = qat.load @conv.bias
// CHECK: %[[D:.*]] = qat.div
// CHECK-NEXT: %[[BR:.*]] = qat.reshape %[[B]] {qat.fused} : tensor<4xf32> -> tensor<1x4x1x1xf32>
// CHECK-NEXT: %[[A:.*]] = qat.add %[[D]], %[[BR]] {qat.fused}
// CHECK-NEXT: %[[Y:.*]], %{{.*}}, %{{.*}} = qat.batch_norm %[[A]], {{.*}} {qat.fused} :
// CHECK-NEXT: %[[R:.*]] = qat.relu6 %[[Y]]
// CHECK-NEXT: return %[[R]]
func.func @conv_bn_bias_relu6(%x: tensor<2x3x6x6xf32>) -> tensor<2x4x4x4xf32> {
  %w = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %b = qat.load @conv.bias : tensor<4xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %c = qat.conv2d %x, %w, %b : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
  %y, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv : (tensor<2x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %r = qat.relu6 %y : tensor<2x4x4x4xf32>
  return %r : tensor<2x4x4x4xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>

// The batch norm's parameters are loaded after the conv: the folding ops
// are created where they are all available (at the batch norm), after the
// loads, and the scaled weight still feeds the new conv.
// CHECK-LABEL: func.func @conv_bn_params_after_conv
// CHECK: %[[W:.*]] = qat.load @conv.weight
// CHECK-NOT: qat.conv2d
// CHECK: %[[G:.*]] = qat.load @bn.weight
// CHECK: %[[RV:.*]] = qat.load @bn.running_var
// CHECK-NEXT: %[[SF:.*]] = qat.bn_scale_factor %[[G]], %[[RV]] {qat.fused}
// CHECK-NEXT: %[[SFW:.*]] = qat.reshape %[[SF]]
// CHECK-NEXT: %[[WS:.*]] = qat.mul %[[W]], %[[SFW]] {qat.bn_folded_weight, qat.fused}
// CHECK-NEXT: %[[C:.*]] = qat.conv2d %{{.*}}, %[[WS]] {qat.fused}
// CHECK-NEXT: %[[SFO:.*]] = qat.reshape %[[SF]]
// CHECK-NEXT: %[[D:.*]] = qat.div %[[C]], %[[SFO]]
// CHECK-NEXT: qat.batch_norm %[[D]]
// FREEZE-LABEL: func.func @conv_bn_params_after_conv
// FREEZE: qat.batch_norm
// FREEZE-NOT: training
// FREEZE: return
func.func @conv_bn_params_after_conv(%x: tensor<1x3x6x6xf32>) -> tensor<1x4x4x4xf32> {
  %w = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %c = qat.conv2d %x, %w : (tensor<1x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %y, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv {training} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  qat.store %rm1, @bn.running_mean : tensor<4xf32>
  qat.store %rv1, @bn.running_var : tensor<4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<8x2x3x3xf32>
qat.param @bn.weight = dense<1.0> : tensor<8xf32>
qat.param @bn.bias = dense<0.0> : tensor<8xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<8xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<8xf32>

// Grouped conv (4 groups, weight [O, C/groups, KH, KW]): the factor scales
// the output channels (weight axis 0), groups are kept.
// CHECK-LABEL: func.func @grouped_conv_bn
// CHECK: %[[SF:.*]] = qat.bn_scale_factor {{.*}} -> tensor<8xf32>
// CHECK-NEXT: %[[SFW:.*]] = qat.reshape %[[SF]] {qat.fused} : tensor<8xf32> -> tensor<8x1x1x1xf32>
// CHECK-NEXT: %[[WS:.*]] = qat.mul %{{.*}}, %[[SFW]] {qat.bn_folded_weight, qat.fused} : (tensor<8x2x3x3xf32>, tensor<8x1x1x1xf32>) -> tensor<8x2x3x3xf32>
// CHECK-NEXT: %[[C:.*]] = qat.conv2d %{{.*}}, %[[WS]] {groups = 4 : i64, qat.fused} : (tensor<1x8x5x5xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x3x3xf32>
// CHECK-NEXT: %[[SFO:.*]] = qat.reshape %[[SF]] {qat.fused} : tensor<8xf32> -> tensor<1x8x1x1xf32>
// CHECK-NEXT: %[[D:.*]] = qat.div %[[C]], %[[SFO]]
// CHECK-NEXT: qat.batch_norm %[[D]]
func.func @grouped_conv_bn(%x: tensor<1x8x5x5xf32>) -> tensor<1x8x3x3xf32> {
  %w = qat.load @conv.weight : tensor<8x2x3x3xf32>
  %g = qat.load @bn.weight : tensor<8xf32>
  %be = qat.load @bn.bias : tensor<8xf32>
  %rm = qat.load @bn.running_mean : tensor<8xf32>
  %rv = qat.load @bn.running_var : tensor<8xf32>
  %c = qat.conv2d %x, %w {groups = 4 : i64} : (tensor<1x8x5x5xf32>, tensor<8x2x3x3xf32>) -> tensor<1x8x3x3xf32>
  %y, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv : (tensor<1x8x3x3xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<1x8x3x3xf32>, tensor<8xf32>, tensor<8xf32>)
  return %y : tensor<1x8x3x3xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>

// The conv's output is also returned: it cannot be folded into the batch
// norm, which keeps training even with freeze-bn.
// CHECK-LABEL: func.func @conv_two_users_bn
// CHECK-NOT: qat.bn_scale_factor
// CHECK-NOT: qat.fused
// CHECK: %[[C:.*]] = qat.conv2d
// CHECK: qat.batch_norm %[[C]], {{.*}} {training}
// CHECK: return
// FREEZE-LABEL: func.func @conv_two_users_bn
// FREEZE: qat.batch_norm {{.*}} {training}
func.func @conv_two_users_bn(%x: tensor<1x3x6x6xf32>) -> (tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>) {
  %w = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %c = qat.conv2d %x, %w : (tensor<1x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  %y, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv {training} : (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<1x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y, %c : tensor<1x4x4x4xf32>, tensor<1x4x4x4xf32>
}

// RUN: qat-opt %s --qat-set-batch=batch=1 -split-input-file -verify-diagnostics | FileCheck %s

// The batch follows the data; parameters keep their shapes.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>) -> tensor<1x3xf32>
// CHECK: %[[F:.*]] = qat.flatten %[[X]] : tensor<1x1x4x4xf32> -> tensor<1x16xf32>
// CHECK: %[[W:.*]] = qat.load @w : tensor<3x16xf32>
// CHECK: %[[Y:.*]] = qat.linear %[[F]], %[[W]] : (tensor<1x16xf32>, tensor<3x16xf32>) -> tensor<1x3xf32>
// CHECK: %[[R:.*]] = qat.relu %[[Y]] : tensor<1x3xf32>
// CHECK: return %[[R]] : tensor<1x3xf32>
qat.param @w = dense<0.5> : tensor<3x16xf32>
func.func @forward(%x: tensor<3x1x4x4xf32>) -> tensor<3x3xf32> {
  %f = qat.flatten %x : tensor<3x1x4x4xf32> -> tensor<3x16xf32>
  %w = qat.load @w : tensor<3x16xf32>
  %y = qat.linear %f, %w : (tensor<3x16xf32>, tensor<3x16xf32>) -> tensor<3x3xf32>
  %r = qat.relu %y : tensor<3x3xf32>
  return %r : tensor<3x3xf32>
}

// -----

// A reshape or flatten that folds the batch into a larger leading
// dimension (batch * k) keeps each sample's block: the multiple follows.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<1x8xf32>) -> tensor<2x2xf32>
// CHECK: qat.reshape %[[X]] : tensor<1x8xf32> -> tensor<8xf32>
// CHECK: qat.flatten %[[X]] {start_dim = 0 : i64} : tensor<1x8xf32> -> tensor<8xf32>
// CHECK: qat.reshape %{{.*}} : tensor<8xf32> -> tensor<2x2x2x1xf32>
// CHECK: qat.global_avg_pool %{{.*}} : tensor<2x2x2x1xf32> -> tensor<2x2x1x1xf32>
// CHECK: qat.reshape %{{.*}} : tensor<2x2x1x1xf32> -> tensor<2x2xf32>
func.func @forward(%x: tensor<2x8xf32>) -> tensor<4x2xf32> {
  %r = qat.reshape %x : tensor<2x8xf32> -> tensor<16xf32>
  %f = qat.flatten %x {start_dim = 0 : i64} : tensor<2x8xf32> -> tensor<16xf32>
  %s = qat.add %r, %f : (tensor<16xf32>, tensor<16xf32>) -> tensor<16xf32>
  %t = qat.reshape %s : tensor<16xf32> -> tensor<4x2x2x1xf32>
  %p = qat.global_avg_pool %t : tensor<4x2x2x1xf32> -> tensor<4x2x1x1xf32>
  %o = qat.reshape %p : tensor<4x2x1x1xf32> -> tensor<4x2xf32>
  return %o : tensor<4x2xf32>
}

// -----

// Results that reduce the batch away keep their types even when their
// leading dimension equals the old batch: batch_norm's new running
// statistics (here 2 channels at batch 2), observer qparams and state,
// losses and correct counts. Scalar arguments (a learning rate) have no
// batch; integer labels do. (A training step, named @forward here.)
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x3x3xf32>, %[[L:.*]]: tensor<1xi32>, %[[LR:.*]]: tensor<f32>) -> (tensor<f32>, tensor<i32>, tensor<2xf32>, tensor<1xf32>)
// CHECK: qat.batch_norm {{.*}} -> (tensor<1x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>)
// CHECK: qat.observe {{.*}} : (tensor<1x2x3x3xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
// CHECK: qat.fake_quant {{.*}} -> tensor<1x2x3x3xf32>
// CHECK: qat.global_avg_pool {{.*}} : tensor<1x2x3x3xf32> -> tensor<1x2x1x1xf32>
// CHECK: qat.flatten {{.*}} : tensor<1x2x1x1xf32> -> tensor<1x2xf32>
// CHECK: qat.cross_entropy {{.*}} : (tensor<1x2xf32>, tensor<1xi32>) -> tensor<f32>
// CHECK: qat.correct_count {{.*}} : (tensor<1x2xf32>, tensor<1xi32>) -> tensor<i32>
qat.param @g = dense<1.0> : tensor<2xf32>
qat.param @b = dense<0.0> : tensor<2xf32>
qat.param state @rm = dense<0.0> : tensor<2xf32>
qat.param state @rv = dense<1.0> : tensor<2xf32>
qat.param state @mn = dense<0x7F800000> : tensor<1xf32>
qat.param state @mx = dense<0xFF800000> : tensor<1xf32>
func.func @forward(%x: tensor<2x2x3x3xf32>, %labels: tensor<2xi32>, %lr: tensor<f32>)
    -> (tensor<f32>, tensor<i32>, tensor<2xf32>, tensor<1xf32>) {
  %g = qat.load @g : tensor<2xf32>
  %b = qat.load @b : tensor<2xf32>
  %rm = qat.load @rm : tensor<2xf32>
  %rv = qat.load @rv : tensor<2xf32>
  %y, %rm1, %rv1 = qat.batch_norm %x, %g, %b, %rm, %rv {eps = 1.0e-5 : f64, training}
      : (tensor<2x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>)
      -> (tensor<2x2x3x3xf32>, tensor<2xf32>, tensor<2xf32>)
  %mn = qat.load @mn : tensor<1xf32>
  %mx = qat.load @mx : tensor<1xf32>
  %s, %z, %mn1, %mx1 = qat.observe %y, %mn, %mx {training, spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<2x2x3x3xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %q = qat.fake_quant %y, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<2x2x3x3xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x2x3x3xf32>
  %p = qat.global_avg_pool %q : tensor<2x2x3x3xf32> -> tensor<2x2x1x1xf32>
  %f = qat.flatten %p : tensor<2x2x1x1xf32> -> tensor<2x2xf32>
  %l = qat.cross_entropy %f, %labels : (tensor<2x2xf32>, tensor<2xi32>) -> tensor<f32>
  %c = qat.correct_count %f, %labels : (tensor<2x2xf32>, tensor<2xi32>) -> tensor<i32>
  return %l, %c, %rm1, %mx1 : tensor<f32>, tensor<i32>, tensor<2xf32>, tensor<1xf32>
}

// -----

// The backward ops: input gradients carry the batch, weight and bias
// gradients do not; sum_to_shape keeps an equal leading dimension and sums
// a broadcast one away.
// CHECK-LABEL: func.func @forward
// CHECK: qat.linear_grad {{.*}} -> (tensor<1x3xf32>, tensor<4x3xf32>, tensor<4xf32>)
// CHECK: qat.sum_to_shape {{.*}} : (tensor<1x4xf32>) -> tensor<1x4xf32>
// CHECK: qat.sum_to_shape {{.*}} : (tensor<1x4xf32>) -> tensor<4xf32>
// CHECK: return {{.*}} : tensor<1x3xf32>, tensor<4x3xf32>, tensor<1x4xf32>, tensor<4xf32>
func.func @forward(%x: tensor<2x3xf32>, %dy: tensor<2x4xf32>)
    -> (tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x4xf32>, tensor<4xf32>) {
  %w = arith.constant dense<1.0> : tensor<4x3xf32>
  %dx, %dw, %db = qat.linear_grad %x, %w, %dy
      : (tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>)
  %keep = qat.sum_to_shape %dy : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %sum = qat.sum_to_shape %dy : (tensor<2x4xf32>) -> tensor<4xf32>
  return %dx, %dw, %keep, %sum : tensor<2x3xf32>, tensor<4x3xf32>, tensor<2x4xf32>, tensor<4xf32>
}

// -----

// An int8 graph: quantized types keep their parameters.
// CHECK-LABEL: func.func @forward
// CHECK: qat.quantize %{{.*}} : tensor<1x3xf32> -> tensor<1x3x!quant.uniform<u8:f32, 5.000000e-01:3>>
// CHECK: qat.reshape %{{.*}} : tensor<1x3x!quant.uniform<u8:f32, 5.000000e-01:3>> -> tensor<3x!quant.uniform<u8:f32, 5.000000e-01:3>>
// CHECK: qat.dequantize %{{.*}} : tensor<3x!quant.uniform<u8:f32, 5.000000e-01:3>> -> tensor<3xf32>
func.func @forward(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %q = qat.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 0.5:3>>
  %r = qat.reshape %q : tensor<2x3x!quant.uniform<u8:f32, 0.5:3>> -> tensor<6x!quant.uniform<u8:f32, 0.5:3>>
  %d = qat.dequantize %r : tensor<6x!quant.uniform<u8:f32, 0.5:3>> -> tensor<6xf32>
  return %d : tensor<6xf32>
}

// -----

// A reshape that splits samples across rows has no batch in front.
func.func @forward(%x: tensor<4x3xf32>) -> tensor<6x2xf32> {
  // expected-error @below {{result 0 ('tensor<6x2xf32>') does not lead with a multiple of the batch dimension 4; cannot re-batch this model}}
  %r = qat.reshape %x : tensor<4x3xf32> -> tensor<6x2xf32>
  return %r : tensor<6x2xf32>
}

// -----

func.func @forward(%x: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @below {{concatenates along the batch axis; cannot re-batch this model}}
  %r = qat.concat %x, %x {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// An op without a batch rule cannot take a batched operand.
qat.param @p = dense<0.0> : tensor<2x3xf32>
func.func @forward(%g: tensor<2x3xf32>, %lr: tensor<f32>) -> tensor<2x3xf32> {
  %p = qat.load @p : tensor<2x3xf32>
  // expected-error @below {{has no rule for a batched operand; cannot re-batch this model}}
  %p1, %b1 = qat.sgd_update %p, %g, %p, %lr : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<f32>) -> (tensor<2x3xf32>, tensor<2x3xf32>)
  return %p1 : tensor<2x3xf32>
}

// -----

// A re-typed op is verified again: a parameter with the batch's size
// cannot follow it.
qat.param @p = dense<0.0> : tensor<2x3xf32>
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %p = qat.load @p : tensor<2x3xf32>
  // expected-error @below {{'qat.add' op result has shape [1, 3], expected [2, 3]}}
  %r = qat.add %x, %p : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

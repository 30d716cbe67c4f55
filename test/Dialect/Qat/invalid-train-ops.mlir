// RUN: qat-opt %s -split-input-file -verify-diagnostics

// The verifiers of the ops a training step is made of: the quantization
// backward and observer ops (QatOps.td: fake_quant_grad, observe,
// bn_scale_factor) and QatTrainOps.td. Of the latter only sum_to_shape has
// a verifier; the others are checked by their ODS operand and attribute
// constraints, one case each below.

//===----------------------------------------------------------------------===//
// fake_quant_grad
//===----------------------------------------------------------------------===//

func.func @fake_quant_grad_grad_type(%x: tensor<4x3xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>, %dy: tensor<3x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.fake_quant_grad' op grad and input_grad must have the input type}}
  %dx, %ds, %dz = qat.fake_quant_grad %x, %s, %z, %dy {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<4x3xf32>, tensor<1xf32>, tensor<1xi32>, tensor<3x4xf32>) -> (tensor<4x3xf32>, tensor<1xf32>, tensor<1xf32>)
  return %dx : tensor<4x3xf32>
}

// -----

func.func @fake_quant_grad_input_grad_type(%x: tensor<4x3xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>, %dy: tensor<4x3xf32>) -> tensor<4x3xf64> {
  // expected-error @+1 {{'qat.fake_quant_grad' op grad and input_grad must have the input type}}
  %dx, %ds, %dz = qat.fake_quant_grad %x, %s, %z, %dy {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<4x3xf32>, tensor<1xf32>, tensor<1xi32>, tensor<4x3xf32>) -> (tensor<4x3xf64>, tensor<1xf32>, tensor<1xf32>)
  return %dx : tensor<4x3xf64>
}

// -----

// The qparams are checked as fake_quant's (float zero points for a learnable
// spec).
func.func @fake_quant_grad_qparams(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %z: tensor<3xf32>, %dy: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.fake_quant_grad' op zero_point must be i32 (or f32 for a learnable spec), got 'f32'}}
  %dx, %ds, %dz = qat.fake_quant_grad %x, %s, %z, %dy {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1>} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %dx : tensor<4x3xf32>
}

// -----

func.func @fake_quant_grad_scale_grad(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %z: tensor<3xf32>, %dy: tensor<4x3xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'qat.fake_quant_grad' op scale_grad must have the scale type}}
  %dx, %ds, %dz = qat.fake_quant_grad %x, %s, %z, %dy {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1, learnable = true>} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<1xf32>, tensor<3xf32>)
  return %ds : tensor<1xf32>
}

// -----

func.func @fake_quant_grad_zero_point_grad_shape(%x: tensor<4x3xf32>, %s: tensor<3xf32>, %z: tensor<3xf32>, %dy: tensor<4x3xf32>) -> tensor<1xf32> {
  // expected-error @+2 {{'qat.fake_quant_grad' op zero_point_grad has shape [1], expected [3]}}
  // expected-error @+1 {{'qat.fake_quant_grad' op zero_point_grad must be f32 with the zero_point shape}}
  %dx, %ds, %dz = qat.fake_quant_grad %x, %s, %z, %dy {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1, learnable = true>} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<3xf32>, tensor<1xf32>)
  return %dz : tensor<1xf32>
}

// -----

// An integer zero point has a float gradient all the same.
func.func @fake_quant_grad_zero_point_grad_type(%x: tensor<4x3xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>, %dy: tensor<4x3xf32>) -> tensor<1xf16> {
  // expected-error @+1 {{'qat.fake_quant_grad' op zero_point_grad must be f32 with the zero_point shape}}
  %dx, %ds, %dz = qat.fake_quant_grad %x, %s, %z, %dy {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<4x3xf32>, tensor<1xf32>, tensor<1xi32>, tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<1xf32>, tensor<1xf16>)
  return %dz : tensor<1xf16>
}

// -----

// Learnable qparams are what LSQ's gradient scaling scales.
func.func @grad_scaling_not_learnable(%x: tensor<4x3xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>, %dy: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{grad_scaling applies to learnable qparams only}}
  %dx, %ds, %dz = qat.fake_quant_grad %x, %s, %z, %dy {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, grad_scaling = true>} : (tensor<4x3xf32>, tensor<1xf32>, tensor<1xi32>, tensor<4x3xf32>) -> (tensor<4x3xf32>, tensor<1xf32>, tensor<1xf32>)
  return %dx : tensor<4x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// observe
//===----------------------------------------------------------------------===//

func.func @observe_min_type(%x: tensor<4x3xf32>, %mn: tensor<3xf32>, %mx: tensor<1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'qat.observe' op min, max and their updates must have the scale type 'tensor<1xf32>'}}
  %s, %z, %a, %b = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<4x3xf32>, tensor<3xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  return %s : tensor<1xf32>
}

// -----

func.func @observe_new_max_type(%x: tensor<4x3xf32>, %mn: tensor<3xf32>, %mx: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'qat.observe' op min, max and their updates must have the scale type 'tensor<3xf32>'}}
  %s, %z, %a, %b = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1>} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi32>, tensor<3xf32>, tensor<1xf32>)
  return %s : tensor<3xf32>
}

// -----

// An observer's zero point is an integer, never learned.
func.func @observe_zero_point_type(%x: tensor<4x3xf32>, %mn: tensor<1xf32>, %mx: tensor<1xf32>) -> tensor<1xi16> {
  // expected-error @+1 {{'qat.observe' op zero_point must be i32, got 'i16'}}
  %s, %z, %a, %b = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi16>, tensor<1xf32>, tensor<1xf32>)
  return %z : tensor<1xi16>
}

// -----

func.func @observe_axis(%x: tensor<4x3xf32>, %mn: tensor<3xf32>, %mx: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'qat.observe' op per-channel axis 2 is out of range for rank 2}}
  %s, %z, %a, %b = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 2>} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi32>, tensor<3xf32>, tensor<3xf32>)
  return %s : tensor<3xf32>
}

// -----

// Held qparams come in pairs (the custom form cannot even spell one alone).
func.func @observe_held_scale_only(%x: tensor<4x3xf32>, %mn: tensor<1xf32>, %mx: tensor<1xf32>, %s: tensor<1xf32>) -> tensor<1xf32> {
  // expected-error @+1 {{'qat.observe' op holds a scale without a zero point or the other way round; `qparams` takes both}}
  %r:4 = "qat.observe"(%x, %mn, %mx, %s) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0>, spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}> : (tensor<4x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  return %r#0 : tensor<1xf32>
}

// -----

func.func @observe_held_type(%x: tensor<4x3xf32>, %mn: tensor<3xf32>, %mx: tensor<3xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<3xf32> {
  // expected-error @+1 {{'qat.observe' op held qparams must have the types of the result qparams 'tensor<3xf32>' and 'tensor<3xi32>'}}
  %s1, %z1, %a, %b = qat.observe %x, %mn, %mx qparams %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1>} : (tensor<4x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<1xf32>, tensor<1xi32>) -> (tensor<3xf32>, tensor<3xi32>, tensor<3xf32>, tensor<3xf32>)
  return %s1 : tensor<3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// bn_scale_factor
//===----------------------------------------------------------------------===//

func.func @bn_scale_factor_rank(%g: tensor<2x4xf32>, %v: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qat.bn_scale_factor' op weight must have rank 1, got 2}}
  %f = qat.bn_scale_factor %g, %v : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %f : tensor<2x4xf32>
}

// -----

func.func @bn_scale_factor_running_var(%g: tensor<4xf32>, %v: tensor<3xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.bn_scale_factor' op running_var and the result must have the weight type}}
  %f = qat.bn_scale_factor %g, %v : (tensor<4xf32>, tensor<3xf32>) -> tensor<4xf32>
  return %f : tensor<4xf32>
}

// -----

func.func @bn_scale_factor_result(%g: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error @+1 {{'qat.bn_scale_factor' op running_var and the result must have the weight type}}
  %f = qat.bn_scale_factor %g, %v : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf64>
  return %f : tensor<4xf64>
}

// -----

func.func @bn_scale_factor_eps(%g: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.bn_scale_factor' op eps must be positive, got -1.000000e-05}}
  %f = qat.bn_scale_factor %g, %v {eps = -1.0e-5 : f64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %f : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// QatTrainOps.td
//===----------------------------------------------------------------------===//

// The backward of broadcasting sums axes away; it cannot add any.
func.func @sum_to_shape_grows(%x: tensor<4x1xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.sum_to_shape' op result shape [4, 3] does not broadcast to the input shape [4, 1]}}
  %y = qat.sum_to_shape %x : (tensor<4x1xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @sum_to_shape_incompatible(%x: tensor<4x3xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{'qat.sum_to_shape' op result shape [2] does not broadcast to the input shape [4, 3]}}
  %y = qat.sum_to_shape %x : (tensor<4x3xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @linear_grad_int(%x: tensor<2x3xi32>, %w: tensor<4x3xf32>, %dy: tensor<2x4xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.linear_grad' op operand #0 must be ranked tensor of floating-point values, but got 'tensor<2x3xi32>'}}
  %dx, %dw, %db = qat.linear_grad %x, %w, %dy : (tensor<2x3xi32>, tensor<4x3xf32>, tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<4x3xf32>, tensor<4xf32>)
  return %dw : tensor<4x3xf32>
}

// -----

func.func @conv2d_grad_groups(%x: tensor<1x1x4x4xf32>, %w: tensor<2x1x3x3xf32>, %dy: tensor<1x2x2x2xf32>) -> tensor<2x1x3x3xf32> {
  // expected-error @+1 {{'qat.conv2d_grad' op requires attribute 'groups'}}
  %dx, %dw, %db = qat.conv2d_grad %x, %w, %dy {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>} : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<1x2x2x2xf32>) -> (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>, tensor<2xf32>)
  return %dw : tensor<2x1x3x3xf32>
}

// -----

func.func @batch_norm_grad_eps(%x: tensor<2x3xf32>, %g: tensor<3xf32>, %dy: tensor<2x3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{'qat.batch_norm_grad' op attribute 'eps' failed to satisfy constraint: 64-bit float attribute}}
  %dx, %dg, %db = qat.batch_norm_grad %x, %g, %g, %g, %dy {eps = 1.0e-5 : f32} : (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<3xf32>, tensor<3xf32>)
  return %dg : tensor<3xf32>
}

// -----

func.func @clamp_grad_bounds(%x: tensor<4xf32>, %dy: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.clamp_grad' op requires attribute 'max'}}
  %dx = qat.clamp_grad %x, %dy {min = 0.0 : f64} : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  return %dx : tensor<4xf32>
}

// -----

func.func @max_pool2d_grad_kernel(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'qat.max_pool2d_grad' op requires attribute 'kernel_size'}}
  %dx = qat.max_pool2d_grad %x, %dy : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %dx : tensor<1x1x4x4xf32>
}

// -----

func.func @avg_pool2d_grad_kernel(%x: tensor<1x1x4x4xf32>, %dy: tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32> {
  // expected-error @+1 {{'qat.avg_pool2d_grad' op requires attribute 'kernel_size'}}
  %dx = qat.avg_pool2d_grad %x, %dy : (tensor<1x1x4x4xf32>, tensor<1x1x2x2xf32>) -> tensor<1x1x4x4xf32>
  return %dx : tensor<1x1x4x4xf32>
}

// -----

func.func @softmax_grad_axis(%y: tensor<2x3xf32>, %dy: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qat.softmax_grad' op requires attribute 'axis'}}
  %dx = qat.softmax_grad %y, %dy : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %dx : tensor<2x3xf32>
}

// -----

// The loss gradient seeds the backward pass: a scalar.
func.func @cross_entropy_grad_seed(%l: tensor<2x3xf32>, %t: tensor<2xi32>, %dl: tensor<1xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qat.cross_entropy_grad' op operand #2 must be 0D tensor of floating-point values, but got 'tensor<1xf32>'}}
  %dx = qat.cross_entropy_grad %l, %t, %dl : (tensor<2x3xf32>, tensor<2xi32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %dx : tensor<2x3xf32>
}

// -----

func.func @cross_entropy_grad_labels(%l: tensor<2x3xf32>, %t: tensor<2xf32>, %dl: tensor<f32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qat.cross_entropy_grad' op operand #1 must be ranked tensor of signless integer values, but got 'tensor<2xf32>'}}
  %dx = qat.cross_entropy_grad %l, %t, %dl : (tensor<2x3xf32>, tensor<2xf32>, tensor<f32>) -> tensor<2x3xf32>
  return %dx : tensor<2x3xf32>
}

// -----

func.func @mse_grad_seed(%x: tensor<4x3xf32>, %t: tensor<4x3xf32>, %dl: tensor<4x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.mse_grad' op operand #2 must be 0D tensor of floating-point values, but got 'tensor<4x3xf32>'}}
  %dx = qat.mse_grad %x, %t, %dl : (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<4x3xf32>
  return %dx : tensor<4x3xf32>
}

// -----

func.func @correct_count_result(%l: tensor<2x3xf32>, %t: tensor<2xi32>) -> tensor<i64> {
  // expected-error @+1 {{'qat.correct_count' op result #0 must be 0D tensor of 32-bit signless integer values, but got 'tensor<i64>'}}
  %c = qat.correct_count %l, %t : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<i64>
  return %c : tensor<i64>
}

// -----

// The learning rate is a run-time f32 scalar (schedules change it).
func.func @sgd_update_lr(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f64>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.sgd_update' op operand #3 must be 0D tensor of 32-bit float values, but got 'tensor<f64>'}}
  %p1, %b1 = qat.sgd_update %p, %g, %g, %lr : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f64>) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1 : tensor<4xf32>
}

// -----

func.func @sgd_update_momentum(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.sgd_update' op attribute 'momentum' failed to satisfy constraint: 64-bit float attribute}}
  %p1, %b1 = qat.sgd_update %p, %g, %g, %lr {momentum = 9 : i64} : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>)
  return %p1 : tensor<4xf32>
}

// -----

func.func @adam_update_step_size(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>, %step: tensor<1xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.adam_update' op operand #5 must be 0D tensor of 32-bit float values, but got 'tensor<1xf32>'}}
  %p1, %m1, %v1 = qat.adam_update %p, %g, %g, %g, %lr, %step, %lr : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<1xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %p1 : tensor<4xf32>
}

// -----

func.func @adam_update_results(%p: tensor<4xf32>, %g: tensor<4xf32>, %lr: tensor<f32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.adam_update' op result #2 must be ranked tensor of floating-point values, but got 'tensor<4xi32>'}}
  %p1, %m1, %v1 = qat.adam_update %p, %g, %g, %g, %lr, %lr, %lr : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<f32>, tensor<f32>, tensor<f32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xi32>)
  return %p1 : tensor<4xf32>
}

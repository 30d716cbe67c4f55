// RUN: qat-opt %s -split-input-file --qat-convert -verify-diagnostics

// Observer state written by hand (as training would leave it): a linear
// layer whose int32 accumulator could overflow is rejected with its location.
qat.param @x.min = dense<0.0> : tensor<1xf32>
qat.param @x.max = dense<1.0> : tensor<1xf32>
qat.param @w.min = dense<-0.5> : tensor<1xf32>
qat.param @w.max = dense<0.5> : tensor<1xf32>
qat.param @y.min = dense<-1.0> : tensor<1xf32>
qat.param @y.max = dense<1.0> : tensor<1xf32>
qat.param @fc.weight = dense<0.5> : tensor<1x140000xf32>
func.func @forward(%x: tensor<1x140000xf32>) -> tensor<1x1xf32> {
  %xmn = qat.load @x.min : tensor<1xf32>
  %xmx = qat.load @x.max : tensor<1xf32>
  %xs, %xz, %a, %b = qat.observe %x, %xmn, %xmx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x140000xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x140000xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x140000xf32>
  %w = qat.load @fc.weight : tensor<1x140000xf32>
  %wmn = qat.load @w.min : tensor<1xf32>
  %wmx = qat.load @w.max : tensor<1xf32>
  %ws, %wz, %c, %d = qat.observe %w, %wmn, %wmx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true>} : (tensor<1x140000xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %wq = qat.fake_quant %w, %ws, %wz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true>} : (tensor<1x140000xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x140000xf32>
  // expected-error @+1 {{'qat.linear' op int32 accumulator may overflow: K = 140000 products of up to 255 * 127 reach 4533900000 > 2^31 - 1}}
  %y = qat.linear %xq, %wq : (tensor<1x140000xf32>, tensor<1x140000xf32>) -> tensor<1x1xf32>
  %ymn = qat.load @y.min : tensor<1xf32>
  %ymx = qat.load @y.max : tensor<1xf32>
  %ys, %yz, %e, %f = qat.observe %y, %ymn, %ymx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %yq = qat.fake_quant %y, %ys, %yz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x1xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x1xf32>
  return %yq : tensor<1x1xf32>
}

// -----

// A product with a parameter: prepare does not fake-quantize values computed
// from parameters alone, so there is no integer operand to multiply by.
qat.param @x.min = dense<0.0> : tensor<1xf32>
qat.param @x.max = dense<1.0> : tensor<1xf32>
qat.param @y.min = dense<0.0> : tensor<1xf32>
qat.param @y.max = dense<1.0> : tensor<1xf32>
qat.param @scale = dense<0.5> : tensor<1x2x1x1xf32>
func.func @forward(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  %xmn = qat.load @x.min : tensor<1xf32>
  %xmx = qat.load @x.max : tensor<1xf32>
  %xs, %xz, %xa, %xb = qat.observe %x, %xmn, %xmx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x2x4x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x2x4x4xf32>
  %s = qat.load @scale : tensor<1x2x1x1xf32>
  // expected-error @+1 {{'qat.mul' op qat-convert: both operands must be quantized activations (an operand computed from parameters alone is not fake-quantized by --qat-prepare)}}
  %m = qat.mul %xq, %s : (tensor<1x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x4x4xf32>
  %ymn = qat.load @y.min : tensor<1xf32>
  %ymx = qat.load @y.max : tensor<1xf32>
  %ys, %yz, %ya, %yb = qat.observe %m, %ymn, %ymx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %yq = qat.fake_quant %m, %ys, %yz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x2x4x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x2x4x4xf32>
  return %yq : tensor<1x2x4x4xf32>
}

// -----

// An average pool whose output has no fake_quant has no output qparams.
qat.param @x.min = dense<0.0> : tensor<1xf32>
qat.param @x.max = dense<1.0> : tensor<1xf32>
qat.param @y.min = dense<0.0> : tensor<1xf32>
qat.param @y.max = dense<1.0> : tensor<1xf32>
func.func @forward(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x1x1xf32> {
  %xmn = qat.load @x.min : tensor<1xf32>
  %xmx = qat.load @x.max : tensor<1xf32>
  %xs, %xz, %xa, %xb = qat.observe %x, %xmn, %xmx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x2x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x2x4x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x2x4x4xf32>
  // expected-error @+1 {{'qat.global_avg_pool' op qat-convert: the output must be fake-quantized}}
  %g = qat.global_avg_pool %xq : tensor<1x2x4x4xf32> -> tensor<1x2x1x1xf32>
  %r = qat.relu %g : tensor<1x2x1x1xf32>
  %e = qat.relu %g : tensor<1x2x1x1xf32>
  %s = qat.add %r, %e : (tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x1x1xf32>
  return %s : tensor<1x2x1x1xf32>
}

// -----

// TFLite's fixed-point requant (recorded by --qat-prepare="preset=tflite",
// taken by requant=auto) rejects an add whose output scale is below
// max(s_a, s_b) / 2^19 (TFLite quantizes its output multiplier "smaller
// than one"): reported at the op.
module attributes {qat.requant = #qat.requant<fixed_point>} {
  qat.param @x.min = dense<-1000.0> : tensor<1xf32>
  qat.param @x.max = dense<1000.0> : tensor<1xf32>
  qat.param @y.min = dense<-1.0e-4> : tensor<1xf32>
  qat.param @y.max = dense<1.0e-4> : tensor<1xf32>
  func.func @forward(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
    %xmn = qat.load @x.min : tensor<1xf32>
    %xmx = qat.load @x.max : tensor<1xf32>
    %xs, %xz, %p, %q = qat.observe %a, %xmn, %xmx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
    %aq = qat.fake_quant %a, %xs, %xz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<3x4xf32>
    // expected-error @+1 {{'qat.qadd' op fixed-point requant: TFLite's add needs an output scale above max(lhs scale, rhs scale) / 2^19}}
    %s = qat.add %aq, %aq : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
    %ymn = qat.load @y.min : tensor<1xf32>
    %ymx = qat.load @y.max : tensor<1xf32>
    %ys, %yz, %e, %f = qat.observe %s, %ymn, %ymx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
    %sq = qat.fake_quant %s, %ys, %yz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<3x4xf32>
    return %sq : tensor<3x4xf32>
  }
}

// -----

// An observer whose state is not a parameter (here: arguments) has no
// trained range to freeze.
func.func @forward(%x: tensor<2x4xf32>, %mn: tensor<1xf32>, %mx: tensor<1xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qat.observe' op qat-convert needs this operand to be a qat.load of a parameter (the frozen value)}}
  %s, %z, %a, %b = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
  return %xq : tensor<2x4xf32>
}

// -----

// Given qparams are read from dense or dense_resource parameters (not
// sparse ones): the scale...
// expected-error @+1 {{'qat.param' op qat-convert reads f32 dense values only}}
qat.param @s = sparse<[[0]], [0.1]> : tensor<1xf32>
qat.param @z = dense<3> : tensor<1xi32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s = qat.load @s : tensor<1xf32>
  %z = qat.load @z : tensor<1xi32>
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = none>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
  return %xq : tensor<2x4xf32>
}

// -----

// ...and the zero point (f32, or i32 as an importer writes it).
qat.param @s = dense<0.1> : tensor<1xf32>
// expected-error @+1 {{'qat.param' op qat-convert reads f32 dense values only (or i32 zero points)}}
qat.param @z = sparse<[[0]], [3]> : tensor<1xi32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s = qat.load @s : tensor<1xf32>
  %z = qat.load @z : tensor<1xi32>
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = none>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
  return %xq : tensor<2x4xf32>
}

// -----

// A learnable zero point that is not a parameter.
qat.param @s = dense<0.1> : tensor<1xf32>
func.func @forward(%x: tensor<2x4xf32>, %z: tensor<1xf32>) -> tensor<2x4xf32> {
  %s = qat.load @s : tensor<1xf32>
  // expected-error @+1 {{'qat.fake_quant' op qat-convert needs this operand to be a qat.load of a parameter (the frozen value)}}
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  return %xq : tensor<2x4xf32>
}

// -----

// Activations are quantized per tensor: at a model input...
qat.param @s = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
qat.param @z = dense<0.0> : tensor<4xf32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s = qat.load @s : tensor<4xf32>
  %z = qat.load @z : tensor<4xf32>
  // expected-error @+1 {{'qat.fake_quant' op qat-convert: activations must be per tensor}}
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1, learnable = true>} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %xq : tensor<2x4xf32>
}

// -----

// ... and at the output of an add (mul, pools).
qat.param @s = dense<0.1> : tensor<1xf32>
qat.param @z = dense<0.0> : tensor<1xf32>
qat.param @s4 = dense<[0.1, 0.2, 0.3, 0.4]> : tensor<4xf32>
qat.param @z4 = dense<0.0> : tensor<4xf32>
func.func @forward(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %s = qat.load @s : tensor<1xf32>
  %z = qat.load @z : tensor<1xf32>
  %aq = qat.fake_quant %a, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  %bq = qat.fake_quant %b, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  %y = qat.add %aq, %bq : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %s4 = qat.load @s4 : tensor<4xf32>
  %z4 = qat.load @z4 : tensor<4xf32>
  // expected-error @+1 {{'qat.fake_quant' op qat-convert: activations must be per tensor}}
  %yq = qat.fake_quant %y, %s4, %z4 {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1, learnable = true>} : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  return %yq : tensor<2x4xf32>
}

// -----

// A layer's output has qparams only through a fake_quant (possibly after
// its fused ReLU).
qat.param @s = dense<0.1> : tensor<1xf32>
qat.param @z = dense<0.0> : tensor<1xf32>
qat.param @w = dense<0.5> : tensor<3x4xf32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %s = qat.load @s : tensor<1xf32>
  %z = qat.load @z : tensor<1xf32>
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  %w = qat.load @w : tensor<3x4xf32>
  %wq = qat.fake_quant %w, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, learnable = true>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x4xf32>
  // expected-error @+1 {{'qat.linear' op qat-convert: the output must be fake-quantized (directly or after a fused ReLU)}}
  %y = qat.linear %xq, %wq : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %r = qat.relu %y : tensor<2x3xf32>
  %t = qat.relu %r : tensor<2x3xf32>
  return %t : tensor<2x3xf32>
}

// -----

// The int8 kernels take signed symmetric weights.
qat.param @s = dense<0.1> : tensor<1xf32>
qat.param @z = dense<0.0> : tensor<1xf32>
qat.param @w = dense<0.5> : tensor<3x4xf32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %s = qat.load @s : tensor<1xf32>
  %z = qat.load @z : tensor<1xf32>
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  %w = qat.load @w : tensor<3x4xf32>
  // expected-error @+1 {{'qat.fake_quant' op qat-convert: weights must be signed symmetric}}
  %wq = qat.fake_quant %w, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, learnable = true>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<3x4xf32>
  %y = qat.linear %xq, %wq : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %yq = qat.fake_quant %y, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x3xf32>
  return %yq : tensor<2x3xf32>
}

// -----

// A ConvBn group (its weight scaled by the BN factor, marked
// qat.bn_folded_weight by --qat-fuse) must go on as --qat-fuse wrote it:
// conv -> div by the factor -> [add bias] -> batch_norm.
qat.param @s = dense<0.1> : tensor<1xf32>
qat.param @z = dense<0.0> : tensor<1xf32>
qat.param @w = dense<0.5> : tensor<2x1x3x3xf32>
qat.param @sf = dense<1.0> : tensor<2x1x1x1xf32>
func.func @forward(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %s = qat.load @s : tensor<1xf32>
  %z = qat.load @z : tensor<1xf32>
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<1x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4x4xf32>
  %w = qat.load @w : tensor<2x1x3x3xf32>
  %sf = qat.load @sf : tensor<2x1x1x1xf32>
  %wf = qat.mul %w, %sf {qat.bn_folded_weight} : (tensor<2x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<2x1x3x3xf32>
  %wq = qat.fake_quant %wf, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, learnable = true>} : (tensor<2x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x1x3x3xf32>
  // expected-error @+1 {{'qat.conv2d' op qat-convert: unexpected ConvBn pattern}}
  %y = qat.conv2d %xq, %wq : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %yq = qat.fake_quant %y, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<1x2x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %yq : tensor<1x2x2x2xf32>
}

// -----

// The same with a division but no batch_norm after it.
qat.param @s = dense<0.1> : tensor<1xf32>
qat.param @z = dense<0.0> : tensor<1xf32>
qat.param @w = dense<0.5> : tensor<2x1x3x3xf32>
qat.param @sf = dense<1.0> : tensor<2x1x1x1xf32>
func.func @forward(%x: tensor<1x1x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %s = qat.load @s : tensor<1xf32>
  %z = qat.load @z : tensor<1xf32>
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<1x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x1x4x4xf32>
  %w = qat.load @w : tensor<2x1x3x3xf32>
  %sf = qat.load @sf : tensor<2x1x1x1xf32>
  %wf = qat.mul %w, %sf {qat.bn_folded_weight} : (tensor<2x1x3x3xf32>, tensor<2x1x1x1xf32>) -> tensor<2x1x3x3xf32>
  %wq = qat.fake_quant %wf, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, learnable = true>} : (tensor<2x1x3x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x1x3x3xf32>
  // expected-error @+1 {{'qat.conv2d' op qat-convert: unexpected ConvBn pattern}}
  %y = qat.conv2d %xq, %wq : (tensor<1x1x4x4xf32>, tensor<2x1x3x3xf32>) -> tensor<1x2x2x2xf32>
  %f = qat.reshape %sf : tensor<2x1x1x1xf32> -> tensor<1x2x1x1xf32>
  %d = qat.div %y, %f {qat.fused} : (tensor<1x2x2x2xf32>, tensor<1x2x1x1xf32>) -> tensor<1x2x2x2xf32>
  %yq = qat.fake_quant %d, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<1x2x2x2xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x2x2xf32>
  return %yq : tensor<1x2x2x2xf32>
}

// -----

// An int8 concat copies its inputs: they need one scale and zero point
// (--qat-prepare gives them one observer).
qat.param @s = dense<0.1> : tensor<1xf32>
qat.param @s2 = dense<0.2> : tensor<1xf32>
qat.param @z = dense<0.0> : tensor<1xf32>
func.func @forward(%a: tensor<2x4xf32>, %b: tensor<2x4xf32>) -> tensor<2x8xf32> {
  %s = qat.load @s : tensor<1xf32>
  %s2 = qat.load @s2 : tensor<1xf32>
  %z = qat.load @z : tensor<1xf32>
  %aq = qat.fake_quant %a, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  %bq = qat.fake_quant %b, %s2, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, learnable = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x4xf32>
  // expected-error @+1 {{'qat.concat' op qat-convert: concat inputs must share their qparams (run --qat-prepare)}}
  %c = qat.concat %aq, %bq {axis = 1 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x8xf32>
  return %c : tensor<2x8xf32>
}

// -----

// Observer state that holds NaN (written by a diverged training run) is not
// mistaken for an observer that saw no data.
qat.param @x.min = dense<0x7FC00000> : tensor<1xf32>
qat.param @x.max = dense<1.0> : tensor<1xf32>
func.func @forward(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
  %xmn = qat.load @x.min : tensor<1xf32>
  %xmx = qat.load @x.max : tensor<1xf32>
  %xs, %xz, %xa, %xb = qat.observe %x, %xmn, %xmx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  // expected-error @+1 {{'qat.fake_quant' op has an observer whose state holds NaN: min nan, max 1; the training that wrote it diverged}}
  %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x4xf32>
  %r = qat.relu %xq : tensor<1x4xf32>
  return %r : tensor<1x4xf32>
}

// -----

// Per channel, the channel is named; a minimum above the maximum is no
// range either.
qat.param @x.min = dense<0.0> : tensor<1xf32>
qat.param @x.max = dense<1.0> : tensor<1xf32>
qat.param @y.min = dense<-1.0> : tensor<1xf32>
qat.param @y.max = dense<1.0> : tensor<1xf32>
qat.param @w = dense<0.5> : tensor<2x4xf32>
qat.param @w.min = dense<[-1.0, 1.0]> : tensor<2xf32>
qat.param @w.max = dense<[1.0, -1.0]> : tensor<2xf32>
func.func @forward(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
  %xmn = qat.load @x.min : tensor<1xf32>
  %xmx = qat.load @x.max : tensor<1xf32>
  %xs, %xz, %xa, %xb = qat.observe %x, %xmn, %xmx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x4xf32>
  %w = qat.load @w : tensor<2x4xf32>
  %wmn = qat.load @w.min : tensor<2xf32>
  %wmx = qat.load @w.max : tensor<2xf32>
  %ws, %wz, %a, %b = qat.observe %w, %wmn, %wmx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0>} : (tensor<2x4xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<2xf32>, tensor<2xi32>, tensor<2xf32>, tensor<2xf32>)
  // expected-error @+1 {{'qat.fake_quant' op has an observer whose state is not a range (channel 1): min 1, max -1}}
  %wq = qat.fake_quant %w, %ws, %wz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0>} : (tensor<2x4xf32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2x4xf32>
  %y = qat.linear %xq, %wq : (tensor<1x4xf32>, tensor<2x4xf32>) -> tensor<1x2xf32>
  %ymn = qat.load @y.min : tensor<1xf32>
  %ymx = qat.load @y.max : tensor<1xf32>
  %ys, %yz, %e, %f = qat.observe %y, %ymn, %ymx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x2xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %yq = qat.fake_quant %y, %ys, %yz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x2xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x2xf32>
  return %yq : tensor<1x2xf32>
}

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

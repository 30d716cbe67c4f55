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

// Grouped convolutions do not convert yet.
qat.param @x.min = dense<0.0> : tensor<1xf32>
qat.param @x.max = dense<1.0> : tensor<1xf32>
qat.param @w.min = dense<-0.5> : tensor<4xf32>
qat.param @w.max = dense<0.5> : tensor<4xf32>
qat.param @conv.weight = dense<0.25> : tensor<4x1x3x3xf32>
func.func @forward(%x: tensor<1x4x5x5xf32>) -> tensor<1x4x3x3xf32> {
  %xmn = qat.load @x.min : tensor<1xf32>
  %xmx = qat.load @x.max : tensor<1xf32>
  %xs, %xz, %a, %b = qat.observe %x, %xmn, %xmx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x4x5x5xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<1x4x5x5xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x4x5x5xf32>
  %w = qat.load @conv.weight : tensor<4x1x3x3xf32>
  %wmn = qat.load @w.min : tensor<4xf32>
  %wmx = qat.load @w.max : tensor<4xf32>
  %ws, %wz, %c, %d = qat.observe %w, %wmn, %wmx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0>} : (tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xf32>)
  %wq = qat.fake_quant %w, %ws, %wz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0>} : (tensor<4x1x3x3xf32>, tensor<4xf32>, tensor<4xi32>) -> tensor<4x1x3x3xf32>
  // expected-error @+1 {{'qat.conv2d' op qat-convert: grouped convolutions are not supported yet}}
  %y = qat.conv2d %xq, %wq {groups = 4 : i64} : (tensor<1x4x5x5xf32>, tensor<4x1x3x3xf32>) -> tensor<1x4x3x3xf32>
  return %y : tensor<1x4x3x3xf32>
}

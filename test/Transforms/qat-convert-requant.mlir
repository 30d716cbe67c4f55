// --qat-convert's `requant` option: `auto` (the default) takes the choice
// --qat-prepare="preset=tflite" records in the module attribute
// `qat.requant`; `float` and `fixed-point` override it. The chosen requant
// is recorded on every integer op (absent means float) and the module
// attribute is dropped.
// RUN: qat-opt %s -split-input-file --qat-convert | FileCheck %s --check-prefix=AUTO
// RUN: qat-opt %s -split-input-file --qat-convert=requant=float | FileCheck %s --check-prefix=FLOAT
// RUN: qat-opt %s -split-input-file --qat-convert=requant=fixed-point | FileCheck %s --check-prefix=FIXED

// Observer state written by hand, as training would leave it.
module attributes {qat.requant = #qat.requant<fixed_point>} {
  qat.param @x.min = dense<-1.0> : tensor<1xf32>
  qat.param @x.max = dense<1.0> : tensor<1xf32>
  qat.param @w.min = dense<-0.5> : tensor<1xf32>
  qat.param @w.max = dense<0.5> : tensor<1xf32>
  qat.param @y.min = dense<-2.0> : tensor<1xf32>
  qat.param @y.max = dense<2.0> : tensor<1xf32>
  qat.param @fc.weight = dense<[[0.5, -0.25, 0.125, 0.0], [0.1, 0.2, -0.3, 0.4]]> : tensor<2x4xf32>
  qat.param @fc.bias = dense<[0.1, -0.1]> : tensor<2xf32>
  func.func @forward(%x: tensor<3x4xf32>) -> tensor<3x2xf32> {
    %xmn = qat.load @x.min : tensor<1xf32>
    %xmx = qat.load @x.max : tensor<1xf32>
    %xs, %xz, %a, %b = qat.observe %x, %xmn, %xmx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
    %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<3x4xf32>
    %w = qat.load @fc.weight : tensor<2x4xf32>
    %wmn = qat.load @w.min : tensor<1xf32>
    %wmx = qat.load @w.max : tensor<1xf32>
    %ws, %wz, %c, %d = qat.observe %w, %wmn, %wmx {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127, symmetric = true, narrow_range = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
    %wq = qat.fake_quant %w, %ws, %wz {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127, symmetric = true, narrow_range = true>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
    %bias = qat.load @fc.bias : tensor<2xf32>
    %y = qat.linear %xq, %wq, %bias : (tensor<3x4xf32>, tensor<2x4xf32>, tensor<2xf32>) -> tensor<3x2xf32>
    %ymn = qat.load @y.min : tensor<1xf32>
    %ymx = qat.load @y.max : tensor<1xf32>
    %ys, %yz, %e, %f = qat.observe %y, %ymn, %ymx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
    %yq = qat.fake_quant %y, %ys, %yz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x2xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<3x2xf32>
    return %yq : tensor<3x2xf32>
  }
}

// AUTO-LABEL: module {
// AUTO-LABEL: func.func @forward
// AUTO: qat.qlinear %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, requant = #qat.requant<fixed_point>}
// FLOAT-LABEL: module {
// FLOAT-LABEL: func.func @forward
// FLOAT: qat.qlinear %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64} :
// FIXED-LABEL: module {
// FIXED-LABEL: func.func @forward
// FIXED: qat.qlinear %{{.*}}, %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, requant = #qat.requant<fixed_point>}

// -----

// The same model without the attribute (any other preset): float.
qat.param @x.min = dense<-1.0> : tensor<1xf32>
qat.param @x.max = dense<1.0> : tensor<1xf32>
qat.param @y.min = dense<-2.0> : tensor<1xf32>
qat.param @y.max = dense<2.0> : tensor<1xf32>
func.func @forward(%a: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %xmn = qat.load @x.min : tensor<1xf32>
  %xmx = qat.load @x.max : tensor<1xf32>
  %xs, %xz, %p, %q = qat.observe %a, %xmn, %xmx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %aq = qat.fake_quant %a, %xs, %xz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<3x4xf32>
  %s = qat.add %aq, %aq : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %ymn = qat.load @y.min : tensor<1xf32>
  %ymx = qat.load @y.max : tensor<1xf32>
  %ys, %yz, %e, %f = qat.observe %s, %ymn, %ymx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %sq = qat.fake_quant %s, %ys, %yz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<3x4xf32>
  return %sq : tensor<3x4xf32>
}

// AUTO-LABEL: func.func @forward
// AUTO: qat.qadd %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64} :
// FLOAT-LABEL: func.func @forward
// FLOAT: qat.qadd %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64} :
// FIXED-LABEL: func.func @forward
// FIXED: qat.qadd %{{.*}}, %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, requant = #qat.requant<fixed_point>}

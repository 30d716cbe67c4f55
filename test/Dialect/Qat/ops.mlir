// RUN: qat-opt %s -split-input-file | qat-opt -split-input-file | FileCheck %s
// RUN: qat-opt %s -split-input-file --mlir-print-op-generic | qat-opt -split-input-file | FileCheck %s

// Round trip of every qat op and attribute, custom and generic form.

//===----------------------------------------------------------------------===//
// Parameters and state
//===----------------------------------------------------------------------===//

// CHECK: qat.param @fc.weight = dense<5.000000e-01> : tensor<20x10xf32>
// CHECK: qat.param @fc.bias = dense<[0.000000e+00, 1.000000e+00]> : tensor<2xf32>
// CHECK: qat.param state @bn.running_var = dense<1.000000e+00> : tensor<4xf32>
// CHECK: qat.param state @step = dense<0> : tensor<i64>
// CHECK: qat.param state @hist = dense<3> : tensor<2x2xi32>
qat.param @fc.weight = dense<0.5> : tensor<20x10xf32>
qat.param @fc.bias = dense<[0.0, 1.0]> : tensor<2xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>
qat.param state @step = dense<0> : tensor<i64>
qat.param state @hist = dense<3> : tensor<2x2xi32>

// CHECK-LABEL: func.func @load_store
// CHECK-SAME: (%[[V:.*]]: tensor<4xf32>)
// CHECK: %[[W:.*]] = qat.load @fc.weight : tensor<20x10xf32>
// CHECK: %[[RV:.*]] = qat.load @bn.running_var : tensor<4xf32>
// CHECK: %[[S:.*]] = qat.load @step : tensor<i64>
// CHECK: qat.store %[[V]], @bn.running_var : tensor<4xf32>
// CHECK: qat.store %[[S]], @step : tensor<i64>
// CHECK: return %[[W]], %[[RV]]
func.func @load_store(%v: tensor<4xf32>) -> (tensor<20x10xf32>, tensor<4xf32>) {
  %w = qat.load @fc.weight : tensor<20x10xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %s = qat.load @step : tensor<i64>
  qat.store %v, @bn.running_var : tensor<4xf32>
  qat.store %s, @step : tensor<i64>
  return %w, %rv : tensor<20x10xf32>, tensor<4xf32>
}

// -----

// A parameter whose initial value is a dense_resource blob; the blob must
// survive the round trip.

// CHECK: qat.param @conv.weight = dense_resource<conv_w> : tensor<2x2xf32>
// CHECK: qat.param state @obs.min = dense_resource<obs_min> : tensor<1xf32>
qat.param @conv.weight = dense_resource<conv_w> : tensor<2x2xf32>
qat.param state @obs.min = dense_resource<obs_min> : tensor<1xf32>

// CHECK-LABEL: func.func @load_resource
// CHECK: %[[W:.*]] = qat.load @conv.weight : tensor<2x2xf32>
// CHECK: return %[[W]]
func.func @load_resource() -> tensor<2x2xf32> {
  %w = qat.load @conv.weight : tensor<2x2xf32>
  return %w : tensor<2x2xf32>
}

// CHECK: dialect_resources
// CHECK: builtin
// CHECK-DAG: conv_w: "0x040000000000803F000000400000404000008040"
// CHECK-DAG: obs_min: "0x04000000000080BF"
{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x040000000000803F000000400000404000008040",
      obs_min: "0x04000000000080BF"
    }
  }
#-}

// -----

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @linear
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>, %[[W:.*]]: tensor<20x10xf32>, %[[B:.*]]: tensor<20xf32>)
// CHECK: %[[Y:.*]] = qat.linear %[[X]], %[[W]], %[[B]] : (tensor<4x10xf32>, tensor<20x10xf32>, tensor<20xf32>) -> tensor<4x20xf32>
// CHECK: %[[Z:.*]] = qat.linear %[[X]], %[[W]] : (tensor<4x10xf32>, tensor<20x10xf32>) -> tensor<4x20xf32>
// CHECK: return %[[Y]], %[[Z]]
func.func @linear(%x: tensor<4x10xf32>, %w: tensor<20x10xf32>, %b: tensor<20xf32>)
    -> (tensor<4x20xf32>, tensor<4x20xf32>) {
  %y = qat.linear %x, %w, %b
      : (tensor<4x10xf32>, tensor<20x10xf32>, tensor<20xf32>) -> tensor<4x20xf32>
  %z = qat.linear %x, %w : (tensor<4x10xf32>, tensor<20x10xf32>) -> tensor<4x20xf32>
  return %y, %z : tensor<4x20xf32>, tensor<4x20xf32>
}

// CHECK-LABEL: func.func @linear_dynamic_batch
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>, %[[W:.*]]: tensor<3x10xf32>)
// CHECK: %[[Y:.*]] = qat.linear %[[X]], %[[W]] : (tensor<?x10xf32>, tensor<3x10xf32>) -> tensor<?x3xf32>
// CHECK: return %[[Y]]
func.func @linear_dynamic_batch(%x: tensor<?x10xf32>, %w: tensor<3x10xf32>) -> tensor<?x3xf32> {
  %y = qat.linear %x, %w : (tensor<?x10xf32>, tensor<3x10xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// CHECK-LABEL: func.func @linear_f16
// CHECK: qat.linear %{{.*}}, %{{.*}} : (tensor<2x4xf16>, tensor<3x4xf16>) -> tensor<2x3xf16>
func.func @linear_f16(%x: tensor<2x4xf16>, %w: tensor<3x4xf16>) -> tensor<2x3xf16> {
  %y = qat.linear %x, %w : (tensor<2x4xf16>, tensor<3x4xf16>) -> tensor<2x3xf16>
  return %y : tensor<2x3xf16>
}

// -----

// Default attributes are elided by the printer.
// CHECK-LABEL: func.func @conv2d_default
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<16x3x3x3xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK: %[[Y:.*]] = qat.conv2d %[[X]], %[[W]], %[[B]] : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x6x6xf32>
// CHECK: return %[[Y]]
func.func @conv2d_default(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x6x6xf32> {
  %y = qat.conv2d %x, %w, %b
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x6x6xf32>
  return %y : tensor<1x16x6x6xf32>
}

// Explicit default values are elided too.
// CHECK-LABEL: func.func @conv2d_explicit_defaults
// CHECK: qat.conv2d %{{.*}}, %{{.*}} : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
func.func @conv2d_explicit_defaults(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32> {
  %y = qat.conv2d %x, %w {strides = array<i64: 1, 1>, padding = array<i64: 0, 0, 0, 0>,
                          dilation = array<i64: 1, 1>, groups = 1 : i64}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return %y : tensor<1x16x6x6xf32>
}

// CHECK-LABEL: func.func @conv2d_strided_padded2
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<16x3x3x3xf32>)
// CHECK: %[[Y:.*]] = qat.conv2d %[[X]], %[[W]]
// CHECK-SAME: padding = array<i64: 1, 1>
// CHECK-SAME: strides = array<i64: 2, 2>
// CHECK-SAME: -> tensor<1x16x4x4xf32>
// CHECK: return %[[Y]]
func.func @conv2d_strided_padded2(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<1x16x4x4xf32> {
  %y = qat.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// Asymmetric [top, left, bottom, right] padding, anisotropic strides and
// dilation: H: (8 + 1 + 0 - 2*2 - 1) / 1 + 1 = 5, W: (8 + 2 + 3 - 3*2 - 1) / 2 + 1 = 4.
// CHECK-LABEL: func.func @conv2d_padded4_dilated
// CHECK: qat.conv2d
// CHECK-SAME: dilation = array<i64: 2, 3>
// CHECK-SAME: padding = array<i64: 1, 2, 0, 3>
// CHECK-SAME: strides = array<i64: 1, 2>
// CHECK-SAME: -> tensor<1x4x5x4xf32>
func.func @conv2d_padded4_dilated(%x: tensor<1x2x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x5x4xf32> {
  %y = qat.conv2d %x, %w {strides = array<i64: 1, 2>, padding = array<i64: 1, 2, 0, 3>,
                          dilation = array<i64: 2, 3>}
      : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5x4xf32>
  return %y : tensor<1x4x5x4xf32>
}

// Depthwise: groups = C, weight [C * multiplier, 1, KH, KW].
// CHECK-LABEL: func.func @conv2d_depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<2x8x6x6xf32>, %[[W:.*]]: tensor<16x1x3x3xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK: %[[Y:.*]] = qat.conv2d %[[X]], %[[W]], %[[B]] {groups = 8 : i64, padding = array<i64: 1, 1>}
// CHECK-SAME: -> tensor<2x16x6x6xf32>
// CHECK: return %[[Y]]
func.func @conv2d_depthwise(%x: tensor<2x8x6x6xf32>, %w: tensor<16x1x3x3xf32>, %b: tensor<16xf32>) -> tensor<2x16x6x6xf32> {
  %y = qat.conv2d %x, %w, %b {groups = 8 : i64, padding = array<i64: 1, 1>}
      : (tensor<2x8x6x6xf32>, tensor<16x1x3x3xf32>, tensor<16xf32>) -> tensor<2x16x6x6xf32>
  return %y : tensor<2x16x6x6xf32>
}

// Grouped: 8 input channels in 2 groups of 4, 6 output channels.
// CHECK-LABEL: func.func @conv2d_grouped
// CHECK: qat.conv2d %{{.*}}, %{{.*}} {groups = 2 : i64} : (tensor<1x8x5x5xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x3x3xf32>
func.func @conv2d_grouped(%x: tensor<1x8x5x5xf32>, %w: tensor<6x4x3x3xf32>) -> tensor<1x6x3x3xf32> {
  %y = qat.conv2d %x, %w {groups = 2 : i64}
      : (tensor<1x8x5x5xf32>, tensor<6x4x3x3xf32>) -> tensor<1x6x3x3xf32>
  return %y : tensor<1x6x3x3xf32>
}

// CHECK-LABEL: func.func @conv2d_dynamic_batch
// CHECK: qat.conv2d %{{.*}}, %{{.*}} : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32>
func.func @conv2d_dynamic_batch(%x: tensor<?x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32> {
  %y = qat.conv2d %x, %w : (tensor<?x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<?x4x6x6xf32>
  return %y : tensor<?x4x6x6xf32>
}

// -----

// CHECK-LABEL: func.func @batch_norm_eval
// CHECK-SAME: (%[[X:.*]]: tensor<8x4x3x3xf32>, %[[G:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[M:.*]]: tensor<4xf32>, %[[V:.*]]: tensor<4xf32>)
// CHECK: %[[Y:[^,]*]], %{{[^,]*}}, %{{[^,]*}} = qat.batch_norm %[[X]], %[[G]], %[[B]], %[[M]], %[[V]] : (
// CHECK-SAME: -> (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: return %[[Y]] :
func.func @batch_norm_eval(%x: tensor<8x4x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>,
                           %m: tensor<4xf32>, %v: tensor<4xf32>) -> tensor<8x4x3x3xf32> {
  %y, %m1, %v1 = qat.batch_norm %x, %g, %b, %m, %v
      : (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<8x4x3x3xf32>
}

// CHECK-LABEL: func.func @batch_norm_training
// CHECK: %[[Y:[^ ]*]], %[[M1:[^ ]*]], %[[V1:[^ ]*]] = qat.batch_norm
// CHECK-SAME: eps = 1.000000e-03 : f64
// CHECK-SAME: momentum = 0.000000e+00 : f64
// CHECK-SAME: training
// CHECK-SAME: -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK: return %[[Y]], %[[M1]], %[[V1]] :
func.func @batch_norm_training(%x: tensor<?x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>,
                               %m: tensor<4xf32>, %v: tensor<4xf32>)
    -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %m1, %v1 = qat.batch_norm %x, %g, %b, %m, %v {eps = 1.0e-3 : f64, momentum = 0.0 : f64, training}
      : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y, %m1, %v1 : tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Element-wise
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @activations
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>)
// CHECK: %[[R:.*]] = qat.relu %[[X]] : tensor<?x10xf32>
// CHECK: %[[R6:.*]] = qat.relu6 %[[R]] : tensor<?x10xf32>
// CHECK: %[[C:.*]] = qat.clamp %[[R6]] {max = 1.500000e+00 : f64, min = -2.500000e-01 : f64} : tensor<?x10xf32>
// CHECK: %[[E:.*]] = qat.clamp %[[C]] {max = 0.000000e+00 : f64, min = 0.000000e+00 : f64} : tensor<?x10xf32>
// CHECK: return %[[E]]
func.func @activations(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %r = qat.relu %x : tensor<?x10xf32>
  %r6 = qat.relu6 %r : tensor<?x10xf32>
  %c = qat.clamp %r6 {min = -0.25 : f64, max = 1.5 : f64} : tensor<?x10xf32>
  // min == max is allowed.
  %e = qat.clamp %c {min = 0.0 : f64, max = 0.0 : f64} : tensor<?x10xf32>
  return %e : tensor<?x10xf32>
}

// CHECK-LABEL: func.func @add_mul_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x8x4x4xf32>, %[[B:.*]]: tensor<8x1x1xf32>, %[[S:.*]]: tensor<f32>, %[[R:.*]]: tensor<1x4xf32>)
// CHECK: %[[E:.*]] = qat.add %[[A]], %[[A]] : (tensor<2x8x4x4xf32>, tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32>
// CHECK: %[[C:.*]] = qat.add %[[E]], %[[B]] : (tensor<2x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<2x8x4x4xf32>
// CHECK: %[[M:.*]] = qat.mul %[[S]], %[[C]] : (tensor<f32>, tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32>
// CHECK: %[[N:.*]] = qat.mul %[[M]], %[[R]] : (tensor<2x8x4x4xf32>, tensor<1x4xf32>) -> tensor<2x8x4x4xf32>
// CHECK: return %[[N]]
func.func @add_mul_broadcast(%a: tensor<2x8x4x4xf32>, %b: tensor<8x1x1xf32>, %s: tensor<f32>,
                             %r: tensor<1x4xf32>) -> tensor<2x8x4x4xf32> {
  %e = qat.add %a, %a : (tensor<2x8x4x4xf32>, tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32>
  %c = qat.add %e, %b : (tensor<2x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<2x8x4x4xf32>
  %m = qat.mul %s, %c : (tensor<f32>, tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32>
  %n = qat.mul %m, %r : (tensor<2x8x4x4xf32>, tensor<1x4xf32>) -> tensor<2x8x4x4xf32>
  return %n : tensor<2x8x4x4xf32>
}

// Both operands broadcast into the result: [4, 1] x [1, 5] -> [4, 5].
// CHECK-LABEL: func.func @mul_outer
// CHECK: qat.mul %{{.*}}, %{{.*}} : (tensor<4x1xf32>, tensor<1x5xf32>) -> tensor<4x5xf32>
func.func @mul_outer(%a: tensor<4x1xf32>, %b: tensor<1x5xf32>) -> tensor<4x5xf32> {
  %y = qat.mul %a, %b : (tensor<4x1xf32>, tensor<1x5xf32>) -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// CHECK-LABEL: func.func @add_dynamic_batch
// CHECK: qat.add %{{.*}}, %{{.*}} : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
func.func @add_dynamic_batch(%a: tensor<?x10xf32>, %b: tensor<10xf32>) -> tensor<?x10xf32> {
  %y = qat.add %a, %b : (tensor<?x10xf32>, tensor<10xf32>) -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Shape and pooling
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<1x8x4x4xf32>, %[[B:.*]]: tensor<1x4x4x4xf32>, %[[C:.*]]: tensor<?x4xf32>, %[[D:.*]]: tensor<?x6xf32>)
// CHECK: %[[Y:.*]] = qat.concat %[[A]], %[[B]], %[[A]] {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x20x4x4xf32>
// CHECK: %[[Z:.*]] = qat.concat %[[C]], %[[D]] {axis = -1 : i64} : (tensor<?x4xf32>, tensor<?x6xf32>) -> tensor<?x10xf32>
// CHECK: %[[S:.*]] = qat.concat %[[C]] {axis = 0 : i64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
// CHECK: return %[[Y]], %[[Z]], %[[S]]
func.func @concat(%a: tensor<1x8x4x4xf32>, %b: tensor<1x4x4x4xf32>, %c: tensor<?x4xf32>, %d: tensor<?x6xf32>)
    -> (tensor<1x20x4x4xf32>, tensor<?x10xf32>, tensor<?x4xf32>) {
  %y = qat.concat %a, %b, %a {axis = 1 : i64}
      : (tensor<1x8x4x4xf32>, tensor<1x4x4x4xf32>, tensor<1x8x4x4xf32>) -> tensor<1x20x4x4xf32>
  %z = qat.concat %c, %d {axis = -1 : i64} : (tensor<?x4xf32>, tensor<?x6xf32>) -> tensor<?x10xf32>
  %s = qat.concat %c {axis = 0 : i64} : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %y, %z, %s : tensor<1x20x4x4xf32>, tensor<?x10xf32>, tensor<?x4xf32>
}

// CHECK-LABEL: func.func @max_pool2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x32x26x26xf32>, %[[Y:.*]]: tensor<?x2x5x5xf32>)
// CHECK: %[[A:.*]] = qat.max_pool2d %[[X]] {kernel_size = array<i64: 2, 2>} : tensor<1x32x26x26xf32> -> tensor<1x32x13x13xf32>
// CHECK: %[[B:.*]] = qat.max_pool2d %[[Y]] {ceil_mode, kernel_size = array<i64: 2, 2>} : tensor<?x2x5x5xf32> -> tensor<?x2x3x3xf32>
// CHECK: %[[C:.*]] = qat.max_pool2d %[[Y]] {kernel_size = array<i64: 3, 3>, padding = array<i64: 1, 1>, strides = array<i64: 2, 2>} : tensor<?x2x5x5xf32> -> tensor<?x2x3x3xf32>
// CHECK: %[[D:.*]] = qat.max_pool2d %[[Y]] {dilation = array<i64: 2, 2>, kernel_size = array<i64: 2, 2>, padding = array<i64: 0, 1, 1, 0>, strides = array<i64: 1, 1>} : tensor<?x2x5x5xf32> -> tensor<?x2x4x4xf32>
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @max_pool2d(%x: tensor<1x32x26x26xf32>, %y: tensor<?x2x5x5xf32>)
    -> (tensor<1x32x13x13xf32>, tensor<?x2x3x3xf32>, tensor<?x2x3x3xf32>, tensor<?x2x4x4xf32>) {
  // strides omitted: they default to the kernel size.
  %a = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>}
      : tensor<1x32x26x26xf32> -> tensor<1x32x13x13xf32>
  // ceil_mode: ceil((5 - 2) / 2) + 1 = 3.
  %b = qat.max_pool2d %y {kernel_size = array<i64: 2, 2>, ceil_mode}
      : tensor<?x2x5x5xf32> -> tensor<?x2x3x3xf32>
  %c = qat.max_pool2d %y {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>,
                          padding = array<i64: 1, 1>}
      : tensor<?x2x5x5xf32> -> tensor<?x2x3x3xf32>
  // Dilation 2: window extent 3; H: 5 + 0 + 1 - 3 + 1 = 4, W: 5 + 1 + 0 - 3 + 1 = 4.
  %d = qat.max_pool2d %y {kernel_size = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                          padding = array<i64: 0, 1, 1, 0>, dilation = array<i64: 2, 2>}
      : tensor<?x2x5x5xf32> -> tensor<?x2x4x4xf32>
  return %a, %b, %c, %d
      : tensor<1x32x13x13xf32>, tensor<?x2x3x3xf32>, tensor<?x2x3x3xf32>, tensor<?x2x4x4xf32>
}

// CHECK-LABEL: func.func @avg_pool2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x4x4xf32>, %[[Y:.*]]: tensor<1x8x5x5xf32>)
// CHECK: %[[A:.*]] = qat.avg_pool2d %[[X]] {kernel_size = array<i64: 3, 3>, padding = array<i64: 1, 1>, strides = array<i64: 1, 1>} : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
// CHECK: %[[B:.*]] = qat.avg_pool2d %[[X]] {count_include_pad = false, kernel_size = array<i64: 3, 3>, padding = array<i64: 1, 1>, strides = array<i64: 1, 1>} : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
// CHECK: %[[C:.*]] = qat.avg_pool2d %[[Y]] {ceil_mode, kernel_size = array<i64: 2, 2>} : tensor<1x8x5x5xf32> -> tensor<1x8x3x3xf32>
// CHECK: %[[D:.*]] = qat.avg_pool2d %[[Y]] {kernel_size = array<i64: 2, 2>} : tensor<1x8x5x5xf32> -> tensor<1x8x2x2xf32>
// CHECK: return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @avg_pool2d(%x: tensor<1x8x4x4xf32>, %y: tensor<1x8x5x5xf32>)
    -> (tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x8x3x3xf32>, tensor<1x8x2x2xf32>) {
  %a = qat.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                          padding = array<i64: 1, 1>}
      : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
  %b = qat.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                          padding = array<i64: 1, 1>, count_include_pad = false}
      : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
  %c = qat.avg_pool2d %y {kernel_size = array<i64: 2, 2>, ceil_mode}
      : tensor<1x8x5x5xf32> -> tensor<1x8x3x3xf32>
  // count_include_pad = true is the default and is elided.
  %d = qat.avg_pool2d %y {kernel_size = array<i64: 2, 2>, count_include_pad = true}
      : tensor<1x8x5x5xf32> -> tensor<1x8x2x2xf32>
  return %a, %b, %c, %d
      : tensor<1x8x4x4xf32>, tensor<1x8x4x4xf32>, tensor<1x8x3x3xf32>, tensor<1x8x2x2xf32>
}

// CHECK-LABEL: func.func @global_avg_pool
// CHECK-SAME: (%[[X:.*]]: tensor<?x64x7x7xf32>)
// CHECK: %[[Y:.*]] = qat.global_avg_pool %[[X]] : tensor<?x64x7x7xf32> -> tensor<?x64x1x1xf32>
// CHECK: return %[[Y]]
func.func @global_avg_pool(%x: tensor<?x64x7x7xf32>) -> tensor<?x64x1x1xf32> {
  %y = qat.global_avg_pool %x : tensor<?x64x7x7xf32> -> tensor<?x64x1x1xf32>
  return %y : tensor<?x64x1x1xf32>
}

// CHECK-LABEL: func.func @flatten
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4x5xf32>, %[[D:.*]]: tensor<?x4x5xf32>)
// CHECK: %[[A:.*]] = qat.flatten %[[X]] : tensor<2x3x4x5xf32> -> tensor<2x60xf32>
// CHECK: %[[B:.*]] = qat.flatten %[[X]] {end_dim = 2 : i64, start_dim = 0 : i64} : tensor<2x3x4x5xf32> -> tensor<24x5xf32>
// CHECK: %[[C:.*]] = qat.flatten %[[X]] {end_dim = -2 : i64, start_dim = -3 : i64} : tensor<2x3x4x5xf32> -> tensor<2x12x5xf32>
// CHECK: %[[E:.*]] = qat.flatten %[[X]] {end_dim = 2 : i64, start_dim = 2 : i64} : tensor<2x3x4x5xf32> -> tensor<2x3x4x5xf32>
// CHECK: %[[F:.*]] = qat.flatten %[[D]] : tensor<?x4x5xf32> -> tensor<?x20xf32>
// CHECK: %[[G:.*]] = qat.flatten %[[D]] {start_dim = 0 : i64} : tensor<?x4x5xf32> -> tensor<?xf32>
// CHECK: return %[[A]], %[[B]], %[[C]], %[[E]], %[[F]], %[[G]]
func.func @flatten(%x: tensor<2x3x4x5xf32>, %d: tensor<?x4x5xf32>)
    -> (tensor<2x60xf32>, tensor<24x5xf32>, tensor<2x12x5xf32>, tensor<2x3x4x5xf32>,
        tensor<?x20xf32>, tensor<?xf32>) {
  // start_dim = 1, end_dim = -1 are the defaults and are elided.
  %a = qat.flatten %x {start_dim = 1 : i64, end_dim = -1 : i64} : tensor<2x3x4x5xf32> -> tensor<2x60xf32>
  %b = qat.flatten %x {start_dim = 0 : i64, end_dim = 2 : i64} : tensor<2x3x4x5xf32> -> tensor<24x5xf32>
  %c = qat.flatten %x {start_dim = -3 : i64, end_dim = -2 : i64} : tensor<2x3x4x5xf32> -> tensor<2x12x5xf32>
  %e = qat.flatten %x {start_dim = 2 : i64, end_dim = 2 : i64} : tensor<2x3x4x5xf32> -> tensor<2x3x4x5xf32>
  %f = qat.flatten %d : tensor<?x4x5xf32> -> tensor<?x20xf32>
  %g = qat.flatten %d {start_dim = 0 : i64} : tensor<?x4x5xf32> -> tensor<?xf32>
  return %a, %b, %c, %e, %f, %g
      : tensor<2x60xf32>, tensor<24x5xf32>, tensor<2x12x5xf32>, tensor<2x3x4x5xf32>,
        tensor<?x20xf32>, tensor<?xf32>
}

// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[D:.*]]: tensor<?x10xf32>)
// CHECK: %[[A:.*]] = qat.reshape %[[X]] : tensor<2x8xf32> -> tensor<4x4xf32>
// CHECK: %[[B:.*]] = qat.reshape %[[A]] : tensor<4x4xf32> -> tensor<16xf32>
// CHECK: %[[C:.*]] = qat.reshape %[[D]] : tensor<?x10xf32> -> tensor<?x2x5xf32>
// CHECK: return %[[B]], %[[C]]
func.func @reshape(%x: tensor<2x8xf32>, %d: tensor<?x10xf32>) -> (tensor<16xf32>, tensor<?x2x5xf32>) {
  %a = qat.reshape %x : tensor<2x8xf32> -> tensor<4x4xf32>
  %b = qat.reshape %a : tensor<4x4xf32> -> tensor<16xf32>
  %c = qat.reshape %d : tensor<?x10xf32> -> tensor<?x2x5xf32>
  return %b, %c : tensor<16xf32>, tensor<?x2x5xf32>
}

// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>)
// CHECK: %[[A:.*]] = qat.softmax %[[X]] {axis = -1 : i64} : tensor<?x10xf32>
// CHECK: %[[B:.*]] = qat.softmax %[[A]] {axis = 0 : i64} : tensor<?x10xf32>
// CHECK: %[[C:.*]] = qat.softmax %[[B]] {axis = -2 : i64} : tensor<?x10xf32>
// CHECK: return %[[C]]
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %a = qat.softmax %x {axis = -1 : i64} : tensor<?x10xf32>
  %b = qat.softmax %a {axis = 0 : i64} : tensor<?x10xf32>
  %c = qat.softmax %b {axis = -2 : i64} : tensor<?x10xf32>
  return %c : tensor<?x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @cross_entropy
// CHECK-SAME: (%[[L:.*]]: tensor<64x10xf32>, %[[I32:.*]]: tensor<64xi32>, %[[I64:.*]]: tensor<64xi64>, %[[D:.*]]: tensor<?x10xf32>, %[[DL:.*]]: tensor<?xi32>)
// CHECK: %[[A:.*]] = qat.cross_entropy %[[L]], %[[I32]] : (tensor<64x10xf32>, tensor<64xi32>) -> tensor<f32>
// CHECK: %[[B:.*]] = qat.cross_entropy %[[L]], %[[I64]] : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
// CHECK: %[[C:.*]] = qat.cross_entropy %[[D]], %[[DL]] : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
// CHECK: return %[[A]], %[[B]], %[[C]]
func.func @cross_entropy(%l: tensor<64x10xf32>, %i32: tensor<64xi32>, %i64: tensor<64xi64>,
                         %d: tensor<?x10xf32>, %dl: tensor<?xi32>)
    -> (tensor<f32>, tensor<f32>, tensor<f32>) {
  %a = qat.cross_entropy %l, %i32 : (tensor<64x10xf32>, tensor<64xi32>) -> tensor<f32>
  %b = qat.cross_entropy %l, %i64 : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f32>
  %c = qat.cross_entropy %d, %dl : (tensor<?x10xf32>, tensor<?xi32>) -> tensor<f32>
  return %a, %b, %c : tensor<f32>, tensor<f32>, tensor<f32>
}

// CHECK-LABEL: func.func @mse
// CHECK-SAME: (%[[Y:.*]]: tensor<4x3xf32>, %[[T:.*]]: tensor<4x3xf32>, %[[D:.*]]: tensor<?x3xf32>)
// CHECK: %[[A:.*]] = qat.mse %[[Y]], %[[T]] : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
// CHECK: %[[B:.*]] = qat.mse %[[D]], %[[D]] : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
// CHECK: return %[[A]], %[[B]]
func.func @mse(%y: tensor<4x3xf32>, %t: tensor<4x3xf32>, %d: tensor<?x3xf32>) -> (tensor<f32>, tensor<f32>) {
  %a = qat.mse %y, %t : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  %b = qat.mse %d, %d : (tensor<?x3xf32>, tensor<?x3xf32>) -> tensor<f32>
  return %a, %b : tensor<f32>, tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

// Per-tensor, minimal spec: defaults (symmetric = false, narrow_range =
// false, observer = minmax, learnable = false) are elided.
// CHECK-LABEL: func.func @fake_quant_per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<4x20xf32>, %[[S:.*]]: tensor<1xf32>, %[[Z:.*]]: tensor<1xi32>)
// CHECK: %[[A:.*]] = qat.fake_quant %[[X]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
// CHECK: %[[B:.*]] = qat.fake_quant %[[A]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>}
// CHECK: %[[C:.*]] = qat.fake_quant %[[B]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = none>}
// CHECK: %[[D:.*]] = qat.fake_quant %[[C]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = ema, averaging_constant = 1.000000e+00 : f64, learnable = true>}
// CHECK: %[[E:.*]] = qat.fake_quant %[[D]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = ema>}
// CHECK: %[[F:.*]] = qat.fake_quant %[[E]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average>}
// CHECK: %[[G:.*]] = qat.fake_quant %[[F]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true>}
// CHECK: %[[H:.*]] = qat.fake_quant %[[G]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = ui8, qmin = 1, qmax = 255, narrow_range = true>}
// CHECK: return %[[H]]
func.func @fake_quant_per_tensor(%x: tensor<4x20xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4x20xf32> {
  %a = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  %b = qat.fake_quant %a, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127,
          observer = moving_average, averaging_constant = 1.0e-2>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  %c = qat.fake_quant %b, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127,
          symmetric = false, observer = none, learnable = false>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  %d = qat.fake_quant %c, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127,
          observer = ema, averaging_constant = 1.0, learnable = true>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  %e = qat.fake_quant %d, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = ema>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  %f = qat.fake_quant %e, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255,
          observer = moving_average>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  // Explicit observer = minmax is the default and is elided.
  %g = qat.fake_quant %f, %s, %z {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7,
          symmetric = true, observer = minmax>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  // narrow_range on an unsigned dtype does not constrain qmin.
  %h = qat.fake_quant %g, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 1, qmax = 255, narrow_range = true>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  return %h : tensor<4x20xf32>
}

// An observer, in training and holding qparams.
// CHECK-LABEL: func.func @observe
// CHECK-SAME: (%[[X:.*]]: tensor<4x20xf32>, %[[MN:.*]]: tensor<1xf32>, %[[MX:.*]]: tensor<1xf32>, %[[S:.*]]: tensor<1xf32>, %[[Z:.*]]: tensor<1xi32>)
// CHECK: %{{.*}}, %{{.*}}, %[[MN1:.*]], %[[MX1:.*]] = qat.observe %[[X]], %[[MN]], %[[MX]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>, training} : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
// CHECK: qat.observe %[[X]], %[[MN1]], %[[MX1]] qparams %[[S]], %[[Z]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xi32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
func.func @observe(%x: tensor<4x20xf32>, %mn: tensor<1xf32>, %mx: tensor<1xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<1xf32> {
  %s1, %z1, %mn1, %mx1 = qat.observe %x, %mn, %mx {training, spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %s2, %z2, %mn2, %mx2 = qat.observe %x, %mn1, %mx1 qparams %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xi32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  return %s2 : tensor<1xf32>
}

// Per-channel with every parameter set, on an OIHW weight (axis 0) and on a
// dynamic-batch activation (axis 1).
// CHECK-LABEL: func.func @fake_quant_per_channel
// CHECK-SAME: (%[[W:.*]]: tensor<16x3x3x3xf32>, %[[S:.*]]: tensor<16xf32>, %[[Z:.*]]: tensor<16xi32>, %[[X:.*]]: tensor<?x10xf32>, %[[S2:.*]]: tensor<10xf32>, %[[Z2:.*]]: tensor<10xi32>)
// CHECK: %[[A:.*]] = qat.fake_quant %[[W]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127, symmetric = true, axis = 0, narrow_range = true, observer = moving_average, averaging_constant = 5.000000e-01 : f64, learnable = true>} : (tensor<16x3x3x3xf32>, tensor<16xf32>, tensor<16xi32>) -> tensor<16x3x3x3xf32>
// CHECK: %[[B:.*]] = qat.fake_quant %[[X]], %[[S2]], %[[Z2]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1>} : (tensor<?x10xf32>, tensor<10xf32>, tensor<10xi32>) -> tensor<?x10xf32>
// CHECK: return %[[A]], %[[B]]
func.func @fake_quant_per_channel(%w: tensor<16x3x3x3xf32>, %s: tensor<16xf32>, %z: tensor<16xi32>,
                                  %x: tensor<?x10xf32>, %s2: tensor<10xf32>, %z2: tensor<10xi32>)
    -> (tensor<16x3x3x3xf32>, tensor<?x10xf32>) {
  %a = qat.fake_quant %w, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127,
          symmetric = true, axis = 0, narrow_range = true, observer = moving_average,
          averaging_constant = 0.5, learnable = true>}
      : (tensor<16x3x3x3xf32>, tensor<16xf32>, tensor<16xi32>) -> tensor<16x3x3x3xf32>
  %b = qat.fake_quant %x, %s2, %z2 {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, axis = 1>}
      : (tensor<?x10xf32>, tensor<10xf32>, tensor<10xi32>) -> tensor<?x10xf32>
  return %a, %b : tensor<16x3x3x3xf32>, tensor<?x10xf32>
}

// The spec as a standalone attribute (here in a discardable attribute).
// CHECK-LABEL: func.func @qspec_attr
// CHECK-SAME: qat.spec = #qat.qspec<dtype = i16, qmin = -32768, qmax = 32767, symmetric = true>
func.func @qspec_attr() attributes {qat.spec = #qat.qspec<dtype = i16, qmin = -32768, qmax = 32767, symmetric = true>} {
  return
}

// CHECK-LABEL: func.func @stubs
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>)
// CHECK: %[[Q:.*]] = qat.quant_stub %[[X]] : tensor<?x10xf32>
// CHECK: %[[R:.*]] = qat.relu %[[Q]] : tensor<?x10xf32>
// CHECK: %[[D:.*]] = qat.dequant_stub %[[R]] : tensor<?x10xf32>
// CHECK: return %[[D]]
func.func @stubs(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %q = qat.quant_stub %x : tensor<?x10xf32>
  %r = qat.relu %q : tensor<?x10xf32>
  %d = qat.dequant_stub %r : tensor<?x10xf32>
  return %d : tensor<?x10xf32>
}

// -----

// The integer ops of the converted graph: grouped (depthwise) qconv2d,
// broadcasting qadd/qmul, qavg_pool2d.
// CHECK-LABEL: func.func @int_ops
// CHECK-SAME: (%[[X:.*]]: tensor<1x4x6x6x{{.*}}>, %[[W:.*]]: tensor<8x1x3x3x{{.*}}>, %[[B:.*]]: tensor<8xi32>)
// CHECK: %[[C:.*]] = qat.qconv2d %[[X]], %[[W]], %[[B]] {clamp_max = 255 : i64, clamp_min = 3 : i64, groups = 4 : i64, padding = array<i64: 1, 1>}
// CHECK: %[[P:.*]] = qat.qavg_pool2d %[[C]] {ceil_mode, clamp_max = 255 : i64, clamp_min = 0 : i64, count_include_pad = false, kernel_size = array<i64: 3, 3>, padding = array<i64: 1, 1>, strides = array<i64: 2, 2>}
// CHECK: %[[G:.*]] = qat.qavg_pool2d %[[P]] {clamp_max = 255 : i64, clamp_min = 0 : i64, kernel_size = array<i64: 4, 4>}
// CHECK: %[[M:.*]] = qat.qmul %[[P]], %[[G]] {clamp_max = 255 : i64, clamp_min = 0 : i64}
// CHECK: %[[A:.*]] = qat.qadd %[[M]], %[[G]] {clamp_max = 255 : i64, clamp_min = 0 : i64}
// CHECK: return %[[A]]
func.func @int_ops(%x: tensor<1x4x6x6x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<8x1x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<8xi32>) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.1:3>> {
  %c = qat.qconv2d %x, %w, %b {groups = 4 : i64, padding = array<i64: 1, 1>, clamp_min = 3 : i64, clamp_max = 255 : i64} : (tensor<1x4x6x6x!quant.uniform<u8:f32, 0.1:3>>, tensor<8x1x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<8xi32>) -> tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>>
  %p = qat.qavg_pool2d %c {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, ceil_mode, count_include_pad = false, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.05:2>>
  %g = qat.qavg_pool2d %p {kernel_size = array<i64: 4, 4>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x8x4x4x!quant.uniform<u8:f32, 0.05:2>> -> tensor<1x8x1x1x!quant.uniform<u8:f32, 0.04:1>>
  %m = qat.qmul %p, %g {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x8x4x4x!quant.uniform<u8:f32, 0.05:2>>, tensor<1x8x1x1x!quant.uniform<u8:f32, 0.04:1>>) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.1:3>>
  %a = qat.qadd %m, %g {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x8x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<1x8x1x1x!quant.uniform<u8:f32, 0.04:1>>) -> tensor<1x8x4x4x!quant.uniform<u8:f32, 0.1:3>>
  return %a : tensor<1x8x4x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// TFLite's fixed-point requant on every integer op (#qat.requant), and the
// module attribute --qat-prepare="preset=tflite" records; the float requant
// is the default and is not printed.
// CHECK-LABEL: module attributes {qat.requant = #qat.requant<fixed_point>}
// CHECK-LABEL: func.func @int_ops_fixed_point
// CHECK: qat.qlinear %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64, requant = #qat.requant<fixed_point>}
// CHECK: qat.qlinear %{{.*}} {clamp_max = 127 : i64, clamp_min = -128 : i64} :
// CHECK: qat.qconv2d %{{.*}} {clamp_max = 255 : i64, clamp_min = 3 : i64, groups = 4 : i64, padding = array<i64: 1, 1>, requant = #qat.requant<fixed_point>}
// CHECK: qat.qavg_pool2d %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64, kernel_size = array<i64: 6, 6>, requant = #qat.requant<fixed_point>}
// CHECK: qat.qmul %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64, requant = #qat.requant<fixed_point>}
// CHECK: qat.qadd %{{.*}} {clamp_max = 255 : i64, clamp_min = 0 : i64, requant = #qat.requant<fixed_point>}
module attributes {qat.requant = #qat.requant<fixed_point>} {
  func.func @int_ops_fixed_point(%l: tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, %lw: tensor<4x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>, %lb: tensor<4xi32>, %x: tensor<1x4x6x6x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<8x1x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<8xi32>) -> tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>> {
    %y = qat.qlinear %l, %lw, %lb {clamp_min = -128 : i64, clamp_max = 127 : i64, requant = #qat.requant<fixed_point>} : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.5:-1>>
    %z = qat.qlinear %l, %lw, %lb {clamp_min = -128 : i64, clamp_max = 127 : i64, requant = #qat.requant<float>} : (tensor<2x3x!quant.uniform<i8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.4}>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.5:-1>>
    %c = qat.qconv2d %x, %w, %b {groups = 4 : i64, padding = array<i64: 1, 1>, clamp_min = 3 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : (tensor<1x4x6x6x!quant.uniform<u8:f32, 0.1:3>>, tensor<8x1x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<8xi32>) -> tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>>
    %g = qat.qavg_pool2d %c {kernel_size = array<i64: 6, 6>, clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x8x1x1x!quant.uniform<u8:f32, 0.04:1>>
    %m = qat.qmul %c, %g {clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : (tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>>, tensor<1x8x1x1x!quant.uniform<u8:f32, 0.04:1>>) -> tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>>
    %a = qat.qadd %m, %c {clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : (tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>>, tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>>
    return %a : tensor<1x8x6x6x!quant.uniform<u8:f32, 0.1:3>>
  }
}

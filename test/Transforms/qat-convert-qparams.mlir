// RUN: qat-opt %s --qat-convert | FileCheck %s

// Qparams stored as parameters are converted as stored: given to the
// fake_quant (an i32 zero point, as qat-import writes for
// --qdq-observer=none) or held by an observer (its range state is not
// read: [-1, 1] would give another scale). The scales 0.1186709 and
// 4.2628869e-04 are ones that no range maps to (docs/numerics.md,
// "Imported qparams").
// CHECK-LABEL: func.func @forward
// CHECK: qat.quantize %{{.*}} -> tensor<2x4x!quant.uniform<u8:f32, 0.11867090314626694:79>>
// CHECK: qat.qlinear {{.*}} tensor<3x4x!quant.uniform<i8:f32:0, {4.2628869414329529E-4,3.9999998989515007E-4,3.0000001424923539E-4}>>
// CHECK-SAME: -> tensor<2x3x!quant.uniform<u8<0:127>:f32, 0.0020000000949949026:60>>
qat.param @fc.weight = dense<[[0.01, -0.02, 0.03, 0.0], [0.01, 0.02, -0.03, 0.04], [0.0, 0.0, 0.01, -0.01]]> : tensor<3x4xf32>
qat.param @fc.bias = dense<[0.1, -0.1, 0.0]> : tensor<3xf32>
qat.param state @x.scale = dense<0.1186709> : tensor<1xf32>
qat.param state @x.zero_point = dense<79> : tensor<1xi32>
qat.param state @w.scale = dense<[4.2628869e-04, 4.0e-04, 3.0e-04]> : tensor<3xf32>
qat.param state @w.zero_point = dense<0> : tensor<3xi32>
qat.param state @y.min = dense<-1.0> : tensor<1xf32>
qat.param state @y.max = dense<1.0> : tensor<1xf32>
qat.param state @y.scale = dense<0.002> : tensor<1xf32>
qat.param state @y.zero_point = dense<60> : tensor<1xi32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %xs = qat.load @x.scale : tensor<1xf32>
  %xz = qat.load @x.zero_point : tensor<1xi32>
  %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = none>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
  %w = qat.load @fc.weight : tensor<3x4xf32>
  %ws = qat.load @w.scale : tensor<3xf32>
  %wz = qat.load @w.zero_point : tensor<3xi32>
  %wq = qat.fake_quant %w, %ws, %wz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = none>} : (tensor<3x4xf32>, tensor<3xf32>, tensor<3xi32>) -> tensor<3x4xf32>
  %b = qat.load @fc.bias : tensor<3xf32>
  %y = qat.linear %xq, %wq, %b : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %mn = qat.load @y.min : tensor<1xf32>
  %mx = qat.load @y.max : tensor<1xf32>
  %s0 = qat.load @y.scale : tensor<1xf32>
  %z0 = qat.load @y.zero_point : tensor<1xi32>
  %ys, %yz, %ya, %yb = qat.observe %y, %mn, %mx qparams %s0, %z0 {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average>} : (tensor<2x3xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xi32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %yq = qat.fake_quant %y, %ys, %yz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average>} : (tensor<2x3xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x3xf32>
  return %yq : tensor<2x3xf32>
}

// RUN: qat-run %s --print | FileCheck %s
//
// qat.fake_quant, its straight-through gradient and the LSQ gradients at
// 4 and 2 bits (docs/numerics.md#low-bit-widths): every rule clamps to the
// spec's [qmin, qmax], not to the 8-bit storage range. Scales are powers of
// two, so the expected values below are exact by hand: q = clamp(
// roundeven(x / s) + zp, qmin, qmax), y = (q - zp) * s, dx = dy where the
// unclamped q is in range (PyTorch's rule).

// i4 symmetric [-8, 7], s = 0.5: x / s = -10, -8, -7.8, -1.5, 0.5, 1.5,
// 7, 7.5, 8, 200, -200, 2.6.
// CHECK-LABEL: result 0: tensor<12xf32>
// CHECK-NEXT: -4 -4 -4 -1 0 1 3.5 3.5 3.5 3.5 -4 1.5
// CHECK-LABEL: result 1: tensor<12xf32>
// CHECK-NEXT: 0 1 1 1 1 1 1 0 0 0 0 1
//
// i2 narrow range [-1, 1] (ternary), s = 0.5: x / s = -2, -1.5, -0.6, 0.2,
// 0.6, 1.48, 1.52, 4.
// CHECK-LABEL: result 2: tensor<8xf32>
// CHECK-NEXT: -0.5 -0.5 -0.5 0 0.5 0.5 0.5 0.5
// CHECK-LABEL: result 3: tensor<8xf32>
// CHECK-NEXT: 0 0 1 1 1 1 0 0
//
// ui4 affine [0, 15], s = 0.25, zp = 3: x / s + zp = -1, 0, -0.2, 3, 4.2,
// 15, 15.4, 15.8.
// CHECK-LABEL: result 4: tensor<8xf32>
// CHECK-NEXT: -0.75 -0.75 -0.75 0 0.25 3 3 3
// CHECK-LABEL: result 5: tensor<8xf32>
// CHECK-NEXT: 0 1 1 1 1 1 1 0
//
// i4 per channel (axis 0), s = [0.5, 0.25]: x / s = [7.2, -8.6, 2.2],
// [7.6, -8.4, 1.2].
// CHECK-LABEL: result 6: tensor<2x3xf32>
// CHECK-NEXT: 3.5 -4 1
// CHECK-NEXT: 1.75 -2 0.25
// CHECK-LABEL: result 7: tensor<2x3xf32>
// CHECK-NEXT: 1 0 1
// CHECK-NEXT: 0 1 1
//
// LSQ on the i4 input of result 0 (learnable, no grad scaling): dx as
// result 1; ds sums qmin - zp = -8 below (2 elements), qmax - zp = 7 above
// (3), and (y - x) / s inside (0, -0.2, -0.5, -0.5, 0.5, 0, 0.4): 4.7;
// dzp is -s for each of the 5 elements outside: -2.5.
// CHECK-LABEL: result 8: tensor<12xf32>
// CHECK-NEXT: 0 1 1 1 1 1 1 0 0 0 0 1
// CHECK-LABEL: result 9: tensor<1xf32>
// CHECK-NEXT: 4.7
// CHECK-LABEL: result 10: tensor<1xf32>
// CHECK-NEXT: -2.5

func.func @forward() -> (tensor<12xf32>, tensor<12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<12xf32>, tensor<1xf32>, tensor<1xf32>) {
  %x4 = arith.constant dense<[-5.0, -4.0, -3.9, -0.75, 0.25, 0.75, 3.5, 3.75, 4.0, 100.0, -100.0, 1.3]> : tensor<12xf32>
  %dy12 = arith.constant dense<1.0> : tensor<12xf32>
  %s4 = arith.constant dense<0.5> : tensor<1xf32>
  %z4 = arith.constant dense<0> : tensor<1xi32>
  %y4 = qat.fake_quant %x4, %s4, %z4 {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, observer = none>}
      : (tensor<12xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<12xf32>
  %dx4, %ds4, %dz4 = qat.fake_quant_grad %x4, %s4, %z4, %dy12 {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, observer = none>}
      : (tensor<12xf32>, tensor<1xf32>, tensor<1xi32>, tensor<12xf32>) -> (tensor<12xf32>, tensor<1xf32>, tensor<1xf32>)

  %x2 = arith.constant dense<[-1.0, -0.75, -0.3, 0.1, 0.3, 0.74, 0.76, 2.0]> : tensor<8xf32>
  %dy8 = arith.constant dense<1.0> : tensor<8xf32>
  %y2 = qat.fake_quant %x2, %s4, %z4 {spec = #qat.qspec<dtype = i2, qmin = -1, qmax = 1, symmetric = true, narrow_range = true, observer = none>}
      : (tensor<8xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<8xf32>
  %dx2, %ds2, %dz2 = qat.fake_quant_grad %x2, %s4, %z4, %dy8 {spec = #qat.qspec<dtype = i2, qmin = -1, qmax = 1, symmetric = true, narrow_range = true, observer = none>}
      : (tensor<8xf32>, tensor<1xf32>, tensor<1xi32>, tensor<8xf32>) -> (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>)

  %xu = arith.constant dense<[-1.0, -0.75, -0.8, 0.0, 0.3, 3.0, 3.1, 3.2]> : tensor<8xf32>
  %su = arith.constant dense<0.25> : tensor<1xf32>
  %zu = arith.constant dense<3> : tensor<1xi32>
  %yu = qat.fake_quant %xu, %su, %zu {spec = #qat.qspec<dtype = ui4, qmin = 0, qmax = 15, observer = none>}
      : (tensor<8xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<8xf32>
  %dxu, %dsu, %dzu = qat.fake_quant_grad %xu, %su, %zu, %dy8 {spec = #qat.qspec<dtype = ui4, qmin = 0, qmax = 15, observer = none>}
      : (tensor<8xf32>, tensor<1xf32>, tensor<1xi32>, tensor<8xf32>) -> (tensor<8xf32>, tensor<1xf32>, tensor<1xf32>)

  %xc = arith.constant dense<[[3.6, -4.3, 1.1], [1.9, -2.1, 0.3]]> : tensor<2x3xf32>
  %dyc = arith.constant dense<1.0> : tensor<2x3xf32>
  %sc = arith.constant dense<[0.5, 0.25]> : tensor<2xf32>
  %zc = arith.constant dense<0> : tensor<2xi32>
  %yc = qat.fake_quant %xc, %sc, %zc {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, axis = 0, observer = none>}
      : (tensor<2x3xf32>, tensor<2xf32>, tensor<2xi32>) -> tensor<2x3xf32>
  %dxc, %dsc, %dzc = qat.fake_quant_grad %xc, %sc, %zc, %dyc {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, axis = 0, observer = none>}
      : (tensor<2x3xf32>, tensor<2xf32>, tensor<2xi32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2xf32>, tensor<2xf32>)

  %zl = arith.constant dense<0.0> : tensor<1xf32>
  %dxl, %dsl, %dzl = qat.fake_quant_grad %x4, %s4, %zl, %dy12 {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, observer = none, learnable = true>}
      : (tensor<12xf32>, tensor<1xf32>, tensor<1xf32>, tensor<12xf32>) -> (tensor<12xf32>, tensor<1xf32>, tensor<1xf32>)
  return %y4, %dx4, %y2, %dx2, %yu, %dxu, %yc, %dxc, %dxl, %dsl, %dzl : tensor<12xf32>, tensor<12xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<2x3xf32>, tensor<2x3xf32>, tensor<12xf32>, tensor<1xf32>, tensor<1xf32>
}

// RUN: qat-opt %s --qat-fuse-elementwise | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#win = affine_map<(d0, d1, d2) -> (d0 + d2, d1)>
#out3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// Read through a permutation, the producer fuses into its consumer.
// CHECK-LABEL: func.func @fused
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x8xf32>)
// CHECK: arith.negf
// CHECK: arith.mulf
// CHECK: return %[[G]]
func.func @fused(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%n : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}

// Read through a window map (each element used by 2 window positions), the
// producer stays a loop nest of its own instead of running twice.
// CHECK-LABEL: func.func @window
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>)
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x8xf32>)
// CHECK: arith.negf
// CHECK: %[[W:.*]] = linalg.generic {{.*}} ins(%[[N]] : tensor<4x8xf32>)
// CHECK-NOT: arith.negf
// CHECK: return %[[W]]
func.func @window(%x: tensor<4x8xf32>) -> tensor<3x8x2xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %e3 = tensor.empty() : tensor<3x8x2xf32>
  %w = linalg.generic {indexing_maps = [#win, #out3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%n : tensor<4x8xf32>) outs(%e3 : tensor<3x8x2xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<3x8x2xf32>
  return %w : tensor<3x8x2xf32>
}

#x4 = affine_map<(n, oh, ow, kh, kw) -> (n, oh * 2 + kh, ow * 2 + kw)>
#x4s1 = affine_map<(n, oh, ow, kh, kw) -> (n, oh + kh, ow + kw)>
#k4 = affine_map<(n, oh, ow, kh, kw) -> (kh, kw)>
#o4 = affine_map<(n, oh, ow, kh, kw) -> (n, oh, ow)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// A 2x2 max-pool of stride 2 reads each element in one window: the producer
// (a fake-quant, say) is computed inside the pool, once per element.
// CHECK-LABEL: func.func @disjoint_windows
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x4xf32>)
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[X]], %{{.*}} : tensor<2x4x4xf32>, tensor<2x2xf32>)
// CHECK: arith.negf
// CHECK: arith.maximumf
// CHECK: return %[[P]]
func.func @disjoint_windows(%x: tensor<2x4x4xf32>) -> tensor<2x2x2xf32> {
  %e = tensor.empty() : tensor<2x4x4xf32>
  %n = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x4x4xf32>) outs(%e : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %k = tensor.empty() : tensor<2x2xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %e2 = tensor.empty() : tensor<2x2x2xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %p = linalg.generic {indexing_maps = [#x4, #k4, #o4], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%n, %k : tensor<2x4x4xf32>, tensor<2x2xf32>) outs(%init : tensor<2x2x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x2x2xf32>
  return %p : tensor<2x2x2xf32>
}

// Windows that overlap (3x3 of stride 2, 2x2 of stride 1) read an element
// from several windows: the producer stays a loop nest of its own.
// CHECK-LABEL: func.func @overlapping_3x3_stride2
// CHECK: %[[N:.*]] = linalg.generic
// CHECK: arith.negf
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[N]], %{{.*}} : tensor<2x5x5xf32>, tensor<3x3xf32>)
// CHECK-NOT: arith.negf
// CHECK: return %[[P]]
func.func @overlapping_3x3_stride2(%x: tensor<2x5x5xf32>) -> tensor<2x2x2xf32> {
  %e = tensor.empty() : tensor<2x5x5xf32>
  %n = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x5x5xf32>) outs(%e : tensor<2x5x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<2x5x5xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %k3 = tensor.empty() : tensor<3x3xf32>
  %e2 = tensor.empty() : tensor<2x2x2xf32>
  %i2 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<2x2x2xf32>) -> tensor<2x2x2xf32>
  %p = linalg.generic {indexing_maps = [#x4, #k4, #o4], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%n, %k3 : tensor<2x5x5xf32>, tensor<3x3xf32>) outs(%i2 : tensor<2x2x2xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x2x2xf32>
  return %p : tensor<2x2x2xf32>
}

// CHECK-LABEL: func.func @overlapping_2x2_stride1
// CHECK: %[[N:.*]] = linalg.generic
// CHECK: arith.negf
// CHECK: %[[P:.*]] = linalg.generic {{.*}} ins(%[[N]], %{{.*}} : tensor<2x5x5xf32>, tensor<2x2xf32>)
// CHECK-NOT: arith.negf
// CHECK: return %[[P]]
func.func @overlapping_2x2_stride1(%x: tensor<2x5x5xf32>) -> tensor<2x4x4xf32> {
  %e = tensor.empty() : tensor<2x5x5xf32>
  %n = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x5x5xf32>) outs(%e : tensor<2x5x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<2x5x5xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %k2 = tensor.empty() : tensor<2x2xf32>
  %e4 = tensor.empty() : tensor<2x4x4xf32>
  %i4 = linalg.fill ins(%ninf : f32) outs(%e4 : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %q = linalg.generic {indexing_maps = [#x4s1, #k4, #o4], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%n, %k2 : tensor<2x5x5xf32>, tensor<2x2xf32>) outs(%i4 : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  return %q : tensor<2x4x4xf32>
}

// -----

#id6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
#p00 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0, d2, d3)>
#p01 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 1, d2, d3)>
#p10 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 1, 0, d2, d3)>
#p11 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 1, 1, d2, d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A producer read by one consumer through four operands, each a different
// plane (a 2x2 max-pool in blocked pixel order): fused into each, so every
// element is computed once and the producer is never written.
// CHECK-LABEL: func.func @four_planes
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x2x2x3x4xf32>)
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[X]], %[[X]], %[[X]] :
// CHECK-COUNT-4: arith.negf
// CHECK-NOT: linalg.generic
func.func @four_planes(%x: tensor<1x2x2x2x3x4xf32>) -> tensor<1x2x3x4xf32> {
  %e = tensor.empty() : tensor<1x2x2x2x3x4xf32>
  %n = linalg.generic {indexing_maps = [#id6, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<1x2x2x2x3x4xf32>) outs(%e : tensor<1x2x2x2x3x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<1x2x2x2x3x4xf32>
  %e4 = tensor.empty() : tensor<1x2x3x4xf32>
  %m = linalg.generic {indexing_maps = [#p00, #p01, #p10, #p11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%n, %n, %n, %n : tensor<1x2x2x2x3x4xf32>, tensor<1x2x2x2x3x4xf32>, tensor<1x2x2x2x3x4xf32>, tensor<1x2x2x2x3x4xf32>) outs(%e4 : tensor<1x2x3x4xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32, %d: f32, %o: f32):
    %m1 = arith.maximumf %a, %b : f32
    %m2 = arith.maximumf %m1, %c : f32
    %m3 = arith.maximumf %m2, %d : f32
    linalg.yield %m3 : f32
  } -> tensor<1x2x3x4xf32>
  return %m : tensor<1x2x3x4xf32>
}

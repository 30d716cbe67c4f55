// RUN: qat-opt %s --qat-collapse-loops -split-input-file | FileCheck %s

// An element-wise op with a per-channel operand read through constant-0
// indices: the unit dimensions of the operand go first, then (h, w) merge;
// n and c stay apart, as the channel operand is indexed by c alone.
// CHECK-LABEL: func.func @channel_scale
// CHECK-DAG: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0, 1, 2, 3]] : tensor<1x4x1x1xf32> into tensor<4xf32>
// CHECK-DAG: %[[X:.*]] = tensor.collapse_shape %{{.*}} {{\[}}[0], [1], [2, 3]] : tensor<2x4x3x5xf32> into tensor<2x4x15xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel"]{{.*}} ins(%[[X]], %[[C]] : tensor<2x4x15xf32>, tensor<4xf32>)
// CHECK: arith.mulf
// CHECK: tensor.expand_shape {{.*}} : tensor<2x4x15xf32> into tensor<2x4x3x5xf32>
#id = affine_map<(n, c, h, w) -> (n, c, h, w)>
#ch = affine_map<(n, c, h, w) -> (0, c, 0, 0)>
func.func @channel_scale(%x: tensor<2x4x3x5xf32>, %s: tensor<1x4x1x1xf32>) -> tensor<2x4x3x5xf32> {
  %e = tensor.empty() : tensor<2x4x3x5xf32>
  %y = linalg.generic {indexing_maps = [#id, #ch, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s : tensor<2x4x3x5xf32>, tensor<1x4x1x1xf32>) outs(%e : tensor<2x4x3x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  }  -> tensor<2x4x3x5xf32>
  %z = tensor.empty() : tensor<2x4x3x5xf32>
  %r = linalg.copy ins(%y : tensor<2x4x3x5xf32>) outs(%z : tensor<2x4x3x5xf32>) -> tensor<2x4x3x5xf32>
  return %r : tensor<2x4x3x5xf32>
}

// -----

// A max reduction over (h, w) per (n, c): the reduced loops merge into one
// and the combiner may be reassociated (max is associative).
// CHECK-LABEL: func.func @window_max
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]{{.*}} ins(%{{.*}} : tensor<8x15xf32>)
// CHECK: arith.maximumf %{{.*}}, %{{.*}} fastmath<reassoc> : f32
#in = affine_map<(n, c, h, w) -> (n, c, h, w)>
#out = affine_map<(n, c, h, w) -> (n, c)>
func.func @window_max(%x: tensor<2x4x3x5xf32>, %init: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %m = linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%x : tensor<2x4x3x5xf32>) outs(%init : tensor<2x4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %r = arith.maximumf %acc, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x4xf32>
  %z = tensor.empty() : tensor<2x4xf32>
  %c = linalg.copy ins(%m : tensor<2x4xf32>) outs(%z : tensor<2x4xf32>) -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

// -----

// A window gather (strided and offset indices) keeps its loops.
// CHECK-LABEL: func.func @window
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
#win = affine_map<(n, c, y, x, ky, kx) -> (n, c, y + ky, x + kx)>
#res = affine_map<(n, c, y, x, ky, kx) -> (n, c, y, x)>
func.func @window(%x: tensor<2x4x5x5xf32>, %init: tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32> {
  %k = tensor.empty() : tensor<3x3xf32>
  %m = linalg.generic {indexing_maps = [#win, affine_map<(n, c, y, x, ky, kx) -> (ky, kx)>, #res], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%x, %k : tensor<2x4x5x5xf32>, tensor<3x3xf32>) outs(%init : tensor<2x4x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %r = arith.addf %acc, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x4x3x3xf32>
  %z = tensor.empty() : tensor<2x4x3x3xf32>
  %c = linalg.copy ins(%m : tensor<2x4x3x3xf32>) outs(%z : tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  return %c : tensor<2x4x3x3xf32>
}

// -----

// A body that reads its (y, x) indices only as y * 5 + x (what reshape
// expansion makes of an op over a flattened index) collapses, and reads
// the collapsed index itself; a body that reads y and x on their own keeps
// its loops.
// CHECK-LABEL: func.func @linearized_index
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]
// CHECK: %[[I:.*]] = linalg.index 1 : index
// CHECK-NOT: affine.apply
// CHECK: arith.index_cast %[[I]]
// CHECK-LABEL: func.func @separate_indices
// CHECK: iterator_types = ["parallel", "parallel", "parallel"]
#id3 = affine_map<(n, y, x) -> (n, y, x)>
func.func @linearized_index(%x: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %e = tensor.empty() : tensor<2x3x5xf32>
  %r = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x5xf32>) outs(%e : tensor<2x3x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = linalg.index 1 : index
    %xx = linalg.index 2 : index
    %i = affine.apply affine_map<()[s0, s1] -> (s0 + s1 * 5)>()[%xx, %y]
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %s = arith.addf %a, %f : f32
    linalg.yield %s : f32
  } -> tensor<2x3x5xf32>
  %z = tensor.empty() : tensor<2x3x5xf32>
  %c = linalg.copy ins(%r : tensor<2x3x5xf32>) outs(%z : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %c : tensor<2x3x5xf32>
}
func.func @separate_indices(%x: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %e = tensor.empty() : tensor<2x3x5xf32>
  %r = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x5xf32>) outs(%e : tensor<2x3x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = linalg.index 1 : index
    %xx = linalg.index 2 : index
    %i = arith.subi %xx, %y : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %s = arith.addf %a, %f : f32
    linalg.yield %s : f32
  } -> tensor<2x3x5xf32>
  %z = tensor.empty() : tensor<2x3x5xf32>
  %c = linalg.copy ins(%r : tensor<2x3x5xf32>) outs(%z : tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %c : tensor<2x3x5xf32>
}

// -----

#p00 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0, d2, d3)>
#p11 = affine_map<(d0, d1, d2, d3) -> (d0, d1, 1, 1, d2, d3)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// Planes of [N, C, 2, 2, H, W] read at constant indices: each becomes a
// rank-reduced slice, and the loops merge only where the slices stay
// contiguous, (N, C) and (H, W); (C, H) would step over the other planes.
// CHECK-LABEL: func.func @plane_slices
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x2x2x4x5xf32>,
// CHECK-DAG: %[[S0:.*]] = tensor.extract_slice %[[X]][0, 0, 0, 0, 0, 0] [2, 3, 1, 1, 4, 5] [1, 1, 1, 1, 1, 1] : tensor<2x3x2x2x4x5xf32> to tensor<2x3x4x5xf32>
// CHECK-DAG: %[[S1:.*]] = tensor.extract_slice %[[X]][0, 0, 1, 1, 0, 0] [2, 3, 1, 1, 4, 5] [1, 1, 1, 1, 1, 1] : tensor<2x3x2x2x4x5xf32> to tensor<2x3x4x5xf32>
// CHECK-DAG: %[[C0:.*]] = tensor.collapse_shape %[[S0]] {{\[}}[0, 1], [2, 3]] : tensor<2x3x4x5xf32> into tensor<6x20xf32>
// CHECK-DAG: %[[C1:.*]] = tensor.collapse_shape %[[S1]] {{\[}}[0, 1], [2, 3]] : tensor<2x3x4x5xf32> into tensor<6x20xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel"]
// CHECK-SAME: ins(%[[C0]], %[[C1]] : tensor<6x20xf32>, tensor<6x20xf32>)
func.func @plane_slices(%x: tensor<2x3x2x2x4x5xf32>, %big: tensor<3x3x4x5xf32>) -> tensor<3x3x4x5xf32> {
  %e = tensor.empty() : tensor<2x3x4x5xf32>
  %m = linalg.generic {indexing_maps = [#p00, #p11, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %x : tensor<2x3x2x2x4x5xf32>, tensor<2x3x2x2x4x5xf32>) outs(%e : tensor<2x3x4x5xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x3x4x5xf32>
  %r = tensor.insert_slice %m into %big[0, 0, 0, 0] [2, 3, 4, 5] [1, 1, 1, 1] : tensor<2x3x4x5xf32> into tensor<3x3x4x5xf32>
  return %r : tensor<3x3x4x5xf32>
}

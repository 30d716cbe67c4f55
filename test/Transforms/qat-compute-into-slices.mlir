// RUN: qat-opt %s --qat-compute-into-slices -split-input-file | FileCheck %s

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>

// A piece computed in its own shape and inserted through a collapse: the
// op moves to the insertion and writes the destination's slice, expanded
// to its shape. The tail is a fill into its own slice.
// CHECK-LABEL: func.func @through_collapse
// CHECK-SAME: (%[[X:.*]]: tensor<2x2x5xf32>)
// CHECK: %[[D:.*]] = tensor.empty() : tensor<21xf32>
// CHECK: %[[TS:.*]] = tensor.extract_slice %[[D]][20] [1] [1]
// CHECK: %[[T:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[TS]] : tensor<1xf32>)
// CHECK: %[[D1:.*]] = tensor.insert_slice %[[T]] into %[[D]][20] [1] [1]
// CHECK: %[[S:.*]] = tensor.extract_slice %[[D1]][0] [20] [1] : tensor<21xf32> to tensor<20xf32>
// CHECK: %[[SX:.*]] = tensor.expand_shape %[[S]] {{\[}}[0, 1, 2]] output_shape [2, 2, 5]
// CHECK: %[[G:.*]] = linalg.generic
// CHECK-SAME: ins(%[[X]] : tensor<2x2x5xf32>) outs(%[[SX]] : tensor<2x2x5xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[G]]
// CHECK: %[[R:.*]] = tensor.insert_slice %[[C]] into %[[D1]][0] [20] [1]
// CHECK: return %[[R]]
func.func @through_collapse(%x: tensor<2x2x5xf32>) -> tensor<21xf32> {
  %e = tensor.empty() : tensor<2x2x5xf32>
  %g = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x2x5xf32>) outs(%e : tensor<2x2x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<2x2x5xf32>
  %c = tensor.collapse_shape %g [[0, 1, 2]] : tensor<2x2x5xf32> into tensor<20xf32>
  %z = arith.constant 0.0 : f32
  %d = tensor.empty() : tensor<21xf32>
  %te = tensor.empty() : tensor<1xf32>
  %t = linalg.fill ins(%z : f32) outs(%te : tensor<1xf32>) -> tensor<1xf32>
  %d1 = tensor.insert_slice %t into %d[20] [1] [1] : tensor<1xf32> into tensor<21xf32>
  %r = tensor.insert_slice %c into %d1[0] [20] [1] : tensor<20xf32> into tensor<21xf32>
  return %r : tensor<21xf32>
}

// -----

// An op that accumulates into a filled init (a matmul): the fill moves
// with it and fills the slice. The empty tensor it shared with another op
// (as after CSE) is split first, so the other op keeps its own.
// CHECK-LABEL: func.func @fill_init_shared_empty
// CHECK: %[[E2:.*]] = tensor.empty() : tensor<3x4xf32>
// CHECK: %[[D:.*]] = tensor.empty() : tensor<2x3x4xf32>
// CHECK: %[[S:.*]] = tensor.extract_slice %[[D]][0, 0, 0] [1, 3, 4] [1, 1, 1] : tensor<2x3x4xf32> to tensor<3x4xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[S]] : tensor<3x4xf32>)
// CHECK: %[[M:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<3x5xf32>, tensor<5x4xf32>) outs(%[[F]] : tensor<3x4xf32>)
// CHECK: %[[R:.*]] = tensor.insert_slice %[[M]] into %[[D]][0, 0, 0] [1, 3, 4] [1, 1, 1]
// CHECK: %[[N:.*]] = linalg.negf ins(%{{.*}} : tensor<3x4xf32>) outs(%[[E2]] : tensor<3x4xf32>)
// CHECK: return %[[R]], %[[N]]
func.func @fill_init_shared_empty(%a: tensor<3x5xf32>, %b: tensor<5x4xf32>, %c: tensor<3x4xf32>)
    -> (tensor<2x3x4xf32>, tensor<3x4xf32>) {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<3x4xf32>) -> tensor<3x4xf32>
  %m = linalg.matmul ins(%a, %b : tensor<3x5xf32>, tensor<5x4xf32>) outs(%f : tensor<3x4xf32>) -> tensor<3x4xf32>
  %d = tensor.empty() : tensor<2x3x4xf32>
  %r = tensor.insert_slice %m into %d[0, 0, 0] [1, 3, 4] [1, 1, 1] : tensor<3x4xf32> into tensor<2x3x4xf32>
  %n = linalg.negf ins(%c : tensor<3x4xf32>) outs(%e : tensor<3x4xf32>) -> tensor<3x4xf32>
  return %r, %n : tensor<2x3x4xf32>, tensor<3x4xf32>
}

// -----

// Left alone: the piece has another user (it must exist on its own), and
// an op whose init has contents (it reads them).
// CHECK-LABEL: func.func @kept
// CHECK: %[[N:.*]] = linalg.negf ins(%{{.*}}) outs(%{{.*}} : tensor<4xf32>)
// CHECK: tensor.insert_slice %[[N]]
// CHECK: %[[A:.*]] = linalg.add ins(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>) outs(%arg1 : tensor<4xf32>)
// CHECK: tensor.insert_slice %[[A]]
// CHECK-NOT: tensor.extract_slice
func.func @kept(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<8xf32>, tensor<4xf32>) {
  %e = tensor.empty() : tensor<4xf32>
  %n = linalg.negf ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %d = tensor.empty() : tensor<8xf32>
  %r0 = tensor.insert_slice %n into %d[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  %a = linalg.add ins(%x, %x : tensor<4xf32>, tensor<4xf32>) outs(%y : tensor<4xf32>) -> tensor<4xf32>
  %r1 = tensor.insert_slice %a into %r0[4] [4] [1] : tensor<4xf32> into tensor<8xf32>
  return %r1, %n : tensor<8xf32>, tensor<4xf32>
}

// -----

// The destination is defined after a store into memory that the piece's
// computation must stay before (a global's update): nothing moves.
// CHECK-LABEL: func.func @not_past_a_store
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4xf32>
// CHECK: %[[N:.*]] = linalg.negf ins(%{{.*}} : tensor<4xf32>) outs(%[[E]] : tensor<4xf32>)
// CHECK: bufferization.materialize_in_destination
// CHECK-NOT: tensor.extract_slice
// CHECK: tensor.insert_slice %[[N]]
func.func @not_past_a_store(%x: tensor<4xf32>, %y: tensor<4xf32>, %m: memref<4xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %n = linalg.negf ins(%x : tensor<4xf32>) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  bufferization.materialize_in_destination %y in restrict writable %m : (tensor<4xf32>, memref<4xf32>) -> ()
  %d = tensor.empty() : tensor<8xf32>
  %r = tensor.insert_slice %n into %d[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

#id = affine_map<(d0) -> (d0)>

// Both results of one op inserted: the op has another use, so neither
// insertion takes it over.
// CHECK-LABEL: func.func @two_results
// CHECK: %[[G:.*]]:2 = linalg.generic
// CHECK-NOT: tensor.extract_slice
// CHECK: tensor.insert_slice %[[G]]#0
// CHECK: tensor.insert_slice %[[G]]#1
func.func @two_results(%x: tensor<4xf32>) -> tensor<8xf32> {
  %e = tensor.empty() : tensor<4xf32>
  %g:2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf32>) outs(%e, %e : tensor<4xf32>, tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32, %p: f32):
    %r = arith.negf %a : f32
    linalg.yield %r, %a : f32, f32
  } -> (tensor<4xf32>, tensor<4xf32>)
  %d = tensor.empty() : tensor<8xf32>
  %r0 = tensor.insert_slice %g#0 into %d[0] [4] [1] : tensor<4xf32> into tensor<8xf32>
  %r1 = tensor.insert_slice %g#1 into %r0[4] [4] [1] : tensor<4xf32> into tensor<8xf32>
  return %r1 : tensor<8xf32>
}

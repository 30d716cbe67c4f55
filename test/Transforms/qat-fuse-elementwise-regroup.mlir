// RUN: qat-opt %s --qat-fuse-elementwise -split-input-file | FileCheck %s

// Element-wise generics on either side of a reshape that regroups the
// trailing dims (6x6 -> 36 -> 2x2x3x3: the planes of 2x2 pooling windows)
// move to the side with more dims and fuse.

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#s4 = affine_map<(d0, d1, d2, d3) -> (0)>
#planes = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d5, d2, d3)>
#out6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// The producer (a scaling by a one-element tensor, whose constant map
// upstream's reshape propagation does not take) iterates over the planes
// and fuses into the pool.
// CHECK-LABEL: func.func @producer
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x6x6xf32>, %[[S:.*]]: tensor<1xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1], [2, 3]]
// CHECK: %[[VIEW:.*]] = tensor.expand_shape %[[FLAT]] {{\[}}[0], [1], [2, 3, 4, 5]] output_shape [2, 3, 2, 2, 3, 3]
// CHECK: %[[POOL:.*]] = linalg.generic {{.*}} ins(%[[VIEW]], %[[S]] : tensor<2x3x2x2x3x3xf32>, tensor<1xf32>)
// CHECK: arith.mulf
// CHECK: arith.maximumf
// CHECK: return %[[POOL]]
func.func @producer(%x: tensor<2x3x6x6xf32>, %s: tensor<1xf32>) -> tensor<2x3x3x3xf32> {
  %e = tensor.empty() : tensor<2x3x6x6xf32>
  %y = linalg.generic {indexing_maps = [#id4, #s4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x, %s : tensor<2x3x6x6xf32>, tensor<1xf32>) outs(%e : tensor<2x3x6x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x3x6x6xf32>
  %flat = tensor.collapse_shape %y [[0], [1], [2, 3]] : tensor<2x3x6x6xf32> into tensor<2x3x36xf32>
  %view = tensor.expand_shape %flat [[0], [1], [2, 3, 4, 5]] output_shape [2, 3, 2, 2, 3, 3] : tensor<2x3x36xf32> into tensor<2x3x2x2x3x3xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %pe = tensor.empty() : tensor<2x3x3x3xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%pe : tensor<2x3x3x3xf32>) -> tensor<2x3x3x3xf32>
  %pool = linalg.generic {indexing_maps = [#planes, #out6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%view : tensor<2x3x2x2x3x3xf32>) outs(%init : tensor<2x3x3x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x3x3x3xf32>
  return %pool : tensor<2x3x3x3xf32>
}

// -----

#id6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
#win6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d5)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#chan = affine_map<(d0, d1, d2, d3) -> (d1)>

// The consumer (a per-channel sum of a masked gradient, with a reduction
// over the regrouped dims) iterates over the producer's planes, and the
// producer fuses into it.
// CHECK-LABEL: func.func @consumer
// CHECK-SAME: (%[[DY:.*]]: tensor<2x3x3x3xf32>, %[[X:.*]]: tensor<2x3x6x6xf32>)
// CHECK: %[[XV:.*]] = tensor.expand_shape %{{.*}} output_shape [2, 3, 2, 2, 3, 3]
// CHECK: %[[G:.*]]:2 = linalg.generic {{.*}}iterator_types = ["reduction", "parallel", "reduction", "reduction", "reduction", "reduction"]} ins(%[[DY]], %[[XV]] : tensor<2x3x3x3xf32>, tensor<2x3x2x2x3x3xf32>)
// CHECK: arith.select
// CHECK: arith.addf
// CHECK: %[[BACK:.*]] = tensor.collapse_shape %[[G]]#0 {{\[}}[0], [1], [2, 3, 4, 5]]
// CHECK: tensor.expand_shape %[[BACK]] {{\[}}[0], [1], [2, 3]] output_shape [2, 3, 6, 6]
func.func @consumer(%dy: tensor<2x3x3x3xf32>, %x: tensor<2x3x6x6xf32>) -> (tensor<2x3x6x6xf32>, tensor<3xf32>) {
  %e6 = tensor.empty() : tensor<2x3x2x2x3x3xf32>
  %zero = arith.constant 0.0 : f32
  %g = linalg.generic {indexing_maps = [#win6, #id6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel", "parallel"]}
      ins(%dy : tensor<2x3x3x3xf32>) outs(%e6 : tensor<2x3x2x2x3x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %a, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x3x2x2x3x3xf32>
  %flat = tensor.collapse_shape %g [[0], [1], [2, 3, 4, 5]] : tensor<2x3x2x2x3x3xf32> into tensor<2x3x36xf32>
  %grad = tensor.expand_shape %flat [[0], [1], [2, 3]] output_shape [2, 3, 6, 6] : tensor<2x3x36xf32> into tensor<2x3x6x6xf32>
  %e4 = tensor.empty() : tensor<2x3x6x6xf32>
  %c = tensor.empty() : tensor<3xf32>
  %cz = linalg.fill ins(%zero : f32) outs(%c : tensor<3xf32>) -> tensor<3xf32>
  %r:2 = linalg.generic {indexing_maps = [#id4, #id4, #id4, #chan], iterator_types = ["reduction", "parallel", "reduction", "reduction"]}
      ins(%grad, %x : tensor<2x3x6x6xf32>, tensor<2x3x6x6xf32>) outs(%e4, %cz : tensor<2x3x6x6xf32>, tensor<3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32, %acc: f32):
    %pos = arith.cmpf ogt, %b, %zero : f32
    %m = arith.select %pos, %a, %zero : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %m, %s : f32, f32
  } -> (tensor<2x3x6x6xf32>, tensor<3xf32>)
  return %r#0, %r#1 : tensor<2x3x6x6xf32>, tensor<3xf32>
}

// -----

#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#planes = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4, d5, d2, d3)>
#out6 = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3)>

// A producer that reads its loop indices depends on the grouping: kept.
// CHECK-LABEL: func.func @reads_index
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<2x3x6x6xf32>)
// CHECK: linalg.index 3
// CHECK: tensor.collapse_shape
// CHECK: tensor.expand_shape
func.func @reads_index(%x: tensor<2x3x6x6xf32>) -> tensor<2x3x3x3xf32> {
  %e = tensor.empty() : tensor<2x3x6x6xf32>
  %y = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x6x6xf32>) outs(%e : tensor<2x3x6x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %i = linalg.index 3 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %r = arith.mulf %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x3x6x6xf32>
  %flat = tensor.collapse_shape %y [[0], [1], [2, 3]] : tensor<2x3x6x6xf32> into tensor<2x3x36xf32>
  %view = tensor.expand_shape %flat [[0], [1], [2, 3, 4, 5]] output_shape [2, 3, 2, 2, 3, 3] : tensor<2x3x36xf32> into tensor<2x3x2x2x3x3xf32>
  %ninf = arith.constant 0xFF800000 : f32
  %pe = tensor.empty() : tensor<2x3x3x3xf32>
  %init = linalg.fill ins(%ninf : f32) outs(%pe : tensor<2x3x3x3xf32>) -> tensor<2x3x3x3xf32>
  %pool = linalg.generic {indexing_maps = [#planes, #out6], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]}
      ins(%view : tensor<2x3x2x2x3x3xf32>) outs(%init : tensor<2x3x3x3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x3x3x3xf32>
  return %pool : tensor<2x3x3x3xf32>
}

// RUN: qat-opt %s --qat-fuse-elementwise -split-input-file | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A producer with three users (a sum, a scaled copy, the return): one
// generic writes the producer's result and computes both consumers; the
// sum makes d0 a reduction of the fused op.
// CHECK-LABEL: func.func @three_users
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[S:.*]]: tensor<8xf32>)
// CHECK: %[[F:.*]]:3 = linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[S]] : tensor<4x8xf32>, tensor<8xf32>)
// CHECK: %[[N:.*]] = arith.negf
// CHECK: %[[SUM:.*]] = arith.addf %{{.*}}, %[[N]]
// CHECK: %[[MUL:.*]] = arith.mulf %[[N]]
// CHECK: linalg.yield %[[N]], %[[SUM]], %[[MUL]]
// CHECK-NOT: linalg.generic
// CHECK: return %[[F]]#0, %[[F]]#1, %[[F]]#2
func.func @three_users(%x: tensor<4x8xf32>, %s: tensor<8xf32>)
    -> (tensor<4x8xf32>, tensor<8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%n : tensor<4x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %m = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%n, %s : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %n, %sum, %m : tensor<4x8xf32>, tensor<8xf32>, tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// The second pass needs the first one's complete sum (a mean): the sum
// fuses into the producer, the centered square stays a loop of its own
// (upstream fusion folds the single-use mean into it).
// CHECK-LABEL: func.func @needs_complete_reduction
// CHECK: %[[F:.*]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel"]
// CHECK: %[[VAR:.*]] = linalg.generic
// CHECK-SAME: ins(%[[F]]#0, %[[F]]#1 :
// CHECK: return %[[VAR]], %[[F]]#0
func.func @needs_complete_reduction(%x: tensor<4x8xf32>) -> (tensor<8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %c4 = arith.constant 4.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%n : tensor<4x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %mean = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%sum : tensor<8xf32>) outs(%e1 : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.divf %a, %c4 : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %var = linalg.generic {indexing_maps = [#id, #col, #col], iterator_types = ["reduction", "parallel"]}
      ins(%n, %mean : tensor<4x8xf32>, tensor<8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %d = arith.subf %a, %m : f32
    %q = arith.mulf %d, %d : f32
    %r = arith.addf %o, %q : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %var, %n : tensor<8xf32>, tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#tr = affine_map<(d0, d1) -> (d1, d0)>

// Read transposed, an element is not complete at the iteration that reads
// it: no fusion.
// CHECK-LABEL: func.func @transposed_read
// CHECK: %[[N:.*]] = linalg.generic
// CHECK: arith.negf
// CHECK: %[[T:.*]] = linalg.generic
// CHECK-SAME: ins(%[[N]] : tensor<4x4xf32>)
// CHECK: return %[[N]], %[[T]]
func.func @transposed_read(%x: tensor<4x4xf32>) -> (tensor<4x4xf32>, tensor<4x4xf32>) {
  %e = tensor.empty() : tensor<4x4xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %t = linalg.generic {indexing_maps = [#tr, #id], iterator_types = ["parallel", "parallel"]}
      ins(%n : tensor<4x4xf32>) outs(%e : tensor<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  return %n, %t : tensor<4x4xf32>, tensor<4x4xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#id1 = affine_map<(d0) -> (d0)>

// A body with a call (the call stays where it is), and a consumer that
// reads a value computed from the producer by another op: no fusion.
// CHECK-LABEL: func.func @not_fusable
// CHECK: %[[N:.*]] = linalg.generic
// CHECK: linalg.generic {{.*}} ins(%[[N]] : tensor<4x8xf32>)
// CHECK: func.call @f
// CHECK: %[[V:.*]] = call @g
// CHECK: linalg.generic {{.*}} ins(%[[N]], %[[V]] :
// CHECK: return
func.func private @f(f32) -> f32
func.func private @g(f32) -> tensor<4x8xf32>
func.func @not_fusable(%x: tensor<4x8xf32>)
    -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %c0 = arith.constant 0 : index
  %e = tensor.empty() : tensor<4x8xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%n : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = func.call @f(%a) : (f32) -> f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %u = tensor.extract %n[%c0, %c0] : tensor<4x8xf32>
  %v = func.call @g(%u) : (f32) -> tensor<4x8xf32>
  %d = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%n, %v : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %n, %c, %d : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// `x / s + b` (one full tensor, per-column values) read only by linalg
// ops: each reader recomputes it from x, so it is never written. The two
// sums, which now share the read of x, become one generic; the scaling by
// the complete sum (a mean, say) cannot join them and reads x too.
// CHECK-LABEL: func.func @recompute_cheap_producer
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[S:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: %[[SUMS:.*]]:2 = linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel"]
// CHECK-SAME: ins(%[[X]], %[[S]], %[[B]] :
// CHECK: arith.divf
// CHECK: arith.mulf
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: ins(%[[X]], %[[S]], %[[B]], %[[SUMS]]#0 :
// CHECK: arith.divf
// CHECK-NOT: linalg.generic
// CHECK: return %[[SUMS]]#0, %[[SUMS]]#1, %[[Y]]
func.func @recompute_cheap_producer(%x: tensor<4x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<8xf32>, tensor<8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %v = linalg.generic {indexing_maps = [#id, #col, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %s, %b : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %c: f32, %d: f32, %o: f32):
    %q = arith.divf %a, %c : f32
    %r = arith.addf %q, %d : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%v : tensor<4x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%v : tensor<4x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    %r = arith.addf %o, %m : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%v, %sum : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.mulf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %sum, %sq, %y : tensor<8xf32>, tensor<8xf32>, tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A producer of two full tensors is not recomputed (its readers would read
// both): its two readers join it in one generic that computes it once.
// CHECK-LABEL: func.func @two_full_inputs_not_recomputed
// CHECK: %[[F:.*]]:2 = linalg.generic
// CHECK: arith.mulf
// CHECK-NOT: arith.mulf
// CHECK: return %[[F]]#0, %[[F]]#1
func.func @two_full_inputs_not_recomputed(%x: tensor<4x8xf32>, %w: tensor<4x8xf32>)
    -> (tensor<8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %v = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %w : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%v : tensor<4x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%v : tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %sum, %y : tensor<8xf32>, tensor<4x8xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#t = affine_map<(d0, d1) -> (d1, d0)>
#col = affine_map<(d0, d1) -> (d1)>

// Siblings: two sums of the same tensor read it once; a third reader that
// reads it transposed keeps its own loop nest.
// CHECK-LABEL: func.func @siblings
// CHECK-SAME: (%[[X:.*]]: tensor<8x8xf32>)
// CHECK: %[[F:.*]]:2 = linalg.generic
// CHECK-SAME: ins(%[[X]] : tensor<8x8xf32>)
// CHECK: arith.addf
// CHECK: arith.mulf
// CHECK: %[[T:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["reduction", "parallel"]} ins(%[[X]] : tensor<8x8xf32>)
// CHECK: return %[[F]]#0, %[[F]]#1, %[[T]]
func.func @siblings(%x: tensor<8x8xf32>) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<8x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<8x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    %r = arith.addf %o, %m : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %tr = linalg.generic {indexing_maps = [#t, #col], iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<8x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.maximumf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %sum, %sq, %tr : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d1)>

// A multi-use producer and a per-channel sum that reads another tensor
// through a reshape created after the producer, with another user of the
// producer in between (so the fused op cannot go to the sum's place): the
// reshape moves above the producer and the sum fuses into it, so the
// producer's result is not read back.
// CHECK-LABEL: func.func @hoists_consumer_reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>, %[[Y:.*]]: tensor<6x4xf32>
// CHECK: %[[R:.*]] = tensor.expand_shape %[[Y]]
// CHECK: %[[F:.*]]:3 = linalg.generic
// CHECK-SAME: ins(%[[X]], %[[R]] :
// CHECK: %[[N:.*]] = arith.negf
// CHECK: %[[SUM:.*]] = arith.addf
// CHECK: %[[P:.*]] = arith.mulf %{{.*}}, %[[N]]
// CHECK: %[[DOT:.*]] = arith.addf %{{.*}}, %[[P]]
// CHECK: linalg.yield %[[N]], %[[SUM]], %[[DOT]]
// CHECK: %[[H:.*]] = linalg.generic
// CHECK-SAME: ins(%[[F]]#1 :
// CHECK-NOT: linalg.generic
// CHECK: return %[[F]]#0, %[[H]], %[[F]]#2
func.func @hoists_consumer_reshape(%x: tensor<2x3x4xf32>, %y: tensor<6x4xf32>)
    -> (tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>) {
  %e = tensor.empty() : tensor<2x3x4xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<3xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<3xf32>) -> tensor<3xf32>
  %n:2 = linalg.generic {indexing_maps = [#id, #id, #c], iterator_types = ["reduction", "parallel", "reduction"]}
      ins(%x : tensor<2x3x4xf32>) outs(%e, %acc : tensor<2x3x4xf32>, tensor<3xf32>) {
  ^bb0(%a: f32, %o: f32, %s: f32):
    %r = arith.negf %a : f32
    %t = arith.addf %s, %r : f32
    linalg.yield %r, %t : f32, f32
  } -> (tensor<2x3x4xf32>, tensor<3xf32>)
  %h = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%n#1 : tensor<3xf32>) outs(%e1 : tensor<3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<3xf32>
  %yc = tensor.expand_shape %y [[0, 1], [2]] output_shape [2, 3, 4] : tensor<6x4xf32> into tensor<2x3x4xf32>
  %dot = linalg.generic {indexing_maps = [#id, #id, #c], iterator_types = ["reduction", "parallel", "reduction"]}
      ins(%yc, %n#0 : tensor<2x3x4xf32>, tensor<2x3x4xf32>) outs(%acc : tensor<3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<3xf32>
  return %n#0, %h, %dot : tensor<2x3x4xf32>, tensor<3xf32>, tensor<3xf32>
}

// -----

#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#c = affine_map<(d0, d1, d2) -> (d1)>
#bc = affine_map<(d0, d1, d2, d3) -> (0, d1, 0, 0)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>

// A per-channel sum whose result is expanded to the broadcast shape
// [1, C, 1, 1]: the expansion is not bubbled into the sum (that would give
// it the loops of [1, C, 1, 1] x the input), so the sum keeps its loops
// and its element-wise producer fuses into it.
// CHECK-LABEL: func.func @unit_expand_stays
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>
// CHECK: %[[S:.*]] = linalg.generic
// CHECK-SAME: iterator_types = ["reduction", "parallel", "reduction"]
// CHECK-SAME: ins(%[[X]] : tensor<2x3x4xf32>) outs(%{{.*}} : tensor<3xf32>)
// CHECK: arith.negf
// CHECK: arith.addf
// CHECK: %[[E:.*]] = tensor.expand_shape %[[S]] {{\[}}[0, 1, 2, 3]] output_shape [1, 3, 1, 1]
// CHECK: linalg.generic
// CHECK-SAME: ins(%[[E]] :
func.func @unit_expand_stays(%x: tensor<2x3x4xf32>) -> tensor<2x3x5x5xf32> {
  %e = tensor.empty() : tensor<2x3x4xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<3xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<3xf32>) -> tensor<3xf32>
  %n = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x : tensor<2x3x4xf32>) outs(%e : tensor<2x3x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.negf %a : f32
    linalg.yield %r : f32
  } -> tensor<2x3x4xf32>
  %s = linalg.generic {indexing_maps = [#id, #c], iterator_types = ["reduction", "parallel", "reduction"]}
      ins(%n : tensor<2x3x4xf32>) outs(%acc : tensor<3xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<3xf32>
  %se = tensor.expand_shape %s [[0, 1, 2, 3]] output_shape [1, 3, 1, 1] : tensor<3xf32> into tensor<1x3x1x1xf32>
  %e4 = tensor.empty() : tensor<2x3x5x5xf32>
  %b = linalg.generic {indexing_maps = [#bc, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
      ins(%se : tensor<1x3x1x1xf32>) outs(%e4 : tensor<2x3x5x5xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.mulf %a, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x3x5x5xf32>
  return %b : tensor<2x3x5x5xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// `x * (1 / s) + b` as the conv-bn fold writes it: the reciprocal is per
// column (hoisted out of the loop over rows), so the producer is still two
// ops per element and each reader recomputes it. A third op per element
// (@three_element_ops_written) makes it worth writing once.
// CHECK-LABEL: func.func @recompute_with_per_column_op
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[S:.*]]: tensor<8xf32>, %[[B:.*]]: tensor<8xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic
// CHECK-SAME: ins(%[[X]], %[[S]], %[[B]] :
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: ins(%[[X]], %[[S]], %[[B]], %[[SUM]] :
// CHECK: return %[[SUM]], %[[Y]]
// CHECK-LABEL: func.func @three_element_ops_written
// CHECK: %[[F:.*]]:2 = linalg.generic
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: ins(%[[F]]#0, %[[F]]#1 :
// CHECK: return %[[F]]#1, %[[Y]]
func.func @recompute_with_per_column_op(%x: tensor<4x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %v = linalg.generic {indexing_maps = [#id, #col, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %s, %b : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %c: f32, %d: f32, %o: f32):
    %inv = arith.divf %one, %c : f32
    %q = arith.mulf %a, %inv : f32
    %r = arith.addf %q, %d : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%v : tensor<4x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%v, %sum : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.mulf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %sum, %y : tensor<8xf32>, tensor<4x8xf32>
}

func.func @three_element_ops_written(%x: tensor<4x8xf32>, %s: tensor<8xf32>, %b: tensor<8xf32>)
    -> (tensor<8xf32>, tensor<4x8xf32>) {
  %e = tensor.empty() : tensor<4x8xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %v = linalg.generic {indexing_maps = [#id, #col, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %s, %b : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %c: f32, %d: f32, %o: f32):
    %q = arith.mulf %a, %c : f32
    %r = arith.addf %q, %d : f32
    %t = arith.mulf %r, %c : f32
    linalg.yield %t : f32
  } -> tensor<4x8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%v : tensor<4x8xf32>) outs(%acc : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = arith.addf %o, %a : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%v, %sum : tensor<4x8xf32>, tensor<8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.mulf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<4x8xf32>
  return %sum, %y : tensor<8xf32>, tensor<4x8xf32>
}

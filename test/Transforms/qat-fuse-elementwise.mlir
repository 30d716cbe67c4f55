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

// RUN: qat-opt %s --qat-parallelize-loops="threads=2 min-iterations=1024" -split-input-file | FileCheck %s
// RUN: qat-opt %s --qat-parallelize-loops="threads=1 min-iterations=1024" -split-input-file | FileCheck %s --check-prefix=ONE

// An element-wise op: two contiguous blocks of 2048, each a subview.
// CHECK-LABEL: func.func @elementwise
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C4096:.*]] = arith.constant 4096 : index
// CHECK: scf.parallel (%[[I:.*]]) = (%[[C0]]) to (%[[C4096]]) step (%{{.*}})
// CHECK: memref.subview %{{.*}}[%[[I]]] [2048] [1]
// CHECK: memref.subview %{{.*}}[%[[I]]] [2048] [1]
// CHECK: linalg.generic
// CHECK: arith.addf
// ONE-LABEL: func.func @elementwise
// ONE-NOT: scf.parallel
func.func @elementwise(%a: memref<4096xf32>, %b: memref<4096xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<4096xf32>) outs(%b : memref<4096xf32>) {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %x : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Rows are split; each row's sum stays on one thread, in order.
// CHECK-LABEL: func.func @row_sums
// CHECK: scf.parallel
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
func.func @row_sums(%a: memref<64x256xf32>, %b: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0)>],
                  iterator_types = ["parallel", "reduction"]}
      ins(%a : memref<64x256xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A reduction along the first axis (a bias gradient) is not split: its
// sums would be cut into per-thread pieces.
// CHECK-LABEL: func.func @column_sums
// CHECK-NOT: scf.parallel
func.func @column_sums(%a: memref<256x64xf32>, %b: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%a : memref<256x64xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Too little work.
// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.parallel
func.func @small(%a: memref<512xf32>, %b: memref<512xf32>) {
  linalg.copy ins(%a : memref<512xf32>) outs(%b : memref<512xf32>)
  return
}

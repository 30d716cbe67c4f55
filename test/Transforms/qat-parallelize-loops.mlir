// RUN: qat-opt %s --qat-parallelize-loops="threads=2 min-iterations=1024 min-work=1024" -split-input-file | FileCheck %s
// RUN: qat-opt %s --qat-parallelize-loops="threads=1 min-iterations=1024 min-work=1024" -split-input-file | FileCheck %s --check-prefix=ONE
// RUN: qat-opt %s --qat-parallelize-loops="threads=2 min-iterations=1024 min-work=10000" -split-input-file | FileCheck %s --check-prefix=WORK

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

// A sum along the first axis (a bias gradient) is split along its columns:
// each column's sum stays on one thread, over the rows in order.
// CHECK-LABEL: func.func @column_sums
// CHECK: scf.parallel (%[[J:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}})
// CHECK: memref.subview %{{.*}}[0, %[[J]]] [256, 32] [1, 1]
// CHECK: memref.subview %{{.*}}[%[[J]]] [32] [1]
// CHECK: linalg.generic {{.*}}iterator_types = ["reduction", "parallel"]
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

// The same sum with `reassoc`: LLVM may vectorize it in one of the serial
// and outlined parallel bodies and not the other (another order of terms).
// CHECK-LABEL: func.func @reassoc_sums
// CHECK-NOT: scf.parallel
func.func @reassoc_sums(%a: memref<256x64xf32>, %b: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%a : memref<256x64xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc fastmath<reassoc> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A sum of products through math.fma (an op whose flags may be unset).
// CHECK-LABEL: func.func @fma_sums
// CHECK: scf.parallel
// CHECK: math.fma
func.func @fma_sums(%a: memref<256x64xf32>, %b: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%a : memref<256x64xf32>) outs(%b : memref<64xf32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = math.fma %x, %x, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A sum of everything has no loop that indexes its output.
// CHECK-LABEL: func.func @total
// CHECK-NOT: scf.parallel
func.func @total(%a: memref<256x64xf32>, %b: memref<f32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> ()>],
                  iterator_types = ["reduction", "reduction"]}
      ins(%a : memref<256x64xf32>) outs(%b : memref<f32>) {
  ^bb0(%x: f32, %acc: f32):
    %s = arith.addf %x, %acc : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A body with a memory effect runs in its serial order.
// CHECK-LABEL: func.func @side_effect
// CHECK-NOT: scf.parallel
func.func @side_effect(%a: memref<4096xf32>, %b: memref<4096xf32>, %c: memref<1xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<4096xf32>) outs(%b : memref<4096xf32>) {
  ^bb0(%x: f32, %y: f32):
    %i = arith.constant 0 : index
    memref.store %x, %c[%i] : memref<1xf32>
    linalg.yield %x : f32
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

// -----

// Work is points times body operations plus bytes/4: at min-work=10000, a
// copy of 4096 f32 elements (2 per point) stays on one thread, the same
// points with two operations each (4 per point) are split.
// WORK-LABEL: func.func @copy
// WORK-NOT: scf.parallel
// WORK-LABEL: func.func @two_ops
// WORK: scf.parallel
// CHECK-LABEL: func.func @copy
// CHECK: scf.parallel
func.func @copy(%a: memref<4096xf32>, %b: memref<4096xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<4096xf32>) outs(%b : memref<4096xf32>) {
  ^bb0(%x: f32, %y: f32):
    linalg.yield %x : f32
  }
  return
}
func.func @two_ops(%a: memref<4096xf32>, %b: memref<4096xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>],
                  iterator_types = ["parallel"]}
      ins(%a : memref<4096xf32>) outs(%b : memref<4096xf32>) {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %x : f32
    %m = arith.mulf %s, %x : f32
    linalg.yield %m : f32
  }
  return
}

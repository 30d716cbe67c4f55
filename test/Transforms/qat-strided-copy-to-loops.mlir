// RUN: qat-opt %s --qat-strided-copy-to-loops | FileCheck %s

// A copy into the interior of a padded buffer (a strided subview) becomes a
// linalg.copy (loops later, no memrefCopy call); a copy between
// identity-layout memrefs stays a memref.copy (a memcpy).
// CHECK-LABEL: func.func @into_padded(
// CHECK-SAME: %[[A:.*]]: memref<4x10xi8>, %[[P:.*]]: memref<6x12xi8>, %[[B:.*]]: memref<4x10xi8>)
// CHECK-NEXT: %[[SUB:.*]] = memref.subview %[[P]][1, 1] [4, 10] [1, 1]
// CHECK-NEXT: linalg.copy ins(%[[A]] : memref<4x10xi8>) outs(%[[SUB]] : memref<4x10xi8, strided<[12, 1], offset: 13>>)
// CHECK-NEXT: memref.copy %[[A]], %[[B]] : memref<4x10xi8> to memref<4x10xi8>
// CHECK-NEXT: return
func.func @into_padded(%a: memref<4x10xi8>, %p: memref<6x12xi8>, %b: memref<4x10xi8>) {
  %sub = memref.subview %p[1, 1] [4, 10] [1, 1] : memref<6x12xi8> to memref<4x10xi8, strided<[12, 1], offset: 13>>
  memref.copy %a, %sub : memref<4x10xi8> to memref<4x10xi8, strided<[12, 1], offset: 13>>
  memref.copy %a, %b : memref<4x10xi8> to memref<4x10xi8>
  return
}

// A strided source too, and copies inside loops.
// CHECK-LABEL: func.func @out_of_strided(
// CHECK-SAME: %[[S:[^:]*]]: memref<4x10xf32, strided<[20, 2]>>, %[[D:[^:]*]]: memref<4x10xf32>,
// CHECK: scf.for
// CHECK-NEXT: linalg.copy ins(%[[S]] : memref<4x10xf32, strided<[20, 2]>>) outs(%[[D]] : memref<4x10xf32>)
// CHECK-NEXT: }
// CHECK-NOT: memref.copy
func.func @out_of_strided(%s: memref<4x10xf32, strided<[20, 2]>>, %d: memref<4x10xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    memref.copy %s, %d : memref<4x10xf32, strided<[20, 2]>> to memref<4x10xf32>
  }
  return
}

// The test is the layout, not contiguity: a contiguous row block with an
// offset (rows 2..3 of a 4x10 buffer) is copied by loops as well.
// CHECK-LABEL: func.func @contiguous_offset(
// CHECK-SAME: %[[A:.*]]: memref<2x10xf32>, %[[B:.*]]: memref<4x10xf32>)
// CHECK-NEXT: %[[ROWS:.*]] = memref.subview %[[B]][2, 0] [2, 10] [1, 1]
// CHECK-NEXT: linalg.copy ins(%[[A]] : memref<2x10xf32>) outs(%[[ROWS]] : memref<2x10xf32, strided<[10, 1], offset: 20>>)
func.func @contiguous_offset(%a: memref<2x10xf32>, %b: memref<4x10xf32>) {
  %rows = memref.subview %b[2, 0] [2, 10] [1, 1] : memref<4x10xf32> to memref<2x10xf32, strided<[10, 1], offset: 20>>
  memref.copy %a, %rows : memref<2x10xf32> to memref<2x10xf32, strided<[10, 1], offset: 20>>
  return
}

// Dynamic shapes with identity layouts stay memref.copy.
// CHECK-LABEL: func.func @dynamic(
// CHECK-NEXT: memref.copy %{{.*}}, %{{.*}} : memref<?x8xf32> to memref<?x8xf32>
func.func @dynamic(%a: memref<?x8xf32>, %b: memref<?x8xf32>) {
  memref.copy %a, %b : memref<?x8xf32> to memref<?x8xf32>
  return
}

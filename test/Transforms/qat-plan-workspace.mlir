// RUN: qat-opt %s --qat-plan-workspace | FileCheck %s

// Two temporaries (1024 bytes, and 30 bytes rounded up to 64) become views
// into one 1088-byte allocation; dynamic and single allocations stay.
// CHECK-LABEL: func.func @two
// CHECK-SAME: (%[[IN:.*]]: memref<16x16xf32>, %[[OUT:.*]]: memref<30xi8>)
// CHECK: %[[WS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1088xi8>
// CHECK: %[[O0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[O0]]][] : memref<1088xi8> to memref<16x16xf32>
// CHECK: memref.copy %[[IN]], %[[A]]
// CHECK: %[[O1:.*]] = arith.constant 1024 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[O1]]][] : memref<1088xi8> to memref<30xi8>
// CHECK: memref.copy %[[B]], %[[OUT]]
// CHECK-NOT: memref.alloc()
func.func @two(%in: memref<16x16xf32>, %out: memref<30xi8>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<16x16xf32>
  memref.copy %in, %a : memref<16x16xf32> to memref<16x16xf32>
  %b = memref.alloc() : memref<30xi8>
  memref.copy %b, %out : memref<30xi8> to memref<30xi8>
  return
}

// CHECK-LABEL: func.func @one
// CHECK: memref.alloc() : memref<4xf32>
// CHECK-NOT: memref.view
func.func @one(%out: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32>
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}

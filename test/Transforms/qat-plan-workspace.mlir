// RUN: qat-opt %s --qat-plan-workspace --split-input-file | FileCheck %s

// Two temporaries (1024 bytes, and 30 bytes rounded up to 64) that are never
// live at the same time share the bytes of one 1024-byte allocation.
// CHECK-LABEL: func.func @disjoint
// CHECK-SAME: (%[[IN:.*]]: memref<16x16xf32>, %[[OUT:.*]]: memref<30xi8>)
// CHECK: %[[WS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1024xi8>
// CHECK: %[[O0:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[O0]]][] : memref<1024xi8> to memref<16x16xf32>
// CHECK: memref.copy %[[IN]], %[[A]]
// CHECK: %[[O1:.*]] = arith.constant 0 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[O1]]][] : memref<1024xi8> to memref<30xi8>
// CHECK: memref.copy %[[B]], %[[OUT]]
// CHECK-NOT: memref.alloc()
func.func @disjoint(%in: memref<16x16xf32>, %out: memref<30xi8>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<16x16xf32>
  memref.copy %in, %a : memref<16x16xf32> to memref<16x16xf32>
  %b = memref.alloc() : memref<30xi8>
  memref.copy %b, %out : memref<30xi8> to memref<30xi8>
  return
}

// -----

// Live at the same op: one after the other. The later, smaller %c reuses
// %a's bytes once %a is dead.
// CHECK-LABEL: func.func @overlap
// CHECK: %[[WS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2048xi8>
// CHECK: %[[OA:.*]] = arith.constant 0 : index
// CHECK: %[[A:.*]] = memref.view %[[WS]][%[[OA]]][] : memref<2048xi8> to memref<256xf32>
// CHECK: %[[OB:.*]] = arith.constant 1024 : index
// CHECK: %[[B:.*]] = memref.view %[[WS]][%[[OB]]][] : memref<2048xi8> to memref<256xf32>
// CHECK: memref.copy %[[A]], %[[B]]
// CHECK: %[[OC:.*]] = arith.constant 0 : index
// CHECK: %[[C:.*]] = memref.view %[[WS]][%[[OC]]][] : memref<2048xi8> to memref<16xf32>
func.func @overlap(%in: memref<256xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<256xf32>
  memref.copy %in, %a : memref<256xf32> to memref<256xf32>
  %b = memref.alloc() : memref<256xf32>
  memref.copy %a, %b : memref<256xf32> to memref<256xf32>
  %c = memref.alloc() : memref<16xf32>
  %s = memref.subview %b[0] [16] [1] : memref<256xf32> to memref<16xf32, strided<[1]>>
  memref.copy %s, %c : memref<16xf32, strided<[1]>> to memref<16xf32>
  memref.copy %c, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A view keeps its buffer alive: %a's subview is read inside the loop after
// %b is written, so %b cannot take %a's bytes.
// CHECK-LABEL: func.func @view_and_loop
// CHECK: %[[WS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// CHECK: arith.constant 0 : index
// CHECK: arith.constant 64 : index
func.func @view_and_loop(%in: memref<16xf32>, %out: memref<16xf32>) {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %v = memref.subview %a[0] [8] [1] : memref<16xf32> to memref<8xf32, strided<[1]>>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %i = %c0 to %c8 step %c1 {
    %x = memref.load %v[%i] : memref<8xf32, strided<[1]>>
    memref.store %x, %b[%i] : memref<16xf32>
  }
  memref.copy %b, %out : memref<16xf32> to memref<16xf32>
  return
}

// -----

// A buffer that is returned is live to the end, so the later temporary gets
// its own bytes; a dynamic allocation and a single one stay as they are.
// CHECK-LABEL: func.func @escapes
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// CHECK: arith.constant 0 : index
// CHECK: arith.constant 64 : index
func.func @escapes(%in: memref<16xf32>) -> memref<16xf32> {
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  return %a : memref<16xf32>
}

// CHECK-LABEL: func.func @one
// CHECK: memref.alloc() : memref<4xf32>
// CHECK-NOT: memref.view
func.func @one(%out: memref<4xf32>, %n: index) {
  %a = memref.alloc() : memref<4xf32>
  %d = memref.alloc(%n) : memref<?xf32>
  memref.copy %a, %out : memref<4xf32> to memref<4xf32>
  return
}

// -----

// An index buffer (the training step's argmax positions) has no byte size
// before LLVM lowering: it keeps its own allocation, the f32 ones share.
// CHECK-LABEL: func.func @index_elements
// CHECK: %[[WS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<128xi8>
// CHECK: memref.alloc() : memref<4xindex>
// CHECK-COUNT-2: memref.view %[[WS]]
func.func @index_elements(%in: memref<16xf32>, %out: memref<4xindex>) {
  %i = memref.alloc() : memref<4xindex>
  memref.copy %i, %out : memref<4xindex> to memref<4xindex>
  %a = memref.alloc() : memref<16xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %b = memref.alloc() : memref<16xf32>
  memref.copy %in, %b : memref<16xf32> to memref<16xf32>
  memref.copy %a, %b : memref<16xf32> to memref<16xf32>
  return
}

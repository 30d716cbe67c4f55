// RUN: qat-opt %s --qat-check-allocations --split-input-file --verify-diagnostics | FileCheck %s

// The allocations move to the entry in program order and are tested
// together before anything else runs; on failure all of them are freed
// (free(NULL) does nothing) and the function returns 1, on success 0. A
// zero-size buffer is freed but not tested (it may be null).
// CHECK-LABEL: func.func @three
// CHECK-SAME: (%[[IN:.*]]: memref<16xf32>, %[[OUT:.*]]: memref<16xf32>) -> i32
// CHECK-NEXT: %[[A:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
// CHECK-NEXT: %[[B:.*]] = memref.alloc() : memref<8xf32>
// CHECK-NEXT: %[[E:.*]] = memref.alloc() : memref<0xf32>
// CHECK-NEXT: %[[C:.*]] = memref.alloc() : memref<16xf32>
// CHECK-NEXT: %[[Z:.*]] = arith.constant 0 : index
// CHECK-NEXT: %[[PA:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK-NEXT: %[[NA:.*]] = arith.cmpi eq, %[[PA]], %[[Z]] : index
// CHECK-NEXT: %[[PB:.*]] = memref.extract_aligned_pointer_as_index %[[B]]
// CHECK-NEXT: %[[NB:.*]] = arith.cmpi eq, %[[PB]], %[[Z]] : index
// CHECK-NEXT: %[[AB:.*]] = arith.ori %[[NA]], %[[NB]] : i1
// CHECK-NEXT: %[[PC:.*]] = memref.extract_aligned_pointer_as_index %[[C]]
// CHECK-NEXT: %[[NC:.*]] = arith.cmpi eq, %[[PC]], %[[Z]] : index
// CHECK-NEXT: %[[ANY:.*]] = arith.ori %[[AB]], %[[NC]] : i1
// CHECK-NEXT: cf.cond_br %[[ANY]] weights([1, 2000]), ^[[FAIL:.*]], ^[[BODY:.*]]
// CHECK-NEXT: ^[[BODY]]:
// CHECK-NEXT: memref.copy %[[IN]], %[[OUT]]
// CHECK-NEXT: memref.copy %[[IN]], %[[A]]
// CHECK-NEXT: memref.copy %[[A]], %[[C]]
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: memref.dealloc %[[E]]
// CHECK-NEXT: memref.dealloc %[[C]]
// CHECK-NEXT: %[[OK:.*]] = arith.constant 0 : i32
// CHECK-NEXT: return %[[OK]] : i32
// CHECK-NEXT: ^[[FAIL]]:
// CHECK-NEXT: memref.dealloc %[[A]]
// CHECK-NEXT: memref.dealloc %[[B]]
// CHECK-NEXT: memref.dealloc %[[E]]
// CHECK-NEXT: memref.dealloc %[[C]]
// CHECK-NEXT: %[[OOM:.*]] = arith.constant 1 : i32
// CHECK-NEXT: return %[[OOM]] : i32
func.func @three(%in: memref<16xf32>, %out: memref<16xf32>) {
  memref.copy %in, %out : memref<16xf32> to memref<16xf32>
  %a = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
  %b = memref.alloc() : memref<8xf32>
  memref.copy %in, %a : memref<16xf32> to memref<16xf32>
  %e = memref.alloc() : memref<0xf32>
  %c = memref.alloc() : memref<16xf32>
  memref.copy %a, %c : memref<16xf32> to memref<16xf32>
  memref.dealloc %a : memref<16xf32>
  memref.dealloc %b : memref<8xf32>
  memref.dealloc %e : memref<0xf32>
  memref.dealloc %c : memref<16xf32>
  return
}

// -----

// Without allocations, only the status; an external function keeps its
// type.
// CHECK-LABEL: func.func private @ext(f32) -> f32
// CHECK-LABEL: func.func @none
// CHECK-SAME: -> i32
// CHECK-NEXT: call @ext
// CHECK-NEXT: %[[OK:.*]] = arith.constant 0 : i32
// CHECK-NEXT: return %[[OK]] : i32
func.func private @ext(f32) -> f32
func.func @none(%x: f32) {
  %y = call @ext(%x) : (f32) -> f32
  return
}

// -----

// expected-error @+1 {{cannot add a status result to @returns, which already returns values}}
func.func @returns() -> f32 {
  %c = arith.constant 1.0 : f32
  return %c : f32
}

// -----

func.func @nested(%n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  scf.for %i = %c0 to %n step %c1 {
    // expected-error @+1 {{'memref.alloc' op cannot be checked for failure: only static allocations at the top level of a one-block function body can move to its entry}}
    %a = memref.alloc() : memref<4xf32>
    memref.dealloc %a : memref<4xf32>
  }
  return
}

// -----

func.func @dynamic(%n: index) {
  // expected-error @+1 {{'memref.alloc' op cannot be checked for failure}}
  %a = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}

// -----

func.func @callee() {
  return
}
func.func @caller() {
  // expected-error @+1 {{'func.call' op calls @callee, whose allocations would need a status of their own; inline it first}}
  call @callee() : () -> ()
  return
}

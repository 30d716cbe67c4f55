// RUN: qat-opt %s --qat-emit-c-interface | FileCheck %s

// Public functions with a body get a C-interface wrapper
// (_mlir_ciface_<name>, the ABI of the JIT and of AOT objects); private
// helpers and external declarations do not.
// CHECK-LABEL: func.func @forward(%{{.*}}: memref<1x10xf32>, %{{.*}}: memref<1x20xf32>) attributes {llvm.emit_c_interface}
func.func @forward(%x: memref<1x10xf32>, %y: memref<1x20xf32>) {
  return
}

// CHECK-LABEL: func.func private @helper(%{{.*}}: memref<4xf32>) {
func.func private @helper(%x: memref<4xf32>) {
  return
}

// CHECK: func.func private @memrefCopy(i64, !llvm.ptr, !llvm.ptr){{$}}
func.func private @memrefCopy(i64, !llvm.ptr, !llvm.ptr)

// Attributes a function already has are kept.
// CHECK-LABEL: func.func @forward_q(%{{.*}}: memref<1x10xi8>) attributes {llvm.emit_c_interface, qat.entry}
func.func @forward_q(%x: memref<1x10xi8>) attributes {qat.entry} {
  return
}

// Functions of nested modules are not the module's entries.
// CHECK: module @inner
// CHECK-NEXT: func.func @nested() {
module @inner {
  func.func @nested() {
    return
  }
}

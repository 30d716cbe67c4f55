// RUN: qat-opt %s --qat-to-llvm --mlir-print-ir-after=one-shot-bufferize -o /dev/null 2>&1 | FileCheck %s

// An update of a global that is stored into it is computed in the global's
// buffer, not into a temporary that is then copied into the global.

qat.param @w = dense<[1.0, 2.0]> : tensor<2xf32>
qat.param @step = dense<[10.0, 20.0]> : tensor<2xf32>

// CHECK-LABEL: func.func @in_place(
// CHECK-NOT: memref.alloc
// CHECK: %[[W:.*]] = memref.get_global @w
// CHECK-NOT: memref.alloc
// CHECK: linalg.generic {{.*}} outs(%[[W]] : memref<2xf32>)
// CHECK-NOT: memref.alloc
// CHECK: return
func.func @in_place() {
  %w = qat.load @w : tensor<2xf32>
  %s = qat.load @step : tensor<2xf32>
  %new = qat.add %w, %s : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  qat.store %new, @w : tensor<2xf32>
  return
}

// The old value is still read after the update: bufferization sees that
// read and computes the update out of place, then copies it into @w.
// CHECK-LABEL: func.func @read_after_update(
// CHECK: %[[W:.*]] = memref.get_global @w
// CHECK: linalg.generic {{.*}} ins(%[[W]], {{.*}}) outs(%[[NEW:alloc[_0-9]*]] : memref<2xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[W]] : memref<2xf32>)
// CHECK: memref.copy %[[NEW]], %[[W]]
func.func @read_after_update() -> tensor<2xf32> {
  %w = qat.load @w : tensor<2xf32>
  %s = qat.load @step : tensor<2xf32>
  %new = qat.add %w, %s : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %late = qat.add %w, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  qat.store %new, @w : tensor<2xf32>
  return %late : tensor<2xf32>
}

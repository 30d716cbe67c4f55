// RUN: qat-opt %s --qat-write-globals-in-place --split-input-file | FileCheck %s

// The update is computed in the global's one view, made writable.
// CHECK-LABEL: func.func @in_place
// CHECK: %[[G:.*]] = memref.get_global @w
// CHECK: %[[W:.*]] = bufferization.to_tensor %[[G]] restrict writable
// CHECK: %[[NEW:.*]] = linalg.add ins(%[[W]], %{{.*}} : tensor<2xf32>, tensor<2xf32>) outs(%[[W]] : tensor<2xf32>)
// CHECK: bufferization.materialize_in_destination %[[NEW]] in restrict writable %[[G]]
memref.global "private" @w : memref<2xf32> = dense<[1.0, 2.0]>
func.func @in_place(%s: tensor<2xf32>) {
  %g = memref.get_global @w : memref<2xf32>
  %w = bufferization.to_tensor %g restrict : memref<2xf32> to tensor<2xf32>
  %e = tensor.empty() : tensor<2xf32>
  %new = linalg.add ins(%w, %s : tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  bufferization.materialize_in_destination %new in restrict writable %g : (tensor<2xf32>, memref<2xf32>) -> ()
  return
}

// -----

// The old value is read after the store: left alone.
// CHECK-LABEL: func.func @read_after
// CHECK: bufferization.to_tensor %{{.*}} restrict :
// CHECK: linalg.add {{.*}} outs(%{{.*}} : tensor<2xf32>)
// CHECK-NOT: writable :
memref.global "private" @w : memref<2xf32> = dense<[1.0, 2.0]>
func.func @read_after(%s: tensor<2xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %g = memref.get_global @w : memref<2xf32>
  %w = bufferization.to_tensor %g restrict : memref<2xf32> to tensor<2xf32>
  %e = tensor.empty() : tensor<2xf32>
  %new = linalg.add ins(%w, %s : tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  bufferization.materialize_in_destination %new in restrict writable %g : (tensor<2xf32>, memref<2xf32>) -> ()
  %r = tensor.extract %w[%c0] : tensor<2xf32>
  return %r : f32
}

// -----

// Two views of one global: left alone.
// CHECK-LABEL: func.func @two_views
// CHECK-COUNT-2: bufferization.to_tensor %{{.*}} restrict :
memref.global "private" @w : memref<2xf32> = dense<[1.0, 2.0]>
func.func @two_views(%s: tensor<2xf32>) {
  %g = memref.get_global @w : memref<2xf32>
  %w = bufferization.to_tensor %g restrict : memref<2xf32> to tensor<2xf32>
  %g2 = memref.get_global @w : memref<2xf32>
  %w2 = bufferization.to_tensor %g2 restrict : memref<2xf32> to tensor<2xf32>
  %e = tensor.empty() : tensor<2xf32>
  %new = linalg.add ins(%w, %w2 : tensor<2xf32>, tensor<2xf32>) outs(%e : tensor<2xf32>) -> tensor<2xf32>
  bufferization.materialize_in_destination %new in restrict writable %g : (tensor<2xf32>, memref<2xf32>) -> ()
  return
}

// RUN: qat-opt %s --convert-qat-to-linalg -split-input-file -verify-diagnostics

// The windows' argmax of max_pool2d_grad needs static shapes: a dynamic
// batch is an error at the op, not a crash.
func.func @max_pool_grad_dynamic(%x: tensor<?x4x6x8xf32>, %dy: tensor<?x4x3x4xf32>) -> tensor<?x4x6x8xf32> {
  // expected-error @+1 {{failed to legalize operation 'qat.max_pool2d_grad'}}
  %dx = qat.max_pool2d_grad %x, %dy {kernel_size = array<i64: 2, 2>} : (tensor<?x4x6x8xf32>, tensor<?x4x3x4xf32>) -> tensor<?x4x6x8xf32>
  return %dx : tensor<?x4x6x8xf32>
}

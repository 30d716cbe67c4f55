// RUN: qat-opt %s --qat-set-batch=batch=1 -split-input-file -verify-diagnostics | FileCheck %s

// The batch follows the data; parameters keep their shapes.
// CHECK-LABEL: func.func @forward
// CHECK-SAME: (%[[X:.*]]: tensor<1x1x4x4xf32>) -> tensor<1x3xf32>
// CHECK: %[[F:.*]] = qat.flatten %[[X]] : tensor<1x1x4x4xf32> -> tensor<1x16xf32>
// CHECK: %[[W:.*]] = qat.load @w : tensor<3x16xf32>
// CHECK: %[[Y:.*]] = qat.linear %[[F]], %[[W]] : (tensor<1x16xf32>, tensor<3x16xf32>) -> tensor<1x3xf32>
// CHECK: %[[R:.*]] = qat.relu %[[Y]] : tensor<1x3xf32>
// CHECK: return %[[R]] : tensor<1x3xf32>
qat.param @w = dense<0.5> : tensor<3x16xf32>
func.func @forward(%x: tensor<3x1x4x4xf32>) -> tensor<3x3xf32> {
  %f = qat.flatten %x : tensor<3x1x4x4xf32> -> tensor<3x16xf32>
  %w = qat.load @w : tensor<3x16xf32>
  %y = qat.linear %f, %w : (tensor<3x16xf32>, tensor<3x16xf32>) -> tensor<3x3xf32>
  %r = qat.relu %y : tensor<3x3xf32>
  return %r : tensor<3x3xf32>
}

// -----

func.func @forward(%x: tensor<2x8xf32>) -> tensor<16xf32> {
  // expected-error @below {{result 0 ('tensor<16xf32>') does not lead with the batch dimension 2; cannot re-batch this model}}
  %r = qat.reshape %x : tensor<2x8xf32> -> tensor<16xf32>
  return %r : tensor<16xf32>
}

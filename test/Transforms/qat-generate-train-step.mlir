// RUN: qat-opt %s --qat-generate-train-step | FileCheck %s

// ReLU's gradient masks by its output (PyTorch's threshold_backward; the
// same mask as by its input), a clamp's by its input (inclusive bounds:
// its output is always inside them).
// CHECK-LABEL: func.func @train_step
// CHECK: %[[Y:.*]] = qat.linear
// CHECK: %[[R:.*]] = qat.relu %[[Y]]
// CHECK: qat.clamp %[[R]]
// CHECK: %[[DR:.*]] = qat.clamp_grad %[[R]], %{{.*}} {inclusive, max = 1.000000e+00 : f64, min = -1.000000e+00 : f64}
// CHECK: %[[DY:.*]] = qat.clamp_grad %[[R]], %[[DR]] {max = 0x7FF0000000000000 : f64, min = 0.000000e+00 : f64}
// CHECK: qat.linear_grad %{{.*}}, %{{.*}}, %[[DY]]
qat.param @w = dense<1.0> : tensor<4x3xf32>
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = qat.load @w : tensor<4x3xf32>
  %y = qat.linear %x, %w : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %r = qat.relu %y : tensor<2x4xf32>
  %c = qat.clamp %r {min = -1.0 : f64, max = 1.0 : f64} : tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

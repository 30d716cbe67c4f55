// RUN: qat-run gradcheck %s | FileCheck %s
// RUN: qat-run gradcheck %s --loss=cross_entropy | FileCheck %s
// CHECK: d input 0: 20 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fc1.weight: 12 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fc1.bias: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fc2.weight: 6 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// A float32 model passes at the default step and tolerances: the step is
// picked by dtype (1e-2 for f32; f64's 1e-6 rounds the f32 loss into
// errors of 0.03 and failed every element).

qat.param @fc1.weight = dense<[[0.3, -0.2, 0.5, 0.1], [-0.4, 0.2, 0.1, 0.3], [0.25, 0.15, -0.35, 0.45]]> : tensor<3x4xf32>
qat.param @fc1.bias = dense<[0.1, -0.1, 0.05]> : tensor<3xf32>
qat.param @fc2.weight = dense<[[0.5, -0.3, 0.2], [0.1, 0.4, -0.6]]> : tensor<2x3xf32>
func.func @forward(%x: tensor<5x4xf32>) -> tensor<5x2xf32> {
  %w1 = qat.load @fc1.weight : tensor<3x4xf32>
  %b1 = qat.load @fc1.bias : tensor<3xf32>
  %h = qat.linear %x, %w1, %b1 : (tensor<5x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<5x3xf32>
  %t = qat.softmax %h {axis = -1 : i64} : tensor<5x3xf32>
  %w2 = qat.load @fc2.weight : tensor<2x3xf32>
  %y = qat.linear %t, %w2 : (tensor<5x3xf32>, tensor<2x3xf32>) -> tensor<5x2xf32>
  return %y : tensor<5x2xf32>
}

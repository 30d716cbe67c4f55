// RUN: qat-run %s --print | FileCheck %s
//
// qat.store updates state in place with value semantics: a load before the
// store keeps the old value, a load after it sees the new one.

qat.param state @count = dense<[1.0, 2.0]> : tensor<2xf32>
qat.param @step = dense<[10.0, 20.0]> : tensor<2xf32>

// CHECK: result 0: tensor<2xf32>
// CHECK-NEXT: 1 2
// CHECK-NEXT: result 1: tensor<2xf32>
// CHECK-NEXT: 11 22
// CHECK-NEXT: result 2: tensor<2xf32>
// CHECK-NEXT: 21 42
func.func @forward() -> (tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) {
  %old = qat.load @count : tensor<2xf32>
  %s = qat.load @step : tensor<2xf32>
  %new = qat.add %old, %s : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  qat.store %new, @count : tensor<2xf32>
  %again = qat.load @count : tensor<2xf32>
  %next = qat.add %again, %s : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %old, %new, %next : tensor<2xf32>, tensor<2xf32>, tensor<2xf32>
}

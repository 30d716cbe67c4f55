// RUN: qat-opt %s | FileCheck %s
// CHECK-LABEL: func @f
func.func @f(%x: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: qat.relu
  %0 = qat.relu %x : tensor<2xf32>
  return %0 : tensor<2xf32>
}

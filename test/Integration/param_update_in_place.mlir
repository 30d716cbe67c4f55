// RUN: qat-run %s --print | FileCheck %s
//
// An update of a parameter may be computed in the parameter's own buffer,
// but only once nothing reads the old value any more: here the old value is
// read after the update is computed, and still reads 1 2.

qat.param @w = dense<[1.0, 2.0]> : tensor<2xf32>
qat.param @step = dense<[10.0, 20.0]> : tensor<2xf32>

// CHECK: result 0: tensor<2xf32>
// CHECK-NEXT: 2 4
func.func @forward() -> tensor<2xf32> {
  %w = qat.load @w : tensor<2xf32>
  %s = qat.load @step : tensor<2xf32>
  %new = qat.add %w, %s : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %late = qat.add %w, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  qat.store %new, @w : tensor<2xf32>
  return %late : tensor<2xf32>
}

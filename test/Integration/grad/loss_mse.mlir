// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 60 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// The mse loss itself (qat.mse_grad): the model is the identity on x [3, 4, 5];
// the target is the random last argument of @gradients.

func.func @forward(%x: tensor<3x4x5xf64>) -> tensor<3x4x5xf64> {
  %y = qat.reshape %x : tensor<3x4x5xf64> -> tensor<3x4x5xf64>
  return %y : tensor<3x4x5xf64>
}

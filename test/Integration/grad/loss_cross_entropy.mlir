// RUN: qat-run gradcheck %s --loss=cross_entropy --classes=5 --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 35 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// The cross_entropy loss itself (qat.cross_entropy_grad): the model is the
// identity on logits [7, 5]; labels uniform in [0, 5).

func.func @forward(%x: tensor<7x5xf64>) -> tensor<7x5xf64> {
  %y = qat.reshape %x : tensor<7x5xf64> -> tensor<7x5xf64>
  return %y : tensor<7x5xf64>
}

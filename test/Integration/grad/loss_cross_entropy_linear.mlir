// RUN: qat-run gradcheck %s --loss=cross_entropy --classes=3 --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 36 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fc.weight: 12 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fc.bias: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// cross_entropy over a linear layer: x [9, 4], weight [3, 4], bias [3];
// labels uniform in [0, 3).

qat.param @fc.weight = dense<[[1.797119e-01, -2.442846e-01, 3.837858e-01, 4.777702e-01], [3.652284e-02, 1.254657e-01, -6.638821e-02, -4.102798e-01], [3.692791e-01, -3.588148e-01, 1.637151e-01, -4.436270e-02]]> : tensor<3x4xf64>
qat.param @fc.bias = dense<[-2.369768e-01, 2.367372e-01, 3.286258e-01]> : tensor<3xf64>

func.func @forward(%x: tensor<9x4xf64>) -> tensor<9x3xf64> {
  %weight = qat.load @fc.weight : tensor<3x4xf64>
  %bias = qat.load @fc.bias : tensor<3xf64>
  %y = qat.linear %x, %weight, %bias : (tensor<9x4xf64>, tensor<3x4xf64>, tensor<3xf64>) -> tensor<9x3xf64>
  return %y : tensor<9x3xf64>
}

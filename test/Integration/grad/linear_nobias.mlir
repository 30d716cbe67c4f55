// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 15 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fc.weight: 15 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.linear without bias: x [5, 3], weight [5, 3].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @fc.weight = dense<[[3.690915e-01, 4.764166e-01, 3.417137e-01], [-5.112640e-02, -1.294916e-01, -1.733056e-02], [-4.078185e-01, -2.733169e-01, 3.656624e-02], [2.332317e-01, -5.108921e-02, -1.944992e-01], [4.473596e-01, 2.510338e-01, -2.795154e-02]]> : tensor<5x3xf64>

func.func @forward(%x: tensor<5x3xf64>) -> tensor<5x5xf64> {
  %weight = qat.load @fc.weight : tensor<5x3xf64>
  %y = qat.linear %x, %weight : (tensor<5x3xf64>, tensor<5x3xf64>) -> tensor<5x5xf64>
  return %y : tensor<5x5xf64>
}

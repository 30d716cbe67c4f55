// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 120 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fl.scale: 12 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.flatten of dims 1..2: [2, 3, 4, 5] -> [2, 12, 5], times a [12, 1] scale.
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @fl.scale = dense<[[1.412839e-01], [-2.835525e-02], [-3.088582e-01], [-4.219150e-01], [7.371274e-02], [1.689179e-01], [1.169527e-01], [-4.151351e-01], [3.187401e-01], [-4.650046e-01], [6.038803e-02], [-3.935281e-01]]> : tensor<12x1xf64>

func.func @forward(%x: tensor<2x3x4x5xf64>) -> tensor<2x12x5xf64> {
  %scale = qat.load @fl.scale : tensor<12x1xf64>
  %f = qat.flatten %x {start_dim = 1 : i64, end_dim = 2 : i64} : tensor<2x3x4x5xf64> -> tensor<2x12x5xf64>
  %y = qat.mul %f, %scale : (tensor<2x12x5xf64>, tensor<12x1xf64>) -> tensor<2x12x5xf64>
  return %y : tensor<2x12x5xf64>
}

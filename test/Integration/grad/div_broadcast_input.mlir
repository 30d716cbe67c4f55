// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 10 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @div.num: 3 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.div with the input as denominator: num [3, 1] / x [2, 1, 5] -> [2, 3, 5]
// (random N(0, 1) denominators, default --seed 0; the smallest |x| is 0.23).
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @div.num = dense<[[-1.762096e-01], [-4.236199e-01], [2.293376e-01]]> : tensor<3x1xf64>

func.func @forward(%x: tensor<2x1x5xf64>) -> tensor<2x3x5xf64> {
  %num = qat.load @div.num : tensor<3x1xf64>
  %y = qat.div %num, %x : (tensor<3x1xf64>, tensor<2x1x5xf64>) -> tensor<2x3x5xf64>
  return %y : tensor<2x3x5xf64>
}

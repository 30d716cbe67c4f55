// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 15 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fc.weight: 35 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @fc.bias: 7 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.linear with bias: x [3, 5], weight [7, 5], bias [7].
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @fc.weight = dense<[[4.766998e-01, -1.198043e-01, 4.232462e-01, -2.383076e-01, -1.809029e-01], [-3.819088e-01, -2.582337e-01, -1.814661e-01, 4.640792e-01, -2.363502e-01], [-5.899388e-02, 1.098708e-01, 3.636213e-01, 3.637577e-01, 1.748813e-01], [1.598743e-01, 2.357577e-01, -2.772463e-01, -3.279338e-01, 3.704150e-01], [-4.398613e-01, 1.836889e-01, 1.712380e-01, 1.110180e-01, -4.398627e-01], [4.777693e-01, -6.104837e-02, 3.259502e-02, -4.968677e-01, -2.487329e-01], [3.584904e-01, -7.470165e-02, 2.358190e-01, 4.220432e-01, -3.465258e-01]]> : tensor<7x5xf64>
qat.param @fc.bias = dense<[4.922592e-01, -3.176682e-01, 4.401129e-01, -4.131169e-01, -3.178928e-02, 3.289892e-01, -2.189477e-01]> : tensor<7xf64>

func.func @forward(%x: tensor<3x5xf64>) -> tensor<3x7xf64> {
  %weight = qat.load @fc.weight : tensor<7x5xf64>
  %bias = qat.load @fc.bias : tensor<7xf64>
  %y = qat.linear %x, %weight, %bias : (tensor<3x5xf64>, tensor<7x5xf64>, tensor<7xf64>) -> tensor<3x7xf64>
  return %y : tensor<3x7xf64>
}

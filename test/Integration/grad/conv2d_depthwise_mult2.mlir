// RUN: qat-run gradcheck %s --atol=1e-7 --rtol=1e-5 | FileCheck %s
// CHECK: d input 0: 90 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.weight: 36 elements, {{.*}}, 0 outside tolerance OK
// CHECK: d @conv.bias: 6 elements, {{.*}}, 0 outside tolerance OK
// CHECK-NOT: FAIL
//
// qat.conv2d, depthwise with channel multiplier 2 (groups 3, 6 outputs):
// x [1, 3, 5, 6], weight [6, 1, 3, 2], bias.
// Generated gradients (qat-generate-train-step, gradients-only) against
// central finite differences, float64; loss mse over the output.

qat.param @conv.weight = dense<[[[[1.132289e-01, -1.748118e-01], [3.208841e-01, -3.696376e-01], [2.819921e-01, 6.258117e-02]]], [[[-2.936063e-01, -4.644915e-01], [-4.031278e-01, 3.754092e-01], [2.246927e-01, 2.572004e-01]]], [[[4.944086e-02, -1.152464e-01], [-1.037506e-01, -4.413064e-01], [1.057423e-01, 1.776562e-01]]], [[[-3.931227e-01, 3.261817e-01], [1.870807e-01, 4.471621e-01], [4.556529e-01, 3.362043e-01]]], [[[2.143637e-03, -8.155158e-02], [-4.859238e-01, -1.263634e-01], [-3.677525e-01, -4.714480e-01]]], [[[1.183325e-01, 9.456794e-02], [2.261163e-01, 9.726660e-02], [4.570301e-02, 7.652138e-02]]]]> : tensor<6x1x3x2xf64>
qat.param @conv.bias = dense<[-7.414998e-02, 3.413295e-01, -4.302600e-01, -4.619900e-01, -4.748826e-01, -3.433601e-02]> : tensor<6xf64>

func.func @forward(%x: tensor<1x3x5x6xf64>) -> tensor<1x6x3x5xf64> {
  %weight = qat.load @conv.weight : tensor<6x1x3x2xf64>
  %bias = qat.load @conv.bias : tensor<6xf64>
  %y = qat.conv2d %x, %weight, %bias {groups = 3 : i64}
      : (tensor<1x3x5x6xf64>, tensor<6x1x3x2xf64>, tensor<6xf64>) -> tensor<1x6x3x5xf64>
  return %y : tensor<1x6x3x5xf64>
}

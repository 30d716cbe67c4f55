// A small CNN with every op qat-export writes in the int8 graph: conv +
// batch norm + ReLU (a ConvBn group), a depthwise conv + ReLU6, add + ReLU,
// mul of two activations, avg and max pools with padding and ceil_mode,
// concat, a grouped strided conv, global average pool, flatten, linear.
// Weights: numpy RandomState(5); trained on ops.csv by the tests.
qat.param @conv1.weight = dense<[[[[-0.28, 0.37, -0.29], [0.42, -0.01, 0.11], [0.27, 0.02, -0.2]], [[-0.31, -0.42, 0.24], [-0.06, -0.34, 0.38], [-0.23, -0.09, -0.2]]], [[[0.13, 0.08, 0.1], [-0.23, -0.22, -0.25], [-0.17, -0.36, -0.33]], [[0.46, 0.46, -0.31], [-0.48, -0.3, 0.2], [0.28, -0.48, 0.08]]], [[[-0.5, 0.02, 0.14], [0.49, -0.24, 0.3], [0.37, 0.42, -0.5]], [[-0.03, 0.48, -0.1], [0.31, 0.05, 0.27], [-0.02, -0.47, -0.41]]], [[[-0.39, -0.25, 0.46], [0.13, 0.32, 0.07], [0.14, 0.31, 0.43]], [[0.41, 0.32, -0.41], [-0.14, -0.46, 0.05], [0.3, -0.45, -0.31]]]]> : tensor<4x2x3x3xf32>
qat.param @conv1.bias = dense<[-0.03, -0.05, 0.06, -0.03]> : tensor<4xf32>
qat.param @bn1.weight = dense<[1.06, 1.0, 1.03, 1.18]> : tensor<4xf32>
qat.param @bn1.bias = dense<[0.09, -0.08, 0.07, -0.03]> : tensor<4xf32>
qat.param state @bn1.running_mean = dense<[-0.08, -0.02, 0.0, 0.09]> : tensor<4xf32>
qat.param state @bn1.running_var = dense<[0.87, 0.51, 1.36, 0.61]> : tensor<4xf32>
qat.param @dw.weight = dense<[[[[-0.02, 0.35, 0.01], [-0.05, 0.3, -0.48], [0.07, -0.09, 0.49]]], [[[0.3, -0.45, -0.31], [-0.05, 0.2, -0.17], [-0.14, 0.42, 0.45]]], [[[-0.09, 0.4, -0.17], [-0.42, 0.03, 0.16], [0.39, 0.47, 0.27]]], [[[0.26, 0.21, 0.2], [0.27, 0.47, -0.13], [-0.42, -0.26, -0.28]]]]> : tensor<4x1x3x3xf32>
qat.param @dw.bias = dense<[-0.03, 0.06, -0.09, -0.01]> : tensor<4xf32>
qat.param @group.weight = dense<[[[[0.31]], [[-0.24]], [[-0.44]], [[-0.26]]], [[[-0.41]], [[0.31]], [[-0.33]], [[-0.3]]], [[[0.31]], [[0.31]], [[0.09]], [[0.41]]], [[[-0.44]], [[0.46]], [[0.07]], [[-0.2]]]]> : tensor<4x4x1x1xf32>
qat.param @group.bias = dense<[0.07, 0.03, 0.1, -0.08]> : tensor<4xf32>
qat.param @fc.weight = dense<[[0.08, -0.03, 0.15, -0.26], [-0.47, 0.04, -0.14, 0.39], [-0.04, -0.08, 0.13, 0.03]]> : tensor<3x4xf32>
qat.param @fc.bias = dense<[0.09, 0.06, 0.0]> : tensor<3xf32>
func.func @forward(%x: tensor<8x2x6x6xf32>) -> tensor<8x3xf32> {
  %w1 = qat.load @conv1.weight : tensor<4x2x3x3xf32>
  %b1 = qat.load @conv1.bias : tensor<4xf32>
  %c0 = qat.conv2d %x, %w1, %b1 {padding = array<i64: 1, 1>}
      : (tensor<8x2x6x6xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<8x4x6x6xf32>
  %g = qat.load @bn1.weight : tensor<4xf32>
  %be = qat.load @bn1.bias : tensor<4xf32>
  %rm = qat.load @bn1.running_mean : tensor<4xf32>
  %rv = qat.load @bn1.running_var : tensor<4xf32>
  %n, %nm, %nv = qat.batch_norm %c0, %g, %be, %rm, %rv
      : (tensor<8x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<8x4x6x6xf32>, tensor<4xf32>, tensor<4xf32>)
  %c = qat.relu %n : tensor<8x4x6x6xf32>
  %wd = qat.load @dw.weight : tensor<4x1x3x3xf32>
  %bd = qat.load @dw.bias : tensor<4xf32>
  %d0 = qat.conv2d %c, %wd, %bd {groups = 4 : i64, padding = array<i64: 1, 1>}
      : (tensor<8x4x6x6xf32>, tensor<4x1x3x3xf32>, tensor<4xf32>) -> tensor<8x4x6x6xf32>
  %d = qat.relu6 %d0 : tensor<8x4x6x6xf32>
  %s = qat.add %d, %c : (tensor<8x4x6x6xf32>, tensor<8x4x6x6xf32>) -> tensor<8x4x6x6xf32>
  %a = qat.relu %s : tensor<8x4x6x6xf32>
  %m = qat.mul %a, %c : (tensor<8x4x6x6xf32>, tensor<8x4x6x6xf32>) -> tensor<8x4x6x6xf32>
  %p = qat.avg_pool2d %m {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, ceil_mode, count_include_pad = false}
      : tensor<8x4x6x6xf32> -> tensor<8x4x4x4xf32>
  %q = qat.max_pool2d %a {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, ceil_mode}
      : tensor<8x4x6x6xf32> -> tensor<8x4x4x4xf32>
  %cat = qat.concat %p, %q {axis = 1 : i64} : (tensor<8x4x4x4xf32>, tensor<8x4x4x4xf32>) -> tensor<8x8x4x4xf32>
  %wg = qat.load @group.weight : tensor<4x4x1x1xf32>
  %bg = qat.load @group.bias : tensor<4xf32>
  %k = qat.conv2d %cat, %wg, %bg {groups = 2 : i64, strides = array<i64: 2, 2>}
      : (tensor<8x8x4x4xf32>, tensor<4x4x1x1xf32>, tensor<4xf32>) -> tensor<8x4x2x2xf32>
  %gap = qat.global_avg_pool %k : tensor<8x4x2x2xf32> -> tensor<8x4x1x1xf32>
  %f = qat.flatten %gap : tensor<8x4x1x1xf32> -> tensor<8x4xf32>
  %wf = qat.load @fc.weight : tensor<3x4xf32>
  %bf = qat.load @fc.bias : tensor<3xf32>
  %y = qat.linear %f, %wf, %bf : (tensor<8x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<8x3xf32>
  return %y : tensor<8x3xf32>
}

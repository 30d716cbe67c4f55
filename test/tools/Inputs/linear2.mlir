qat.param @fc.weight = dense<[[0.1, -0.2], [-0.1, 0.2]]> : tensor<2x2xf32>
qat.param @fc.bias = dense<0.0> : tensor<2xf32>
func.func @forward(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %w = qat.load @fc.weight : tensor<2x2xf32>
  %b = qat.load @fc.bias : tensor<2xf32>
  %y = qat.linear %x, %w, %b : (tensor<4x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// The identity on Fashion-MNIST images, batches of 1000 (@forward) and 64
// (@batch64): qat-run writes the images as they feed M1 and C1 (tests give
// them to ONNX Runtime).
func.func @forward(%x: tensor<1000x1x28x28xf32>) -> tensor<1000x1x28x28xf32> {
  return %x : tensor<1000x1x28x28xf32>
}
func.func @batch64(%x: tensor<64x1x28x28xf32>) -> tensor<64x1x28x28xf32> {
  return %x : tensor<64x1x28x28xf32>
}

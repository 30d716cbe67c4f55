// From batch 1, a sum_to_shape whose result and input both lead with 1
// could keep the batch or sum it away.
// RUN: qat-opt %s --qat-set-batch=batch=4 -verify-diagnostics

func.func @forward(%dy: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @below {{cannot tell whether this sum keeps the batch of 1 or sums it away; re-batch the model before --qat-generate-train-step}}
  %s = qat.sum_to_shape %dy : (tensor<1x3xf32>) -> tensor<1x3xf32>
  return %s : tensor<1x3xf32>
}

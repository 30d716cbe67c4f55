// An op the backward pass reaches without a backward rule (no
// GradientOpInterface model) stops --qat-generate-train-step with an error
// at the op, whether a qat op or another dialect's.
// RUN: qat-opt %s -split-input-file --qat-generate-train-step -verify-diagnostics

func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'qat.sum_to_shape' op has no gradient rule in qat-generate-train-step}}
  %s = qat.sum_to_shape %x : (tensor<2x3xf32>) -> tensor<1x3xf32>
  %y = qat.add %x, %s : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @below {{'arith.constant' op has no gradient rule in qat-generate-train-step}}
  %c = arith.constant dense<2.0> : tensor<2x3xf32>
  %y = qat.mul %x, %c : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Ops whose results carry no gradient are not asked: the observer's state
// update and the store need no rule.
qat.param state @obs.min = dense<0.0> : tensor<1xf32>
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %m = qat.load @obs.min : tensor<1xf32>
  qat.store %m, @obs.min : tensor<1xf32>
  %r = qat.relu %x : tensor<2x3xf32>
  return %r : tensor<2x3xf32>
}

// Errors in the IR: reported at the op, checked with -verify-diagnostics.
// RUN: qat-opt %s -split-input-file --qat-generate-train-step -verify-diagnostics
//
// Errors in the pass option values are reported as the option, before any
// IR is read (no location); a missing entry function at the model. Neither
// dumps the IR (no note). Checked on the last split alone.
// RUN: rm -rf %t && split-file %s %t
// RUN: not qat-opt %t/options.mlir --qat-generate-train-step=entry=nope 2>&1 | FileCheck %s --check-prefix=ENTRY --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir --qat-generate-train-step=loss=nll 2>&1 | FileCheck %s --check-prefix=LOSS --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir --qat-generate-train-step=optimizer=rmsprop 2>&1 | FileCheck %s --check-prefix=OPTIMIZER --implicit-check-not=note:

// An op on the path from the inputs and parameters to the loss without a
// backward rule (here: the int8 graph's dequantize) stops the pass at that
// op.
func.func @forward(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qat.dequantize' op has no gradient rule in qat-generate-train-step}}
  %y = qat.dequantize %x : tensor<2x3x!quant.uniform<i8:f32, 0.1>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// The loss needs one model output.
// expected-error @+1 {{'func.func' op must have one block and one result (the model output) to generate a training step}}
func.func @forward(%x: tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<2x3xf32>) {
  %y = qat.relu %x : tensor<2x3xf32>
  return %x, %y : tensor<2x3xf32>, tensor<2x3xf32>
}

// -----

// expected-error @+1 {{'func.func' op must have one block and one result (the model output) to generate a training step}}
func.func @forward(%x: tensor<2x3xf32>, %c: i1) -> tensor<2x3xf32> {
  cf.cond_br %c, ^a, ^b
^a:
  return %x : tensor<2x3xf32>
^b:
  %y = qat.relu %x : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// expected-error @+1 {{'func.func' op returns 'tensor<6xf32>'; cross_entropy needs [N, classes] logits}}
func.func @forward(%x: tensor<6xf32>) -> tensor<6xf32> {
  %y = qat.relu %x : tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

// The loss is computed on a ranked float tensor: not a scalar, a memref,
// an unranked tensor or integers.
// expected-error @+1 {{'func.func' op returns 'f32'; the loss needs a ranked tensor of floats}}
func.func @forward(%x: f32) -> f32 {
  return %x : f32
}

// -----

// expected-error @+1 {{'func.func' op returns 'memref<2x3xf32>'; the loss needs a ranked tensor of floats}}
func.func @forward(%x: memref<2x3xf32>) -> memref<2x3xf32> {
  return %x : memref<2x3xf32>
}

// -----

// expected-error @+1 {{'func.func' op returns 'tensor<*xf32>'; the loss needs a ranked tensor of floats}}
func.func @forward(%x: tensor<*xf32>) -> tensor<*xf32> {
  return %x : tensor<*xf32>
}

// -----

// expected-error @+1 {{'func.func' op returns 'tensor<2x3xi32>'; the loss needs a ranked tensor of floats}}
func.func @forward(%x: tensor<2x3xi32>) -> tensor<2x3xi32> {
  return %x : tensor<2x3xi32>
}

// -----

// The pass adds @train_step and @eval_step once.
// expected-error @+1 {{--qat-generate-train-step: the module already has a @train_step or @eval_step}}
module {
  func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    %y = qat.relu %x : tensor<2x3xf32>
    return %y : tensor<2x3xf32>
  }
  func.func @eval_step(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
    return %x : tensor<2x3xf32>
  }
}

// -----

// An int8 model (qat-convert's output) has no gradients.
// expected-error @+1 {{@forward is an int8 model (converted by --qat-convert), which cannot be trained; train the fake-quant model it was converted from (the prepared or trained model) and convert that}}
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %q = qat.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<u8:f32, 0.5:3>>
  %d = qat.dequantize %q : tensor<2x3x!quant.uniform<u8:f32, 0.5:3>> -> tensor<2x3xf32>
  return %d : tensor<2x3xf32>
}

// -----

//--- options.mlir
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %y = qat.relu %x : tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// ENTRY: options.mlir:{{[0-9]+}}:{{[0-9]+}}: error: --qat-generate-train-step: no function @nope
// LOSS: <unknown>:0: error: --qat-generate-train-step: unknown loss 'nll' (known: cross_entropy, mse)
// OPTIMIZER: <unknown>:0: error: --qat-generate-train-step: unknown optimizer 'rmsprop' (known: sgd, adam, adamw)

// Errors in the IR: reported at the op, checked with -verify-diagnostics.
// RUN: qat-opt %s -split-input-file --qat-aot-entries -verify-diagnostics
//
// Errors in the pass options are reported at the module and fail the pass
// whatever the IR: checked on the last split alone.
// RUN: rm -rf %t && split-file %s %t
// RUN: not qat-opt %t/options.mlir --qat-aot-entries=entry=nope 2>&1 | FileCheck %s --check-prefix=ENTRY
// RUN: not qat-opt %t/options.mlir --qat-aot-entries=prefix=2fast 2>&1 | FileCheck %s --check-prefix=PREFIX
// RUN: not qat-opt %t/options.mlir --qat-aot-entries=prefix=my-model 2>&1 | FileCheck %s --check-prefix=DASH

// The entry's callees would have to be compiled and exported too.
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{calls are not supported in an AOT entry}}
  %y = func.call @helper(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A training step writes its parameters.
qat.param @w = dense<1.0> : tensor<4xf32>
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %w = qat.load @w : tensor<4xf32>
  %y = qat.add %x, %w : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  // expected-error @+1 {{an AOT model has no mutable state, but @forward writes state here; compile an inference function (e.g. the result of --qat-convert)}}
  qat.store %y, @w : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A fake-quant model is compiled after --qat-convert.
func.func @forward(%x: tensor<4xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{@forward still simulates quantization; run --qat-convert first to compile its int8 graph}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

//--- options.mlir
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// ENTRY: error: no function @nope with a body to compile
// PREFIX: error: prefix '2fast' is not a C identifier
// DASH: error: prefix 'my-model' is not a C identifier

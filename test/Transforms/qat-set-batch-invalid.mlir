// Errors in the IR: reported at the function, checked with
// -verify-diagnostics (result errors are in qat-set-batch.mlir).
// RUN: qat-opt %s -split-input-file --qat-set-batch=batch=4 -verify-diagnostics
//
// Errors in the pass options fail the pass whatever the IR, with no IR
// printed: checked on the last split alone.
// RUN: rm -rf %t && split-file %s %t
// RUN: not qat-opt %t/options.mlir --qat-set-batch=entry=nope 2>&1 | FileCheck %s --check-prefix=ENTRY --implicit-check-not="current operation"
// RUN: not qat-opt %t/options.mlir --qat-set-batch=batch=0 2>&1 | FileCheck %s --check-prefix=BATCH --implicit-check-not="current operation"
// RUN: not qat-opt %t/options.mlir --qat-set-batch=batch=-300 2>&1 | FileCheck %s --check-prefix=NEGATIVE --implicit-check-not="current operation"
// RUN: not qat-opt %t/options.mlir --qat-set-batch=batch=9223372036854775807 2>&1 | FileCheck %s --check-prefix=HUGE --implicit-check-not="current operation"

// The batch is the arguments' leading dimension: a function without
// arguments has none.
qat.param @x = dense<1.0> : tensor<2x3xf32>
// expected-error @+1 {{has no arguments to take a batch from}}
func.func @forward() -> tensor<2x3xf32> {
  %x = qat.load @x : tensor<2x3xf32>
  return %x : tensor<2x3xf32>
}

// -----

// expected-error @+1 {{argument 1 does not carry a common static batch dimension}}
func.func @forward(%x: tensor<2x3xf32>, %y: tensor<3x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}

// -----

// expected-error @+1 {{argument 0 does not carry a common static batch dimension}}
func.func @forward(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  return %x : tensor<?x3xf32>
}

// -----

// expected-error @+1 {{argument 0 does not carry a common static batch dimension}}
func.func @forward(%x: tensor<f32>) -> tensor<f32> {
  return %x : tensor<f32>
}

// -----

//--- options.mlir
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  return %x : tensor<2x3xf32>
}

// ENTRY: options.mlir:{{[0-9]+}}:{{[0-9]+}}: error: no function @nope with a body
// The value is printed as a number.
// BATCH: <unknown>:0: error: --qat-set-batch: batch must be in [1, 16777216] (2^24), got 0{{$}}
// NEGATIVE: <unknown>:0: error: --qat-set-batch: batch must be in [1, 16777216] (2^24), got -300{{$}}
// Beyond 2^24 (here INT64_MAX, which overflowed the lowering's index
// arithmetic later), the batch is rejected here.
// HUGE: <unknown>:0: error: --qat-set-batch: batch must be in [1, 16777216] (2^24), got 9223372036854775807{{$}}

// RUN: qat-opt %s -split-input-file --qat-convert=requant=tflite -verify-diagnostics
// RUN: not qat-opt %s --qat-convert=entry=nope 2>&1 | FileCheck %s --check-prefix=ENTRY

// Errors in the pass options are reported at the module, whatever the IR:
// an unknown `requant` value, an entry function that does not exist.
// ENTRY: error: qat-convert: no function @nope
// expected-error @+1 {{qat-convert: unknown requant 'tflite' (known: auto, float, fixed-point)}}
module {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

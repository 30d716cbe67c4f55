// RUN: qat-opt %s -split-input-file --qat-convert=requant=tflite -verify-diagnostics

// An unknown `requant` value is reported at the module, whatever the IR.
// expected-error @+1 {{qat-convert: unknown requant 'tflite' (known: auto, float, fixed-point)}}
module {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

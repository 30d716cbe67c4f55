// RUN: not qat-opt %s --qat-convert=requant=tflite 2>&1 | FileCheck %s --check-prefix=REQUANT --implicit-check-not=note:
// RUN: not qat-opt %s --qat-convert=entry=nope 2>&1 | FileCheck %s --check-prefix=ENTRY --implicit-check-not=note:

// An unknown `requant` value is reported as the option, before any IR is
// read; an entry function that does not exist at the model. Neither dumps
// the IR (no note).
// REQUANT: <unknown>:0: error: --qat-convert: unknown requant 'tflite' (known: auto, float, fixed-point)
// ENTRY: qat-convert-requant-invalid.mlir:{{[0-9]+}}:{{[0-9]+}}: error: --qat-convert: no function @nope
module {
  func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
    return %x : tensor<2xf32>
  }
}

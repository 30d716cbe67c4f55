// --qat-prepare records the preset's requant for --qat-convert="requant=auto"
// as the module attribute `qat.requant`: TFLite's fixed point for `tflite`;
// every other preset uses the float32 requant and removes the attribute
// (here one left by an earlier prepare).
// RUN: qat-opt %s --qat-prepare=preset=tflite | FileCheck %s --check-prefix=TFLITE
// RUN: qat-opt %s --qat-prepare=preset=x86 | FileCheck %s --check-prefix=X86
// RUN: qat-opt %s --qat-prepare=preset=neon | FileCheck %s --check-prefix=X86

// TFLITE-LABEL: module attributes {qat.requant = #qat.requant<fixed_point>}
// TFLITE: func.func @forward
// X86-NOT: qat.requant
// X86-LABEL: module {
// X86: func.func @forward
module attributes {qat.requant = #qat.requant<fixed_point>} {
  qat.param @fc.weight = dense<0.25> : tensor<3x4xf32>
  func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
    %w = qat.load @fc.weight : tensor<3x4xf32>
    %y = qat.linear %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
    return %y : tensor<2x3xf32>
  }
}

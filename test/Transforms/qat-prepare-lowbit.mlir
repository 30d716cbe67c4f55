// Low bit widths (docs/numerics.md#low-bit-widths) selected per op with
// --qat-prepare overrides: mixed precision in one model.
// RUN: qat-opt %s '--qat-prepare=override=*:weight.dtype=i4' | FileCheck %s --check-prefix=W4A8
// RUN: qat-opt %s '--qat-prepare=override=name=fc1:weight.dtype=i2:weight.narrow-range=true' | FileCheck %s --check-prefix=TERNARY
// RUN: qat-opt %s '--qat-prepare=override=*:act.dtype=ui4' | FileCheck %s --check-prefix=X86-A4
// RUN: qat-opt %s '--qat-prepare=preset=vnni override=*:dtype=ui4,*:weight.dtype=i4' | FileCheck %s --check-prefix=VNNI-W4A4
// RUN: qat-opt %s '--qat-prepare=override=*:act.dtype=i3:act.reduce-range=false' | FileCheck %s --check-prefix=A3
// RUN: qat-opt %s '--qat-prepare=override=*:act.reduce-range=false:act.dtype=i3' | FileCheck %s --check-prefix=A3
// RUN: qat-opt %s '--qat-prepare=preset=tflite override=kind=linear:dtype=i4' | FileCheck %s --check-prefix=TFLITE
// RUN: qat-opt %s '--qat-prepare=override=name=fc2:weight.dtype=i4:weight.learnable=true' | FileCheck %s --check-prefix=LSQ

// Every weight at 4 bits, symmetric per channel; activations keep the
// preset's uint8 [0, 127].
// W4A8: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, {{.*}}} : (tensor<2x6xf32>
// W4A8: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, axis = 0, {{.*}}} : (tensor<5x6xf32>
// W4A8: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, axis = 0, {{.*}}} : (tensor<3x5xf32>
//
// fc1's weights ternary, fc2's stay 8-bit.
// TERNARY: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i2, qmin = -1, qmax = 1, symmetric = true, axis = 0, narrow_range = true, {{.*}}} : (tensor<5x6xf32>
// TERNARY: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, {{.*}}} : (tensor<3x5xf32>
//
// The x86 preset's reduce_range is kept: 4-bit activations are [0, 7].
// X86-A4: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui4, qmin = 0, qmax = 7, {{.*}}} : (tensor<2x6xf32>
// X86-A4: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, {{.*}}} : (tensor<5x6xf32>
//
// vnni has the full range: W4A4 with activations [0, 15].
// VNNI-W4A4: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui4, qmin = 0, qmax = 15, {{.*}}} : (tensor<2x6xf32>
// VNNI-W4A4: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, {{.*}}} : (tensor<5x6xf32>
// VNNI-W4A4: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui4, qmin = 0, qmax = 15, {{.*}}} : (tensor<2x5xf32>
//
// The type and the range's kind are independent settings: either order
// gives 3-bit [-4, 3] without reduce_range.
// A3: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i3, qmin = -4, qmax = 3, {{.*}}} : (tensor<2x6xf32>
//
// tflite's narrow-range weights at 4 bits are [-7, 7], the linear layers'
// outputs [-8, 7]; the model input (kind=input) stays 8-bit.
// TFLITE: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = ema, {{.*}}} : (tensor<2x6xf32>
// TFLITE: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i4, qmin = -7, qmax = 7, symmetric = true, narrow_range = true, observer = ema, {{.*}}} : (tensor<5x6xf32>
// TFLITE: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, observer = ema, {{.*}}} : (tensor<2x5xf32>
//
// LSQ at 4 bits: trainable scale and zero point, the spec's range.
// LSQ: qat.fake_quant %{{.*}}, %{{.*}}, %{{.*}} {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true, axis = 0, {{.*}}learnable = true>} : (tensor<3x5xf32>

qat.param @fc1.weight = dense<0.5> : tensor<5x6xf32>
qat.param @fc2.weight = dense<0.25> : tensor<3x5xf32>
func.func @forward(%x: tensor<2x6xf32>) -> tensor<2x3xf32> {
  %w1 = qat.load @fc1.weight : tensor<5x6xf32>
  %h = qat.linear %x, %w1 : (tensor<2x6xf32>, tensor<5x6xf32>) -> tensor<2x5xf32>
  %w2 = qat.load @fc2.weight : tensor<3x5xf32>
  %y = qat.linear %h, %w2 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

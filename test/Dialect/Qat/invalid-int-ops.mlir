// RUN: qat-opt %s -split-input-file -verify-diagnostics

// The verifiers of the integer ops (QatIntOps.td): one case per check.
// Cases written before this file are in invalid.mlir (fixed-point shifts,
// broadcasting, groups, clamp ranges of qlinear/qmul/qavg_pool2d).

// A float16 input: the numerics contract is float32.
func.func @quantize_quantizes_f32_only(%x: tensor<2x3xf16>) -> tensor<2x3x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{'qat.quantize' op quantizes f32 only}}
  %y = qat.quantize %x : tensor<2x3xf16> -> tensor<2x3x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<2x3x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @quantize_input_result_shapes(%x: tensor<2x3xf32>) -> tensor<3x2x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{'qat.quantize' op input and result shapes differ}}
  %y = qat.quantize %x : tensor<2x3xf32> -> tensor<3x2x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<3x2x!quant.uniform<i8:f32, 0.1>>
}

// -----

// Per-axis values are weights, which are never dequantized at run time.
func.func @dequantize_per_axis_input(%x: tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qat.dequantize' op input must have a per-tensor !quant.uniform element type, got '!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>'}}
  %y = qat.dequantize %x : tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @dequantize_input_expresses_f32(%x: tensor<2x3x!quant.uniform<i8:f16, 0.1>>) -> tensor<2x3xf32> {
  // expected-error @+1 {{'qat.dequantize' op quantized types must express f32 (the numerics contract is float32), got '!quant.uniform<i8:f16, 1.000000e-01>'}}
  %y = qat.dequantize %x : tensor<2x3x!quant.uniform<i8:f16, 0.1>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

func.func @dequantize_dequantizes_f32_only(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<2x3xf16> {
  // expected-error @+1 {{'qat.dequantize' op dequantizes to f32 only}}
  %y = qat.dequantize %x : tensor<2x3x!quant.uniform<i8:f32, 0.1>> -> tensor<2x3xf16>
  return %y : tensor<2x3xf16>
}

// -----

func.func @dequantize_input_result_shapes(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1>>) -> tensor<6xf32> {
  // expected-error @+1 {{'qat.dequantize' op input and result shapes differ}}
  %y = qat.dequantize %x : tensor<2x3x!quant.uniform<i8:f32, 0.1>> -> tensor<6xf32>
  return %y : tensor<6xf32>
}

// -----

// qlinear: activations are per tensor.
func.func @qlinear_input_result_tensor(%x: tensor<2x3x!quant.uniform<u8:f32:1, {0.1, 0.2, 0.3}>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op input and result need per-tensor !quant.uniform types}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32:1, {0.1, 0.2, 0.3}>>, tensor<4x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// The int8 kernels take 8-bit activations only.
func.func @qlinear_input_result_8(%x: tensor<2x3x!quant.uniform<i16:f32, 0.1>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op input and result must be 8-bit}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<i16:f32, 0.1>>, tensor<4x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qlinear_operands_n_k(%x: tensor<2x3x1x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op operands must be [N, K], [C, K] and [N, C]}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x1x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// Per-channel weights: one scale per output channel, along axis 0.
func.func @qlinear_channel_weights_quantized(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op per-channel weights must be quantized along axis 0 with one scale per output channel}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qlinear_channel_weights_quantized_2(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op per-channel weights must be quantized along axis 0 with one scale per output channel}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3}>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// Per-channel weights are symmetric: signed, every zero point 0.
func.func @qlinear_weights_signed_symmetric(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.uniform<i8:f32:0, {0.1, 0.2:1, 0.3, 0.4}>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op weights must be signed and symmetric (zero point 0)}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32:0, {0.1, 0.2:1, 0.3, 0.4}>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qlinear_weights_signed_symmetric_2(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.uniform<u8:f32:0, {0.1, 0.2, 0.3, 0.4}>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op weights must be signed and symmetric (zero point 0)}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<u8:f32:0, {0.1, 0.2, 0.3, 0.4}>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// Weights of another quantized type (upstream's !quant.any).
func.func @qlinear_weights_quant_uniform(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.any<i8:f32>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op weights need a !quant.uniform element type}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.any<i8:f32>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qlinear_bias_has_shape(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op bias has shape [3], expected [4]}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// The numerics are float32: a f64 output scale would be rounded to float
// (1e-300 to 0, an infinite fixed-point multiplier).
func.func @qlinear_result_expresses_f32(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<i8:f64, 1.0e-300>> {
  // expected-error @+1 {{'qat.qlinear' op quantized types must express f32 (the numerics contract is float32), got '!quant.uniform<i8:f64, 1.000000e-300>'}}
  %y = qat.qlinear %x, %w, %b {clamp_min = -128 : i64, clamp_max = 127 : i64, requant = #qat.requant<fixed_point>} : (tensor<2x3x!quant.uniform<i8:f32, 0.1>>, tensor<4x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<i8:f64, 1.0e-300>>
  return %y : tensor<2x4x!quant.uniform<i8:f64, 1.0e-300>>
}

// -----

func.func @qlinear_weight_expresses_f32(%x: tensor<2x3x!quant.uniform<i8:f32, 0.1>>, %w: tensor<4x3x!quant.uniform<i8:f16:0, {0.1, 0.2, 0.3, 0.4}>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+1 {{'qat.qlinear' op quantized types must express f32 (the numerics contract is float32), got '!quant.uniform<i8:f16:0, {1.000000e-01,2.000000e-01,3.000000e-01,4.000000e-01}>'}}
  %y = qat.qlinear %x, %w, %b {clamp_min = -128 : i64, clamp_max = 127 : i64} : (tensor<2x3x!quant.uniform<i8:f32, 0.1>>, tensor<4x3x!quant.uniform<i8:f16:0, {0.1, 0.2, 0.3, 0.4}>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<i8:f32, 0.5>>
  return %y : tensor<2x4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @qconv2d_input_result_tensor(%x: tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.1, 0.2}>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op input and result need per-tensor !quant.uniform types}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32:1, {0.1, 0.2}>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_input_expresses_f32(%x: tensor<1x2x4x4x!quant.uniform<u8:f64, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op quantized types must express f32 (the numerics contract is float32), got '!quant.uniform<u8:f64, 1.000000e-01:3>'}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f64, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_operands_nchw_oihw(%x: tensor<2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op operands must be NCHW, OIHW and NCHW}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// The int8 graph has static shapes (--qat-set-batch fixes the batch).
func.func @qconv2d_static_shapes(%x: tensor<?x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<?x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op needs static shapes}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<?x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<?x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<?x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_strides_have_2(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op strides must have 2 elements, got 1}}
  %y = qat.qconv2d %x, %w, %b {strides = array<i64: 1>, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_window_extent_5(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op window of extent 5 does not fit the padded input extent 4 along axis 2}}
  %y = qat.qconv2d %x, %w, %b {dilation = array<i64: 2, 1>, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_result_has_shape(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op result has shape [1, 3, 2, 2], expected [1, 3, 4, 4]}}
  %y = qat.qconv2d %x, %w, %b {padding = array<i64: 1, 1>, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

// Weights: signed symmetric per tensor, or per output channel (axis 0).
func.func @qconv2d_weights_signed_symmetric(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1:1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op weights must be signed symmetric, per tensor or per output channel}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1:1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_weights_signed_symmetric_2(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op weights must be signed symmetric, per tensor or per output channel}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32:1, {0.1, 0.2}>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_weights_signed_symmetric_3(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<u8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op weights must be signed symmetric, per tensor or per output channel}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<u8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_bias_has_shape(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op bias has shape [4], expected [3]}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv2d_clamp_range_0(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<i8:f32, 0.1>> {
  // expected-error @+1 {{'qat.qconv2d' op clamp range [0, 128] must be ordered and inside the result's storage range [-128, 127]}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 128 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<i8:f32, 0.1>>
  return %y : tensor<1x3x2x2x!quant.uniform<i8:f32, 0.1>>
}

// -----

func.func @qconv2d_clamp_range_1(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op clamp range [-1, 255] must be ordered and inside the result's storage range [0, 255]}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = -1 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<3xi32>) -> tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qadd_operands_result_tensor(%a: tensor<2x3x!quant.uniform<u8:f32:1, {0.1, 0.2, 0.3}>>, %b: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qadd' op operands and result need per-tensor !quant.uniform types}}
  %y = qat.qadd %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32:1, {0.1, 0.2, 0.3}>>, tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qadd_operands_express_f32(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<2x3x!quant.uniform<u8:bf16, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qadd' op quantized types must express f32 (the numerics contract is float32), got '!quant.uniform<u8:bf16, 1.000000e-01:3>'}}
  %y = qat.qadd %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x3x!quant.uniform<u8:bf16, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qadd_clamp_range_0(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qadd' op clamp range [0, 256] must be ordered and inside the result's storage range [0, 255]}}
  %y = qat.qadd %a, %b {clamp_min = 0 : i64, clamp_max = 256 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qmul_operand_1_ranked(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<3xi8>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qmul' op operand #1 must be ranked tensor of quantized type values, but got 'tensor<3xi8>'}}
  %y = qat.qmul %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<3xi8>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qmul_result_expresses_f32(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f64, 1.0e-300>> {
  // expected-error @+1 {{'qat.qmul' op quantized types must express f32 (the numerics contract is float32), got '!quant.uniform<u8:f64, 1.000000e-300>'}}
  %y = qat.qmul %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f64, 1.0e-300>>
  return %y : tensor<2x3x!quant.uniform<u8:f64, 1.0e-300>>
}

// -----

func.func @qavg_pool2d_input_result_tensor(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32:1, {0.1, 0.2}>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op input and result need per-tensor !quant.uniform types}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x2x2x!quant.uniform<u8:f32:1, {0.1, 0.2}>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32:1, {0.1, 0.2}>>
}

// -----

func.func @qavg_pool2d_strides_positive_0(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op strides must be positive, got 0}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 0, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool2d_padding_have_2(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op padding must have 2 ([h, w]) or 4 ([top, left, bottom, right]) elements, got 3}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, padding = array<i64: 0, 0, 0>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool2d_window_extent_5(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op window of extent 5 does not fit the padded input extent 4 along axis 3}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 5>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool2d_result_expresses_f32(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f64, 1.0e-300>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op quantized types must express f32 (the numerics contract is float32), got '!quant.uniform<u8:f64, 1.000000e-300>'}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x2x2x!quant.uniform<u8:f64, 1.0e-300>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f64, 1.0e-300>>
}

// RUN: qat-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the qat verifiers (QatAttrs.cpp, QatOps.cpp)
// and a few parser-level errors.

//===----------------------------------------------------------------------===//
// Parser-level errors
//===----------------------------------------------------------------------===//

func.func @unknown_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{custom op 'qat.foo' is unknown}}
  %y = qat.foo %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @unknown_generic_op(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{unregistered operation 'qat.foo' found in dialect ('qat') that does not allow unknown operations}}
  %y = "qat.foo"(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @qspec_unknown_field(%x: tensor<4xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{duplicate or unknown struct parameter name: qmx}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = 1, qmx = 5>}
      : (tensor<4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @qspec_duplicate_field(%x: tensor<4xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{duplicate or unknown struct parameter name: qmin}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = 1, qmax = 5, qmin = 2>}
      : (tensor<4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @qspec_missing_field(%x: tensor<4xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{struct is missing required parameter: qmax}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = 1>}
      : (tensor<4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @qspec_unknown_observer(%x: tensor<4xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf32> {
  // expected-error @+2 {{expected one of [none, minmax, moving_average, ema]}}
  // expected-error @+1 {{failed to parse Qat_QSpecAttr parameter 'observer'}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = 1, qmax = 5, observer = median>}
      : (tensor<4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @qspec_float_dtype(%x: tensor<4xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf32> {
  // expected-error @+2 {{invalid kind of type specified: expected builtin.integer, but found 'f32'}}
  // expected-error @+1 {{failed to parse Qat_QSpecAttr parameter 'dtype'}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = f32, qmin = 1, qmax = 5>}
      : (tensor<4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @fake_quant_missing_spec(%x: tensor<4xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.fake_quant' op requires attribute 'spec'}}
  %y = qat.fake_quant %x, %s, %z : (tensor<4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @max_pool_missing_kernel(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op requires attribute 'kernel_size'}}
  %y = qat.max_pool2d %x : tensor<1x1x4x4xf32> -> tensor<1x1x2x2xf32>
  return %y : tensor<1x1x2x2xf32>
}

// -----

func.func @clamp_missing_max(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.clamp' op requires attribute 'max'}}
  %y = qat.clamp %x {min = 0.0 : f64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// #qat.qspec
//===----------------------------------------------------------------------===//

// expected-error @+1 {{dtype must be an integer type of 2 to 16 bits, got 'i1'}}
func.func @qspec_i1() attributes {spec = #qat.qspec<dtype = i1, qmin = -1, qmax = 0>}

// -----

// expected-error @+1 {{dtype must be an integer type of 2 to 16 bits, got 'i32'}}
func.func @qspec_i32() attributes {spec = #qat.qspec<dtype = i32, qmin = -128, qmax = 127>}

// -----

// expected-error @+1 {{qmin (5) must not exceed qmax (1)}}
func.func @qspec_qmin_gt_qmax() attributes {spec = #qat.qspec<dtype = i8, qmin = 5, qmax = 1>}

// -----

// expected-error @+1 {{qmin and qmax must differ, both are 3}}
func.func @qspec_qmin_eq_qmax() attributes {spec = #qat.qspec<dtype = i8, qmin = 3, qmax = 3>}

// -----

// expected-error @+1 {{range [-128, 127] does not fit dtype 'ui8' [0, 255]}}
func.func @qspec_signed_range_unsigned_dtype() attributes {spec = #qat.qspec<dtype = ui8, qmin = -128, qmax = 127>}

// -----

// expected-error @+1 {{range [0, 256] does not fit dtype 'ui8' [0, 255]}}
func.func @qspec_qmax_too_large() attributes {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 256>}

// -----

// expected-error @+1 {{range [0, 255] does not fit dtype 'i8' [-128, 127]}}
func.func @qspec_unsigned_range_signed_dtype() attributes {spec = #qat.qspec<dtype = i8, qmin = 0, qmax = 255>}

// -----

// expected-error @+1 {{range [-9, 7] does not fit dtype 'i4' [-8, 7]}}
func.func @qspec_i4_range() attributes {spec = #qat.qspec<dtype = i4, qmin = -9, qmax = 7>}

// -----

// expected-error @+1 {{narrow_range requires qmin = -127 for dtype 'i8', got -128}}
func.func @qspec_narrow_range() attributes {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, narrow_range = true>}

// -----

// expected-error @+1 {{per-channel axis must be non-negative, got -1}}
func.func @qspec_negative_axis() attributes {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, axis = -1>}

// -----

// expected-error @+1 {{averaging_constant must be in (0, 1], got 0.000000e+00}}
func.func @qspec_averaging_zero() attributes {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = ema, averaging_constant = 0.0>}

// -----

// expected-error @+1 {{averaging_constant must be in (0, 1], got 1.500000e+00}}
func.func @qspec_averaging_above_one() attributes {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average, averaging_constant = 1.5>}

// -----

// expected-error @+1 {{averaging_constant must be in (0, 1], got -1.000000e-01}}
func.func @qspec_averaging_negative() attributes {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = ema, averaging_constant = -0.1>}

// -----

// expected-error @+1 {{averaging_constant is only meaningful for the moving_average and ema observers}}
func.func @qspec_averaging_minmax() attributes {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, averaging_constant = 0.5>}

// -----

// expected-error @+1 {{averaging_constant is only meaningful for the moving_average and ema observers}}
func.func @qspec_averaging_none() attributes {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = none, averaging_constant = 0.5>}

// -----

// The spec inside a fake_quant op is verified the same way.
func.func @fake_quant_bad_spec(%x: tensor<4xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{qmin (5) must not exceed qmax (1)}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = 5, qmax = 1>}
      : (tensor<4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// qat.param, qat.load, qat.store
//===----------------------------------------------------------------------===//

// expected-error @+1 {{'qat.param' op initial value must be a ranked tensor, got 'vector<4xf32>'}}
qat.param @p = dense<1.0> : vector<4xf32>

// -----

// expected-error @+1 {{'qat.param' op initial value must have a static shape, got 'tensor<?xf32>'}}
qat.param @p = dense_resource<blob> : tensor<?xf32>

// -----

// expected-error @+1 {{'qat.param' op element type must be float or integer, got 'index'}}
qat.param @p = dense<1> : tensor<4xindex>

// -----

// A dense_resource blob the file does not hold (a model cut before its
// dialect_resources section) is an error where the model is read, not
// when it is lowered.
// expected-error @+1 {{'qat.param' op initial value refers to the resource 'absent', which the file does not hold (a dialect_resources section cut off or missing)}}
qat.param @p = dense_resource<absent> : tensor<2xf32>

// -----

// expected-error @+1 {{'qat.param' op initial value's resource 'short' holds 4 bytes, but 'tensor<2xf32>' takes 8}}
qat.param @p = dense_resource<short> : tensor<2xf32>
{-#
  dialect_resources: {
    builtin: {
      short: "0x040000000000803F"
    }
  }
#-}

// -----

// expected-note @+1 {{see existing symbol definition here}}
qat.param @p = dense<1.0> : tensor<4xf32>
// expected-error @+1 {{redefinition of symbol named 'p'}}
qat.param state @p = dense<1.0> : tensor<4xf32>

// -----

func.func @load_missing() -> tensor<4xf32> {
  // expected-error @+1 {{'qat.load' op refers to @missing, which is not a qat.param}}
  %w = qat.load @missing : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

func.func @not_a_param() {
  return
}
func.func @load_not_a_param() -> tensor<4xf32> {
  // expected-error @+1 {{'qat.load' op refers to @not_a_param, which is not a qat.param}}
  %w = qat.load @not_a_param : tensor<4xf32>
  return %w : tensor<4xf32>
}

// -----

qat.param @p = dense<1.0> : tensor<4xf32>
func.func @load_wrong_type() -> tensor<5xf32> {
  // expected-error @+1 {{'qat.load' op type 'tensor<5xf32>' does not match 'tensor<4xf32>' of @p}}
  %w = qat.load @p : tensor<5xf32>
  return %w : tensor<5xf32>
}

// -----

qat.param @p = dense<1.0> : tensor<4xf32>
func.func @load_wrong_element_type() -> tensor<4xf16> {
  // expected-error @+1 {{'qat.load' op type 'tensor<4xf16>' does not match 'tensor<4xf32>' of @p}}
  %w = qat.load @p : tensor<4xf16>
  return %w : tensor<4xf16>
}

// -----

func.func @store_missing(%v: tensor<4xf32>) {
  // expected-error @+1 {{'qat.store' op refers to @missing, which is not a qat.param}}
  qat.store %v, @missing : tensor<4xf32>
  return
}

// -----

qat.param state @p = dense<0> : tensor<4xi32>
func.func @store_wrong_type(%v: tensor<4xi64>) {
  // expected-error @+1 {{'qat.store' op type 'tensor<4xi64>' does not match 'tensor<4xi32>' of @p}}
  qat.store %v, @p : tensor<4xi64>
  return
}

// -----

//===----------------------------------------------------------------------===//
// qat.linear
//===----------------------------------------------------------------------===//

func.func @linear_input_rank(%x: tensor<4x2x5xf32>, %w: tensor<3x10xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.linear' op input must have rank 2 ([N, in]), got 3}}
  %y = qat.linear %x, %w : (tensor<4x2x5xf32>, tensor<3x10xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @linear_weight_rank(%x: tensor<4x10xf32>, %w: tensor<10xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.linear' op weight must have rank 2 ([out, in]), got 1}}
  %y = qat.linear %x, %w : (tensor<4x10xf32>, tensor<10xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

// A weight in [in, out] layout instead of PyTorch's [out, in].
func.func @linear_features(%x: tensor<4x10xf32>, %w: tensor<10x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.linear' op input features (10) do not match weight in-features (3)}}
  %y = qat.linear %x, %w : (tensor<4x10xf32>, tensor<10x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @linear_bias_shape(%x: tensor<4x10xf32>, %w: tensor<3x10xf32>, %b: tensor<10xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.linear' op bias has shape [10], expected [3]}}
  %y = qat.linear %x, %w, %b : (tensor<4x10xf32>, tensor<3x10xf32>, tensor<10xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @linear_bias_rank(%x: tensor<4x10xf32>, %w: tensor<3x10xf32>, %b: tensor<1x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.linear' op bias must have rank 1, got 2}}
  %y = qat.linear %x, %w, %b : (tensor<4x10xf32>, tensor<3x10xf32>, tensor<1x3xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @linear_result_shape(%x: tensor<4x10xf32>, %w: tensor<3x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{'qat.linear' op result has shape [4, 10], expected [4, 3]}}
  %y = qat.linear %x, %w : (tensor<4x10xf32>, tensor<3x10xf32>) -> tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

func.func @linear_result_dynamic_batch(%x: tensor<?x10xf32>, %w: tensor<3x10xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{'qat.linear' op result has shape [?, 4], expected [?, 3]}}
  %y = qat.linear %x, %w : (tensor<?x10xf32>, tensor<3x10xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

func.func @linear_mixed_floats(%x: tensor<4x10xf32>, %w: tensor<3x10xf16>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.linear' op mixes float element types 'f32' and 'f16'}}
  %y = qat.linear %x, %w : (tensor<4x10xf32>, tensor<3x10xf16>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

func.func @linear_int_input(%x: tensor<4x10xi32>, %w: tensor<3x10xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{'qat.linear' op operand #0 must be ranked tensor of floating-point values}}
  %y = qat.linear %x, %w : (tensor<4x10xi32>, tensor<3x10xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

// -----

//===----------------------------------------------------------------------===//
// qat.conv2d
//===----------------------------------------------------------------------===//

func.func @conv_input_rank(%x: tensor<3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op input must have rank 4 (NCHW), got 3}}
  %y = qat.conv2d %x, %w : (tensor<3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_weight_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op weight must have rank 4 (OIHW), got 3}}
  %y = qat.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_strides_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op strides must have 2 elements, got 1}}
  %y = qat.conv2d %x, %w {strides = array<i64: 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_strides_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op strides must be positive, got 0}}
  %y = qat.conv2d %x, %w {strides = array<i64: 1, 0>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_dilation_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op dilation must have 2 elements, got 3}}
  %y = qat.conv2d %x, %w {dilation = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_dilation_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op dilation must be positive, got -1}}
  %y = qat.conv2d %x, %w {dilation = array<i64: -1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_padding_length(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op padding must have 2 ([h, w]) or 4 ([top, left, bottom, right]) elements, got 3}}
  %y = qat.conv2d %x, %w {padding = array<i64: 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_padding_negative(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op padding must be non-negative, got -1}}
  %y = qat.conv2d %x, %w {padding = array<i64: 0, 0, 0, -1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_groups_zero(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op groups must be positive, got 0}}
  %y = qat.conv2d %x, %w {groups = 0 : i64} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_dynamic_channels(%x: tensor<1x?x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op channel and kernel extents must be static}}
  %y = qat.conv2d %x, %w : (tensor<1x?x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_dynamic_kernel(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x?x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op channel and kernel extents must be static}}
  %y = qat.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x?x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_groups_input_channels(%x: tensor<1x6x8x8xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op groups (4) must divide the input channels (6)}}
  %y = qat.conv2d %x, %w {groups = 4 : i64} : (tensor<1x6x8x8xf32>, tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32>
  return %y : tensor<1x8x6x6xf32>
}

// -----

func.func @conv_groups_output_channels(%x: tensor<1x4x8x8xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op groups (4) must divide the output channels (6)}}
  %y = qat.conv2d %x, %w {groups = 4 : i64} : (tensor<1x4x8x8xf32>, tensor<6x2x3x3xf32>) -> tensor<1x6x6x6xf32>
  return %y : tensor<1x6x6x6xf32>
}

// -----

// A depthwise weight needs 1 input channel per group.
func.func @conv_weight_channels_per_group(%x: tensor<1x4x8x8xf32>, %w: tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op weight has 4 input channels per group, expected 1 (4 channels / 4 groups)}}
  %y = qat.conv2d %x, %w {groups = 4 : i64} : (tensor<1x4x8x8xf32>, tensor<4x4x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_weight_channels(%x: tensor<1x3x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op weight has 2 input channels per group, expected 3 (3 channels / 1 groups)}}
  %y = qat.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_bias_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<3xf32>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op bias has shape [3], expected [4]}}
  %y = qat.conv2d %x, %w, %b : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, tensor<3xf32>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

func.func @conv_window_too_large(%x: tensor<1x3x2x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op window of extent 3 does not fit the padded input extent 2 along axis 2}}
  %y = qat.conv2d %x, %w : (tensor<1x3x2x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x1x6xf32>
  return %y : tensor<1x4x1x6xf32>
}

// -----

// Dilation 4 makes the 3-wide kernel span 9 > 8 + 0.
func.func @conv_dilated_window_too_large(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x1xf32> {
  // expected-error @+1 {{'qat.conv2d' op window of extent 9 does not fit the padded input extent 8 along axis 3}}
  %y = qat.conv2d %x, %w {dilation = array<i64: 1, 4>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x6x1xf32>
  return %y : tensor<1x4x6x1xf32>
}

// -----

func.func @conv_result_shape(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // expected-error @+1 {{'qat.conv2d' op result has shape [1, 4, 8, 8], expected [1, 4, 6, 6]}}
  %y = qat.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// -----

// floor((8 + 1 + 1 - 3) / 2) + 1 = 4 with symmetric [h, w] padding.
func.func @conv_result_shape_strided(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x5x5xf32> {
  // expected-error @+1 {{'qat.conv2d' op result has shape [1, 4, 5, 5], expected [1, 4, 4, 4]}}
  %y = qat.conv2d %x, %w {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x5x5xf32>
  return %y : tensor<1x4x5x5xf32>
}

// -----

func.func @conv_result_rank(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op result must have rank 4, got 3}}
  %y = qat.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>) -> tensor<4x6x6xf32>
  return %y : tensor<4x6x6xf32>
}

// -----

func.func @conv_mixed_floats(%x: tensor<1x3x8x8xbf16>, %w: tensor<4x3x3x3xbf16>) -> tensor<1x4x6x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op mixes float element types 'bf16' and 'f32'}}
  %y = qat.conv2d %x, %w : (tensor<1x3x8x8xbf16>, tensor<4x3x3x3xbf16>) -> tensor<1x4x6x6xf32>
  return %y : tensor<1x4x6x6xf32>
}

// -----

//===----------------------------------------------------------------------===//
// qat.batch_norm
//===----------------------------------------------------------------------===//

func.func @bn_input_rank(%x: tensor<4xf32>, %c: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.batch_norm' op input must have rank >= 2 ([N, C, ...]), got 1}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %c, %c
      : (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<4xf32>
}

// -----

func.func @bn_weight_shape(%x: tensor<2x4x3x3xf32>, %c: tensor<4xf32>, %g: tensor<3xf32>) -> tensor<2x4x3x3xf32> {
  // expected-error @+1 {{'qat.batch_norm' op weight has shape [3], expected [4]}}
  %y, %m, %v = qat.batch_norm %x, %g, %c, %c, %c
      : (tensor<2x4x3x3xf32>, tensor<3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<2x4x3x3xf32>
}

// -----

func.func @bn_bias_rank(%x: tensor<2x4x3x3xf32>, %c: tensor<4xf32>, %b: tensor<1x4xf32>) -> tensor<2x4x3x3xf32> {
  // expected-error @+1 {{'qat.batch_norm' op bias must have rank 1, got 2}}
  %y, %m, %v = qat.batch_norm %x, %c, %b, %c, %c
      : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<2x4x3x3xf32>
}

// -----

func.func @bn_running_mean_shape(%x: tensor<2x4x3x3xf32>, %c: tensor<4xf32>, %r: tensor<5xf32>) -> tensor<2x4x3x3xf32> {
  // expected-error @+1 {{'qat.batch_norm' op running_mean has shape [5], expected [4]}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %r, %c
      : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<5xf32>, tensor<4xf32>)
      -> (tensor<2x4x3x3xf32>, tensor<5xf32>, tensor<4xf32>)
  return %y : tensor<2x4x3x3xf32>
}

// -----

func.func @bn_running_var_shape(%x: tensor<2x4x3x3xf32>, %c: tensor<4xf32>, %r: tensor<3xf32>) -> tensor<2x4x3x3xf32> {
  // expected-error @+1 {{'qat.batch_norm' op running_var has shape [3], expected [4]}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %c, %r
      : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<3xf32>)
      -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<3xf32>)
  return %y : tensor<2x4x3x3xf32>
}

// -----

func.func @bn_result_type(%x: tensor<2x4x3x3xf32>, %c: tensor<4xf32>) -> tensor<2x4x9xf32> {
  // expected-error @+1 {{'qat.batch_norm' op result type must equal the input type}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %c, %c
      : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4x9xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<2x4x9xf32>
}

// -----

func.func @bn_new_stats_type(%x: tensor<2x4x3x3xf32>, %c: tensor<4xf32>) -> tensor<2x4x3x3xf32> {
  // expected-error @+1 {{'qat.batch_norm' op updated running statistics must have the types of the running statistics}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %c, %c {training}
      : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<?xf32>)
  return %y : tensor<2x4x3x3xf32>
}

// -----

func.func @bn_eps_zero(%x: tensor<2x4xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qat.batch_norm' op eps must be positive, got 0.000000e+00}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %c, %c {eps = 0.0 : f64}
      : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<2x4xf32>
}

// -----

func.func @bn_eps_negative(%x: tensor<2x4xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qat.batch_norm' op eps must be positive, got -1.000000e-05}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %c, %c {eps = -1.0e-5 : f64}
      : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<2x4xf32>
}

// -----

func.func @bn_momentum_above_one(%x: tensor<2x4xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qat.batch_norm' op momentum must be in [0, 1], got 1.500000e+00}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %c, %c {momentum = 1.5 : f64, training}
      : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<2x4xf32>
}

// -----

func.func @bn_momentum_negative(%x: tensor<2x4xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qat.batch_norm' op momentum must be in [0, 1], got -1.000000e-01}}
  %y, %m, %v = qat.batch_norm %x, %c, %c, %c, %c {momentum = -0.1 : f64}
      : (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<2x4xf32>
}

// -----

func.func @bn_mixed_floats(%x: tensor<2x4xf32>, %c: tensor<4xf32>, %g: tensor<4xf16>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qat.batch_norm' op mixes float element types 'f32' and 'f16'}}
  %y, %m, %v = qat.batch_norm %x, %g, %c, %c, %c
      : (tensor<2x4xf32>, tensor<4xf16>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<2x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<2x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Element-wise
//===----------------------------------------------------------------------===//

func.func @clamp_min_gt_max(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.clamp' op min (1.000000e+00) must not exceed max (-1.000000e+00)}}
  %y = qat.clamp %x {min = 1.0 : f64, max = -1.0 : f64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @clamp_f32_bounds(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.clamp' op attribute 'min' failed to satisfy constraint: 64-bit float attribute}}
  %y = qat.clamp %x {min = 0.0 : f32, max = 1.0 : f64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @relu_result_type(%x: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'qat.relu' op requires the same type for all operands and results}}
  %y = "qat.relu"(%x) : (tensor<4xf32>) -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

func.func @add_not_broadcastable(%a: tensor<2x3xf32>, %b: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{'qat.add' op operand shapes [2, 3] and [2, 4] are not broadcast-compatible}}
  %y = qat.add %a, %b : (tensor<2x3xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @mul_not_broadcastable(%a: tensor<8x1x1xf32>, %b: tensor<2x4x4x4xf32>) -> tensor<2x8x4x4xf32> {
  // expected-error @+1 {{'qat.mul' op operand shapes [8, 1, 1] and [2, 4, 4, 4] are not broadcast-compatible}}
  %y = qat.mul %a, %b : (tensor<8x1x1xf32>, tensor<2x4x4x4xf32>) -> tensor<2x8x4x4xf32>
  return %y : tensor<2x8x4x4xf32>
}

// -----

func.func @add_result_shape(%a: tensor<4x1xf32>, %b: tensor<1x5xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{'qat.add' op result has shape [4, 1], expected [4, 5]}}
  %y = qat.add %a, %b : (tensor<4x1xf32>, tensor<1x5xf32>) -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// -----

func.func @mul_result_rank(%a: tensor<2x8xf32>, %b: tensor<8xf32>) -> tensor<8xf32> {
  // expected-error @+1 {{'qat.mul' op result must have rank 2, got 1}}
  %y = qat.mul %a, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<8xf32>
  return %y : tensor<8xf32>
}

// -----

func.func @add_mixed_floats(%a: tensor<2x8xf32>, %b: tensor<2x8xf16>) -> tensor<2x8xf32> {
  // expected-error @+1 {{'qat.add' op mixes float element types 'f32' and 'f16'}}
  %y = qat.add %a, %b : (tensor<2x8xf32>, tensor<2x8xf16>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// qat.concat
//===----------------------------------------------------------------------===//

func.func @concat_no_inputs() -> tensor<4xf32> {
  // expected-error @+1 {{'qat.concat' op needs at least one input}}
  %y = qat.concat {axis = 0 : i64} : () -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @concat_axis_too_large(%a: tensor<1x8xf32>, %b: tensor<1x4xf32>) -> tensor<1x12xf32> {
  // expected-error @+1 {{'qat.concat' op axis 2 is out of range for rank 2}}
  %y = qat.concat %a, %b {axis = 2 : i64} : (tensor<1x8xf32>, tensor<1x4xf32>) -> tensor<1x12xf32>
  return %y : tensor<1x12xf32>
}

// -----

func.func @concat_axis_too_negative(%a: tensor<1x8xf32>, %b: tensor<1x4xf32>) -> tensor<1x12xf32> {
  // expected-error @+1 {{'qat.concat' op axis -3 is out of range for rank 2}}
  %y = qat.concat %a, %b {axis = -3 : i64} : (tensor<1x8xf32>, tensor<1x4xf32>) -> tensor<1x12xf32>
  return %y : tensor<1x12xf32>
}

// -----

func.func @concat_rank_mismatch(%a: tensor<1x8xf32>, %b: tensor<4xf32>) -> tensor<1x12xf32> {
  // expected-error @+1 {{'qat.concat' op input 1 has rank 1, expected 2}}
  %y = qat.concat %a, %b {axis = 1 : i64} : (tensor<1x8xf32>, tensor<4xf32>) -> tensor<1x12xf32>
  return %y : tensor<1x12xf32>
}

// -----

func.func @concat_shape_mismatch(%a: tensor<1x8x4x4xf32>, %b: tensor<1x4x4x5xf32>) -> tensor<1x12x4x4xf32> {
  // expected-error @+1 {{'qat.concat' op input 1 has shape [1, 4, 4, 5], which differs from input 0 outside axis 1}}
  %y = qat.concat %a, %b {axis = 1 : i64} : (tensor<1x8x4x4xf32>, tensor<1x4x4x5xf32>) -> tensor<1x12x4x4xf32>
  return %y : tensor<1x12x4x4xf32>
}

// -----

func.func @concat_result_shape(%a: tensor<1x8xf32>, %b: tensor<1x4xf32>) -> tensor<1x8xf32> {
  // expected-error @+1 {{'qat.concat' op result has shape [1, 8], expected [1, 12]}}
  %y = qat.concat %a, %b {axis = -1 : i64} : (tensor<1x8xf32>, tensor<1x4xf32>) -> tensor<1x8xf32>
  return %y : tensor<1x8xf32>
}

// -----

func.func @concat_mixed_floats(%a: tensor<1x8xf32>, %b: tensor<1x4xf16>) -> tensor<1x12xf32> {
  // expected-error @+1 {{'qat.concat' op inputs and result must have one element type}}
  %y = qat.concat %a, %b {axis = 1 : i64} : (tensor<1x8xf32>, tensor<1x4xf16>) -> tensor<1x12xf32>
  return %y : tensor<1x12xf32>
}

// -----

//===----------------------------------------------------------------------===//
// qat.max_pool2d, qat.avg_pool2d, qat.global_avg_pool
//===----------------------------------------------------------------------===//

func.func @max_pool_input_rank(%x: tensor<2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op input must have rank 4 (NCHW), got 3}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_kernel_length(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op kernel_size must have 2 elements, got 3}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_kernel_zero(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op kernel_size must be positive, got 0}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 0>, strides = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_strides_length(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op strides must have 2 elements, got 1}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_strides_negative(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op strides must be positive, got -2}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: -2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_dilation_zero(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op dilation must be positive, got 0}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, dilation = array<i64: 0, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_padding_length(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op padding must have 2 ([h, w]) or 4 ([top, left, bottom, right]) elements, got 1}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, padding = array<i64: 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_padding_negative(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op padding must be non-negative, got -1}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, padding = array<i64: -1, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_padding_over_half(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op padding must be at most half the kernel size}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, padding = array<i64: 0, 0, 2, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

func.func @max_pool_window_too_large(%x: tensor<1x2x4x2xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op window of extent 3 does not fit the padded input extent 2 along axis 3}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 3, 3>} : tensor<1x2x4x2xf32> -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

// Dilation 3 makes the 2-wide kernel span 4 > 3.
func.func @max_pool_dilated_window_too_large(%x: tensor<1x2x3x3xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op window of extent 4 does not fit the padded input extent 3 along axis 2}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, dilation = array<i64: 3, 1>} : tensor<1x2x3x3xf32> -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

// strides default to the kernel size: 26 / 2 = 13, not 25.
func.func @max_pool_result_default_strides(%x: tensor<1x32x26x26xf32>) -> tensor<1x32x25x25xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op result has shape [1, 32, 25, 25], expected [1, 32, 13, 13]}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<1x32x26x26xf32> -> tensor<1x32x25x25xf32>
  return %y : tensor<1x32x25x25xf32>
}

// -----

// Without ceil_mode, 5 with a 2x2 window and stride 2 gives 2, not 3.
func.func @max_pool_result_floor(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op result has shape [1, 2, 3, 3], expected [1, 2, 2, 2]}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// ceil_mode: the last window must start inside the input or the low padding:
// 4 with k = 2, s = 3: ceil(2 / 3) + 1 = 2 and the second window starts at
// 3 < 4, so 2; with 3: ceil(1 / 3) + 1 = 2 but the second window would
// start at 3 >= 3, so 1.
func.func @max_pool_result_ceil(%x: tensor<1x2x3x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op result has shape [1, 2, 2, 2], expected [1, 2, 1, 2]}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 3, 3>, ceil_mode}
      : tensor<1x2x3x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @max_pool_channels(%x: tensor<1x2x4x4xf32>) -> tensor<1x3x2x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op result has shape [1, 3, 2, 2], expected [1, 2, 2, 2]}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x3x2x2xf32>
  return %y : tensor<1x3x2x2xf32>
}

// -----

func.func @max_pool_mixed_floats(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf16> {
  // expected-error @+1 {{'qat.max_pool2d' op input and result element types differ}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf16>
  return %y : tensor<1x2x2x2xf16>
}

// -----

func.func @avg_pool_input_rank(%x: tensor<4x4xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'qat.avg_pool2d' op input must have rank 4 (NCHW), got 2}}
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<4x4xf32> -> tensor<2x2xf32>
  return %y : tensor<2x2xf32>
}

// -----

func.func @avg_pool_kernel_length(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.avg_pool2d' op kernel_size must have 2 elements, got 1}}
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @avg_pool_padding_over_half(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'qat.avg_pool2d' op padding must be at most half the kernel size}}
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 1, 1>, padding = array<i64: 2, 2>}
      : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

func.func @avg_pool_padding_negative(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  // expected-error @+1 {{'qat.avg_pool2d' op padding must be non-negative, got -1}}
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 2, 2>, padding = array<i64: 0, 0, -1, 0>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  return %y : tensor<1x2x2x2xf32>
}

// -----

func.func @avg_pool_result_ceil(%x: tensor<1x8x5x5xf32>) -> tensor<1x8x2x2xf32> {
  // expected-error @+1 {{'qat.avg_pool2d' op result has shape [1, 8, 2, 2], expected [1, 8, 3, 3]}}
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 2, 2>, ceil_mode} : tensor<1x8x5x5xf32> -> tensor<1x8x2x2xf32>
  return %y : tensor<1x8x2x2xf32>
}

// -----

func.func @avg_pool_window_too_large(%x: tensor<1x2x2x4xf32>) -> tensor<1x2x1x1xf32> {
  // expected-error @+1 {{'qat.avg_pool2d' op window of extent 4 does not fit the padded input extent 2 along axis 2}}
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 4, 4>} : tensor<1x2x2x4xf32> -> tensor<1x2x1x1xf32>
  return %y : tensor<1x2x1x1xf32>
}

// -----

// An average is a float (max_pool2d also pools quantized values).
func.func @avg_pool2d_int_result(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xi32> {
  // expected-error @+1 {{'qat.avg_pool2d' op result must be a float tensor}}
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xi32>
  return %y : tensor<1x2x2x2xi32>
}

// -----

func.func @global_avg_pool_rank(%x: tensor<1x64x7xf32>) -> tensor<1x64x1x1xf32> {
  // expected-error @+1 {{'qat.global_avg_pool' op input must have rank 4 (NCHW), got 3}}
  %y = qat.global_avg_pool %x : tensor<1x64x7xf32> -> tensor<1x64x1x1xf32>
  return %y : tensor<1x64x1x1xf32>
}

// -----

func.func @global_avg_pool_result(%x: tensor<1x64x7x7xf32>) -> tensor<1x64xf32> {
  // expected-error @+1 {{'qat.global_avg_pool' op result must have rank 4, got 2}}
  %y = qat.global_avg_pool %x : tensor<1x64x7x7xf32> -> tensor<1x64xf32>
  return %y : tensor<1x64xf32>
}

// -----

func.func @global_avg_pool_result_shape(%x: tensor<1x64x7x7xf32>) -> tensor<1x64x7x1xf32> {
  // expected-error @+1 {{'qat.global_avg_pool' op result has shape [1, 64, 7, 1], expected [1, 64, 1, 1]}}
  %y = qat.global_avg_pool %x : tensor<1x64x7x7xf32> -> tensor<1x64x7x1xf32>
  return %y : tensor<1x64x7x1xf32>
}

// -----

func.func @global_avg_pool_mixed_floats(%x: tensor<1x64x7x7xf32>) -> tensor<1x64x1x1xbf16> {
  // expected-error @+1 {{'qat.global_avg_pool' op mixes float element types 'f32' and 'bf16'}}
  %y = qat.global_avg_pool %x : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xbf16>
  return %y : tensor<1x64x1x1xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// qat.flatten, qat.reshape, qat.softmax
//===----------------------------------------------------------------------===//

func.func @flatten_rank0(%x: tensor<f32>) -> tensor<1xf32> {
  // expected-error @+1 {{'qat.flatten' op input must have rank >= 1}}
  %y = qat.flatten %x : tensor<f32> -> tensor<1xf32>
  return %y : tensor<1xf32>
}

// -----

// The default start_dim = 1 is out of range for a rank-1 input.
func.func @flatten_start_out_of_range(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.flatten' op start_dim 1 is out of range for rank 1}}
  %y = qat.flatten %x : tensor<4xf32> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @flatten_start_too_negative(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  // expected-error @+1 {{'qat.flatten' op start_dim -4 is out of range for rank 3}}
  %y = qat.flatten %x {start_dim = -4 : i64} : tensor<2x3x4xf32> -> tensor<24xf32>
  return %y : tensor<24xf32>
}

// -----

func.func @flatten_end_out_of_range(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  // expected-error @+1 {{'qat.flatten' op end_dim 3 is out of range for rank 3}}
  %y = qat.flatten %x {end_dim = 3 : i64} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  return %y : tensor<2x12xf32>
}

// -----

func.func @flatten_start_after_end(%x: tensor<2x3x4xf32>) -> tensor<2x12xf32> {
  // expected-error @+1 {{'qat.flatten' op start_dim (2) must not come after end_dim (1)}}
  %y = qat.flatten %x {start_dim = -1 : i64, end_dim = 1 : i64} : tensor<2x3x4xf32> -> tensor<2x12xf32>
  return %y : tensor<2x12xf32>
}

// -----

func.func @flatten_result_shape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  // expected-error @+1 {{'qat.flatten' op result has shape [6, 4], expected [2, 12]}}
  %y = qat.flatten %x : tensor<2x3x4xf32> -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// -----

func.func @flatten_result_rank(%x: tensor<2x3x4xf32>) -> tensor<24xf32> {
  // expected-error @+1 {{'qat.flatten' op result must have rank 2, got 1}}
  %y = qat.flatten %x : tensor<2x3x4xf32> -> tensor<24xf32>
  return %y : tensor<24xf32>
}

// -----

func.func @flatten_mixed_floats(%x: tensor<2x3x4xf32>) -> tensor<2x12xf16> {
  // expected-error @+1 {{'qat.flatten' op input and result element types differ}}
  %y = qat.flatten %x : tensor<2x3x4xf32> -> tensor<2x12xf16>
  return %y : tensor<2x12xf16>
}

// -----

func.func @reshape_count(%x: tensor<2x8xf32>) -> tensor<3x5xf32> {
  // expected-error @+1 {{'qat.reshape' op cannot reshape 16 elements [2, 8] into 15 elements [3, 5]}}
  %y = qat.reshape %x : tensor<2x8xf32> -> tensor<3x5xf32>
  return %y : tensor<3x5xf32>
}

// -----

func.func @reshape_two_dynamic(%x: tensor<?x8xf32>) -> tensor<?x?xf32> {
  // expected-error @+1 {{'qat.reshape' op result may have at most one dynamic extent}}
  %y = qat.reshape %x : tensor<?x8xf32> -> tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}

// -----

func.func @reshape_mixed_floats(%x: tensor<2x8xf32>) -> tensor<16xf16> {
  // expected-error @+1 {{'qat.reshape' op input and result element types differ}}
  %y = qat.reshape %x : tensor<2x8xf32> -> tensor<16xf16>
  return %y : tensor<16xf16>
}

// -----

func.func @softmax_axis_too_large(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{'qat.softmax' op axis 2 is out of range for rank 2}}
  %y = qat.softmax %x {axis = 2 : i64} : tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

func.func @softmax_axis_too_negative(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{'qat.softmax' op axis -3 is out of range for rank 2}}
  %y = qat.softmax %x {axis = -3 : i64} : tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

func.func @softmax_missing_axis(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  // expected-error @+1 {{'qat.softmax' op requires attribute 'axis'}}
  %y = qat.softmax %x : tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

func.func @cross_entropy_logits_rank(%l: tensor<64xf32>, %t: tensor<64xi32>) -> tensor<f32> {
  // expected-error @+1 {{'qat.cross_entropy' op logits must have rank 2 ([N, C]), got 1}}
  %y = qat.cross_entropy %l, %t : (tensor<64xf32>, tensor<64xi32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @cross_entropy_labels_shape(%l: tensor<64x10xf32>, %t: tensor<32xi32>) -> tensor<f32> {
  // expected-error @+1 {{'qat.cross_entropy' op labels has shape [32], expected [64]}}
  %y = qat.cross_entropy %l, %t : (tensor<64x10xf32>, tensor<32xi32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// One-hot targets are not labels.
func.func @cross_entropy_labels_rank(%l: tensor<64x10xf32>, %t: tensor<64x10xi32>) -> tensor<f32> {
  // expected-error @+1 {{'qat.cross_entropy' op labels must have rank 1, got 2}}
  %y = qat.cross_entropy %l, %t : (tensor<64x10xf32>, tensor<64x10xi32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @cross_entropy_result_type(%l: tensor<64x10xf32>, %t: tensor<64xi64>) -> tensor<f16> {
  // expected-error @+1 {{'qat.cross_entropy' op result element type must match the logits}}
  %y = qat.cross_entropy %l, %t : (tensor<64x10xf32>, tensor<64xi64>) -> tensor<f16>
  return %y : tensor<f16>
}

// -----

func.func @cross_entropy_float_labels(%l: tensor<64x10xf32>, %t: tensor<64xf32>) -> tensor<f32> {
  // expected-error @+1 {{'qat.cross_entropy' op operand #1 must be ranked tensor of signless integer values}}
  %y = qat.cross_entropy %l, %t : (tensor<64x10xf32>, tensor<64xf32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @cross_entropy_result_rank(%l: tensor<64x10xf32>, %t: tensor<64xi32>) -> tensor<64xf32> {
  // expected-error @+1 {{'qat.cross_entropy' op result #0 must be 0D tensor of floating-point values}}
  %y = qat.cross_entropy %l, %t : (tensor<64x10xf32>, tensor<64xi32>) -> tensor<64xf32>
  return %y : tensor<64xf32>
}

// -----

func.func @mse_target_shape(%a: tensor<4x3xf32>, %b: tensor<3x4xf32>) -> tensor<f32> {
  // expected-error @+1 {{'qat.mse' op target has shape [3, 4], expected [4, 3]}}
  %y = qat.mse %a, %b : (tensor<4x3xf32>, tensor<3x4xf32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @mse_target_rank(%a: tensor<4x3xf32>, %b: tensor<12xf32>) -> tensor<f32> {
  // expected-error @+1 {{'qat.mse' op target must have rank 2, got 1}}
  %y = qat.mse %a, %b : (tensor<4x3xf32>, tensor<12xf32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

func.func @mse_mixed_floats(%a: tensor<4x3xf32>, %b: tensor<4x3xf32>) -> tensor<f64> {
  // expected-error @+1 {{'qat.mse' op mixes float element types 'f32' and 'f64'}}
  %y = qat.mse %a, %b : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f64>
  return %y : tensor<f64>
}

// -----

//===----------------------------------------------------------------------===//
// qat.fake_quant
//===----------------------------------------------------------------------===//

func.func @fake_quant_result_type(%x: tensor<4x20xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<20x4xf32> {
  // expected-error @+1 {{'qat.fake_quant' op result type must equal the input type}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<20x4xf32>
  return %y : tensor<20x4xf32>
}

// -----

func.func @fake_quant_axis_out_of_range(%x: tensor<4x20xf32>, %s: tensor<4xf32>, %z: tensor<4xi32>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op per-channel axis 2 is out of range for rank 2}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, axis = 2>}
      : (tensor<4x20xf32>, tensor<4xf32>, tensor<4xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

func.func @fake_quant_per_tensor_scale_shape(%x: tensor<4x20xf32>, %s: tensor<4xf32>, %z: tensor<1xi32>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op scale has shape [4], expected [1]}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x20xf32>, tensor<4xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

func.func @fake_quant_per_channel_scale_shape(%x: tensor<4x20xf32>, %s: tensor<4xf32>, %z: tensor<20xi32>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op scale has shape [4], expected [20]}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, axis = 1>}
      : (tensor<4x20xf32>, tensor<4xf32>, tensor<20xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

// A 0-d scale is not accepted: scale and zero_point are always rank 1.
func.func @fake_quant_scalar_scale(%x: tensor<4x20xf32>, %s: tensor<f32>, %z: tensor<1xi32>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op scale must have rank 1, got 0}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x20xf32>, tensor<f32>, tensor<1xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

func.func @fake_quant_zero_point_shape(%x: tensor<4x20xf32>, %s: tensor<4xf32>, %z: tensor<1xi32>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op zero_point has shape [1], expected [4]}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, axis = 0>}
      : (tensor<4x20xf32>, tensor<4xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

func.func @fake_quant_zero_point_rank(%x: tensor<4x20xf32>, %s: tensor<1xf32>, %z: tensor<1x1xi32>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op zero_point must have rank 1, got 2}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1x1xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

func.func @fake_quant_scale_f16(%x: tensor<4x20xf32>, %s: tensor<1xf16>, %z: tensor<1xi32>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op scale must be f32, got 'f16'}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x20xf32>, tensor<1xf16>, tensor<1xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

func.func @fake_quant_zero_point_i8(%x: tensor<4x20xf32>, %s: tensor<1xf32>, %z: tensor<1xi8>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op zero_point must be i32 (or f32 for a learnable spec), got 'i8'}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi8>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

func.func @fake_quant_spec_not_qspec(%x: tensor<4x20xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4x20xf32> {
  // expected-error @+1 {{'qat.fake_quant' op attribute 'spec' failed to satisfy constraint}}
  %y = qat.fake_quant %x, %s, %z {spec = 1 : i64}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

func.func @quant_stub_result_type(%x: tensor<4x20xf32>) -> tensor<4x20xf16> {
  // expected-error @+1 {{'qat.quant_stub' op requires the same type for all operands and results}}
  %y = "qat.quant_stub"(%x) : (tensor<4x20xf32>) -> tensor<4x20xf16>
  return %y : tensor<4x20xf16>
}

// -----

func.func @dequant_stub_int(%x: tensor<4x20xi8>) -> tensor<4x20xi8> {
  // expected-error @+1 {{'qat.dequant_stub' op operand #0 must be ranked tensor of floating-point values}}
  %y = qat.dequant_stub %x : tensor<4x20xi8>
  return %y : tensor<4x20xi8>
}

// -----

// expected-error @+1 {{narrow_range requires qmin = 1 for dtype 'ui8', got 0}}
func.func @qspec_narrow_range_unsigned() attributes {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, narrow_range = true>}

// -----

func.func @clamp_nan(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.clamp' op min and max must not be NaN}}
  %y = qat.clamp %x {min = 0x7FF8000000000000 : f64, max = 1.0 : f64} : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @batch_norm_dynamic_channels(%x: tensor<2x?xf32>, %g: tensor<?xf32>) -> tensor<2x?xf32> {
  // expected-error @+1 {{'qat.batch_norm' op the channel extent must be static}}
  %y, %m, %v = qat.batch_norm %x, %g, %g, %g, %g {training} : (tensor<2x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) -> (tensor<2x?xf32>, tensor<?xf32>, tensor<?xf32>)
  return %y : tensor<2x?xf32>
}

// -----

func.func @batch_norm_train_one_value(%x: tensor<1x4xf32>, %g: tensor<4xf32>) -> tensor<1x4xf32> {
  // expected-error @+1 {{'qat.batch_norm' op training needs more than one value per channel (the batch variance of one value is undefined)}}
  %y, %m, %v = qat.batch_norm %x, %g, %g, %g, %g {training} : (tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y : tensor<1x4xf32>
}

// -----

func.func @max_pool_dynamic_spatial(%x: tensor<1x2x?x4xf32>) -> tensor<1x2x?x2xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op channel and spatial extents must be static; only the batch extent may be dynamic}}
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<1x2x?x4xf32> -> tensor<1x2x?x2xf32>
  return %y : tensor<1x2x?x2xf32>
}

// -----

func.func @max_pool_empty_kernel(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32> {
  // expected-error @+1 {{'qat.max_pool2d' op kernel_size must have 2 elements, got 0}}
  %y = qat.max_pool2d %x {kernel_size = array<i64>, strides = array<i64: 1, 1>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

func.func @conv_dynamic_spatial(%x: tensor<1x3x?x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x?x6xf32> {
  // expected-error @+1 {{'qat.conv2d' op spatial extents must be static; only the batch extent may be dynamic}}
  %y = qat.conv2d %x, %w : (tensor<1x3x?x8xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x?x6xf32>
  return %y : tensor<1x4x?x6xf32>
}

// -----

func.func @reshape_not_divisible(%x: tensor<16xf32>) -> tensor<?x3xf32> {
  // expected-error @+1 {{'qat.reshape' op cannot reshape 16 elements into [?, 3]}}
  %y = qat.reshape %x : tensor<16xf32> -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

func.func @fake_quant_f16(%x: tensor<4xf16>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4xf16> {
  // expected-error @+1 {{'qat.fake_quant' op input must be f32 (the numerics contract is float32), got 'f16'}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127>} : (tensor<4xf16>, tensor<1xf32>, tensor<1xi32>) -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// -----

func.func @quantize_per_axis(%x: tensor<2x3xf32>) -> tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>> {
  // expected-error @+1 {{'qat.quantize' op result must have a per-tensor !quant.uniform element type}}
  %q = qat.quantize %x : tensor<2x3xf32> -> tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>
  return %q : tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>
}

// -----

func.func @qlinear_affine_weight(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.1:2>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op weights must be signed and symmetric (zero point 0)}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32, 0.1:2>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qlinear_clamp(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op clamp range [0, 300] must be ordered and inside the result's storage range [0, 255]}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 300 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qlinear_shapes(%x: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x5x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qlinear' op shapes do not match: x [2, 3], w [4, 5], y [2, 4]}}
  %y = qat.qlinear %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x5x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qadd_shapes(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<3x2x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qadd' op operand shapes [2, 3] and [3, 2] are not broadcast-compatible}}
  %y = qat.qadd %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x2x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qadd_broadcast_result(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<1x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qadd' op result has shape [1, 3], expected [2, 3]}}
  %y = qat.qadd %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<1x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qmul_shapes(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qmul' op operand shapes [2, 3] and [2, 4] are not broadcast-compatible}}
  %y = qat.qmul %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qmul_per_axis(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qmul' op operands and result need per-tensor !quant.uniform types}}
  %y = qat.qmul %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x3x!quant.uniform<i8:f32:1, {0.1, 0.2, 0.3}>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qmul_clamp(%a: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, %b: tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qmul' op clamp range [10, 5] must be ordered and inside the result's storage range [0, 255]}}
  %y = qat.qmul %a, %b {clamp_min = 10 : i64, clamp_max = 5 : i64} : (tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool_float(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op operand #0 must be ranked tensor of quantized type values, but got 'tensor<1x2x4x4xf32>'}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool_rank(%x: tensor<2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<2x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op input must have rank 4 (NCHW), got 3}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<2x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool_dynamic(%x: tensor<?x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<?x2x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op needs static shapes}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<?x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<?x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<?x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool_kernel(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op kernel_size must be positive, got 0}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 0, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool_padding(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op padding must be at most half the kernel size}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, padding = array<i64: 2, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool_result(%x: tensor<1x2x5x5x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op result has shape [1, 2, 3, 3], expected [1, 2, 2, 2]}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64} : tensor<1x2x5x5x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x3x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qavg_pool_clamp(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op clamp range [-1, 255] must be ordered and inside the result's storage range [0, 255]}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, clamp_min = -1 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4x!quant.uniform<u8:f32, 0.1:3>> -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv_groups(%x: tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op weight has 1 input channels per group, expected 2 (4 channels / 2 groups)}}
  %y = qat.qconv2d %x, %w, %b {groups = 2 : i64, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv_groups_default(%x: tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op weight has 1 input channels per group, expected 4 (4 channels / 1 groups)}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv_groups_divide(%x: tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<6x1x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<6xi32>) -> tensor<1x6x3x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op groups (4) must divide the input channels (4) and the output channels (6)}}
  %y = qat.qconv2d %x, %w, %b {groups = 4 : i64, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:3>>, tensor<6x1x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<6xi32>) -> tensor<1x6x3x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x6x3x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @qconv_groups_positive(%x: tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:3>>, %w: tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>, %b: tensor<4xi32>) -> tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>> {
  // expected-error @+1 {{'qat.qconv2d' op groups must be positive, got 0}}
  %y = qat.qconv2d %x, %w, %b {groups = 0 : i64, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x4x5x5x!quant.uniform<u8:f32, 0.1:3>>, tensor<4x1x3x3x!quant.uniform<i8:f32, 0.1>>, tensor<4xi32>) -> tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>>
  return %y : tensor<1x4x3x3x!quant.uniform<u8:f32, 0.1:3>>
}

// -----

func.func @dot_accumulate_group(%a: vector<16xi32>, %x: vector<32xi8>, %w: vector<32xi8>) -> vector<16xi32> {
  // expected-error @below {{'qat.dot_accumulate' op needs 4 operand elements per lane: 64, not 32}}
  %r = qat.dot_accumulate %a, %x, %w : vector<32xi8> -> vector<16xi32>
  return %r : vector<16xi32>
}

// -----

func.func @dot_accumulate_signed_i16(%a: vector<4xi32>, %x: vector<8xi16>, %w: vector<8xi16>) -> vector<4xi32> {
  // expected-error @below {{'qat.dot_accumulate' op lhs_signed applies to byte operands only}}
  %r = qat.dot_accumulate %a, %x, %w {lhs_signed} : vector<8xi16> -> vector<4xi32>
  return %r : vector<4xi32>
}

// -----

// TFLite's `x * (1 << shift)` needs shift <= 30: M = 0.5 * 1.0 / 1e-10.
func.func @qlinear_fixed_point_shift(%x: tensor<2x3x!quant.uniform<i8:f32, 0.5:0>>, %w: tensor<2x3x!quant.uniform<i8:f32:0, {1.0e-3, 1.0}>>, %b: tensor<2xi32>) -> tensor<2x2x!quant.uniform<i8:f32, 1.0e-10:0>> {
  // expected-error @+1 {{'qat.qlinear' op fixed-point requant: the output channel 1 multiplier 5.000000e+09 needs a shift of 33, TFLite allows at most 30}}
  %y = qat.qlinear %x, %w, %b {clamp_min = -128 : i64, clamp_max = 127 : i64, requant = #qat.requant<fixed_point>} : (tensor<2x3x!quant.uniform<i8:f32, 0.5:0>>, tensor<2x3x!quant.uniform<i8:f32:0, {1.0e-3, 1.0}>>, tensor<2xi32>) -> tensor<2x2x!quant.uniform<i8:f32, 1.0e-10:0>>
  return %y : tensor<2x2x!quant.uniform<i8:f32, 1.0e-10:0>>
}

// -----

func.func @qconv2d_fixed_point_shift(%x: tensor<1x1x3x3x!quant.uniform<u8:f32, 4.0:3>>, %w: tensor<1x1x1x1x!quant.uniform<i8:f32, 8.0>>, %b: tensor<1xi32>) -> tensor<1x1x3x3x!quant.uniform<u8:f32, 1.0e-8:3>> {
  // expected-error @+1 {{'qat.qconv2d' op fixed-point requant: the output channel 0 multiplier 3.200000e+09 needs a shift of 32, TFLite allows at most 30}}
  %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : (tensor<1x1x3x3x!quant.uniform<u8:f32, 4.0:3>>, tensor<1x1x1x1x!quant.uniform<i8:f32, 8.0>>, tensor<1xi32>) -> tensor<1x1x3x3x!quant.uniform<u8:f32, 1.0e-8:3>>
  return %y : tensor<1x1x3x3x!quant.uniform<u8:f32, 1.0e-8:3>>
}

// -----

func.func @qmul_fixed_point_shift(%a: tensor<4x!quant.uniform<u8:f32, 1.0e2:0>>, %b: tensor<4x!quant.uniform<u8:f32, 1.0e2:0>>) -> tensor<4x!quant.uniform<u8:f32, 1.0e-6:0>> {
  // expected-error @+1 {{'qat.qmul' op fixed-point requant: the output multiplier 1.000000e+10 needs a shift of 34, TFLite allows at most 30}}
  %y = qat.qmul %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : (tensor<4x!quant.uniform<u8:f32, 1.0e2:0>>, tensor<4x!quant.uniform<u8:f32, 1.0e2:0>>) -> tensor<4x!quant.uniform<u8:f32, 1.0e-6:0>>
  return %y : tensor<4x!quant.uniform<u8:f32, 1.0e-6:0>>
}

// -----

func.func @qavg_pool2d_fixed_point_shift(%x: tensor<1x1x2x2x!quant.uniform<u8:f32, 1.0e3:0>>) -> tensor<1x1x1x1x!quant.uniform<u8:f32, 1.0e-7:0>> {
  // expected-error @+1 {{'qat.qavg_pool2d' op fixed-point requant: the output multiplier 1.000000e+10 needs a shift of 34, TFLite allows at most 30}}
  %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>, clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : tensor<1x1x2x2x!quant.uniform<u8:f32, 1.0e3:0>> -> tensor<1x1x1x1x!quant.uniform<u8:f32, 1.0e-7:0>>
  return %y : tensor<1x1x1x1x!quant.uniform<u8:f32, 1.0e-7:0>>
}

// -----

// TFLite's add quantizes 2 * max(s_a, s_b) / (2^20 * s_y) "smaller than one".
func.func @qadd_fixed_point_output_scale(%a: tensor<4x!quant.uniform<u8:f32, 1.0:0>>, %b: tensor<4x!quant.uniform<u8:f32, 0.5:0>>) -> tensor<4x!quant.uniform<u8:f32, 1.0e-6:0>> {
  // expected-error @+1 {{'qat.qadd' op fixed-point requant: TFLite's add needs an output scale above max(lhs scale, rhs scale) / 2^19}}
  %y = qat.qadd %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<fixed_point>} : (tensor<4x!quant.uniform<u8:f32, 1.0:0>>, tensor<4x!quant.uniform<u8:f32, 0.5:0>>) -> tensor<4x!quant.uniform<u8:f32, 1.0e-6:0>>
  return %y : tensor<4x!quant.uniform<u8:f32, 1.0e-6:0>>
}

// -----

func.func @requant_bad_case(%a: tensor<4x!quant.uniform<u8:f32, 1.0:0>>) -> tensor<4x!quant.uniform<u8:f32, 1.0:0>> {
  // expected-error @+2 {{expected ::mlir::qat::RequantKind to be one of: float, fixed_point}}
  // expected-error @+1 {{failed to parse}}
  %y = qat.qadd %a, %a {clamp_min = 0 : i64, clamp_max = 255 : i64, requant = #qat.requant<tflite>} : (tensor<4x!quant.uniform<u8:f32, 1.0:0>>, tensor<4x!quant.uniform<u8:f32, 1.0:0>>) -> tensor<4x!quant.uniform<u8:f32, 1.0:0>>
  return %y : tensor<4x!quant.uniform<u8:f32, 1.0:0>>
}

// -----

// expected-error @+1 {{'qat.requant' is a module attribute}}
func.func @requant_on_func() attributes {qat.requant = #qat.requant<fixed_point>} {
  return
}

// -----

// expected-error @+1 {{'qat.requant' must be a #qat.requant attribute, got "tflite"}}
module attributes {qat.requant = "tflite"} {
}

// RUN: qat-export %s --split-input-file --text | FileCheck %s

// A float layer: Gemm with transB (qat.linear's weight is [out, in]), the
// graph input and output named as the imported model's, a splat parameter
// written out in full.
// CHECK-LABEL: producer_name: "qat-export"
// CHECK:      node {
// CHECK-NEXT:   input: "pixels"
// CHECK-NEXT:   input: "fc.weight"
// CHECK-NEXT:   input: "fc.bias"
// CHECK-NEXT:   output: "fc"
// CHECK:        op_type: "Gemm"
// CHECK:          name: "transB"
// CHECK-NEXT:     i: 1
// CHECK:      node {
// CHECK-NEXT:   input: "fc"
// CHECK-NEXT:   output: "logits"
// CHECK:        op_type: "Relu"
// CHECK:      initializer {
// CHECK-NEXT:   dims: 3
// CHECK-NEXT:   dims: 2
// CHECK-NEXT:   data_type: 1
// CHECK-NEXT:   name: "fc.weight"
// CHECK-NEXT:   raw_data: "\000\000\200?\000\000\000@\000\000@@\000\000\200@\000\000\240@\000\000\300@"
// CHECK:      initializer {
// CHECK-NEXT:   dims: 3
// CHECK-NEXT:   data_type: 1
// CHECK-NEXT:   name: "fc.bias"
// CHECK-NEXT:   raw_data: "\000\000\000?\000\000\000?\000\000\000?"
// CHECK:      input {
// CHECK-NEXT:   name: "pixels"
// CHECK:          elem_type: 1
// CHECK:            dim_value: 4
// CHECK:            dim_value: 2
// CHECK:      output {
// CHECK-NEXT:   name: "logits"
// CHECK:      opset_import {
// CHECK-NEXT:   domain: ""
// CHECK-NEXT:   version: 13
qat.param @fc.weight = dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]> : tensor<3x2xf32>
qat.param @fc.bias = dense<0.5> : tensor<3xf32>
func.func @forward(%x: tensor<4x2xf32>) -> tensor<4x3xf32>
    attributes {qat.input_names = ["pixels"], qat.output_names = ["logits"]} {
  %w = qat.load @fc.weight : tensor<3x2xf32>
  %b = qat.load @fc.bias : tensor<3xf32>
  %y = qat.linear %x, %w, %b : (tensor<4x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<4x3xf32>
  %r = qat.relu %y : tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}

// -----

// Float conv (groups, strides, asymmetric padding, dilation), batch norm at
// inference (its running statistics, even when it trains), ReLU6 as Clip,
// pools (ceil_mode where it changes the size; count_include_pad), and
// flattens as Reshapes (ONNX Runtime moves a DequantizeLinear across a
// Reshape, not across a Flatten).
// CHECK-LABEL: producer_name: "qat-export"
// CHECK:      input: "input"
// CHECK-NEXT: input: "conv.weight"
// CHECK-NEXT: input: "conv.bias"
// CHECK-NEXT: output: "conv"
// CHECK:      op_type: "Conv"
// CHECK:        name: "kernel_shape"
// CHECK-NEXT:   ints: 3
// CHECK-NEXT:   ints: 3
// CHECK:        name: "strides"
// CHECK-NEXT:   ints: 2
// CHECK-NEXT:   ints: 1
// CHECK:        name: "pads"
// CHECK-NEXT:   ints: 1
// CHECK-NEXT:   ints: 2
// CHECK-NEXT:   ints: 0
// CHECK-NEXT:   ints: 1
// CHECK:        name: "dilations"
// CHECK-NEXT:   ints: 1
// CHECK-NEXT:   ints: 2
// CHECK:        name: "group"
// CHECK-NEXT:   i: 2
// CHECK:      input: "conv"
// CHECK-NEXT: input: "bn.weight"
// CHECK-NEXT: input: "bn.bias"
// CHECK-NEXT: input: "bn.running_mean"
// CHECK-NEXT: input: "bn.running_var"
// CHECK-NEXT: output: "bn"
// CHECK:      op_type: "BatchNormalization"
// CHECK:        name: "epsilon"
// CHECK-NEXT:   f: 0.001
// CHECK:      input: "bn"
// CHECK-NEXT: input: "clip_min"
// CHECK-NEXT: input: "clip_max"
// CHECK-NEXT: output: "bn_relu6"
// CHECK:      op_type: "Clip"
// CHECK:      op_type: "MaxPool"
// CHECK:        name: "kernel_shape"
// CHECK:        name: "strides"
// CHECK-NEXT:   ints: 2
// CHECK-NEXT:   ints: 2
// CHECK:        name: "ceil_mode"
// CHECK-NEXT:   i: 1
// CHECK:      op_type: "AveragePool"
// CHECK:        name: "pads"
// CHECK-NEXT:   ints: 1
// CHECK-NEXT:   ints: 1
// CHECK-NEXT:   ints: 1
// CHECK-NEXT:   ints: 1
// CHECK-NOT:    ceil_mode
// CHECK:        name: "count_include_pad"
// CHECK-NEXT:   i: 0
// CHECK:      op_type: "GlobalAveragePool"
// CHECK:      input: "gap"
// CHECK-NEXT: input: "shape"
// CHECK-NEXT: output: "output"
// CHECK:      op_type: "Reshape"
// CHECK:      input: "avgpool"
// CHECK-NEXT: input: "shape_1"
// CHECK-NEXT: output: "reshape_1"
// CHECK:      op_type: "Reshape"
// CHECK:      input: "reshape_1"
// CHECK-NEXT: input: "shape_2"
// CHECK-NEXT: output: "output_1"
// CHECK:      op_type: "Reshape"
// CHECK:      name: "clip_max"
// CHECK-NEXT: raw_data: "\000\000\300@"
// CHECK:      dims: 2
// CHECK-NEXT: data_type: 7
// CHECK-NEXT: name: "shape"
// CHECK-NEXT: raw_data: "\002\000\000\000\000\000\000\000\004\000\000\000\000\000\000\000"
// CHECK:      dims: 3
// CHECK-NEXT: data_type: 7
// CHECK-NEXT: name: "shape_1"
// CHECK:      dims: 2
// CHECK-NEXT: data_type: 7
// CHECK-NEXT: name: "shape_2"
// CHECK-NEXT: raw_data: "\002\000\000\000\000\000\000\0000\000\000\000\000\000\000\000"
qat.param @conv.weight = dense<0.25> : tensor<4x2x3x3xf32>
qat.param @conv.bias = dense<0.0> : tensor<4xf32>
qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>
func.func @forward(%x: tensor<2x4x7x7xf32>) -> (tensor<2x4xf32>, tensor<2x48xf32>) {
  %w = qat.load @conv.weight : tensor<4x2x3x3xf32>
  %b = qat.load @conv.bias : tensor<4xf32>
  %c = qat.conv2d %x, %w, %b {groups = 2 : i64, strides = array<i64: 2, 1>, padding = array<i64: 1, 2, 0, 1>, dilation = array<i64: 1, 2>}
      : (tensor<2x4x7x7xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<2x4x3x6xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %n, %nm, %nv = qat.batch_norm %c, %g, %be, %rm, %rv {eps = 1.0e-3 : f64, training}
      : (tensor<2x4x3x6xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x3x6xf32>, tensor<4xf32>, tensor<4xf32>)
  qat.store %nm, @bn.running_mean : tensor<4xf32>
  %r = qat.relu6 %n : tensor<2x4x3x6xf32>
  %m = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>, ceil_mode} : tensor<2x4x3x6xf32> -> tensor<2x4x2x3xf32>
  %a = qat.avg_pool2d %m {kernel_size = array<i64: 2, 2>, strides = array<i64: 1, 1>, padding = array<i64: 1, 1>, ceil_mode, count_include_pad = false}
      : tensor<2x4x2x3xf32> -> tensor<2x4x3x4xf32>
  %gp = qat.global_avg_pool %a : tensor<2x4x3x4xf32> -> tensor<2x4x1x1xf32>
  %f = qat.flatten %a {start_dim = 2 : i64} : tensor<2x4x3x4xf32> -> tensor<2x4x12xf32>
  %f2 = qat.flatten %gp : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %rs = qat.reshape %f : tensor<2x4x12xf32> -> tensor<2x48xf32>
  return %f2, %rs : tensor<2x4xf32>, tensor<2x48xf32>
}

// -----

// Element-wise ops, softmax, concat, the stubs (no node); a returned graph
// input and a tensor returned twice get an Identity.
// CHECK-LABEL: producer_name: "qat-export"
// CHECK:      input: "x"
// CHECK-NEXT: input: "y"
// CHECK-NEXT: output: "add"
// CHECK:      op_type: "Add"
// CHECK:      input: "add"
// CHECK-NEXT: input: "y"
// CHECK-NEXT: output: "sub"
// CHECK:      op_type: "Sub"
// CHECK:      output: "mul"
// CHECK:      op_type: "Mul"
// CHECK:      output: "div"
// CHECK:      op_type: "Div"
// CHECK:      input: "div"
// CHECK-NEXT: input: "clip_min"
// CHECK-NEXT: input: "clip_max"
// CHECK-NEXT: output: "div_clamp"
// CHECK:      op_type: "Clip"
// CHECK:      input: "div_clamp"
// CHECK-NEXT: input: "x"
// CHECK-NEXT: output: "concat"
// CHECK:      op_type: "Concat"
// CHECK:        name: "axis"
// CHECK-NEXT:   i: -1
// CHECK:      input: "concat"
// CHECK-NEXT: output: "probs"
// CHECK:      op_type: "Softmax"
// CHECK:        name: "axis"
// CHECK-NEXT:   i: 1
// CHECK:      input: "probs"
// CHECK-NEXT: output: "probs_again"
// CHECK:      op_type: "Identity"
// CHECK:      input: "x"
// CHECK-NEXT: output: "output_2"
// CHECK:      op_type: "Identity"
// CHECK:      name: "clip_min"
// CHECK-NEXT: raw_data: "\000\000\000\277"
// CHECK:      name: "clip_max"
// CHECK-NEXT: raw_data: "\000\000\300?"
// CHECK:      output {
// CHECK-NEXT:   name: "probs"
// CHECK:      output {
// CHECK-NEXT:   name: "probs_again"
// CHECK:      output {
// CHECK-NEXT:   name: "output_2"
func.func @forward(%x: tensor<2x3xf32>, %y: tensor<2x3xf32>) -> (tensor<2x6xf32>, tensor<2x6xf32>, tensor<2x3xf32>)
    attributes {qat.input_names = ["x", "y"], qat.output_names = ["probs", "probs_again"]} {
  %q = qat.quant_stub %x : tensor<2x3xf32>
  %a = qat.add %q, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %s = qat.sub %a, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %m = qat.mul %s, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %d = qat.div %m, %y : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  %c = qat.clamp %d {min = -0.5 : f64, max = 1.5 : f64} : tensor<2x3xf32>
  %cat = qat.concat %c, %q {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x6xf32>
  %p = qat.softmax %cat {axis = 1 : i64} : tensor<2x6xf32>
  %o = qat.dequant_stub %p : tensor<2x6xf32>
  return %o, %o, %x : tensor<2x6xf32>, tensor<2x6xf32>, tensor<2x3xf32>
}

// -----

// A fake-quant model at inference: each fake_quant is QuantizeLinear ->
// [Clip] -> DequantizeLinear with frozen qparams (observer state through the
// one qparams function; learned LSQ parameters, the zero point rounded);
// float weights; per-channel weights along axis 0. The Clip narrows uint8 to
// reduce_range's [0, 127] and int8 to narrow range's [-127, 127]; observers
// and stores write nothing.
// CHECK-LABEL: producer_name: "qat-export"
// CHECK:      input: "input"
// CHECK-NEXT: input: "scale"
// CHECK-NEXT: input: "zero_point"
// CHECK-NEXT: output: "input_q"
// CHECK:      op_type: "QuantizeLinear"
// CHECK:      input: "input_q"
// CHECK-NEXT: input: "clip_min"
// CHECK-NEXT: input: "clip_max"
// CHECK-NEXT: output: "input_q_clip"
// CHECK:      op_type: "Clip"
// CHECK:      input: "input_q_clip"
// CHECK-NEXT: input: "scale"
// CHECK-NEXT: input: "zero_point"
// CHECK-NEXT: output: "input_fq"
// CHECK:      op_type: "DequantizeLinear"
// CHECK:      input: "fc.weight"
// CHECK-NEXT: input: "scale_1"
// CHECK-NEXT: input: "zero_point_1"
// CHECK-NEXT: output: "fc.weight_q"
// CHECK:      op_type: "QuantizeLinear"
// CHECK:        name: "axis"
// CHECK-NEXT:   i: 0
// CHECK:      input: "fc.weight_q"
// CHECK-NEXT: input: "clip_min_1"
// CHECK-NEXT: input: "clip_max_1"
// CHECK:      op_type: "Clip"
// CHECK:      output: "fc.weight_fq"
// CHECK:      op_type: "DequantizeLinear"
// CHECK:        name: "axis"
// CHECK-NEXT:   i: 0
// CHECK:      input: "input_fq"
// CHECK-NEXT: input: "fc.weight_fq"
// CHECK-NEXT: output: "fc"
// CHECK:      op_type: "Gemm"
// CHECK:      input: "fc"
// CHECK-NEXT: input: "scale_2"
// CHECK-NEXT: input: "zero_point_2"
// CHECK-NEXT: output: "fc_q"
// CHECK:      op_type: "QuantizeLinear"
// CHECK-NOT:  Clip
// CHECK:      input: "fc_q"
// CHECK-NEXT: input: "scale_2"
// CHECK-NEXT: input: "zero_point_2"
// CHECK-NEXT: output: "output"
// CHECK:      op_type: "DequantizeLinear"
// 0.01 (1.27 / 127) with the uint8 zero point 0; uint8 [0, 127].
// CHECK:      name: "scale"
// CHECK-NEXT: raw_data: "\n\327#<"
// CHECK:      data_type: 2
// CHECK-NEXT: name: "zero_point"
// CHECK-NEXT: raw_data: "\000"
// CHECK:      data_type: 2
// CHECK-NEXT: name: "clip_min"
// CHECK-NEXT: raw_data: "\000"
// CHECK:      data_type: 2
// CHECK-NEXT: name: "clip_max"
// CHECK-NEXT: raw_data: "\177"
// CHECK:      name: "fc.weight"
// Per channel: max(|min|, max) / 127 for 0.5, 1.0, 1.0; int8 [-127, 127].
// CHECK:      dims: 3
// CHECK-NEXT: data_type: 1
// CHECK-NEXT: name: "scale_1"
// CHECK-NEXT: raw_data: "\004\002\201;\004\002\001<\004\002\001<"
// CHECK:      dims: 3
// CHECK-NEXT: data_type: 3
// CHECK-NEXT: name: "zero_point_1"
// CHECK-NEXT: raw_data: "\000\000\000"
// CHECK:      name: "clip_min_1"
// CHECK-NEXT: raw_data: "\201"
// LSQ: scale 0.05, zero point -3.4 rounded to -3.
// CHECK:      name: "scale_2"
// CHECK-NEXT: raw_data: "\315\314L="
// CHECK:      data_type: 3
// CHECK-NEXT: name: "zero_point_2"
// CHECK-NEXT: raw_data: "\375"
qat.param @fc.weight = dense<[[0.5, -0.25], [0.125, 1.0], [-1.0, 0.75]]> : tensor<3x2xf32>
qat.param state @in_fq.min = dense<0.0> : tensor<1xf32>
qat.param state @in_fq.max = dense<1.27> : tensor<1xf32>
qat.param state @w_fq.min = dense<[-0.5, -1.0, -1.0]> : tensor<3xf32>
qat.param state @w_fq.max = dense<[0.5, 1.0, 0.75]> : tensor<3xf32>
qat.param state @out.scale = dense<[0.05]> : tensor<1xf32>
qat.param state @out.zero_point = dense<[-3.4]> : tensor<1xf32>
func.func @forward(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %mn = qat.load @in_fq.min : tensor<1xf32>
  %mx = qat.load @in_fq.max : tensor<1xf32>
  %s, %z, %nmn, %nmx = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average>, training}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  qat.store %nmn, @in_fq.min : tensor<1xf32>
  qat.store %nmx, @in_fq.max : tensor<1xf32>
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average>}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x2xf32>
  %w = qat.load @fc.weight : tensor<3x2xf32>
  %wmn = qat.load @w_fq.min : tensor<3xf32>
  %wmx = qat.load @w_fq.max : tensor<3xf32>
  %ws, %wz, %wnmn, %wnmx = qat.observe %w, %wmn, %wmx {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127, symmetric = true, axis = 0, narrow_range = true>}
      : (tensor<3x2xf32>, tensor<3xf32>, tensor<3xf32>) -> (tensor<3xf32>, tensor<3xi32>, tensor<3xf32>, tensor<3xf32>)
  %wq = qat.fake_quant %w, %ws, %wz {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127, symmetric = true, axis = 0, narrow_range = true>}
      : (tensor<3x2xf32>, tensor<3xf32>, tensor<3xi32>) -> tensor<3x2xf32>
  %y = qat.linear %xq, %wq : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  %os = qat.load @out.scale : tensor<1xf32>
  %oz = qat.load @out.zero_point : tensor<1xf32>
  %yq = qat.fake_quant %y, %os, %oz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = none, learnable = true>}
      : (tensor<4x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<4x3xf32>
  return %yq : tensor<4x3xf32>
}

// -----

// The int8 graph: qat.quantize to uint8 [0, 127] is QuantizeLinear + Clip;
// qat.qlinear is Gemm between DequantizeLinear of the input, of the int8
// weight (per channel, axis 0) and of the int32 bias (scale s_x * s_w[c],
// no zero point), and QuantizeLinear + Clip to its clamp [7, 255] (a fused
// ReLU at zero point 7).
// CHECK-LABEL: producer_name: "qat-export"
// CHECK:      output: "input_q"
// CHECK:      op_type: "QuantizeLinear"
// CHECK:      output: "input_q_clip"
// CHECK:      op_type: "Clip"
// CHECK:      input: "input_q_clip"
// CHECK-NEXT: input: "scale"
// CHECK-NEXT: input: "zero_point"
// CHECK-NEXT: output: "input_q_clip_dq"
// CHECK:      op_type: "DequantizeLinear"
// CHECK:      input: "fc.weight_q"
// CHECK-NEXT: input: "scale_1"
// CHECK-NEXT: input: "zero_point_1"
// CHECK-NEXT: output: "fc.weight_q_dq"
// CHECK:      op_type: "DequantizeLinear"
// CHECK:        name: "axis"
// CHECK-NEXT:   i: 0
// CHECK:      input: "fc.bias_q"
// CHECK-NEXT: input: "scale_2"
// CHECK-NEXT: output: "fc.bias_q_dq"
// CHECK:      op_type: "DequantizeLinear"
// CHECK:        name: "axis"
// CHECK-NEXT:   i: 0
// CHECK:      input: "input_q_clip_dq"
// CHECK-NEXT: input: "fc.weight_q_dq"
// CHECK-NEXT: input: "fc.bias_q_dq"
// CHECK-NEXT: output: "fc"
// CHECK:      op_type: "Gemm"
// CHECK:      input: "fc"
// CHECK-NEXT: input: "scale_3"
// CHECK-NEXT: input: "zero_point_2"
// CHECK-NEXT: output: "fc_q"
// CHECK:      op_type: "QuantizeLinear"
// CHECK:      input: "fc_q"
// CHECK-NEXT: input: "clip_min_1"
// CHECK-NEXT: input: "clip_max_1"
// CHECK-NEXT: output: "fc_q_clip"
// CHECK:      op_type: "Clip"
// CHECK:      input: "fc_q_clip"
// CHECK-NEXT: input: "scale_3"
// CHECK-NEXT: input: "zero_point_2"
// CHECK-NEXT: output: "output"
// CHECK:      op_type: "DequantizeLinear"
// CHECK:      dims: 3
// CHECK-NEXT: dims: 2
// CHECK-NEXT: data_type: 3
// CHECK-NEXT: name: "fc.weight_q"
// CHECK-NEXT: raw_data: "\001\376\003\004\373\006"
// CHECK:      data_type: 6
// CHECK-NEXT: name: "fc.bias_q"
// CHECK-NEXT: raw_data: "\n\000\000\000\354\377\377\377\036\000\000\000"
// 0.5 * {0.25, 0.5, 1.0}.
// CHECK:      dims: 3
// CHECK-NEXT: data_type: 1
// CHECK-NEXT: name: "scale_2"
// CHECK-NEXT: raw_data: "\000\000\000>\000\000\200>\000\000\000?"
// CHECK:      name: "clip_min_1"
// CHECK-NEXT: raw_data: "\007"
// CHECK:      name: "clip_max_1"
// CHECK-NEXT: raw_data: "\377"
qat.param @fc.weight_q = dense<[[1, -2], [3, 4], [-5, 6]]> : tensor<3x2xi8>
qat.param @fc.bias_q = dense<[10, -20, 30]> : tensor<3xi32>
func.func @forward(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %xq = qat.quantize %x : tensor<4x2xf32> -> tensor<4x2x!quant.uniform<u8<0:127>:f32, 0.5:3>>
  %w = qat.load @fc.weight_q : tensor<3x2xi8>
  %wq = quant.scast %w : tensor<3x2xi8> to tensor<3x2x!quant.uniform<i8:f32:0, {0.25,0.5,1.0}>>
  %b = qat.load @fc.bias_q : tensor<3xi32>
  %y = qat.qlinear %xq, %wq, %b {clamp_min = 7 : i64, clamp_max = 255 : i64}
      : (tensor<4x2x!quant.uniform<u8<0:127>:f32, 0.5:3>>, tensor<3x2x!quant.uniform<i8:f32:0, {0.25,0.5,1.0}>>, tensor<3xi32>) -> tensor<4x3x!quant.uniform<u8:f32, 2.0:7>>
  %d = qat.dequantize %y : tensor<4x3x!quant.uniform<u8:f32, 2.0:7>> -> tensor<4x3xf32>
  return %d : tensor<4x3xf32>
}

// -----

// More of the int8 graph: a depthwise conv with a per-tensor weight (no
// axis), qadd and qmul (Add/Mul of the dequantized operands), qavg_pool2d,
// and the ops that move 8-bit values as they are (MaxPool, Concat, Reshape
// on uint8). A value read twice is dequantized once.
// CHECK-LABEL: producer_name: "qat-export"
// CHECK:      output: "input_q"
// CHECK-NOT:  Clip
// CHECK:      input: "input_q"
// CHECK-NEXT: input: "scale"
// CHECK-NEXT: input: "zero_point"
// CHECK-NEXT: output: "input_q_dq"
// CHECK:      input: "dw.weight_q"
// CHECK-NEXT: input: "scale_1"
// CHECK-NEXT: input: "zero_point_1"
// CHECK-NEXT: output: "dw.weight_q_dq"
// CHECK-NEXT: name: "dw.weight_q_dq"
// CHECK-NEXT: op_type: "DequantizeLinear"
// CHECK-NEXT: }
// CHECK:      input: "dw.bias_q"
// CHECK-NEXT: input: "scale_2"
// CHECK-NEXT: output: "dw.bias_q_dq"
// CHECK-NEXT: name: "dw.bias_q_dq"
// CHECK-NEXT: op_type: "DequantizeLinear"
// CHECK-NEXT: }
// CHECK:      output: "dw"
// CHECK:      op_type: "Conv"
// CHECK:        name: "group"
// CHECK-NEXT:   i: 2
// CHECK:      output: "dw_q"
// CHECK:      output: "dw_q_dq"
// CHECK:      input: "dw_q_dq"
// CHECK-NEXT: input: "input_q_dq"
// CHECK-NEXT: output: "add"
// CHECK:      op_type: "Add"
// CHECK:      output: "add_q"
// CHECK:      output: "add_q_dq"
// CHECK:      input: "add_q_dq"
// CHECK-NEXT: input: "input_q_dq"
// CHECK-NEXT: output: "mul"
// CHECK:      op_type: "Mul"
// CHECK:      output: "mul_q_dq"
// CHECK:      input: "mul_q_dq"
// CHECK-NEXT: output: "avgpool"
// CHECK:      op_type: "AveragePool"
// CHECK:        name: "count_include_pad"
// CHECK-NEXT:   i: 1
// CHECK:      output: "avgpool_q"
// CHECK:      output: "avgpool_q_clip"
// CHECK:      input: "add_q"
// CHECK-NEXT: output: "maxpool"
// CHECK:      op_type: "MaxPool"
// CHECK:      input: "avgpool_q_clip"
// CHECK-NEXT: input: "maxpool"
// CHECK-NEXT: output: "concat"
// CHECK:      op_type: "Concat"
// CHECK:      input: "concat"
// CHECK-NEXT: input: "shape"
// CHECK-NEXT: output: "reshape"
// CHECK:      op_type: "Reshape"
// CHECK:      input: "reshape"
// CHECK-NEXT: input: "shape_1"
// CHECK-NEXT: output: "reshape_1"
// CHECK:      op_type: "Reshape"
// CHECK:      input: "reshape_1"
// CHECK-NEXT: input: "scale_4"
// CHECK-NEXT: input: "zero_point_3"
// CHECK-NEXT: output: "output"
// CHECK:      op_type: "DequantizeLinear"
// The bias scale 0.1 * 0.05 as a scalar.
// CHECK:      name: "scale_2"
// CHECK-NEXT: raw_data: "\013\327\243;"
// CHECK:      name: "clip_min"
// CHECK-NEXT: raw_data: "\010"
qat.param @dw.weight_q = dense<1> : tensor<2x1x3x3xi8>
qat.param @dw.bias_q = dense<[0, 5]> : tensor<2xi32>
!u10 = !quant.uniform<u8:f32, 0.1:10>
!u5 = !quant.uniform<u8:f32, 0.2:5>
!u8 = !quant.uniform<u8:f32, 0.25:8>
!u2 = !quant.uniform<u8:f32, 0.3:2>
func.func @forward(%x: tensor<1x2x4x4xf32>) -> tensor<4x4xf32> {
  %xq = qat.quantize %x : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x!u10>
  %w = qat.load @dw.weight_q : tensor<2x1x3x3xi8>
  %wq = quant.scast %w : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!quant.uniform<i8:f32, 0.05>>
  %b = qat.load @dw.bias_q : tensor<2xi32>
  %c = qat.qconv2d %xq, %wq, %b {groups = 2 : i64, padding = array<i64: 1, 1>, clamp_min = 0 : i64, clamp_max = 255 : i64}
      : (tensor<1x2x4x4x!u10>, tensor<2x1x3x3x!quant.uniform<i8:f32, 0.05>>, tensor<2xi32>) -> tensor<1x2x4x4x!u5>
  %a = qat.qadd %c, %xq {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!u5>, tensor<1x2x4x4x!u10>) -> tensor<1x2x4x4x!u8>
  %m = qat.qmul %a, %xq {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!u8>, tensor<1x2x4x4x!u10>) -> tensor<1x2x4x4x!u2>
  %p = qat.qavg_pool2d %m {kernel_size = array<i64: 2, 2>, clamp_min = 8 : i64, clamp_max = 255 : i64} : tensor<1x2x4x4x!u2> -> tensor<1x2x2x2x!u8>
  %mp = qat.max_pool2d %a {kernel_size = array<i64: 2, 2>} : tensor<1x2x4x4x!u8> -> tensor<1x2x2x2x!u8>
  %cat = qat.concat %p, %mp {axis = 1 : i64} : (tensor<1x2x2x2x!u8>, tensor<1x2x2x2x!u8>) -> tensor<1x4x2x2x!u8>
  %f = qat.flatten %cat : tensor<1x4x2x2x!u8> -> tensor<1x16x!u8>
  %r = qat.reshape %f : tensor<1x16x!u8> -> tensor<4x4x!u8>
  %d = qat.dequantize %r : tensor<4x4x!u8> -> tensor<4x4xf32>
  return %d : tensor<4x4xf32>
}

// -----

// A dense_resource parameter (as examples/*.mlir store weights).
// CHECK-LABEL: producer_name: "qat-export"
// CHECK:      input: "input"
// CHECK-NEXT: input: "w"
// CHECK:      op_type: "Add"
// CHECK:      dims: 2
// CHECK-NEXT: data_type: 1
// CHECK-NEXT: name: "w"
// CHECK-NEXT: raw_data: "\000\000\200?\000\000\000@"
qat.param @w = dense_resource<w_blob> : tensor<2xf32>
func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
  %w = qat.load @w : tensor<2xf32>
  %y = qat.add %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w_blob: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Low bit widths (docs/numerics.md#low-bit-widths) in 8-bit QDQ: a Clip to
// the spec's range follows each QuantizeLinear, uint8 [0, 15] for the 4-bit
// input (scale 1.5 / 15), int8 [-8, 7] for the 4-bit weights (scale
// 1 / 7.5, the symmetric divisor of [-8, 7]).
// CHECK-LABEL: producer_name: "qat-export"
// CHECK:      output: "input_q"
// CHECK:      op_type: "QuantizeLinear"
// CHECK:      output: "input_q_clip"
// CHECK:      op_type: "Clip"
// CHECK:      output: "fc.weight_q"
// CHECK:      op_type: "QuantizeLinear"
// CHECK:      output: "fc.weight_q_clip"
// CHECK:      op_type: "Clip"
// CHECK:      name: "scale"
// CHECK-NEXT: raw_data: "\315\314\314="
// CHECK:      data_type: 2
// CHECK-NEXT: name: "zero_point"
// CHECK:      data_type: 2
// CHECK-NEXT: name: "clip_min"
// CHECK-NEXT: raw_data: "\000"
// CHECK:      data_type: 2
// CHECK-NEXT: name: "clip_max"
// CHECK-NEXT: raw_data: "\017"
// CHECK:      name: "scale_1"
// CHECK-NEXT: raw_data: "\211\210\010>"
// CHECK:      data_type: 3
// CHECK-NEXT: name: "zero_point_1"
// CHECK:      data_type: 3
// CHECK-NEXT: name: "clip_min_1"
// CHECK-NEXT: raw_data: "\370"
// CHECK:      data_type: 3
// CHECK-NEXT: name: "clip_max_1"
// CHECK-NEXT: raw_data: "\007"
qat.param @fc.weight = dense<[[0.5, -0.25], [0.125, 1.0], [-1.0, 0.75]]> : tensor<3x2xf32>
qat.param state @in_fq.min = dense<0.0> : tensor<1xf32>
qat.param state @in_fq.max = dense<1.5> : tensor<1xf32>
qat.param state @w_fq.min = dense<-1.0> : tensor<1xf32>
qat.param state @w_fq.max = dense<0.75> : tensor<1xf32>
func.func @forward(%x: tensor<4x2xf32>) -> tensor<4x3xf32> {
  %mn = qat.load @in_fq.min : tensor<1xf32>
  %mx = qat.load @in_fq.max : tensor<1xf32>
  %s, %z, %nmn, %nmx = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui4, qmin = 0, qmax = 15>}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui4, qmin = 0, qmax = 15>}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x2xf32>
  %w = qat.load @fc.weight : tensor<3x2xf32>
  %wmn = qat.load @w_fq.min : tensor<1xf32>
  %wmx = qat.load @w_fq.max : tensor<1xf32>
  %ws, %wz, %wnmn, %wnmx = qat.observe %w, %wmn, %wmx {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true>}
      : (tensor<3x2xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %wq = qat.fake_quant %w, %ws, %wz {spec = #qat.qspec<dtype = i4, qmin = -8, qmax = 7, symmetric = true>}
      : (tensor<3x2xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<3x2xf32>
  %y = qat.linear %xq, %wq : (tensor<4x2xf32>, tensor<3x2xf32>) -> tensor<4x3xf32>
  return %y : tensor<4x3xf32>
}

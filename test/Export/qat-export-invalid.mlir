// RUN: qat-export %s --split-input-file --verify-diagnostics -o /dev/null

func.func @forward(%x: tensor<2x3xf32>, %l: tensor<2xi64>) -> tensor<f32> {
  // expected-error @+1 {{'qat.cross_entropy' op has no ONNX form in qat-export (it exports linear, conv2d, batch_norm, relu, relu6, clamp, add, sub, mul, div, concat, max_pool2d, avg_pool2d, global_avg_pool, flatten, reshape, softmax, the stubs, fake_quant and the int8 ops of --qat-convert)}}
  %c = qat.cross_entropy %x, %l : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<f32>
  return %c : tensor<f32>
}

// -----

// A prepared model whose observers saw nothing.
qat.param state @fq.min = dense<0x7F800000> : tensor<1xf32>
qat.param state @fq.max = dense<0xFF800000> : tensor<1xf32>
func.func @forward(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %mn = qat.load @fq.min : tensor<1xf32>
  %mx = qat.load @fq.max : tensor<1xf32>
  %s, %z, %a, %b = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>, training}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  // expected-error @+1 {{'qat.fake_quant' op has an observer that saw no data; train (or calibrate) the model before qat-export}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Observer state that is computed, not a parameter.
qat.param state @fq.min = dense<0.0> : tensor<1xf32>
func.func @forward(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %mn = qat.load @fq.min : tensor<1xf32>
  %mx = qat.relu %mn : tensor<1xf32>
  // expected-error @+1 {{'qat.observe' op qat-export needs this operand to be a qat.load of a parameter (the frozen value)}}
  %s, %z, %a, %b = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// 16-bit fake quantization.
qat.param state @fq.min = dense<-1.0> : tensor<1xf32>
qat.param state @fq.max = dense<1.0> : tensor<1xf32>
func.func @forward(%x: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %mn = qat.load @fq.min : tensor<1xf32>
  %mx = qat.load @fq.max : tensor<1xf32>
  %s, %z, %a, %b = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = i16, qmin = -32768, qmax = 32767>}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  // expected-error @+1 {{'qat.fake_quant' op quantizes to 'i16', which ONNX's QuantizeLinear (opset 13) cannot store (int8 or uint8 only)}}
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i16, qmin = -32768, qmax = 32767>}
      : (tensor<4x2xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// PyTorch's divisor of a partial ceil_mode window counts the padding up to
// the padded input only; ONNX runtimes count it otherwise.
func.func @forward(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x3x3xf32> {
  // expected-error @+1 {{'qat.avg_pool2d' op has a partial last window (ceil_mode) with count_include_pad, whose divisor ONNX runtimes count differently from PyTorch; qat-export does not write it}}
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1>, ceil_mode}
      : tensor<1x1x4x4xf32> -> tensor<1x1x3x3xf32>
  return %y : tensor<1x1x3x3xf32>
}

// -----

// The running statistics a batch norm computes are training state.
qat.param @p = dense<1.0> : tensor<2xf32>
func.func @forward(%x: tensor<1x2x2x2xf32>) -> tensor<2xf32> {
  %p = qat.load @p : tensor<2xf32>
  // expected-error @+1 {{'qat.batch_norm' op result #1 has no ONNX form (qat-export writes the inference graph, which computes only the first result)}}
  %y, %m, %v = qat.batch_norm %x, %p, %p, %p, %p {training}
      : (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<2xf32>) -> (tensor<1x2x2x2xf32>, tensor<2xf32>, tensor<2xf32>)
  return %m : tensor<2xf32>
}

// -----

// expected-error @+1 {{'func.func' op has more than one block; qat-export exports straight-line model functions}}
func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
  return %x : tensor<2xf32>
^bb1:
  return %x : tensor<2xf32>
}

// -----

// expected-error @+1 {{qat-export: the graph input or output 'input' has type 'tensor<2xi1>', which ONNX cannot carry here (ranked tensors of f32, i8, ui8, i32, i64 or 8-bit quantized types)}}
func.func @forward(%x: tensor<2xi1>) -> tensor<2xi1> {
  return %x : tensor<2xi1>
}

// -----

// expected-error @+1 {{'qat.param' op has elements of type 'f16', which qat-export cannot store in ONNX (f32, i8, ui8, i32, i64)}}
qat.param @h = dense<1.0> : tensor<2xf16>
func.func @forward(%x: tensor<2xf32>) -> tensor<2xf16> {
  %h = qat.load @h : tensor<2xf16>
  return %h : tensor<2xf16>
}

// -----

// expected-error @+1 {{'qat.param' op initial value refers to the resource 'missing', which the file does not hold}}
qat.param @w = dense_resource<missing> : tensor<2xf32>
func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
  %w = qat.load @w : tensor<2xf32>
  %y = qat.add %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

// expected-error @+1 {{'qat.param' op has an initial value qat-export cannot read (dense or dense_resource elements only)}}
qat.param @w = sparse<[[0]], [1.0]> : tensor<2xf32>
func.func @forward(%x: tensor<2xf32>) -> tensor<2xf32> {
  %w = qat.load @w : tensor<2xf32>
  %y = qat.add %x, %w : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'qat.quantize' op reads or makes '!quant.uniform<i16:f32, 1.000000e-01>', which ONNX's QuantizeLinear/DequantizeLinear cannot express (uniform quantized f32 with 8-bit storage only)}}
  %q = qat.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i16:f32, 0.1>>
  %y = qat.dequantize %q : tensor<4x!quant.uniform<i16:f32, 0.1>> -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// TFLite's fixed-point requant has no ONNX form; the model is written with
// the float one.
qat.param @w = dense<1> : tensor<2x2xi8>
qat.param @b = dense<0> : tensor<2xi32>
func.func @forward(%x: tensor<1x2xf32>) -> tensor<1x2xf32> {
  %xq = qat.quantize %x : tensor<1x2xf32> -> tensor<1x2x!quant.uniform<u8:f32, 0.1:3>>
  %w = qat.load @w : tensor<2x2xi8>
  %wq = quant.scast %w : tensor<2x2xi8> to tensor<2x2x!quant.uniform<i8:f32, 0.05>>
  %b = qat.load @b : tensor<2xi32>
  // expected-warning @+1 {{requantizes in TFLite's fixed point, which ONNX cannot express: ONNX runtimes requantize it in float (docs/numerics.md), which can differ by one step}}
  %y = qat.qlinear %xq, %wq, %b {requant = #qat.requant<fixed_point>, clamp_min = 0 : i64, clamp_max = 255 : i64}
      : (tensor<1x2x!quant.uniform<u8:f32, 0.1:3>>, tensor<2x2x!quant.uniform<i8:f32, 0.05>>, tensor<2xi32>) -> tensor<1x2x!quant.uniform<u8:f32, 0.2:4>>
  %d = qat.dequantize %y : tensor<1x2x!quant.uniform<u8:f32, 0.2:4>> -> tensor<1x2xf32>
  return %d : tensor<1x2xf32>
}

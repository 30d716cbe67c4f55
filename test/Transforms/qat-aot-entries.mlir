// RUN: qat-opt %s -split-input-file --qat-aot-entries | FileCheck %s
// RUN: rm -rf %t && split-file %s %t
// RUN: qat-opt %t/options.mlir '--qat-aot-entries=entry=infer prefix=net' | FileCheck %s --check-prefix=OPTS

// An int8 model: the float entry @qat_forward keeps the whole graph; the
// quantized entry @qat_forward_q takes and returns the storage values of the
// boundary quantize/dequantize (their qparams as argument and result
// attributes) and skips them and the stubs. Every other function and every
// parameter no entry reads is dropped; inputs are read-only for
// bufferization.
// CHECK-NOT: qat.param @unused
// CHECK-DAG: qat.param @w = dense<1> : tensor<3x4xi8>
// CHECK-DAG: qat.param @b = dense<0> : tensor<3xi32>
// CHECK-LABEL: func.func @qat_forward(
// CHECK-SAME: %[[X:.*]]: tensor<2x4xf32> {bufferization.writable = false}) -> tensor<2x3xf32>
// CHECK-NEXT: %[[S:.*]] = qat.quant_stub %[[X]]
// CHECK-NEXT: %[[Q:.*]] = qat.quantize %[[S]]
// CHECK: %[[Y:.*]] = qat.qlinear %[[Q]],
// CHECK-NEXT: %[[D:.*]] = qat.dequantize %[[Y]]
// CHECK-NEXT: %[[O:.*]] = qat.dequant_stub %[[D]]
// CHECK-NEXT: return %[[O]] : tensor<2x3xf32>
// CHECK-LABEL: func.func @qat_forward_q(
// CHECK-SAME: %[[XQ:.*]]: tensor<2x4xi8> {bufferization.writable = false, qat.qmax = 255 : i64, qat.qmin = 0 : i64, qat.scale = 1.000000e-01 : f64, qat.storage = "uint8", qat.zero_point = 3 : i64})
// CHECK-SAME: -> (tensor<2x3xi8> {qat.qmax = 255 : i64, qat.qmin = 0 : i64, qat.scale = 2.000000e-01 : f64, qat.storage = "uint8", qat.zero_point = 5 : i64})
// CHECK-NOT: qat.quant_stub
// CHECK-NOT: qat.quantize
// CHECK-NEXT: %[[C:.*]] = quant.scast %[[XQ]] : tensor<2x4xi8> to tensor<2x4x!quant.uniform<u8:f32, 1.000000e-01:3>>
// CHECK: %[[W:.*]] = qat.load @w
// CHECK: %[[YQ:.*]] = qat.qlinear %[[C]],
// CHECK: %[[R:.*]] = quant.scast %[[YQ]] : tensor<2x3x!quant.uniform<u8:f32, 2.000000e-01:5>> to tensor<2x3xi8>
// CHECK-NEXT: return %[[R]] : tensor<2x3xi8>
// CHECK-NOT: func.func @eval_step
qat.param @w = dense<1> : tensor<3x4xi8>
qat.param @b = dense<0> : tensor<3xi32>
qat.param @unused = dense<0.0> : tensor<3xf32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %s = qat.quant_stub %x : tensor<2x4xf32>
  %q = qat.quantize %s : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>
  %w8 = qat.load @w : tensor<3x4xi8>
  %w = quant.scast %w8 : tensor<3x4xi8> to tensor<3x4x!quant.uniform<i8:f32, 0.05>>
  %b = qat.load @b : tensor<3xi32>
  %y = qat.qlinear %q, %w, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<2x4x!quant.uniform<u8:f32, 0.1:3>>, tensor<3x4x!quant.uniform<i8:f32, 0.05>>, tensor<3xi32>) -> tensor<2x3x!quant.uniform<u8:f32, 0.2:5>>
  %d = qat.dequantize %y : tensor<2x3x!quant.uniform<u8:f32, 0.2:5>> -> tensor<2x3xf32>
  %o = qat.dequant_stub %d : tensor<2x3xf32>
  return %o : tensor<2x3xf32>
}
func.func @eval_step(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %u = qat.load @unused : tensor<3xf32>
  return %x : tensor<2x4xf32>
}

// -----

// Two inputs and two outputs, each through its own boundary op (signed
// storage): the quantized entry has one storage value per input and output,
// in order.
// CHECK-LABEL: func.func @qat_forward(
// CHECK-SAME: tensor<4xf32> {bufferization.writable = false}, %{{.*}}: tensor<4xf32> {bufferization.writable = false}) -> (tensor<4xf32>, tensor<4xf32>)
// CHECK-LABEL: func.func @qat_forward_q(
// CHECK-SAME: %[[A:[^:]*]]: tensor<4xi8> {bufferization.writable = false, qat.qmax = 127 : i64, qat.qmin = -128 : i64, qat.scale = 2.500000e-01 : f64, qat.storage = "int8", qat.zero_point = -1 : i64}
// CHECK-SAME: %[[B:[^:]*]]: tensor<4xi8> {bufferization.writable = false, qat.qmax = 127 : i64, qat.qmin = -128 : i64, qat.scale = 5.000000e-01 : f64, qat.storage = "int8", qat.zero_point = 2 : i64})
// CHECK-SAME: -> (tensor<4xi8> {qat.qmax = 127 : i64, qat.qmin = -128 : i64, qat.scale = 7.500000e-01 : f64, qat.storage = "int8", qat.zero_point = 0 : i64}, tensor<4xi8> {qat.qmax = 127 : i64, qat.qmin = -128 : i64, qat.scale = 2.500000e-01 : f64, qat.storage = "int8", qat.zero_point = -1 : i64})
// CHECK-DAG: %[[CA:.*]] = quant.scast %[[A]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 2.500000e-01:-1>>
// CHECK-DAG: %[[CB:.*]] = quant.scast %[[B]] : tensor<4xi8> to tensor<4x!quant.uniform<i8:f32, 5.000000e-01:2>>
// CHECK: %[[SUM:.*]] = qat.qadd %[[CA]], %[[CB]]
// CHECK-DAG: %[[R0:.*]] = quant.scast %[[SUM]] : {{.*}} to tensor<4xi8>
// CHECK-DAG: %[[R1:.*]] = quant.scast %[[CA]] : {{.*}} to tensor<4xi8>
// CHECK: return %[[R0]], %[[R1]] : tensor<4xi8>, tensor<4xi8>
func.func @forward(%a: tensor<4xf32>, %b: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %qa = qat.quantize %a : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25:-1>>
  %qb = qat.quantize %b : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.5:2>>
  %s = qat.qadd %qa, %qb {clamp_min = -128 : i64, clamp_max = 127 : i64} : (tensor<4x!quant.uniform<i8:f32, 0.25:-1>>, tensor<4x!quant.uniform<i8:f32, 0.5:2>>) -> tensor<4x!quant.uniform<i8:f32, 0.75>>
  %d = qat.dequantize %s : tensor<4x!quant.uniform<i8:f32, 0.75>> -> tensor<4xf32>
  %e = qat.dequantize %qa : tensor<4x!quant.uniform<i8:f32, 0.25:-1>> -> tensor<4xf32>
  return %d, %e : tensor<4xf32>, tensor<4xf32>
}

// -----

// A result computed in float (no boundary dequantize): only the float
// entry.
// CHECK-LABEL: func.func @qat_forward(
// CHECK-SAME: %[[X:.*]]: tensor<4xf32> {bufferization.writable = false}) -> tensor<4xf32>
// CHECK-NEXT: %[[Q:.*]] = qat.quantize %[[X]]
// CHECK-NEXT: %[[D:.*]] = qat.dequantize %[[Q]]
// CHECK-NEXT: %[[R:.*]] = qat.relu %[[D]]
// CHECK-NEXT: return %[[R]]
// CHECK-NOT: func.func @qat_forward_q
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qat.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  %d = qat.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.25>> -> tensor<4xf32>
  %r = qat.relu %d : tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// An input used by more than its quantize: no quantized entry either.
// CHECK-LABEL: func.func @qat_forward(
// CHECK-NOT: func.func @qat_forward_q
func.func @forward(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %q = qat.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  %d = qat.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.25>> -> tensor<4xf32>
  return %d, %x : tensor<4xf32>, tensor<4xf32>
}

// -----

//--- options.mlir
// `entry` picks the function, `prefix` names the entries <prefix>_<entry>
// and <prefix>_<entry>_q; the other functions (here @forward) are dropped.
// OPTS-NOT: func.func @forward
// OPTS-NOT: func.func @qat_
// OPTS-LABEL: func.func @net_infer(
// OPTS-SAME: tensor<4xf32> {bufferization.writable = false}) -> tensor<4xf32>
// OPTS-LABEL: func.func @net_infer_q(
// OPTS-SAME: tensor<4xi8> {bufferization.writable = false, qat.qmax = 127 : i64, qat.qmin = -128 : i64, qat.scale = 2.500000e-01 : f64, qat.storage = "int8", qat.zero_point = 0 : i64}
// OPTS-NOT: func.func
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @infer(%x: tensor<4xf32>) -> tensor<4xf32> {
  %q = qat.quantize %x : tensor<4xf32> -> tensor<4x!quant.uniform<i8:f32, 0.25>>
  %d = qat.dequantize %q : tensor<4x!quant.uniform<i8:f32, 0.25>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

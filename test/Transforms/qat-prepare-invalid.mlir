// Errors in the IR: reported at the op, checked with -verify-diagnostics.
// RUN: qat-opt %s -split-input-file --qat-prepare -verify-diagnostics
//
// Errors in the pass option values are reported as the option, before any
// IR is read (no location); an override that selects no op of the model is
// reported at the model with the ops it could select. Neither dumps the IR
// (no note). Checked on the last split alone.
// RUN: rm -rf %t && split-file %s %t
// RUN: not qat-opt %t/options.mlir --qat-prepare=preset=foo 2>&1 | FileCheck %s --check-prefix=PRESET --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir --qat-prepare=override=foo:skip 2>&1 | FileCheck %s --check-prefix=SELECTOR --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=*:act.frobnicate=true' 2>&1 | FileCheck %s --check-prefix=KEY --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=*:act.skip' 2>&1 | FileCheck %s --check-prefix=ACT-SKIP --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=*:dtype=i9' 2>&1 | FileCheck %s --check-prefix=DTYPE --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=*:act.observer=median' 2>&1 | FileCheck %s --check-prefix=OBSERVER --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=*:weight.per-channel=maybe' 2>&1 | FileCheck %s --check-prefix=PER-CHANNEL --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=*:skip=maybe' 2>&1 | FileCheck %s --check-prefix=SKIP --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir --qat-prepare=override=kind=conv2d:skip 2>&1 | FileCheck %s --check-prefix=NO-OP --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir --qat-prepare=override=name=fc9:act.observer=minmax 2>&1 | FileCheck %s --check-prefix=NO-NAME --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir --qat-prepare=override=kind=linear 2>&1 | FileCheck %s --check-prefix=NOTHING --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=*:act.per-channel=true' 2>&1 | FileCheck %s --check-prefix=ACT-PC --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=*:observer=none' 2>&1 | FileCheck %s --check-prefix=NONE --implicit-check-not=note:
// RUN: not qat-opt %t/options.mlir '--qat-prepare=override=name=:skip' 2>&1 | FileCheck %s --check-prefix=EMPTY --implicit-check-not=note:

// The dequant_stub's input (%y) never went through a quant_stub.
func.func @dequant_without_quant(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>) {
  %q = qat.quant_stub %x : tensor<2x4xf32>
  %r = qat.relu %q : tensor<2x4xf32>
  %d = qat.dequant_stub %r : tensor<2x4xf32>
  // expected-error @below {{'qat.dequant_stub' op has no matching quant_stub: its input is not in a quantized region}}
  %d2 = qat.dequant_stub %y : tensor<2x4xf32>
  return %d, %d2 : tensor<2x4xf32>, tensor<2x4xf32>
}

// -----

// Twice dequantized: the second dequant_stub's input is float again.
func.func @dequant_twice(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = qat.quant_stub %x : tensor<2x4xf32>
  %d = qat.dequant_stub %q : tensor<2x4xf32>
  // expected-error @below {{'qat.dequant_stub' op has no matching quant_stub: its input is not in a quantized region}}
  %d2 = qat.dequant_stub %d : tensor<2x4xf32>
  return %d2 : tensor<2x4xf32>
}

// -----

func.func @quant_stub_in_region(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = qat.quant_stub %x : tensor<2x4xf32>
  %r = qat.relu %q : tensor<2x4xf32>
  // expected-error @below {{'qat.quant_stub' op is inside a quantized region: quant/dequant stub pairs must not nest}}
  %q2 = qat.quant_stub %r : tensor<2x4xf32>
  %d = qat.dequant_stub %q2 : tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

func.func @mixed_inputs(%x: tensor<2x4xf32>, %y: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %q = qat.quant_stub %x : tensor<2x4xf32>
  // expected-error @below {{'qat.add' op mixes quantized and float inputs; put a qat.quant_stub on the float one}}
  %a = qat.add %q, %y : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  %d = qat.dequant_stub %a : tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

// A value that left the region (dequant_stub) meets one still inside.
func.func @mixed_after_dequant(%x: tensor<2x4xf32>) -> tensor<4x4xf32> {
  %q = qat.quant_stub %x : tensor<2x4xf32>
  %d = qat.dequant_stub %q : tensor<2x4xf32>
  // expected-error @below {{'qat.concat' op mixes quantized and float inputs; put a qat.quant_stub on the float one}}
  %c = qat.concat %q, %d {axis = 0 : i64} : (tensor<2x4xf32>, tensor<2x4xf32>) -> tensor<4x4xf32>
  %r = qat.dequant_stub %c : tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

func.func @multi_block(%x: tensor<2xf32>, %c: i1) -> tensor<2xf32> {
  // expected-error @above {{'func.func' op qat-prepare expects single-block functions}}
  cf.cond_br %c, ^a, ^b
^a:
  return %x : tensor<2xf32>
^b:
  return %x : tensor<2xf32>
}

// -----

// A quantized value read by an op with integer results only: no float
// tensor to put a fake_quant on.
func.func @forward(%x: tensor<2x4xf32>, %t: tensor<2xi32>) -> tensor<i32> {
  %s = qat.quant_stub %x : tensor<2x4xf32>
  // expected-error @+1 {{'qat.correct_count' op consumes quantized values but produces no float tensor; qat-prepare cannot place it}}
  %c = qat.correct_count %s, %t : (tensor<2x4xf32>, tensor<2xi32>) -> tensor<i32>
  return %c : tensor<i32>
}

// -----

// A prepared model is not prepared again (its input would get a second
// fake-quant, and convert would leave one behind).
qat.param @in.min = dense<0x7F800000> : tensor<1xf32>
qat.param @in.max = dense<0xFF800000> : tensor<1xf32>
func.func @prepared(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %mn = qat.load @in.min : tensor<1xf32>
  %mx = qat.load @in.max : tensor<1xf32>
  // expected-error @below {{'qat.observe' op shows that the model is already prepared (or imported with its quantization): qat-prepare takes a float model; train this one as it is}}
  %s, %z, %nmn, %nmx = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %q = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
  %r = qat.relu %q : tensor<2x4xf32>
  return %r : tensor<2x4xf32>
}

// -----

// An int8 model has nothing left to prepare.
func.func @int8(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  // expected-error @below {{'qat.quantize' op shows that the model is already converted to int8: qat-prepare takes a float model}}
  %q = qat.quantize %x : tensor<2x4xf32> -> tensor<2x4x!quant.uniform<u8:f32, 0.1>>
  %d = qat.dequantize %q : tensor<2x4x!quant.uniform<u8:f32, 0.1>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

//--- options.mlir
qat.param @fc.weight = dense<0.25> : tensor<3x4xf32>
func.func @options(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = qat.load @fc.weight : tensor<3x4xf32>
  %y = qat.linear %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// PRESET: <unknown>:0: error: --qat-prepare: unknown preset 'foo' (known: x86, qnnpack, onednn, tflite, vnni, neon)
// SELECTOR: <unknown>:0: error: --qat-prepare: override 'foo:skip': the selector must be name=NAME, kind=KIND or *
// KEY: <unknown>:0: error: --qat-prepare: override '*:act.frobnicate=true': unknown setting 'frobnicate' (known: skip, act./weight. dtype, per-channel, symmetric, observer, learnable, grad-scaling, reduce-range, narrow-range)
// ACT-SKIP: <unknown>:0: error: --qat-prepare: override '*:act.skip': unknown setting 'skip'
// DTYPE: <unknown>:0: error: --qat-prepare: override '*:dtype=i9': dtype must be i2 to i8 or ui2 to ui8, got 'i9'
// OBSERVER: <unknown>:0: error: --qat-prepare: override '*:act.observer=median': observer must be minmax, moving_average or ema, got 'median' (observer none needs given qparams, as an imported QDQ model has)
// PER-CHANNEL: <unknown>:0: error: --qat-prepare: override '*:weight.per-channel=maybe': per-channel must be true or false, got 'maybe'
// SKIP: <unknown>:0: error: --qat-prepare: override '*:skip=maybe': skip must be true or false
// NO-OP: options.mlir:{{[0-9]+}}:{{[0-9]+}}: error: --qat-prepare: override 'kind=conv2d:skip' selects no op of this model (its ops: input (input), fc (linear))
// NO-NAME: options.mlir:{{[0-9]+}}:{{[0-9]+}}: error: --qat-prepare: override 'name=fc9:act.observer=minmax' selects no op of this model (its ops: input (input), fc (linear))
// NOTHING: <unknown>:0: error: --qat-prepare: override 'kind=linear' sets nothing
// ACT-PC: <unknown>:0: error: --qat-prepare: override '*:act.per-channel=true': activations are quantized per tensor; per-channel applies to weights (weight.per-channel)
// NONE: <unknown>:0: error: --qat-prepare: override '*:observer=none': observer must be minmax, moving_average or ema, got 'none'
// EMPTY: <unknown>:0: error: --qat-prepare: override 'name=:skip': the selector must be name=NAME, kind=KIND or * (with a non-empty NAME/KIND)

// Default preset (x86) and the other presets.
// RUN: qat-opt %s -split-input-file --qat-prepare | FileCheck %s
// RUN: qat-opt %s -split-input-file --qat-prepare=preset=x86 | FileCheck %s
// RUN: qat-opt %s -split-input-file --qat-prepare=preset=qnnpack | FileCheck %s --check-prefix=QNNPACK
// RUN: qat-opt %s -split-input-file --qat-prepare=preset=onednn | FileCheck %s --check-prefix=ONEDNN
// RUN: qat-opt %s -split-input-file --qat-prepare=preset=tflite | FileCheck %s --check-prefix=TFLITE
// RUN: qat-opt %s -split-input-file --qat-prepare=preset=vnni | FileCheck %s --check-prefix=VNNI
// RUN: qat-opt %s -split-input-file --qat-prepare=preset=neon | FileCheck %s --check-prefix=NEON
//
// Eval mode, fused groups, the legality report.
// RUN: qat-opt %s -split-input-file --qat-prepare=training=false | FileCheck %s --check-prefix=EVAL
// RUN: qat-opt %s -split-input-file --qat-fuse --qat-prepare | FileCheck %s --check-prefix=FUSED
// RUN: qat-opt %s -split-input-file --qat-prepare=report=true -verify-diagnostics 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=REPORT
//
// Overrides that select every op (`*`).
// RUN: qat-opt %s -split-input-file '--qat-prepare=override=*:act.observer=minmax' | FileCheck %s --check-prefix=MINMAX
// RUN: qat-opt %s -split-input-file '--qat-prepare=preset=qnnpack override=*:act.dtype=i8' | FileCheck %s --check-prefix=ACTI8
// RUN: qat-opt %s -split-input-file '--qat-prepare=override=*:weight.symmetric=false' | FileCheck %s --check-prefix=WASYM
// RUN: qat-opt %s -split-input-file '--qat-prepare=override=*:learnable=true' | FileCheck %s --check-prefix=LSQ
// RUN: qat-opt %s -split-input-file '--qat-prepare=override=*:grad-scaling=true' | FileCheck %s --check-prefix=GS
//
// Overrides that select by name or kind run on the last split alone (an
// override that selects nothing is an error).
// RUN: rm -rf %t && split-file %s %t
// RUN: qat-opt %t/overrides.mlir --qat-prepare=override=name=fc2:skip | FileCheck %s --check-prefix=SKIP
// RUN: qat-opt %t/overrides.mlir '--qat-prepare=override=name=fc2:skip report=true' 2>&1 >/dev/null \
// RUN:   | FileCheck %s --check-prefix=SKIP-REPORT
// RUN: qat-opt %t/overrides.mlir --qat-prepare=override=kind=linear:weight.per-channel=false \
// RUN:   | FileCheck %s --check-prefix=PER-TENSOR
// RUN: qat-opt %t/overrides.mlir '--qat-prepare=override=*:act.observer=minmax,name=head:act.observer=ema' \
// RUN:   | FileCheck %s --check-prefix=BY-LOC
// RUN: qat-opt %t/overrides.mlir --qat-prepare=override=kind=input:act.observer=minmax \
// RUN:   | FileCheck %s --check-prefix=INPUT

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @conv.bias = dense<0.1> : tensor<4xf32>
qat.param @fc.weight = dense<0.25> : tensor<10x64xf32>
qat.param @fc.bias = dense<0.0> : tensor<10xf32>

// Observer state: one element per tensor or per output channel, +inf/-inf.
// CHECK-DAG: qat.param state @input0_fq.min = dense<0x7F800000> : tensor<1xf32>
// CHECK-DAG: qat.param state @input0_fq.max = dense<0xFF800000> : tensor<1xf32>
// CHECK-DAG: qat.param state @conv.weight_fq.min = dense<0x7F800000> : tensor<4xf32>
// CHECK-DAG: qat.param state @conv.weight_fq.max = dense<0xFF800000> : tensor<4xf32>
// CHECK-DAG: qat.param state @conv.out_fq.min = dense<0x7F800000> : tensor<1xf32>
// CHECK-DAG: qat.param state @conv.out_fq.max = dense<0xFF800000> : tensor<1xf32>
// CHECK-DAG: qat.param state @fc.weight_fq.min = dense<0x7F800000> : tensor<10xf32>
// CHECK-DAG: qat.param state @fc.weight_fq.max = dense<0xFF800000> : tensor<10xf32>
// CHECK-DAG: qat.param state @fc.out_fq.min = dense<0x7F800000> : tensor<1xf32>
// CHECK-DAG: qat.param state @fc.out_fq.max = dense<0xFF800000> : tensor<1xf32>
//
// x86 (fbgemm): ui8 [0, 127] affine moving-average activations, i8
// symmetric per-channel (axis 0) weights. The wiring: load the state,
// observe, store the new state, fake-quantize with the observer's qparams.
// CHECK-LABEL: func.func @presets
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// CHECK-NEXT: %[[MN:.*]] = qat.load @input0_fq.min : tensor<1xf32>
// CHECK-NEXT: %[[MX:.*]] = qat.load @input0_fq.max : tensor<1xf32>
// CHECK-NEXT: %[[S:.*]], %[[Z:.*]], %[[NMN:.*]], %[[NMX:.*]] = qat.observe %[[X]], %[[MN]], %[[MX]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x3x6x6xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
// CHECK-NEXT: qat.store %[[NMN]], @input0_fq.min : tensor<1xf32>
// CHECK-NEXT: qat.store %[[NMX]], @input0_fq.max : tensor<1xf32>
// CHECK-NEXT: %[[XQ:.*]] = qat.fake_quant %[[X]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>} : (tensor<1x3x6x6xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<1x3x6x6xf32>
// CHECK-NEXT: %[[WC:.*]] = qat.load @conv.weight : tensor<4x3x3x3xf32>
// CHECK-NEXT: %[[BC:.*]] = qat.load @conv.bias : tensor<4xf32>
// CHECK-NEXT: %[[WMN:.*]] = qat.load @conv.weight_fq.min : tensor<4xf32>
// CHECK-NEXT: %[[WMX:.*]] = qat.load @conv.weight_fq.max : tensor<4xf32>
// CHECK-NEXT: %[[WS:.*]], %[[WZ:.*]], %[[WNMN:.*]], %[[WNMX:.*]] = qat.observe %[[WC]], %[[WMN]], %[[WMX]] {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<4xf32>, tensor<4xi32>, tensor<4xf32>, tensor<4xf32>)
// CHECK-NEXT: qat.store %[[WNMN]], @conv.weight_fq.min : tensor<4xf32>
// CHECK-NEXT: qat.store %[[WNMX]], @conv.weight_fq.max : tensor<4xf32>
// CHECK-NEXT: %[[WCQ:.*]] = qat.fake_quant %[[WC]], %[[WS]], %[[WZ]] {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xi32>) -> tensor<4x3x3x3xf32>
// CHECK-NEXT: %[[C:.*]] = qat.conv2d %[[XQ]], %[[WCQ]], %[[BC]]
// CHECK-NEXT: %[[CMN:.*]] = qat.load @conv.out_fq.min : tensor<1xf32>
// CHECK-NEXT: %[[CMX:.*]] = qat.load @conv.out_fq.max : tensor<1xf32>
// CHECK-NEXT: %[[CS:.*]], %[[CZ:.*]], %[[CNMN:.*]], %[[CNMX:.*]] = qat.observe %[[C]], %[[CMN]], %[[CMX]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training}
// CHECK-NEXT: qat.store %[[CNMN]], @conv.out_fq.min
// CHECK-NEXT: qat.store %[[CNMX]], @conv.out_fq.max
// CHECK-NEXT: %[[CQ:.*]] = qat.fake_quant %[[C]], %[[CS]], %[[CZ]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>}
// CHECK-NEXT: %[[F:.*]] = qat.flatten %[[CQ]]
// CHECK-NEXT: %[[WL:.*]] = qat.load @fc.weight
// CHECK-NEXT: %[[BL:.*]] = qat.load @fc.bias
// CHECK-NEXT: qat.load @fc.weight_fq.min : tensor<10xf32>
// CHECK-NEXT: qat.load @fc.weight_fq.max : tensor<10xf32>
// CHECK-NEXT: %[[LS:.*]], %[[LZ:.*]], %{{.*}}, %{{.*}} = qat.observe %[[WL]], {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<10x64xf32>, tensor<10xf32>, tensor<10xf32>)
// CHECK-NEXT: qat.store %{{.*}}, @fc.weight_fq.min
// CHECK-NEXT: qat.store %{{.*}}, @fc.weight_fq.max
// CHECK-NEXT: %[[WLQ:.*]] = qat.fake_quant %[[WL]], %[[LS]], %[[LZ]]
// CHECK-NEXT: %[[Y:.*]] = qat.linear %[[F]], %[[WLQ]], %[[BL]]
// CHECK-NEXT: qat.load @fc.out_fq.min
// CHECK-NEXT: qat.load @fc.out_fq.max
// CHECK-NEXT: %[[YS:.*]], %[[YZ:.*]], %{{.*}}, %{{.*}} = qat.observe %[[Y]], {{.*}}qmax = 127
// CHECK-NEXT: qat.store %{{.*}}, @fc.out_fq.min
// CHECK-NEXT: qat.store %{{.*}}, @fc.out_fq.max
// CHECK-NEXT: %[[YQ:.*]] = qat.fake_quant %[[Y]], %[[YS]], %[[YZ]]
// CHECK-NEXT: return %[[YQ]]
//
// qnnpack: ui8 [0, 255] activations, per-tensor symmetric i8 weights.
// QNNPACK-LABEL: func.func @presets
// QNNPACK-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// QNNPACK: qat.observe %[[X]], {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training}
// QNNPACK: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<4x3x3x3xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
// QNNPACK: qat.observe {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x4x4x4xf32>
// QNNPACK: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<10x64xf32>, tensor<1xf32>, tensor<1xf32>)
// QNNPACK: qat.observe {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x10xf32>
//
// onednn: x86 without reduce_range.
// ONEDNN-LABEL: func.func @presets
// ONEDNN-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// ONEDNN: qat.observe %[[X]], {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training}
// ONEDNN: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
// ONEDNN: qat.observe {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x4x4x4xf32>
// ONEDNN: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<10x64xf32>, tensor<10xf32>, tensor<10xf32>)
//
// tflite: i8 affine EMA activations (decay 0.999), narrow-range symmetric
// weights, per-channel for conv and per-tensor for dense, last-value
// (EMA with constant 1) weight observers, TF's straight-through estimator.
// TFLITE-LABEL: func.func @presets
// TFLITE-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// TFLITE: qat.observe %[[X]], {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = ema, averaging_constant = 1.000000e-03 : f64, tf_ste = true>, training}
// TFLITE: qat.fake_quant %[[X]], {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = ema, averaging_constant = 1.000000e-03 : f64, tf_ste = true>}
// TFLITE: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127, symmetric = true, axis = 0, narrow_range = true, observer = ema, averaging_constant = 1.000000e+00 : f64, tf_ste = true>, training} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
// TFLITE: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = ema, averaging_constant = 1.000000e-03 : f64, tf_ste = true>, training} : (tensor<1x4x4x4xf32>
// TFLITE: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127, symmetric = true, narrow_range = true, observer = ema, averaging_constant = 1.000000e+00 : f64, tf_ste = true>, training} : (tensor<10x64xf32>, tensor<1xf32>, tensor<1xf32>)
// TFLITE: qat.fake_quant {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127, symmetric = true, narrow_range = true, observer = ema, averaging_constant = 1.000000e+00 : f64, tf_ste = true>} : (tensor<10x64xf32>, tensor<1xf32>, tensor<1xi32>)
//
// vnni: the full ui8 range (vpdpbusd does not saturate), per-channel weights.
// VNNI-LABEL: func.func @presets
// VNNI-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// VNNI: qat.observe %[[X]], {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training}
// VNNI: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
// VNNI: qat.observe {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x4x4x4xf32>
// VNNI: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<10x64xf32>, tensor<10xf32>, tensor<10xf32>)
//
// neon: i8 activations, i8 per-channel weights.
// NEON-LABEL: func.func @presets
// NEON-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// NEON: qat.observe %[[X]], {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training}
// NEON: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
// NEON: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x4x4x4xf32>
// NEON: qat.observe {{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<10x64xf32>, tensor<10xf32>, tensor<10xf32>)
//
// training=false: the observers only compute qparams from the state.
// EVAL-LABEL: func.func @presets
// EVAL-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// EVAL-NOT: qat.store
// EVAL-NEXT: %[[MN:.*]] = qat.load @input0_fq.min
// EVAL-NEXT: %[[MX:.*]] = qat.load @input0_fq.max
// EVAL-NEXT: %[[S:.*]], %[[Z:.*]], %{{.*}}, %{{.*}} = qat.observe %[[X]], %[[MN]], %[[MX]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>} :
// EVAL-NEXT: %[[XQ:.*]] = qat.fake_quant %[[X]], %[[S]], %[[Z]]
// EVAL-NOT: qat.store
// EVAL-NOT: training
// EVAL: return
//
// The report: which ops are int8 and how their weights are quantized.
// REPORT: qat-prepare report (preset x86, target x86):
// REPORT-NEXT: @presets: no quant/dequant stubs, the whole graph is quantized
// REPORT-NEXT: conv (conv2d): int8, weight per-channel
// REPORT-NEXT: fc (linear): int8, weight per-channel
//
// act.observer=minmax: activation specs only (minmax is the default
// observer, so the spec prints none and no averaging constant).
// MINMAX-LABEL: func.func @presets
// MINMAX: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127>, training} : (tensor<1x3x6x6xf32>
// MINMAX: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<4x3x3x3xf32>
// MINMAX: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127>, training} : (tensor<1x4x4x4xf32>
// MINMAX: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127>, training} : (tensor<1x10xf32>
//
// act.dtype=i8 on qnnpack: [0, 255] becomes [-128, 127]; weights unchanged.
// ACTI8-LABEL: func.func @presets
// ACTI8: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x3x6x6xf32>
// ACTI8: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<4x3x3x3xf32>
// ACTI8: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x4x4x4xf32>
//
// weight.symmetric=false: affine per-channel weights; activations unchanged.
// WASYM-LABEL: func.func @presets
// WASYM: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<1x3x6x6xf32>
// WASYM: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<4x3x3x3xf32>
// WASYM: qat.observe %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<10x64xf32>
//
// learnable=true (LSQ): trainable (not state) scale and zero point, one per
// tensor or channel, a float zero point, no observer.
// LSQ-DAG: qat.param @input0_fq.scale = dense<1.000000e+00> : tensor<1xf32>
// LSQ-DAG: qat.param @input0_fq.zero_point = dense<0.000000e+00> : tensor<1xf32>
// LSQ-DAG: qat.param @conv.weight_fq.scale = dense<1.000000e+00> : tensor<4xf32>
// LSQ-DAG: qat.param @conv.weight_fq.zero_point = dense<0.000000e+00> : tensor<4xf32>
// LSQ-DAG: qat.param @conv.out_fq.scale = dense<1.000000e+00> : tensor<1xf32>
// LSQ-DAG: qat.param @conv.out_fq.zero_point = dense<0.000000e+00> : tensor<1xf32>
// LSQ-DAG: qat.param @fc.weight_fq.scale = dense<1.000000e+00> : tensor<10xf32>
// LSQ-DAG: qat.param @fc.out_fq.scale = dense<1.000000e+00> : tensor<1xf32>
// LSQ-LABEL: func.func @presets
// LSQ-SAME: (%[[X:.*]]: tensor<1x3x6x6xf32>)
// LSQ-NEXT: %[[S:.*]] = qat.load @input0_fq.scale : tensor<1xf32>
// LSQ-NEXT: %[[Z:.*]] = qat.load @input0_fq.zero_point : tensor<1xf32>
// LSQ-NEXT: %[[XQ:.*]] = qat.fake_quant %[[X]], %[[S]], %[[Z]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64, learnable = true>} : (tensor<1x3x6x6xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x3x6x6xf32>
// LSQ-NEXT: %[[W:.*]] = qat.load @conv.weight
// LSQ-NEXT: qat.load @conv.bias
// LSQ-NEXT: %[[WS:.*]] = qat.load @conv.weight_fq.scale : tensor<4xf32>
// LSQ-NEXT: %[[WZ:.*]] = qat.load @conv.weight_fq.zero_point : tensor<4xf32>
// LSQ-NEXT: %[[WQ:.*]] = qat.fake_quant %[[W]], %[[WS]], %[[WZ]] {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64, learnable = true>} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>) -> tensor<4x3x3x3xf32>
// LSQ-NEXT: qat.conv2d %[[XQ]], %[[WQ]]
// LSQ-NOT: qat.observe
// LSQ-NOT: qat.store
// LSQ: return
//
// grad-scaling=true implies learnable.
// GS-LABEL: func.func @presets
// GS: qat.fake_quant %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64, learnable = true, grad_scaling = true>} : (tensor<1x3x6x6xf32>, tensor<1xf32>, tensor<1xf32>)
// GS: qat.fake_quant %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, axis = 0, observer = moving_average, averaging_constant = 1.000000e-02 : f64, learnable = true, grad_scaling = true>} : (tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
func.func @presets(%x: tensor<1x3x6x6xf32>) -> tensor<1x10xf32> {
  %wc = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %bc = qat.load @conv.bias : tensor<4xf32>
  %c = qat.conv2d %x, %wc, %bc : (tensor<1x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<1x4x4x4xf32>
  %f = qat.flatten %c : tensor<1x4x4x4xf32> -> tensor<1x64xf32>
  %wl = qat.load @fc.weight : tensor<10x64xf32>
  %bl = qat.load @fc.bias : tensor<10xf32>
  %y = qat.linear %f, %wl, %bl : (tensor<1x64xf32>, tensor<10x64xf32>, tensor<10xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

qat.param @fc.weight = dense<0.25> : tensor<3x4xf32>

// No stubs: float inputs are fake-quantized as behind a QuantStub; integer
// labels and the loss are left alone.
// CHECK-LABEL: func.func @no_stubs
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>, %[[L:.*]]: tensor<2xi32>)
// CHECK-NOT: input1_fq
// CHECK: qat.load @input0_fq.min
// CHECK: %[[XQ:.*]] = qat.fake_quant %[[X]]
// CHECK-NOT: input1_fq
// CHECK: %[[Y:.*]] = qat.linear %[[XQ]]
// CHECK: %[[YQ:.*]] = qat.fake_quant %[[Y]]
// CHECK-NEXT: %[[CE:.*]] = qat.cross_entropy %[[YQ]], %[[L]]
// CHECK-NEXT: return %[[CE]]
// REPORT: @no_stubs: no quant/dequant stubs, the whole graph is quantized
func.func @no_stubs(%x: tensor<2x4xf32>, %labels: tensor<2xi32>) -> tensor<f32> {
  %w = qat.load @fc.weight : tensor<3x4xf32>
  %y = qat.linear %x, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %l = qat.cross_entropy %y, %labels : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<f32>
  return %l : tensor<f32>
}

// -----

qat.param @fc.weight = dense<0.25> : tensor<8x4xf32>

// Stubs: only the region between quant_stub and dequant_stub is quantized;
// the relu before and the softmax after stay untouched (and are not
// reported as float ops).
// CHECK-DAG: qat.param state @quant_stub_0.out_fq.min = dense<0x7F800000> : tensor<1xf32>
// CHECK-DAG: qat.param state @fc.out_fq.max = dense<0xFF800000> : tensor<1xf32>
// CHECK-LABEL: func.func @stubs
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK-NEXT: %[[PRE:.*]] = qat.relu %[[X]]
// CHECK-NEXT: %[[Q:.*]] = qat.quant_stub %[[PRE]]
// CHECK-NEXT: qat.load @quant_stub_0.out_fq.min
// CHECK-NEXT: qat.load @quant_stub_0.out_fq.max
// CHECK-NEXT: %[[S:.*]], %[[Z:.*]], %{{.*}}, %{{.*}} = qat.observe %[[Q]],
// CHECK-NEXT: qat.store
// CHECK-NEXT: qat.store
// CHECK-NEXT: %[[QQ:.*]] = qat.fake_quant %[[Q]], %[[S]], %[[Z]]
// CHECK: %[[Y:.*]] = qat.linear %[[QQ]]
// CHECK: %[[YQ:.*]] = qat.fake_quant %[[Y]]
// CHECK-NEXT: %[[D:.*]] = qat.dequant_stub %[[YQ]]
// CHECK-NEXT: %[[SM:.*]] = qat.softmax %[[D]]
// CHECK-NEXT: return %[[SM]]
// REPORT: qat-prepare report (preset x86, target x86):
// REPORT-NEXT: fc (linear): int8, weight per-channel
// REPORT-NEXT: qat-prepare report
func.func @stubs(%x: tensor<2x4xf32>) -> tensor<2x8xf32> {
  %pre = qat.relu %x : tensor<2x4xf32>
  %q = qat.quant_stub %pre : tensor<2x4xf32>
  %w = qat.load @fc.weight : tensor<8x4xf32>
  %y = qat.linear %q, %w : (tensor<2x4xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  %d = qat.dequant_stub %y : tensor<2x8xf32>
  %s = qat.softmax %d {axis = -1 : i64} : tensor<2x8xf32>
  return %s : tensor<2x8xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @fc.weight = dense<0.25> : tensor<10x16xf32>

// max_pool2d, flatten and reshape keep their input's qparams: no new
// fake-quant after them.
// CHECK-LABEL: func.func @pass_through
// CHECK: %[[C:.*]] = qat.conv2d
// CHECK: %[[CQ:.*]] = qat.fake_quant %[[C]]
// CHECK-NEXT: %[[P:.*]] = qat.max_pool2d %[[CQ]]
// CHECK-NEXT: %[[F:.*]] = qat.flatten %[[P]]
// CHECK-NEXT: %[[R:.*]] = qat.reshape %[[F]]
// CHECK-NEXT: qat.load @fc.weight
// CHECK-NEXT: qat.load @fc.weight_fq.min
// CHECK: %[[Y:.*]] = qat.linear %[[R]]
// CHECK-NEXT: qat.load @fc.out_fq.min
// CHECK: return
func.func @pass_through(%x: tensor<1x3x6x6xf32>) -> tensor<1x10xf32> {
  %wc = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %c = qat.conv2d %x, %wc : (tensor<1x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<1x4x4x4xf32>
  %p = qat.max_pool2d %c {kernel_size = array<i64: 2, 2>} : tensor<1x4x4x4xf32> -> tensor<1x4x2x2xf32>
  %f = qat.flatten %p : tensor<1x4x2x2xf32> -> tensor<1x16xf32>
  %r = qat.reshape %f : tensor<1x16xf32> -> tensor<1x16xf32>
  %wl = qat.load @fc.weight : tensor<10x16xf32>
  %y = qat.linear %r, %wl : (tensor<1x16xf32>, tensor<10x16xf32>) -> tensor<1x10xf32>
  return %y : tensor<1x10xf32>
}

// -----

qat.param @c1.weight = dense<0.5> : tensor<4x3x1x1xf32>
qat.param @c2.weight = dense<0.5> : tensor<2x3x1x1xf32>

// All inputs of a concat (two conv outputs and a function input) share one
// observer state; the concat output is not fake-quantized again.
// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x4x4xf32>, %[[Z:.*]]: tensor<1x1x4x4xf32>)
// CHECK-NEXT: %[[ZMN:.*]] = qat.load @[[STATE:.*]].min : tensor<1xf32>
// CHECK-NEXT: qat.load @[[STATE]].max
// CHECK-NEXT: qat.observe %[[Z]], %[[ZMN]]
// CHECK-NEXT: qat.store %{{.*}}, @[[STATE]].min
// CHECK-NEXT: qat.store %{{.*}}, @[[STATE]].max
// CHECK-NEXT: %[[ZQ:.*]] = qat.fake_quant %[[Z]]
// CHECK: %[[A:.*]] = qat.conv2d
// CHECK-NEXT: qat.load @[[STATE]].min
// CHECK-NEXT: qat.load @[[STATE]].max
// CHECK-NEXT: qat.observe %[[A]]
// CHECK-NEXT: qat.store %{{.*}}, @[[STATE]].min
// CHECK-NEXT: qat.store %{{.*}}, @[[STATE]].max
// CHECK-NEXT: %[[AQ:.*]] = qat.fake_quant %[[A]]
// CHECK: %[[B:.*]] = qat.conv2d
// CHECK-NEXT: qat.load @[[STATE]].min
// CHECK-NEXT: qat.load @[[STATE]].max
// CHECK-NEXT: qat.observe %[[B]]
// CHECK-NEXT: qat.store %{{.*}}, @[[STATE]].min
// CHECK-NEXT: qat.store %{{.*}}, @[[STATE]].max
// CHECK-NEXT: %[[BQ:.*]] = qat.fake_quant %[[B]]
// CHECK-NEXT: %[[C:.*]] = qat.concat %[[AQ]], %[[BQ]], %[[ZQ]]
// CHECK-NEXT: %[[R:.*]] = qat.relu %[[C]]
// CHECK-NEXT: qat.load @relu_0.out_fq.min
// FUSED-LABEL: func.func @concat
func.func @concat(%x: tensor<1x3x4x4xf32>, %z: tensor<1x1x4x4xf32>) -> tensor<1x7x4x4xf32> {
  %w1 = qat.load @c1.weight : tensor<4x3x1x1xf32>
  %a = qat.conv2d %x, %w1 : (tensor<1x3x4x4xf32>, tensor<4x3x1x1xf32>) -> tensor<1x4x4x4xf32>
  %w2 = qat.load @c2.weight : tensor<2x3x1x1xf32>
  %b = qat.conv2d %x, %w2 : (tensor<1x3x4x4xf32>, tensor<2x3x1x1xf32>) -> tensor<1x2x4x4xf32>
  %c = qat.concat %a, %b, %z {axis = 1 : i64} : (tensor<1x4x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x1x4x4xf32>) -> tensor<1x7x4x4xf32>
  %r = qat.relu %c : tensor<1x7x4x4xf32>
  return %r : tensor<1x7x4x4xf32>
}

// -----

qat.param @conv.weight = dense<0.5> : tensor<4x3x3x3xf32>
qat.param @conv.bias = dense<0.1> : tensor<4xf32>
qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>
qat.param @lin.weight = dense<0.25> : tensor<5x16xf32>

// Without --qat-fuse, each op is quantized on its own and the batch norm
// stays float.
// CHECK-LABEL: func.func @fused
// CHECK: %[[C:.*]] = qat.conv2d
// CHECK: qat.fake_quant %[[C]]
// CHECK: %[[N:.*]], %{{.*}}, %{{.*}} = qat.batch_norm
// CHECK: qat.load @bn.out_fq.min
// CHECK: %[[R:.*]] = qat.relu
// CHECK-NEXT: qat.load @relu_0.out_fq.min
//
// With --qat-fuse: the conv-bn-relu group has one fake-quant, after the
// relu, with the state named after the conv; the weight fake-quant is on
// the BN-scaled weight; linear+relu likewise.
// FUSED-DAG: qat.param state @conv.weight_fq.min = dense<0x7F800000> : tensor<4xf32>
// FUSED-DAG: qat.param state @conv.out_fq.min = dense<0x7F800000> : tensor<1xf32>
// FUSED-DAG: qat.param state @lin.out_fq.min = dense<0x7F800000> : tensor<1xf32>
// FUSED-LABEL: func.func @fused
// FUSED-SAME: (%[[X:.*]]: tensor<2x3x6x6xf32>)
// FUSED: %[[XQ:.*]] = qat.fake_quant %[[X]]
// FUSED-NEXT: %[[W:.*]] = qat.load @conv.weight
// FUSED: %[[WS:.*]] = qat.mul %[[W]], %{{.*}} {qat.bn_folded_weight, qat.fused}
// FUSED-NEXT: qat.load @conv.weight_fq.min : tensor<4xf32>
// FUSED-NEXT: qat.load @conv.weight_fq.max : tensor<4xf32>
// FUSED-NEXT: %[[S:.*]], %[[Z:.*]], %{{.*}}, %{{.*}} = qat.observe %[[WS]], {{.*}}axis = 0
// FUSED-NEXT: qat.store %{{.*}}, @conv.weight_fq.min
// FUSED-NEXT: qat.store %{{.*}}, @conv.weight_fq.max
// FUSED-NEXT: %[[WQ:.*]] = qat.fake_quant %[[WS]], %[[S]], %[[Z]]
// FUSED-NEXT: %[[C:.*]] = qat.conv2d %[[XQ]], %[[WQ]] {qat.fused}
// FUSED-NEXT: qat.reshape
// FUSED-NEXT: %[[D:.*]] = qat.div %[[C]]
// FUSED-NEXT: qat.reshape
// FUSED-NEXT: %[[A:.*]] = qat.add %[[D]]
// FUSED-NEXT: %[[N:.*]], %{{.*}}, %{{.*}} = qat.batch_norm %[[A]], {{.*}} {qat.fused, training}
// FUSED-NEXT: qat.store
// FUSED-NEXT: qat.store
// FUSED-NEXT: %[[R:.*]] = qat.relu %[[N]]
// FUSED-NEXT: qat.load @conv.out_fq.min
// FUSED-NEXT: qat.load @conv.out_fq.max
// FUSED-NEXT: %[[RS:.*]], %[[RZ:.*]], %{{.*}}, %{{.*}} = qat.observe %[[R]]
// FUSED-NEXT: qat.store
// FUSED-NEXT: qat.store
// FUSED-NEXT: %[[RQ:.*]] = qat.fake_quant %[[R]], %[[RS]], %[[RZ]]
// FUSED-NEXT: qat.max_pool2d %[[RQ]]
// FUSED: %[[L:.*]] = qat.linear %{{.*}}, %{{.*}} {qat.fused}
// FUSED-NEXT: %[[LR:.*]] = qat.relu %[[L]]
// FUSED-NEXT: qat.load @lin.out_fq.min
// FUSED: %[[LQ:.*]] = qat.fake_quant %[[LR]]
// FUSED-NEXT: return %[[LQ]]
//
// REPORT: @fused: no quant/dequant stubs, the whole graph is quantized
// REPORT-NEXT: conv (conv2d): int8, weight per-channel
// REPORT-NEXT: lin (linear): int8, weight per-channel
func.func @fused(%x: tensor<2x3x6x6xf32>) -> tensor<2x5xf32> {
  %wc = qat.load @conv.weight : tensor<4x3x3x3xf32>
  %bc = qat.load @conv.bias : tensor<4xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %c = qat.conv2d %x, %wc, %bc : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>) -> tensor<2x4x4x4xf32>
  %n, %rm1, %rv1 = qat.batch_norm %c, %g, %be, %rm, %rv {training} : (tensor<2x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x4x4xf32>, tensor<4xf32>, tensor<4xf32>)
  qat.store %rm1, @bn.running_mean : tensor<4xf32>
  qat.store %rv1, @bn.running_var : tensor<4xf32>
  %r = qat.relu %n : tensor<2x4x4x4xf32>
  %p = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>} : tensor<2x4x4x4xf32> -> tensor<2x4x2x2xf32>
  %f = qat.flatten %p : tensor<2x4x2x2xf32> -> tensor<2x16xf32>
  %wl = qat.load @lin.weight : tensor<5x16xf32>
  %y = qat.linear %f, %wl : (tensor<2x16xf32>, tensor<5x16xf32>) -> tensor<2x5xf32>
  %yr = qat.relu %y : tensor<2x5xf32>
  return %yr : tensor<2x5xf32>
}

// -----

qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>

// Ops without int8 kernels stay float (reported); their inputs come from
// quantized ops and their outputs get a fresh fake-quant. mul and a
// standalone batch_norm (PyTorch has quantized batch_norm) are quantized.
// CHECK-LABEL: func.func @float_ops
// CHECK: %[[D:.*]] = qat.sub
// CHECK-NEXT: qat.load @sub_0.out_fq.min
// CHECK: %[[Q:.*]] = qat.div
// CHECK-NEXT: qat.load @div_0.out_fq.min
// CHECK: %[[S:.*]] = qat.softmax
// CHECK-NEXT: qat.load @softmax_0.out_fq.min
// CHECK: qat.batch_norm
// CHECK-NEXT: qat.load @bn.out_fq.min
// CHECK: qat.mul
// CHECK-NEXT: qat.load @mul_0.out_fq.min
// REPORT: @float_ops: no quant/dequant stubs, the whole graph is quantized
// REPORT-NEXT: sub_0 (sub): stays float on x86: no int8 kernel for element-wise sub/div
// REPORT-NEXT: div_0 (div): stays float on x86: no int8 kernel for element-wise sub/div
// REPORT-NEXT: softmax_0 (softmax): stays float on x86: softmax has no int8 kernel (exp/normalize in float)
// REPORT-NEXT: qat-prepare report
func.func @float_ops(%x: tensor<2x4x3x3xf32>, %y: tensor<2x4x3x3xf32>) -> (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>) {
  // expected-remark @below {{stays float on x86: no int8 kernel for element-wise sub/div}}
  %d = qat.sub %x, %y : (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  // expected-remark @below {{stays float on x86: no int8 kernel for element-wise sub/div}}
  %q = qat.div %d, %y : (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  // expected-remark @below {{stays float on x86: softmax has no int8 kernel (exp/normalize in float)}}
  %s = qat.softmax %q {axis = 1 : i64} : tensor<2x4x3x3xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %be = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %n, %rm1, %rv1 = qat.batch_norm %x, %g, %be, %rm, %rv : (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
  %m = qat.mul %x, %y : (tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>) -> tensor<2x4x3x3xf32>
  return %s, %n, %m : tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>, tensor<2x4x3x3xf32>
}

// -----

qat.param @ok.weight = dense<0.001> : tensor<1x132104xf32>
qat.param @big.weight = dense<0.001> : tensor<1x132105xf32>
qat.param @conv.weight = dense<0.001> : tensor<1x1024x12x11xf32>

// x86: K * 127 * 128 > 2^31 - 1 from K = 132105 on (linear: in features;
// conv: C/groups * KH * KW).
// CHECK-LABEL: func.func @overflow
func.func @overflow(%x: tensor<1x132104xf32>, %x2: tensor<1x132105xf32>, %x3: tensor<1x1024x12x11xf32>) -> (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1x1x1xf32>) {
  %w = qat.load @ok.weight : tensor<1x132104xf32>
  %y = qat.linear %x, %w : (tensor<1x132104xf32>, tensor<1x132104xf32>) -> tensor<1x1xf32>
  %w2 = qat.load @big.weight : tensor<1x132105xf32>
  // expected-warning @below {{int32 accumulator may overflow: K = 132105 products of up to 127 * 128 reach 2147498880 > 2^31 - 1}}
  %y2 = qat.linear %x2, %w2 : (tensor<1x132105xf32>, tensor<1x132105xf32>) -> tensor<1x1xf32>
  %w3 = qat.load @conv.weight : tensor<1x1024x12x11xf32>
  // expected-warning @below {{int32 accumulator may overflow: K = 135168 products of up to 127 * 128 reach 2197291008 > 2^31 - 1}}
  %y3 = qat.conv2d %x3, %w3 : (tensor<1x1024x12x11xf32>, tensor<1x1024x12x11xf32>) -> tensor<1x1x1x1xf32>
  return %y, %y2, %y3 : tensor<1x1xf32>, tensor<1x1xf32>, tensor<1x1x1x1xf32>
}

// -----

//--- overrides.mlir
qat.param @fc1.weight = dense<0.25> : tensor<8x4xf32>
qat.param @fc2.weight = dense<0.25> : tensor<6x8xf32>
qat.param @fc3.weight = dense<0.25> : tensor<3x6xf32>

// Default: all three linears are quantized; fc3 is named by its location.
// CHECK-LABEL: func.func @overrides
// CHECK: qat.load @fc2.weight_fq.min
// CHECK: qat.load @head.weight_fq.min
// CHECK: qat.load @head.out_fq.min
//
// name=fc2:skip: fc2 stays float (no weight fake-quant), its input is still
// quantized by its producer and its output gets a fresh fake-quant.
// SKIP-NOT: fc2.weight_fq
// SKIP-LABEL: func.func @overrides
// SKIP: qat.store %{{.*}}, @relu_0.out_fq.max
// SKIP-NEXT: %[[RQ:.*]] = qat.fake_quant
// SKIP-NEXT: %[[W2:.*]] = qat.load @fc2.weight
// SKIP-NEXT: %[[Y2:.*]] = qat.linear %[[RQ]], %[[W2]]
// SKIP-NEXT: qat.load @fc2.out_fq.min
// SKIP: qat.fake_quant %[[Y2]]
// SKIP: qat.load @head.weight_fq.min
// SKIP-REPORT: remark: stays float: skipped by an override
// SKIP-REPORT: qat-prepare report (preset x86, target x86):
// SKIP-REPORT-NEXT: @overrides: no quant/dequant stubs, the whole graph is quantized
// SKIP-REPORT-NEXT: fc2 (linear): stays float: skipped by an override
// SKIP-REPORT-NEXT: fc1 (linear): int8, weight per-channel
// SKIP-REPORT-NEXT: head (linear): int8, weight per-channel
//
// kind=linear:weight.per-channel=false: per-tensor weights (one-element
// state, no axis) for every linear.
// PER-TENSOR-DAG: qat.param state @fc1.weight_fq.min = dense<0x7F800000> : tensor<1xf32>
// PER-TENSOR-DAG: qat.param state @fc2.weight_fq.min = dense<0x7F800000> : tensor<1xf32>
// PER-TENSOR-DAG: qat.param state @head.weight_fq.max = dense<0xFF800000> : tensor<1xf32>
// PER-TENSOR-LABEL: func.func @overrides
// PER-TENSOR-COUNT-3: qat.fake_quant %{{.*}} {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true, observer = moving_average, averaging_constant = 1.000000e-02 : f64>} : (tensor<{{[0-9]+}}x{{[0-9]+}}xf32>, tensor<1xf32>, tensor<1xi32>)
//
// Several overrides apply in order: the later, by location name, wins.
// BY-LOC-LABEL: func.func @overrides
// BY-LOC: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127>, training} : (tensor<2x4xf32>
// BY-LOC: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127>, training} : (tensor<2x6xf32>
// BY-LOC: qat.load @head.out_fq.min
// BY-LOC: qat.observe %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = ema, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<2x3xf32>
//
// kind=input selects the function inputs of a stub-less graph only.
// INPUT-LABEL: func.func @overrides
// INPUT-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// INPUT: qat.observe %[[X]], {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127>, training}
// INPUT: qat.fake_quant %[[X]], {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127>}
// INPUT-NOT: qmax = 127>
// INPUT: return
func.func @overrides(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w1 = qat.load @fc1.weight : tensor<8x4xf32>
  %y1 = qat.linear %x, %w1 : (tensor<2x4xf32>, tensor<8x4xf32>) -> tensor<2x8xf32>
  %r1 = qat.relu %y1 : tensor<2x8xf32>
  %w2 = qat.load @fc2.weight : tensor<6x8xf32>
  %y2 = qat.linear %r1, %w2 : (tensor<2x8xf32>, tensor<6x8xf32>) -> tensor<2x6xf32>
  %w3 = qat.load @fc3.weight : tensor<3x6xf32>
  %y3 = qat.linear %y2, %w3 : (tensor<2x6xf32>, tensor<3x6xf32>) -> tensor<2x3xf32> loc("head")
  return %y3 : tensor<2x3xf32>
}

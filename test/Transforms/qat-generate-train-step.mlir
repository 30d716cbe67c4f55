// One model per part, each with the options it exercises.
// RUN: rm -rf %t && split-file %s %t
// RUN: qat-opt %t/relu.mlir --qat-generate-train-step | FileCheck %s
// RUN: qat-opt %t/linear.mlir --qat-generate-train-step | FileCheck %s --check-prefix=LINEAR
// RUN: qat-opt %t/conv.mlir --qat-generate-train-step=loss=mse | FileCheck %s --check-prefix=CONV
// RUN: qat-opt %t/elementwise.mlir --qat-generate-train-step | FileCheck %s --check-prefix=ELT
// RUN: qat-opt %t/fake-quant.mlir --qat-generate-train-step | FileCheck %s --check-prefix=FQ
// RUN: qat-opt %t/held-qparams.mlir --qat-generate-train-step | FileCheck %s --check-prefix=HELD
// RUN: qat-opt %t/held-qparams.mlir --qat-generate-train-step=freeze-observers=true | FileCheck %s --check-prefix=HELD-FROZEN
// RUN: qat-opt %t/linear.mlir '--qat-generate-train-step=momentum=0.9 dampening=0.1 weight-decay=0.01 nesterov=true' | FileCheck %s --check-prefix=MOMENTUM
// RUN: qat-opt %t/linear.mlir '--qat-generate-train-step=optimizer=adam beta1=0.8 beta2=0.5 eps=1e-6' | FileCheck %s --check-prefix=ADAM
// RUN: qat-opt %t/linear.mlir '--qat-generate-train-step=optimizer=adamw weight-decay=0.01' | FileCheck %s --check-prefix=ADAMW

//--- relu.mlir
// ReLU's gradient masks by its output (PyTorch's threshold_backward; the
// same mask as by its input), a clamp's by its input (inclusive bounds:
// its output is always inside them).
// CHECK-LABEL: func.func @train_step
// CHECK: %[[Y:.*]] = qat.linear
// CHECK: %[[R:.*]] = qat.relu %[[Y]]
// CHECK: qat.clamp %[[R]]
// CHECK: %[[DR:.*]] = qat.clamp_grad %[[R]], %{{.*}} {inclusive, max = 1.000000e+00 : f64, min = -1.000000e+00 : f64}
// CHECK: %[[DY:.*]] = qat.clamp_grad %[[R]], %[[DR]] {max = 0x7FF0000000000000 : f64, min = 0.000000e+00 : f64}
// CHECK: qat.linear_grad %{{.*}}, %{{.*}}, %[[DY]]
qat.param @w = dense<1.0> : tensor<4x3xf32>
func.func @forward(%x: tensor<2x3xf32>) -> tensor<2x4xf32> {
  %w = qat.load @w : tensor<4x3xf32>
  %y = qat.linear %x, %w : (tensor<2x3xf32>, tensor<4x3xf32>) -> tensor<2x4xf32>
  %r = qat.relu %y : tensor<2x4xf32>
  %c = qat.clamp %r {min = -1.0 : f64, max = 1.0 : f64} : tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}

//--- linear.mlir
// Cross-entropy and plain SGD (the defaults): @train_step takes the model
// inputs, the labels and the learning rate and returns the loss and the
// batch's correct count; the loss gradient (seeded with 1) flows back
// through linear_grad, and each trainable parameter is updated in place
// from the forward pass's load. @forward stays; @eval_step is its copy.
// LINEAR-LABEL: func.func @forward(
// LINEAR-LABEL: func.func @eval_step(
// LINEAR-SAME: %{{.*}}: tensor<2x4xf32>) -> tensor<2x3xf32>
// LINEAR-LABEL: func.func @train_step(
// LINEAR-SAME: %[[X:[^:]*]]: tensor<2x4xf32>, %[[T:[^:]*]]: tensor<2xi32>, %[[LR:[^:]*]]: tensor<f32>) -> (tensor<f32>, tensor<i32>)
// LINEAR-NEXT: %[[W:.*]] = qat.load @fc.weight : tensor<3x4xf32>
// LINEAR-NEXT: %[[B:.*]] = qat.load @fc.bias : tensor<3xf32>
// LINEAR-NEXT: %[[Y:.*]] = qat.linear %[[X]], %[[W]], %[[B]]
// LINEAR-NEXT: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// LINEAR-NEXT: %[[LOSS:.*]] = qat.cross_entropy %[[Y]], %[[T]]
// LINEAR-NEXT: %[[OK:.*]] = qat.correct_count %[[Y]], %[[T]]
// LINEAR-NEXT: %[[DY:.*]] = qat.cross_entropy_grad %[[Y]], %[[T]], %[[ONE]]
// LINEAR-NEXT: %{{.*}}, %[[DW:.*]], %[[DB:.*]] = qat.linear_grad %[[X]], %[[W]], %[[DY]] : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<2x3xf32>) -> (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>)
// LINEAR-NEXT: %[[Z3:.*]] = arith.constant dense<0.000000e+00> : tensor<3xf32>
// LINEAR-NEXT: %[[NB:.*]], %{{.*}} = qat.sgd_update %[[B]], %[[DB]], %[[Z3]], %[[LR]] : (
// LINEAR-NEXT: qat.store %[[NB]], @fc.bias
// LINEAR-NEXT: %[[Z34:.*]] = arith.constant dense<0.000000e+00> : tensor<3x4xf32>
// LINEAR-NEXT: %[[NW:.*]], %{{.*}} = qat.sgd_update %[[W]], %[[DW]], %[[Z34]], %[[LR]] : (
// LINEAR-NEXT: qat.store %[[NW]], @fc.weight
// LINEAR-NEXT: return %[[LOSS]], %[[OK]] : tensor<f32>, tensor<i32>
//
// SGD with momentum: a zero-initialized state parameter per trainable one
// holds the buffer, read and written back with the parameter; the
// hyper-parameters are the update's attributes.
// MOMENTUM-DAG: qat.param state @fc.bias.momentum_buffer = dense<0.000000e+00> : tensor<3xf32>
// MOMENTUM-DAG: qat.param state @fc.weight.momentum_buffer = dense<0.000000e+00> : tensor<3x4xf32>
// MOMENTUM-LABEL: func.func @train_step(
// MOMENTUM-SAME: %[[LR:[^:]*]]: tensor<f32>) -> (tensor<f32>, tensor<i32>)
// MOMENTUM: %[[B:.*]] = qat.load @fc.bias : tensor<3xf32>
// MOMENTUM: %{{.*}}, %[[DW:.*]], %[[DB:.*]] = qat.linear_grad
// MOMENTUM-NEXT: %[[BUF:.*]] = qat.load @fc.bias.momentum_buffer : tensor<3xf32>
// MOMENTUM-NEXT: %[[NB:.*]], %[[NBUF:.*]] = qat.sgd_update %[[B]], %[[DB]], %[[BUF]], %[[LR]] {dampening = 1.000000e-01 : f64, momentum = 9.000000e-01 : f64, nesterov, weight_decay = 1.000000e-02 : f64}
// MOMENTUM-NEXT: qat.store %[[NB]], @fc.bias : tensor<3xf32>
// MOMENTUM-NEXT: qat.store %[[NBUF]], @fc.bias.momentum_buffer : tensor<3xf32>
// MOMENTUM-NEXT: %[[WBUF:.*]] = qat.load @fc.weight.momentum_buffer : tensor<3x4xf32>
// MOMENTUM-NEXT: %[[NW:.*]], %[[NWBUF:.*]] = qat.sgd_update %{{.*}}, %[[DW]], %[[WBUF]], %[[LR]] {dampening = 1.000000e-01 : f64, momentum = 9.000000e-01 : f64, nesterov, weight_decay = 1.000000e-02 : f64}
// MOMENTUM-NEXT: qat.store %[[NW]], @fc.weight : tensor<3x4xf32>
// MOMENTUM-NEXT: qat.store %[[NWBUF]], @fc.weight.momentum_buffer : tensor<3x4xf32>
//
// Adam: two more scalar inputs (step size and sqrt of the second bias
// correction, computed on the host) and two zero-initialized states per
// parameter, all written back.
// ADAM-DAG: qat.param state @fc.bias.exp_avg = dense<0.000000e+00> : tensor<3xf32>
// ADAM-DAG: qat.param state @fc.bias.exp_avg_sq = dense<0.000000e+00> : tensor<3xf32>
// ADAM-DAG: qat.param state @fc.weight.exp_avg = dense<0.000000e+00> : tensor<3x4xf32>
// ADAM-DAG: qat.param state @fc.weight.exp_avg_sq = dense<0.000000e+00> : tensor<3x4xf32>
// ADAM-LABEL: func.func @train_step(
// ADAM-SAME: %[[LR:[^:]*]]: tensor<f32>, %[[STEP:[^:]*]]: tensor<f32>, %[[BC2:[^:]*]]: tensor<f32>) -> (tensor<f32>, tensor<i32>)
// ADAM: %[[B:.*]] = qat.load @fc.bias : tensor<3xf32>
// ADAM: %{{.*}}, %[[DW:.*]], %[[DB:.*]] = qat.linear_grad
// The moments are loaded in operand order, whatever the C++ compiler's
// order of evaluating call arguments.
// ADAM: %[[M:.*]] = qat.load @fc.bias.exp_avg : tensor<3xf32>
// ADAM-NEXT: %[[V:.*]] = qat.load @fc.bias.exp_avg_sq : tensor<3xf32>
// ADAM: %[[NB:.*]], %[[NM:.*]], %[[NV:.*]] = qat.adam_update %[[B]], %[[DB]], %[[M]], %[[V]], %[[LR]], %[[STEP]], %[[BC2]] {beta1 = 8.000000e-01 : f64, beta2 = 5.000000e-01 : f64, eps = 9.9999999999999995E-7 : f64}
// ADAM-NEXT: qat.store %[[NB]], @fc.bias : tensor<3xf32>
// ADAM-NEXT: qat.store %[[NM]], @fc.bias.exp_avg : tensor<3xf32>
// ADAM-NEXT: qat.store %[[NV]], @fc.bias.exp_avg_sq : tensor<3xf32>
// ADAM: qat.adam_update %{{.*}}, %[[DW]], {{.*}} : (tensor<3x4xf32>,
// ADAM-NOT: decoupled
//
// AdamW: the decoupled weight decay.
// ADAMW-LABEL: func.func @train_step(
// ADAMW: qat.adam_update {{.*}} {decoupled, weight_decay = 1.000000e-02 : f64} : (tensor<3xf32>,
// ADAMW: qat.adam_update {{.*}} {decoupled, weight_decay = 1.000000e-02 : f64} : (tensor<3x4xf32>,
qat.param @fc.weight = dense<0.5> : tensor<3x4xf32>
qat.param @fc.bias = dense<0.1> : tensor<3xf32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = qat.load @fc.weight : tensor<3x4xf32>
  %b = qat.load @fc.bias : tensor<3xf32>
  %y = qat.linear %x, %w, %b : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

//--- conv.mlir
// MSE over a conv + batch_norm (training) + relu + max_pool block: the
// target has the output's type, the step returns the loss only. The batch
// norm writes its running statistics back (they are state: no gradient,
// no update); its backward uses the batch statistics; the conv's gradient
// takes the normalized padding. The @eval_step copy normalizes with the
// running statistics and writes nothing.
// CONV-LABEL: func.func @eval_step(
// CONV: qat.batch_norm
// CONV-NOT: training
// CONV-NOT: qat.store
// CONV-LABEL: func.func @train_step(
// CONV-SAME: %[[X:[^:]*]]: tensor<2x1x6x6xf32>, %[[T:[^:]*]]: tensor<2x4x3x2xf32>, %[[LR:[^:]*]]: tensor<f32>) -> tensor<f32>
// CONV: %[[W:.*]] = qat.load @conv.weight
// CONV-NEXT: %[[C:.*]] = qat.conv2d %[[X]], %[[W]] {padding = array<i64: 1, 0>}
// CONV: %[[N:.*]], %[[NM:.*]], %[[NV:.*]] = qat.batch_norm %[[C]], %[[G:[^,]*]], %[[BETA:[^,]*]], %[[RM:[^,]*]], %[[RV:[^ ]*]] {training}
// CONV-NEXT: qat.store %[[NM]], @bn.running_mean
// CONV-NEXT: qat.store %[[NV]], @bn.running_var
// CONV-NEXT: %[[R:.*]] = qat.relu %[[N]]
// CONV-NEXT: %[[P:.*]] = qat.max_pool2d %[[R]] {kernel_size = array<i64: 2, 2>}
// CONV-NEXT: %[[ONE:.*]] = arith.constant dense<1.000000e+00> : tensor<f32>
// CONV-NEXT: %[[LOSS:.*]] = qat.mse %[[P]], %[[T]]
// CONV-NEXT: %[[DP:.*]] = qat.mse_grad %[[P]], %[[T]], %[[ONE]]
// CONV-NEXT: %[[DR:.*]] = qat.max_pool2d_grad %[[R]], %[[DP]] {kernel_size = array<i64: 2, 2>}
// CONV-NEXT: %[[DN:.*]] = qat.clamp_grad %[[R]], %[[DR]]
// CONV-NEXT: %[[DC:.*]], %[[DG:.*]], %[[DBETA:.*]] = qat.batch_norm_grad %[[C]], %[[G]], %[[RM]], %[[RV]], %[[DN]] {eps = 1.000000e-05 : f64, training}
// CONV-NEXT: %{{.*}}, %[[DW:.*]], %{{.*}} = qat.conv2d_grad %[[X]], %[[W]], %[[DC]] {dilation = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 1, 0, 1, 0>, strides = array<i64: 1, 1>}
// CONV-DAG: qat.sgd_update %[[BETA]], %[[DBETA]]
// CONV-DAG: qat.sgd_update %[[G]], %[[DG]]
// CONV-DAG: qat.sgd_update %[[W]], %[[DW]]
// CONV-NOT: @bn.running_mean
// CONV: return %[[LOSS]] : tensor<f32>
qat.param @conv.weight = dense<0.5> : tensor<4x1x3x3xf32>
qat.param @bn.weight = dense<1.0> : tensor<4xf32>
qat.param @bn.bias = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @bn.running_var = dense<1.0> : tensor<4xf32>
func.func @forward(%x: tensor<2x1x6x6xf32>) -> tensor<2x4x3x2xf32> {
  %w = qat.load @conv.weight : tensor<4x1x3x3xf32>
  %c = qat.conv2d %x, %w {padding = array<i64: 1, 0>} : (tensor<2x1x6x6xf32>, tensor<4x1x3x3xf32>) -> tensor<2x4x6x4xf32>
  %g = qat.load @bn.weight : tensor<4xf32>
  %b = qat.load @bn.bias : tensor<4xf32>
  %rm = qat.load @bn.running_mean : tensor<4xf32>
  %rv = qat.load @bn.running_var : tensor<4xf32>
  %n, %nm, %nv = qat.batch_norm %c, %g, %b, %rm, %rv {training} : (tensor<2x4x6x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) -> (tensor<2x4x6x4xf32>, tensor<4xf32>, tensor<4xf32>)
  %r = qat.relu %n : tensor<2x4x6x4xf32>
  %p = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>} : tensor<2x4x6x4xf32> -> tensor<2x4x3x2xf32>
  return %p : tensor<2x4x3x2xf32>
}

//--- elementwise.mlir
// Broadcasting: a parameter's gradient is summed back to its shape
// (sum_to_shape); a product's gradient is the other factor times the
// output gradient. Pools and global_avg_pool differentiate through
// avg_pool2d_grad (the global one as one window), flatten through a
// reshape. The gradient of the data input (mul by the scale) is dead and
// erased.
// ELT-LABEL: func.func @train_step(
// ELT-SAME: %[[X:[^:]*]]: tensor<2x2x4x4xf32>,
// ELT: %[[S:.*]] = qat.load @scale : tensor<1x2x1x1xf32>
// ELT-NEXT: %[[M:.*]] = qat.mul %[[X]], %[[S]]
// ELT-NEXT: %[[SH:.*]] = qat.load @shift : tensor<2x1x1xf32>
// ELT-NEXT: %[[A:.*]] = qat.add %[[M]], %[[SH]]
// ELT-NEXT: %[[P:.*]] = qat.avg_pool2d %[[A]] {kernel_size = array<i64: 2, 2>}
// ELT-NEXT: %[[G:.*]] = qat.global_avg_pool %[[P]]
// ELT-NEXT: %[[F:.*]] = qat.flatten %[[G]]
// ELT: %[[DF:.*]] = qat.cross_entropy_grad %[[F]]
// ELT-NEXT: %[[DG:.*]] = qat.reshape %[[DF]] : tensor<2x2xf32> -> tensor<2x2x1x1xf32>
// ELT-NEXT: %[[DP:.*]] = qat.avg_pool2d_grad %[[P]], %[[DG]] {kernel_size = array<i64: 2, 2>} : (tensor<2x2x2x2xf32>, tensor<2x2x1x1xf32>) -> tensor<2x2x2x2xf32>
// ELT-NEXT: %[[DA:.*]] = qat.avg_pool2d_grad %[[A]], %[[DP]] {kernel_size = array<i64: 2, 2>} : (tensor<2x2x4x4xf32>, tensor<2x2x2x2xf32>) -> tensor<2x2x4x4xf32>
// ELT-NEXT: %[[DSH:.*]] = qat.sum_to_shape %[[DA]] : (tensor<2x2x4x4xf32>) -> tensor<2x1x1xf32>
// ELT-NEXT: %[[DMS:.*]] = qat.mul %[[DA]], %[[X]]
// ELT-NEXT: %[[DS:.*]] = qat.sum_to_shape %[[DMS]] : (tensor<2x2x4x4xf32>) -> tensor<1x2x1x1xf32>
// ELT-NOT: qat.mul
// ELT: qat.sgd_update %[[SH]], %[[DSH]]
// ELT: qat.sgd_update %[[S]], %[[DS]]
qat.param @scale = dense<2.0> : tensor<1x2x1x1xf32>
qat.param @shift = dense<0.5> : tensor<2x1x1xf32>
func.func @forward(%x: tensor<2x2x4x4xf32>) -> tensor<2x2xf32> {
  %s = qat.load @scale : tensor<1x2x1x1xf32>
  %m = qat.mul %x, %s : (tensor<2x2x4x4xf32>, tensor<1x2x1x1xf32>) -> tensor<2x2x4x4xf32>
  %b = qat.load @shift : tensor<2x1x1xf32>
  %a = qat.add %m, %b : (tensor<2x2x4x4xf32>, tensor<2x1x1xf32>) -> tensor<2x2x4x4xf32>
  %p = qat.avg_pool2d %a {kernel_size = array<i64: 2, 2>} : tensor<2x2x4x4xf32> -> tensor<2x2x2x2xf32>
  %g = qat.global_avg_pool %p : tensor<2x2x2x2xf32> -> tensor<2x2x1x1xf32>
  %f = qat.flatten %g {start_dim = 1 : i64} : tensor<2x2x1x1xf32> -> tensor<2x2xf32>
  return %f : tensor<2x2xf32>
}

//--- fake-quant.mlir
// A prepared model (--qat-prepare): fake_quant differentiates by the
// straight-through estimator (fake_quant_grad, with its forward input and
// qparams), observers have no gradient but keep updating their state in
// training; the weight's gradient reaches the parameter through its
// fake_quant.
// FQ-LABEL: func.func @train_step(
// FQ-SAME: %[[X:[^:]*]]: tensor<2x4xf32>,
// FQ: %[[XS:[^,]*]], %[[XZ:[^,]*]], %[[XMIN:[^,]*]], %[[XMAX:[^ ]*]] = qat.observe %[[X]], {{.*}}, training}
// FQ-NEXT: qat.store %[[XMIN]], @x.min
// FQ-NEXT: qat.store %[[XMAX]], @x.max
// FQ-NEXT: %[[XQ:.*]] = qat.fake_quant %[[X]], %[[XS]], %[[XZ]]
// FQ-NEXT: %[[W:.*]] = qat.load @w
// FQ: %[[WS:[^,]*]], %[[WZ:[^,]*]], %{{.*}} = qat.observe %[[W]],
// FQ: %[[WQ:.*]] = qat.fake_quant %[[W]], %[[WS]], %[[WZ]]
// FQ-NEXT: %[[Y:.*]] = qat.linear %[[XQ]], %[[WQ]]
// FQ: %[[YS:[^,]*]], %[[YZ:[^,]*]], %{{.*}} = qat.observe %[[Y]],
// FQ: %[[YQ:.*]] = qat.fake_quant %[[Y]], %[[YS]], %[[YZ]]
// FQ: %[[DYQ:.*]] = qat.cross_entropy_grad %[[YQ]]
// FQ-NEXT: %[[DY:[^,]*]], %{{.*}} = qat.fake_quant_grad %[[Y]], %[[YS]], %[[YZ]], %[[DYQ]] {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<2x3xf32>, tensor<1xf32>, tensor<1xi32>, tensor<2x3xf32>) -> (tensor<2x3xf32>, tensor<1xf32>, tensor<1xf32>)
// FQ-NEXT: %{{.*}}, %[[DWQ:.*]], %{{.*}} = qat.linear_grad %[[XQ]], %[[WQ]], %[[DY]]
// FQ-NEXT: %[[DW:[^,]*]], %{{.*}} = qat.fake_quant_grad %[[W]], %[[WS]], %[[WZ]], %[[DWQ]]
// FQ-NOT: qat.fake_quant_grad
// FQ: %[[NW:.*]], %{{.*}} = qat.sgd_update %[[W]], %[[DW]]
// FQ-NEXT: qat.store %[[NW]], @w
qat.param @w = dense<0.5> : tensor<3x4xf32>
qat.param state @x.min = dense<0x7F800000> : tensor<1xf32>
qat.param state @x.max = dense<0xFF800000> : tensor<1xf32>
qat.param state @w.min = dense<0x7F800000> : tensor<1xf32>
qat.param state @w.max = dense<0xFF800000> : tensor<1xf32>
qat.param state @y.min = dense<0x7F800000> : tensor<1xf32>
qat.param state @y.max = dense<0xFF800000> : tensor<1xf32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %xmn = qat.load @x.min : tensor<1xf32>
  %xmx = qat.load @x.max : tensor<1xf32>
  %xs, %xz, %xa, %xb = qat.observe %x, %xmn, %xmx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>, training} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  qat.store %xa, @x.min : tensor<1xf32>
  qat.store %xb, @x.max : tensor<1xf32>
  %xq = qat.fake_quant %x, %xs, %xz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
  %w = qat.load @w : tensor<3x4xf32>
  %wmn = qat.load @w.min : tensor<1xf32>
  %wmx = qat.load @w.max : tensor<1xf32>
  %ws, %wz, %wa, %wb = qat.observe %w, %wmn, %wmx {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true>, training} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  qat.store %wa, @w.min : tensor<1xf32>
  qat.store %wb, @w.max : tensor<1xf32>
  %wq = qat.fake_quant %w, %ws, %wz {spec = #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true>} : (tensor<3x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<3x4xf32>
  %y = qat.linear %xq, %wq : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  %ymn = qat.load @y.min : tensor<1xf32>
  %ymx = qat.load @y.max : tensor<1xf32>
  %ys, %yz, %ya, %yb = qat.observe %y, %ymn, %ymx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>, training} : (tensor<2x3xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  qat.store %ya, @y.min : tensor<1xf32>
  qat.store %yb, @y.max : tensor<1xf32>
  %yq = qat.fake_quant %y, %ys, %yz {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>} : (tensor<2x3xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x3xf32>
  return %yq : tensor<2x3xf32>
}

//--- held-qparams.mlir
// An observer that holds qparams (as qat-import writes them for a QDQ
// model) recomputes them in training and stores them back with its range,
// so that evaluation and convert see the trained ones; @eval_step and a
// frozen observer use the held ones and store nothing.
// HELD-LABEL: func.func @eval_step(
// HELD: qat.observe %{{.*}}, %{{.*}}, %{{.*}} qparams %{{.*}}, %{{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average>}
// HELD-NOT: qat.store
// HELD-LABEL: func.func @train_step(
// HELD: %[[S:[^,]*]], %[[Z:[^,]*]], %[[MN:[^,]*]], %[[MX:[^ ]*]] = qat.observe {{.*}} qparams {{.*}}, training}
// HELD-NEXT: qat.store %[[MN]], @x.min
// HELD-NEXT: qat.store %[[MX]], @x.max
// HELD-NEXT: qat.store %[[S]], @x.scale
// HELD-NEXT: qat.store %[[Z]], @x.zero_point
// HELD-NEXT: qat.fake_quant %{{.*}}, %[[S]], %[[Z]]
// HELD-FROZEN-LABEL: func.func @train_step(
// HELD-FROZEN: qat.observe {{.*}} qparams {{.*}} {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average>}
// HELD-FROZEN-NOT: qat.store %{{.*}}, @x.
qat.param @w = dense<0.5> : tensor<3x4xf32>
qat.param state @x.min = dense<-1.0> : tensor<1xf32>
qat.param state @x.max = dense<1.0> : tensor<1xf32>
qat.param state @x.scale = dense<0.01> : tensor<1xf32>
qat.param state @x.zero_point = dense<100> : tensor<1xi32>
func.func @forward(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %mn = qat.load @x.min : tensor<1xf32>
  %mx = qat.load @x.max : tensor<1xf32>
  %s0 = qat.load @x.scale : tensor<1xf32>
  %z0 = qat.load @x.zero_point : tensor<1xi32>
  %s, %z, %a, %b = qat.observe %x, %mn, %mx qparams %s0, %z0 {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xi32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  %xq = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255, observer = moving_average>} : (tensor<2x4xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<2x4xf32>
  %w = qat.load @w : tensor<3x4xf32>
  %y = qat.linear %xq, %w : (tensor<2x4xf32>, tensor<3x4xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

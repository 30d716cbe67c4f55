// RUN: qat-opt %s --convert-qat-to-linalg="im2col=false" -split-input-file | FileCheck %s

// Every qat op (and the interesting attribute combinations) lowered to
// linalg/tensor/arith/math on tensors and memref globals.

//===----------------------------------------------------------------------===//
// Parameters and state -> memref globals
//===----------------------------------------------------------------------===//

// Parameters and state both become public mutable 64-byte-aligned globals
// with their initial value.
// CHECK-NOT: qat.param
// CHECK-DAG: memref.global @fc.weight : memref<3x4xf32> = dense<5.000000e-01> {alignment = 64 : i64}
// CHECK-DAG: memref.global @bn.running_mean : memref<4xf32> = dense<0.000000e+00> {alignment = 64 : i64}
// CHECK-DAG: memref.global @step : memref<i64> = dense<0> {alignment = 64 : i64}
qat.param @fc.weight = dense<0.5> : tensor<3x4xf32>
qat.param state @bn.running_mean = dense<0.0> : tensor<4xf32>
qat.param state @step = dense<0> : tensor<i64>

// A global that is never stored is read in place; one that the function
// also stores is copied at the load, so the load keeps its value.
// CHECK-LABEL: func.func @params
// CHECK-SAME: (%[[V:.*]]: tensor<4xf32>, %[[S:.*]]: tensor<i64>)
// CHECK: %[[WG:.*]] = memref.get_global @fc.weight : memref<3x4xf32>
// CHECK: %[[W:.*]] = bufferization.to_tensor %[[WG]] restrict : memref<3x4xf32> to tensor<3x4xf32>
// CHECK: %[[MG:.*]] = memref.get_global @bn.running_mean : memref<4xf32>
// CHECK: %[[MV:.*]] = bufferization.to_tensor %[[MG]] restrict
// CHECK: %[[M:.*]] = linalg.copy ins(%[[MV]] : tensor<4xf32>)
// CHECK: %[[MG2:.*]] = memref.get_global @bn.running_mean : memref<4xf32>
// CHECK: bufferization.materialize_in_destination %[[V]] in restrict writable %[[MG2]] : (tensor<4xf32>, memref<4xf32>) -> ()
// CHECK: %[[SG:.*]] = memref.get_global @step : memref<i64>
// CHECK: bufferization.materialize_in_destination %[[S]] in restrict writable %[[SG]]
// CHECK-NOT: qat.
// CHECK: return %[[W]], %[[M]] : tensor<3x4xf32>, tensor<4xf32>
func.func @params(%v: tensor<4xf32>, %s: tensor<i64>) -> (tensor<3x4xf32>, tensor<4xf32>) {
  %w = qat.load @fc.weight : tensor<3x4xf32>
  %m = qat.load @bn.running_mean : tensor<4xf32>
  qat.store %v, @bn.running_mean : tensor<4xf32>
  qat.store %s, @step : tensor<i64>
  return %w, %m : tensor<3x4xf32>, tensor<4xf32>
}

// -----

// A dense_resource initial value is carried over to the global.
// CHECK: memref.global @conv.weight : memref<2xf32> = dense_resource<conv_w> {alignment = 64 : i64}
qat.param @conv.weight = dense_resource<conv_w> : tensor<2xf32>

// CHECK-LABEL: func.func @resource_param
// CHECK: %[[G:.*]] = memref.get_global @conv.weight : memref<2xf32>
// CHECK: %[[W:.*]] = bufferization.to_tensor %[[G]] restrict
// CHECK: return %[[W]]
func.func @resource_param() -> tensor<2xf32> {
  %w = qat.load @conv.weight : tensor<2xf32>
  return %w : tensor<2xf32>
}

// CHECK: conv_w: "0x040000000000803F00000040"
{-#
  dialect_resources: {
    builtin: {
      conv_w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

// y[m, n] = b[n] + sum_k x[m, k] * wt[k, n]: the bias is broadcast into the
// init and the [out, in] weight transposed once; static f32 shapes become a
// register-tiled GEMM on the collapsed tensors: rows of the init are read
// into vector<16xf32> accumulators (masked to the 3 columns), the k loop
// adds broadcast(x[m, k]) * wt row k to them in order (a multiply, then an
// add, as the loop nest did), and the rows are written back.
// CHECK-LABEL: func.func @linear_bias
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>, %[[W:.*]]: tensor<3x4xf32>, %[[B:.*]]: tensor<3xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x3xf32>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[B]] : tensor<3xf32>) outs(%[[E]] : tensor<2x3xf32>) dimensions = [0]
// CHECK: %[[ET:.*]] = tensor.empty() : tensor<4x3xf32>
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<3x4xf32>) outs(%[[ET]] : tensor<4x3xf32>) permutation = [1, 0]
// CHECK: %[[C0:.*]] = tensor.collapse_shape %[[INIT]] {{\[}}[0, 1]] : tensor<2x3xf32> into tensor<6xf32>
// CHECK: %[[WT1:.*]] = tensor.collapse_shape %[[WT]] {{\[}}[0, 1]] : tensor<4x3xf32> into tensor<12xf32>
// CHECK: %[[X1:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<2x4xf32> into tensor<8xf32>
// CHECK: %[[MASK:.*]] = vector.constant_mask [3] : vector<16xi1>
// CHECK: %[[A0:.*]] = vector.transfer_read %[[C0]][%{{.*}}], %{{.*}}, %[[MASK]] {in_bounds = [true]} : tensor<6xf32>, vector<16xf32>
// CHECK: %[[A1:.*]] = vector.transfer_read %[[C0]][%{{.*}}], %{{.*}}, %[[MASK]] {in_bounds = [true]} : tensor<6xf32>, vector<16xf32>
// CHECK: %[[ACC:.*]]:2 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[R0:.*]] = %[[A0]], %[[R1:.*]] = %[[A1]]) -> (vector<16xf32>, vector<16xf32>)
// CHECK: %[[ROW:.*]] = vector.transfer_read %[[WT1]][%{{.*}}], %{{.*}}, %[[MASK]] {in_bounds = [true]} : tensor<12xf32>, vector<16xf32>
// CHECK: %[[XS:.*]] = tensor.extract %[[X1]][%{{.*}}] : tensor<8xf32>
// CHECK: %[[XV:.*]] = vector.broadcast %[[XS]] : f32 to vector<16xf32>
// CHECK: %[[S0:.*]] = math.fma %[[XV]], %[[ROW]], %[[R0]] : vector<16xf32>
// CHECK: %[[S1:.*]] = math.fma %{{.*}}, %[[ROW]], %[[R1]] : vector<16xf32>
// CHECK: scf.yield %[[S0]], %[[S1]] : vector<16xf32>, vector<16xf32>
// CHECK: %[[W0:.*]] = vector.transfer_write %[[ACC]]#0, %[[C0]][%{{.*}}], %[[MASK]] {in_bounds = [true]} : vector<16xf32>, tensor<6xf32>
// CHECK: %[[W1:.*]] = vector.transfer_write %[[ACC]]#1, %[[W0]][%{{.*}}], %[[MASK]] {in_bounds = [true]} : vector<16xf32>, tensor<6xf32>
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[W1]] {{\[}}[0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK: return %[[Y]] : tensor<2x3xf32>
func.func @linear_bias(%x: tensor<2x4xf32>, %w: tensor<3x4xf32>, %b: tensor<3xf32>) -> tensor<2x3xf32> {
  %y = qat.linear %x, %w, %b : (tensor<2x4xf32>, tensor<3x4xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Without a bias the init is zero-filled; the dynamic batch extent is read
// from the input.
// CHECK-LABEL: func.func @linear_no_bias_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>, %[[W:.*]]: tensor<3x4xf32>)
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %[[C0]] : tensor<?x4xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x3xf32>
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[E]] : tensor<?x3xf32>)
// CHECK-NOT: linalg.broadcast
// CHECK: %[[WT:.*]] = linalg.transpose ins(%[[W]] : tensor<3x4xf32>)
// CHECK: %[[Y:.*]] = linalg.generic
// CHECK-SAME: ins(%[[X]], %[[WT]] : tensor<?x4xf32>, tensor<4x3xf32>) outs(%[[INIT]] : tensor<?x3xf32>)
// CHECK: return %[[Y]] : tensor<?x3xf32>
func.func @linear_no_bias_dynamic(%x: tensor<?x4xf32>, %w: tensor<3x4xf32>) -> tensor<?x3xf32> {
  %y = qat.linear %x, %w : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x3xf32>
  return %y : tensor<?x3xf32>
}

// -----

// groups = 1 and no padding: one linalg.conv_2d_nchw_fchw on the input.
// CHECK-LABEL: func.func @conv2d_default
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<16x3x3x3xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK-SAME: -> tensor<1x16x6x6xf32>
// CHECK: %[[Y:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[X]], %[[W]] : tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) outs(%[[INIT]] : tensor<1x16x6x6xf32>)
// CHECK: return %[[Y]] : tensor<1x16x6x6xf32>
func.func @conv2d_default(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32> {
  %y = qat.conv2d %x, %w : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>) -> tensor<1x16x6x6xf32>
  return %y : tensor<1x16x6x6xf32>
}

// -----

// [h, w] padding becomes a zero tensor.pad of the spatial axes; the bias is
// broadcast over N, H, W into the init; strides are passed through.
// CHECK-LABEL: func.func @conv2d_padded_strided_bias
// CHECK-SAME: (%[[X:.*]]: tensor<1x3x8x8xf32>, %[[W:.*]]: tensor<16x3x3x3xf32>, %[[B:.*]]: tensor<16xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: tensor<1x3x8x8xf32> to tensor<1x3x10x10xf32>
// CHECK: %[[E:.*]] = tensor.empty() : tensor<1x16x4x4xf32>
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[B]] : tensor<16xf32>) outs(%[[E]] : tensor<1x16x4x4xf32>) dimensions = [0, 2, 3]
// CHECK: %[[Y:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<1x3x10x10xf32>, tensor<16x3x3x3xf32>) outs(%[[INIT]] : tensor<1x16x4x4xf32>)
// CHECK: return %[[Y]] : tensor<1x16x4x4xf32>
func.func @conv2d_padded_strided_bias(%x: tensor<1x3x8x8xf32>, %w: tensor<16x3x3x3xf32>, %b: tensor<16xf32>) -> tensor<1x16x4x4xf32> {
  %y = qat.conv2d %x, %w, %b {strides = array<i64: 2, 2>, padding = array<i64: 1, 1>}
      : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>) -> tensor<1x16x4x4xf32>
  return %y : tensor<1x16x4x4xf32>
}

// -----

// [top, left, bottom, right] padding and anisotropic dilation and strides.
// CHECK-LABEL: func.func @conv2d_padded4_dilated
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x8x8xf32>, %[[W:.*]]: tensor<4x2x3x3xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 2] high[0, 0, 0, 3]
// CHECK: tensor<1x2x8x8xf32> to tensor<1x2x9x13xf32>
// CHECK: %[[Y:.*]] = linalg.conv_2d_nchw_fchw {dilations = dense<[2, 3]> : tensor<2xi64>, strides = dense<[1, 2]> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[W]] : tensor<1x2x9x13xf32>, tensor<4x2x3x3xf32>)
// CHECK-SAME: -> tensor<1x4x5x4xf32>
// CHECK: return %[[Y]] : tensor<1x4x5x4xf32>
func.func @conv2d_padded4_dilated(%x: tensor<1x2x8x8xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x5x4xf32> {
  %y = qat.conv2d %x, %w {strides = array<i64: 1, 2>, padding = array<i64: 1, 2, 0, 3>,
                          dilation = array<i64: 2, 3>}
      : (tensor<1x2x8x8xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x5x4xf32>
  return %y : tensor<1x4x5x4xf32>
}

// -----

// Grouped: the channel axes are split into [groups, channels per group],
// convolved with the grouped named op and merged back.
// CHECK-LABEL: func.func @conv2d_grouped
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x5x5xf32>, %[[W:.*]]: tensor<6x4x3x3xf32>, %[[B:.*]]: tensor<6xf32>)
// CHECK: %[[INIT:.*]] = linalg.broadcast ins(%[[B]] : tensor<6xf32>)
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[X]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 4, 5, 5] : tensor<1x8x5x5xf32> into tensor<1x2x4x5x5xf32>
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [2, 3, 4, 3, 3] : tensor<6x4x3x3xf32> into tensor<2x3x4x3x3xf32>
// CHECK: %[[IG:.*]] = tensor.expand_shape %[[INIT]] {{\[}}[0], [1, 2], [3], [4]] output_shape [1, 2, 3, 3, 3] : tensor<1x6x3x3xf32> into tensor<1x2x3x3x3xf32>
// CHECK: %[[C:.*]] = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<1x2x4x5x5xf32>, tensor<2x3x4x3x3xf32>) outs(%[[IG]] : tensor<1x2x3x3x3xf32>)
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0], [1, 2], [3], [4]] : tensor<1x2x3x3x3xf32> into tensor<1x6x3x3xf32>
// CHECK: return %[[Y]] : tensor<1x6x3x3xf32>
func.func @conv2d_grouped(%x: tensor<1x8x5x5xf32>, %w: tensor<6x4x3x3xf32>, %b: tensor<6xf32>) -> tensor<1x6x3x3xf32> {
  %y = qat.conv2d %x, %w, %b {groups = 2 : i64}
      : (tensor<1x8x5x5xf32>, tensor<6x4x3x3xf32>, tensor<6xf32>) -> tensor<1x6x3x3xf32>
  return %y : tensor<1x6x3x3xf32>
}

// -----

// Depthwise (groups = C) with a channel multiplier of 2, padding and a
// dynamic batch: the padded input is split, the batch extent read at run
// time.
// CHECK-LABEL: func.func @conv2d_depthwise
// CHECK-SAME: (%[[X:.*]]: tensor<?x8x6x6xf32>, %[[W:.*]]: tensor<16x1x3x3xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor<?x8x6x6xf32> to tensor<?x8x8x8xf32>
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK-SAME: -> tensor<?x16x6x6xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[P]], %{{.*}} : tensor<?x8x8x8xf32>
// CHECK: %[[XG:.*]] = tensor.expand_shape %[[P]] {{\[}}[0], [1, 2], [3], [4]] output_shape [%[[N]], 8, 1, 8, 8] : tensor<?x8x8x8xf32> into tensor<?x8x1x8x8xf32>
// CHECK: %[[WG:.*]] = tensor.expand_shape %[[W]] {{\[}}[0, 1], [2], [3], [4]] output_shape [8, 2, 1, 3, 3] : tensor<16x1x3x3xf32> into tensor<8x2x1x3x3xf32>
// CHECK: %[[IG:.*]] = tensor.expand_shape %[[INIT]] {{\[}}[0], [1, 2], [3], [4]] {{.*}} : tensor<?x16x6x6xf32> into tensor<?x8x2x6x6xf32>
// CHECK: %[[C:.*]] = linalg.conv_2d_ngchw_gfchw
// CHECK-SAME: ins(%[[XG]], %[[WG]] : tensor<?x8x1x8x8xf32>, tensor<8x2x1x3x3xf32>) outs(%[[IG]] : tensor<?x8x2x6x6xf32>)
// CHECK: %[[Y:.*]] = tensor.collapse_shape %[[C]] {{\[}}[0], [1, 2], [3], [4]] : tensor<?x8x2x6x6xf32> into tensor<?x16x6x6xf32>
// CHECK: return %[[Y]] : tensor<?x16x6x6xf32>
func.func @conv2d_depthwise(%x: tensor<?x8x6x6xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<?x16x6x6xf32> {
  %y = qat.conv2d %x, %w {groups = 8 : i64, padding = array<i64: 1, 1>}
      : (tensor<?x8x6x6xf32>, tensor<16x1x3x3xf32>) -> tensor<?x16x6x6xf32>
  return %y : tensor<?x16x6x6xf32>
}

// -----

// Eval mode: one per-channel generic on the running statistics; the second
// and third results are the running statistics themselves.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm_eval
// CHECK-SAME: (%[[X:.*]]: tensor<8x4x3x3xf32>, %[[G:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[M:.*]]: tensor<4xf32>, %[[V:.*]]: tensor<4xf32>)
// CHECK: %[[EPS:.*]] = arith.constant 1.000000e-03 : f32
// CHECK-NOT: reduction
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[M]], %[[V]], %[[G]], %[[B]] :
// CHECK: ^bb0(%[[XI:.*]]: f32, %[[MI:.*]]: f32, %[[VI:.*]]: f32, %[[GI:.*]]: f32, %[[BI:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[CEN:.*]] = arith.subf %[[XI]], %[[MI]] : f32
// CHECK: %[[VE:.*]] = arith.addf %[[VI]], %[[EPS]] : f32
// CHECK: %[[INV:.*]] = math.rsqrt %[[VE]] : f32
// CHECK: %[[NRM:.*]] = arith.mulf %[[CEN]], %[[INV]] : f32
// CHECK: %[[SC:.*]] = arith.mulf %[[NRM]], %[[GI]] : f32
// CHECK: %[[SH:.*]] = arith.addf %[[SC]], %[[BI]] : f32
// CHECK: linalg.yield %[[SH]] : f32
// CHECK: return %[[Y]], %[[M]], %[[V]] : tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>
func.func @batch_norm_eval(%x: tensor<8x4x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>,
                           %m: tensor<4xf32>, %v: tensor<4xf32>)
    -> (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %m1, %v1 = qat.batch_norm %x, %g, %b, %m, %v {eps = 1.0e-3 : f64}
      : (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y, %m1, %v1 : tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Training: batch mean and biased variance by reductions over N, H, W
// (count 8 * 3 * 3 = 72), accumulated in f64 like PyTorch's CPU kernels
// (the centered sum of squares as sum(x^2) - sum * mean, one pass over x)
// and rounded once to f32; the running statistics are updated with momentum
// 0.25 and the unbiased variance; normalization uses the batch statistics.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[CH:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @batch_norm_training
// CHECK-SAME: (%[[X:.*]]: tensor<8x4x3x3xf32>, %[[G:.*]]: tensor<4xf32>, %[[B:.*]]: tensor<4xf32>, %[[M:.*]]: tensor<4xf32>, %[[V:.*]]: tensor<4xf32>)
// CHECK: %[[CNT:.*]] = arith.constant 7.200000e+01 : f64
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<8x4x3x3xf32>) outs(%{{.*}} : tensor<4xf64>)
// CHECK: arith.extf %{{.*}} : f32 to f64
// CHECK: %[[MEAN64:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<4xf64>)
// CHECK: arith.divf %{{.*}}, %[[CNT]] : f64
// CHECK: %[[SQ:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<8x4x3x3xf32>) outs(%{{.*}} : tensor<4xf64>)
// CHECK: %[[X64:.*]] = arith.extf %{{.*}} : f32 to f64
// CHECK: arith.mulf %[[X64]], %[[X64]] : f64
// CHECK: %[[SQSUM:.*]] = linalg.generic {{.*}} ins(%[[SQ]], %[[SUM]], %[[MEAN64]] : tensor<4xf64>, tensor<4xf64>, tensor<4xf64>)
// CHECK: ^bb0(%[[SQA:.*]]: f64, %[[SA:.*]]: f64, %[[MA:.*]]: f64, %{{.*}}: f64):
// CHECK: %[[SM:.*]] = arith.mulf %[[SA]], %[[MA]] : f64
// CHECK: %[[C:.*]] = arith.subf %[[SQA]], %[[SM]] : f64
// CHECK: arith.maximumf %[[C]], %{{.*}} : f64
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[MEAN64]] : tensor<4xf64>) outs(%{{.*}} : tensor<4xf32>)
// CHECK: arith.truncf
// CHECK: %[[VAR:.*]] = linalg.generic {{.*}} ins(%[[SQSUM]] : tensor<4xf64>) outs(%{{.*}} : tensor<4xf32>)
// CHECK-DAG: %[[MOM:.*]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: %[[KEEP:.*]] = arith.constant 7.500000e-01 : f32
// CHECK: %[[NEWM:.*]] = linalg.generic {{.*}} ins(%[[M]], %[[MEAN]] : tensor<4xf32>, tensor<4xf32>)
// CHECK: ^bb0(%[[RM:.*]]: f32, %[[BM:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[T0:.*]] = arith.mulf %[[KEEP]], %[[RM]] : f32
// CHECK: %[[T1:.*]] = arith.mulf %[[MOM]], %[[BM]] : f32
// CHECK: %[[T2:.*]] = arith.addf %[[T0]], %[[T1]] : f32
// CHECK: linalg.yield %[[T2]]
// CHECK: %[[NEWV:.*]] = linalg.generic {{.*}} ins(%[[V]], %[[SQSUM]] : tensor<4xf32>, tensor<4xf64>)
// CHECK: ^bb0(%[[RV:.*]]: f32, %[[SS:.*]]: f64, %{{.*}}: f32):
// CHECK: %[[NM1:.*]] = arith.subf %[[CNT]], %{{.*}} : f64
// CHECK: %[[UNB:.*]] = arith.divf %[[SS]], %[[NM1]] : f64
// CHECK: %[[UNB32:.*]] = arith.truncf %[[UNB]] : f64 to f32
// CHECK: %[[U0:.*]] = arith.mulf %[[KEEP]], %[[RV]] : f32
// CHECK: %[[U1:.*]] = arith.mulf %[[MOM]], %[[UNB32]] : f32
// CHECK: arith.addf %[[U0]], %[[U1]] : f32
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[CH]], #[[CH]], #[[CH]], #[[CH]], #[[ID]]]
// CHECK-SAME: ins(%[[X]], %[[MEAN]], %[[VAR]], %[[G]], %[[B]] :
// CHECK: math.rsqrt
// CHECK: return %[[Y]], %[[NEWM]], %[[NEWV]] : tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>
func.func @batch_norm_training(%x: tensor<8x4x3x3xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>,
                               %m: tensor<4xf32>, %v: tensor<4xf32>)
    -> (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %m1, %v1 = qat.batch_norm %x, %g, %b, %m, %v {momentum = 0.25 : f64, training}
      : (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y, %m1, %v1 : tensor<8x4x3x3xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// Training on a dynamic-batch [N, C] input: the element count is read at
// run time.
// CHECK-LABEL: func.func @batch_norm_training_dynamic
// CHECK-SAME: (%[[X:.*]]: tensor<?x4xf32>,
// CHECK: %[[N:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x4xf32>
// CHECK: %[[NI:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[CNT:.*]] = arith.uitofp %[[NI]] : i64 to f64
// CHECK: arith.divf %{{.*}}, %[[CNT]] : f64
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK: math.rsqrt
// CHECK: return %[[Y]], %{{.*}}, %{{.*}} : tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>
func.func @batch_norm_training_dynamic(%x: tensor<?x4xf32>, %g: tensor<4xf32>, %b: tensor<4xf32>,
                                       %m: tensor<4xf32>, %v: tensor<4xf32>)
    -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %y, %m1, %v1 = qat.batch_norm %x, %g, %b, %m, %v {training}
      : (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>)
      -> (tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>)
  return %y, %m1, %v1 : tensor<?x4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Element-wise
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @relu
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[X]]
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x10xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[X]] : tensor<?x10xf32>) outs(%[[E]] : tensor<?x10xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[Z:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[R:.*]] = arith.maximumf %[[IN]], %[[Z]] : f32
// CHECK: linalg.yield %[[R]] : f32
// CHECK: return %[[Y]]
func.func @relu(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %y = qat.relu %x : tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

// CHECK-LABEL: func.func @relu6
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x10xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[LO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 6.000000e+00 : f32
// CHECK: %[[A:.*]] = arith.maximumf %[[IN]], %[[LO]] : f32
// CHECK: %[[B:.*]] = arith.minimumf %[[A]], %[[HI]] : f32
// CHECK: linalg.yield %[[B]] : f32
// CHECK: return %[[Y]]
func.func @relu6(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %y = qat.relu6 %x : tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

// CHECK-LABEL: func.func @clamp
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[X]] : tensor<4x10xf32>)
// CHECK: ^bb0(%[[IN:.*]]: f32, %{{.*}}: f32):
// CHECK-DAG: %[[LO:.*]] = arith.constant -2.500000e-01 : f32
// CHECK-DAG: %[[HI:.*]] = arith.constant 1.500000e+00 : f32
// CHECK: %[[A:.*]] = arith.maximumf %[[IN]], %[[LO]] : f32
// CHECK: %[[B:.*]] = arith.minimumf %[[A]], %[[HI]] : f32
// CHECK: linalg.yield %[[B]] : f32
// CHECK: return %[[Y]]
func.func @clamp(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %y = qat.clamp %x {min = -0.25 : f64, max = 1.5 : f64} : tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

// Same shapes: identity maps.
// CHECK-DAG: #[[ID2:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @add_same_shape
// CHECK-SAME: (%[[A:.*]]: tensor<2x8xf32>, %[[B:.*]]: tensor<2x8xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID2]], #[[ID2]], #[[ID2]]], iterator_types = ["parallel", "parallel"]} ins(%[[A]], %[[B]] : tensor<2x8xf32>, tensor<2x8xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[Z:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[S:.*]] = arith.addf %[[X]], %[[Z]] : f32
// CHECK: linalg.yield %[[S]] : f32
// CHECK: return %[[Y]]
func.func @add_same_shape(%a: tensor<2x8xf32>, %b: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %y = qat.add %a, %b : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Broadcasting: the lower-rank operand is trailing-aligned and its extents
// of 1 are read at index 0.
// CHECK-DAG: #[[ID4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[BC:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>
// CHECK-LABEL: func.func @add_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<2x8x4x4xf32>, %[[B:.*]]: tensor<8x1x1xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID4]], #[[BC]], #[[ID4]]], {{.*}} ins(%[[A]], %[[B]] : tensor<2x8x4x4xf32>, tensor<8x1x1xf32>)
// CHECK: arith.addf
// CHECK: return %[[Y]] : tensor<2x8x4x4xf32>
func.func @add_broadcast(%a: tensor<2x8x4x4xf32>, %b: tensor<8x1x1xf32>) -> tensor<2x8x4x4xf32> {
  %y = qat.add %a, %b : (tensor<2x8x4x4xf32>, tensor<8x1x1xf32>) -> tensor<2x8x4x4xf32>
  return %y : tensor<2x8x4x4xf32>
}

// -----

// Division by a broadcast divisor multiplies by its reciprocal (invariant in
// the inner loop); by a full tensor it divides.
// CHECK-LABEL: func.func @div
// CHECK-SAME: (%[[A:.*]]: tensor<2x8x4x4xf32>, %[[B:.*]]: tensor<1x8x1x1xf32>, %[[C:.*]]: tensor<2x8x4x4xf32>)
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] :
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-NEXT: %[[R:.*]] = arith.divf %[[ONE]], %[[S]] : f32
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[X]], %[[R]] : f32
// CHECK-NEXT: linalg.yield %[[P]]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %[[C]] :
// CHECK-NEXT: ^bb0(%[[X2:.*]]: f32, %[[Y2:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[Q:.*]] = arith.divf %[[X2]], %[[Y2]] : f32
// CHECK-NEXT: linalg.yield %[[Q]]
func.func @div(%a: tensor<2x8x4x4xf32>, %b: tensor<1x8x1x1xf32>, %c: tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32> {
  %y = qat.div %a, %b : (tensor<2x8x4x4xf32>, tensor<1x8x1x1xf32>) -> tensor<2x8x4x4xf32>
  %z = qat.div %y, %c : (tensor<2x8x4x4xf32>, tensor<2x8x4x4xf32>) -> tensor<2x8x4x4xf32>
  return %z : tensor<2x8x4x4xf32>
}

// -----

// Both operands broadcast; a rank-0 operand has an empty map.
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG: #[[SCALAR:.*]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @mul_broadcast
// CHECK-SAME: (%[[A:.*]]: tensor<4x1xf32>, %[[B:.*]]: tensor<1x5xf32>, %[[S:.*]]: tensor<f32>)
// CHECK: %[[M:.*]] = linalg.generic {indexing_maps = [#[[COL]], #[[ROW]], #{{.*}}], {{.*}} ins(%[[A]], %[[B]] : tensor<4x1xf32>, tensor<1x5xf32>) outs(%{{.*}} : tensor<4x5xf32>)
// CHECK: arith.mulf
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[SCALAR]], #{{.*}}, #{{.*}}], {{.*}} ins(%[[S]], %[[M]] : tensor<f32>, tensor<4x5xf32>)
// CHECK: arith.mulf
// CHECK: return %[[Y]] : tensor<4x5xf32>
func.func @mul_broadcast(%a: tensor<4x1xf32>, %b: tensor<1x5xf32>, %s: tensor<f32>) -> tensor<4x5xf32> {
  %m = qat.mul %a, %b : (tensor<4x1xf32>, tensor<1x5xf32>) -> tensor<4x5xf32>
  %y = qat.mul %s, %m : (tensor<f32>, tensor<4x5xf32>) -> tensor<4x5xf32>
  return %y : tensor<4x5xf32>
}

// -----

// A dynamic batch extent of the result is read from the operand that has it.
// CHECK-LABEL: func.func @add_dynamic_batch
// CHECK-SAME: (%[[A:.*]]: tensor<10xf32>, %[[B:.*]]: tensor<?x10xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[B]], %{{.*}} : tensor<?x10xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x10xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<10xf32>, tensor<?x10xf32>) outs(%[[E]] : tensor<?x10xf32>)
// CHECK: return %[[Y]]
func.func @add_dynamic_batch(%a: tensor<10xf32>, %b: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %y = qat.add %a, %b : (tensor<10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

// Per-tensor: scale and zero point are read at index 0.
// q = clamp(roundeven(x * (1 / s)) + zp, qmin, qmax), y = (q - zp) * s.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[Q0:.*]] = affine_map<(d0, d1) -> (0)>
// CHECK-LABEL: func.func @fake_quant_per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<4x20xf32>, %[[S:.*]]: tensor<1xf32>, %[[Z:.*]]: tensor<1xi32>)
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[Q0]], #[[Q0]], #[[ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[S]], %[[Z]] : tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>)
// CHECK: ^bb0(%[[XI:.*]]: f32, %[[SI:.*]]: f32, %[[ZI:.*]]: i32, %{{.*}}: f32):
// CHECK: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: %[[INV:.*]] = arith.divf %[[ONE]], %[[SI]] : f32
// CHECK: %[[ZF:.*]] = arith.sitofp %[[ZI]] : i32 to f32
// CHECK: %[[SC:.*]] = arith.mulf %[[XI]], %[[INV]] : f32
// CHECK: %[[R:.*]] = math.roundeven %[[SC]] : f32
// CHECK: %[[SH:.*]] = arith.addf %[[R]], %[[ZF]] : f32
// CHECK-DAG: %[[QMIN:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[QMAX:.*]] = arith.constant 2.550000e+02 : f32
// CHECK: %[[C0:.*]] = arith.maximumf %[[SH]], %[[QMIN]] : f32
// CHECK: %[[C1:.*]] = arith.minimumf %[[C0]], %[[QMAX]] : f32
// CHECK: %[[CE:.*]] = arith.subf %[[C1]], %[[ZF]] : f32
// CHECK: %[[OUT:.*]] = arith.mulf %[[CE]], %[[SI]] : f32
// CHECK: linalg.yield %[[OUT]] : f32
// CHECK: return %[[Y]] : tensor<4x20xf32>
func.func @fake_quant_per_tensor(%x: tensor<4x20xf32>, %s: tensor<1xf32>, %z: tensor<1xi32>) -> tensor<4x20xf32> {
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255,
          observer = moving_average, averaging_constant = 1.0e-2>}
      : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
  return %y : tensor<4x20xf32>
}

// -----

// Per-channel along axis 1 with a narrow signed range and a dynamic batch.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[QC:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @fake_quant_per_channel
// CHECK-SAME: (%[[X:.*]]: tensor<?x16x3x3xf32>, %[[S:.*]]: tensor<16xf32>, %[[Z:.*]]: tensor<16xi32>)
// CHECK: %[[E:.*]] = tensor.empty(%{{.*}}) : tensor<?x16x3x3xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[QC]], #[[QC]], #[[ID]]]
// CHECK-SAME: ins(%[[X]], %[[S]], %[[Z]] : tensor<?x16x3x3xf32>, tensor<16xf32>, tensor<16xi32>) outs(%[[E]] : tensor<?x16x3x3xf32>)
// CHECK: math.roundeven
// CHECK-DAG: arith.constant -1.270000e+02 : f32
// CHECK-DAG: arith.constant 1.270000e+02 : f32
// CHECK: return %[[Y]] : tensor<?x16x3x3xf32>
func.func @fake_quant_per_channel(%x: tensor<?x16x3x3xf32>, %s: tensor<16xf32>, %z: tensor<16xi32>) -> tensor<?x16x3x3xf32> {
  %y = qat.fake_quant %x, %s, %z {spec = #qat.qspec<dtype = i8, qmin = -127, qmax = 127,
          symmetric = true, axis = 1, narrow_range = true, learnable = true>}
      : (tensor<?x16x3x3xf32>, tensor<16xf32>, tensor<16xi32>) -> tensor<?x16x3x3xf32>
  return %y : tensor<?x16x3x3xf32>
}

// -----

// The stubs are identities in float.
// CHECK-LABEL: func.func @stubs
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>)
// CHECK-NOT: linalg
// CHECK-NOT: qat.
// CHECK: return %[[X]] : tensor<?x10xf32>
func.func @stubs(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %q = qat.quant_stub %x : tensor<?x10xf32>
  %d = qat.dequant_stub %q : tensor<?x10xf32>
  return %d : tensor<?x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Softmax
//===----------------------------------------------------------------------===//

// exp(x - max) / sum(exp(x - max)) along the last axis (axis = -1).
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[X:.*]]: tensor<?x10xf32>)
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[MINIT:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%{{.*}} : tensor<?xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[X]] : tensor<?x10xf32>) outs(%[[MINIT]] : tensor<?xf32>)
// CHECK: arith.maximumf
// CHECK: %[[EXP:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[X]], %[[MAX]] : tensor<?x10xf32>, tensor<?xf32>)
// CHECK: arith.subf
// CHECK: math.exp
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]]], iterator_types = ["parallel", "reduction"]} ins(%[[EXP]] : tensor<?x10xf32>)
// CHECK: arith.addf
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]], iterator_types = ["parallel", "parallel"]} ins(%[[EXP]], %[[SUM]] : tensor<?x10xf32>, tensor<?xf32>)
// CHECK: arith.divf
// CHECK: return %[[Y]] : tensor<?x10xf32>
func.func @softmax(%x: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %y = qat.softmax %x {axis = -1 : i64} : tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

// Along axis 0 the reduced tensor keeps the column axis.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func.func @softmax_axis0
// CHECK-SAME: (%[[X:.*]]: tensor<4x10xf32>)
// CHECK: %[[MAX:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[X]] : tensor<4x10xf32>) outs(%{{.*}} : tensor<10xf32>)
// CHECK: %[[EXP:.*]] = linalg.generic {{.*}} ins(%[[X]], %[[MAX]] : tensor<4x10xf32>, tensor<10xf32>)
// CHECK: math.exp
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[COL]]], iterator_types = ["reduction", "parallel"]} ins(%[[EXP]] : tensor<4x10xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[EXP]], %[[SUM]] : tensor<4x10xf32>, tensor<10xf32>)
// CHECK: arith.divf
// CHECK: return %[[Y]]
func.func @softmax_axis0(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %y = qat.softmax %x {axis = 0 : i64} : tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Shape ops
//===----------------------------------------------------------------------===//

// CHECK-LABEL: func.func @concat
// CHECK-SAME: (%[[A:.*]]: tensor<?x8x4x4xf32>, %[[B:.*]]: tensor<?x4x4x4xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[A]]
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x12x4x4xf32>
// CHECK: %[[S0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0, 0, 0] [%{{.*}}, 8, 4, 4] [1, 1, 1, 1] : tensor<?x8x4x4xf32> into tensor<?x12x4x4xf32>
// CHECK: %[[S1:.*]] = tensor.insert_slice %[[B]] into %[[S0]][0, 8, 0, 0] [%{{.*}}, 4, 4, 4] [1, 1, 1, 1] : tensor<?x4x4x4xf32> into tensor<?x12x4x4xf32>
// CHECK: return %[[S1]] : tensor<?x12x4x4xf32>
func.func @concat(%a: tensor<?x8x4x4xf32>, %b: tensor<?x4x4x4xf32>) -> tensor<?x12x4x4xf32> {
  %y = qat.concat %a, %b {axis = 1 : i64} : (tensor<?x8x4x4xf32>, tensor<?x4x4x4xf32>) -> tensor<?x12x4x4xf32>
  return %y : tensor<?x12x4x4xf32>
}

// -----

// Three inputs along a negative axis: the offsets accumulate.
// CHECK-LABEL: func.func @concat_negative_axis
// CHECK-SAME: (%[[A:.*]]: tensor<2x3xf32>, %[[B:.*]]: tensor<2x5xf32>)
// CHECK: %[[E:.*]] = tensor.empty() : tensor<2x11xf32>
// CHECK: %[[S0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0] [2, 3] [1, 1]
// CHECK: %[[S1:.*]] = tensor.insert_slice %[[B]] into %[[S0]][0, 3] [2, 5] [1, 1]
// CHECK: %[[S2:.*]] = tensor.insert_slice %[[A]] into %[[S1]][0, 8] [2, 3] [1, 1]
// CHECK: return %[[S2]] : tensor<2x11xf32>
func.func @concat_negative_axis(%a: tensor<2x3xf32>, %b: tensor<2x5xf32>) -> tensor<2x11xf32> {
  %y = qat.concat %a, %b, %a {axis = -1 : i64} : (tensor<2x3xf32>, tensor<2x5xf32>, tensor<2x3xf32>) -> tensor<2x11xf32>
  return %y : tensor<2x11xf32>
}

// -----

// CHECK-LABEL: func.func @flatten
// CHECK-SAME: (%[[X:.*]]: tensor<?x3x4x5xf32>)
// CHECK: %[[A:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2, 3]] : tensor<?x3x4x5xf32> into tensor<?x60xf32>
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0], [1, 2], [3]] : tensor<?x3x4x5xf32> into tensor<?x12x5xf32>
// CHECK: %[[D:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2, 3]] : tensor<?x3x4x5xf32> into tensor<?xf32>
// A single merged axis (start_dim = end_dim) is the identity.
// CHECK: return %[[A]], %[[X]], %[[C]], %[[D]] :
func.func @flatten(%x: tensor<?x3x4x5xf32>)
    -> (tensor<?x60xf32>, tensor<?x3x4x5xf32>, tensor<?x12x5xf32>, tensor<?xf32>) {
  %a = qat.flatten %x : tensor<?x3x4x5xf32> -> tensor<?x60xf32>
  %b = qat.flatten %x {start_dim = 2 : i64, end_dim = -2 : i64} : tensor<?x3x4x5xf32> -> tensor<?x3x4x5xf32>
  %c = qat.flatten %x {start_dim = -3 : i64, end_dim = -2 : i64} : tensor<?x3x4x5xf32> -> tensor<?x12x5xf32>
  %d = qat.flatten %x {start_dim = 0 : i64} : tensor<?x3x4x5xf32> -> tensor<?xf32>
  return %a, %b, %c, %d : tensor<?x60xf32>, tensor<?x3x4x5xf32>, tensor<?x12x5xf32>, tensor<?xf32>
}

// -----

// Reshape collapses to 1-D and expands to the result shape; a dynamic
// result extent is the element count over the static ones.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: (%[[X:.*]]: tensor<2x8xf32>, %[[D:.*]]: tensor<?x10xf32>)
// CHECK: %[[F0:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<2x8xf32> into tensor<16xf32>
// CHECK: %[[A:.*]] = tensor.expand_shape %[[F0]] {{\[}}[0, 1]] output_shape [4, 4] : tensor<16xf32> into tensor<4x4xf32>
// CHECK: %[[F1:.*]] = tensor.collapse_shape %[[D]] {{\[}}[0, 1]] : tensor<?x10xf32> into tensor<?xf32>
// CHECK: %[[TOTAL:.*]] = tensor.dim %[[F1]], %{{.*}} : tensor<?xf32>
// CHECK: %[[C10:.*]] = arith.constant 10 : index
// CHECK: %[[N:.*]] = arith.divui %[[TOTAL]], %[[C10]] : index
// CHECK: %[[B:.*]] = tensor.expand_shape %[[F1]] {{\[}}[0, 1, 2]] output_shape [%[[N]], 2, 5] : tensor<?xf32> into tensor<?x2x5xf32>
// CHECK: %[[F2:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1]] : tensor<2x8xf32> into tensor<16xf32>
// CHECK: %[[C:.*]] = tensor.cast %[[F2]] : tensor<16xf32> to tensor<16xf32>
// CHECK: return %[[A]], %[[B]], %[[C]] :
func.func @reshape(%x: tensor<2x8xf32>, %d: tensor<?x10xf32>) -> (tensor<4x4xf32>, tensor<?x2x5xf32>, tensor<16xf32>) {
  %a = qat.reshape %x : tensor<2x8xf32> -> tensor<4x4xf32>
  %b = qat.reshape %d : tensor<?x10xf32> -> tensor<?x2x5xf32>
  %c = qat.reshape %x : tensor<2x8xf32> -> tensor<16xf32>
  return %a, %b, %c : tensor<4x4xf32>, tensor<?x2x5xf32>, tensor<16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Pooling
//===----------------------------------------------------------------------===//

// strides default to the kernel size; no padding, no tensor.pad.
// CHECK-LABEL: func.func @max_pool2d
// CHECK-SAME: (%[[X:.*]]: tensor<?x32x26x26xf32>)
// CHECK-NOT: tensor.pad
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<2x2xf32>
// CHECK: %[[N:.*]] = tensor.dim %[[X]]
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x32x13x13xf32>
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NINF]] : f32) outs(%[[E]] : tensor<?x32x13x13xf32>)
// CHECK: %[[Y:.*]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[X]], %[[WIN]] : tensor<?x32x26x26xf32>, tensor<2x2xf32>) outs(%[[INIT]] : tensor<?x32x13x13xf32>)
// CHECK: return %[[Y]] : tensor<?x32x13x13xf32>
func.func @max_pool2d(%x: tensor<?x32x26x26xf32>) -> tensor<?x32x13x13xf32> {
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<?x32x26x26xf32> -> tensor<?x32x13x13xf32>
  return %y : tensor<?x32x13x13xf32>
}

// -----

// ceil_mode: the input is padded high with -inf for the last window.
// CHECK-LABEL: func.func @max_pool2d_ceil
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x5xf32>)
// CHECK: %[[NINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[NINF]] : f32
// CHECK: tensor<1x2x5x5xf32> to tensor<1x2x6x6xf32>
// CHECK: %[[Y:.*]] = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<1x2x6x6xf32>, tensor<2x2xf32>)
// CHECK-SAME: -> tensor<1x2x3x3xf32>
// CHECK: return %[[Y]]
func.func @max_pool2d_ceil(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, ceil_mode} : tensor<1x2x5x5xf32> -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// Explicit [top, left, bottom, right] padding, strides and dilation.
// CHECK-LABEL: func.func @max_pool2d_padded_dilated
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x5x5xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 0, 1] high[0, 0, 1, 0]
// CHECK: tensor<1x2x5x5xf32> to tensor<1x2x6x6xf32>
// CHECK: %[[Y:.*]] = linalg.pooling_nchw_max {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<1x2x6x6xf32>, tensor<2x2xf32>)
// CHECK-SAME: -> tensor<1x2x4x4xf32>
// CHECK: return %[[Y]]
func.func @max_pool2d_padded_dilated(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x4x4xf32> {
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>, strides = array<i64: 1, 1>,
                          padding = array<i64: 0, 1, 1, 0>, dilation = array<i64: 2, 2>}
      : tensor<1x2x5x5xf32> -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// count_include_pad (the default): zero padding, sum pooling, and every
// window divides by the full 3 * 3 = 9.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[HW:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func.func @avg_pool2d
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x4x4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK: tensor.yield %[[ZERO]] : f32
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: %[[INIT:.*]] = linalg.fill
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %[[WIN]] : tensor<1x8x6x6xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x8x4x4xf32>)
// CHECK: %[[DIV:.*]] = arith.constant dense<9.000000e+00> : tensor<4x4xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[HW]], #[[ID]]], {{.*}} ins(%[[SUM]], %[[DIV]] : tensor<1x8x4x4xf32>, tensor<4x4xf32>)
// CHECK: arith.divf
// CHECK: return %[[Y]] : tensor<1x8x4x4xf32>
func.func @avg_pool2d(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                          padding = array<i64: 1, 1>}
      : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// -----

// count_include_pad = false: padded positions are not counted (4 in the
// corners, 6 on the edges, 9 inside).
// CHECK-LABEL: func.func @avg_pool2d_exclude_pad
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x4x4xf32>)
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum
// CHECK: %[[DIV:.*]] = arith.constant dense<{{\[}}[4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [6.000000e+00, 9.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<4x4xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[SUM]], %[[DIV]] :
// CHECK: arith.divf
// CHECK: return %[[Y]] : tensor<1x8x4x4xf32>
func.func @avg_pool2d_exclude_pad(%x: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 3, 3>, strides = array<i64: 1, 1>,
                          padding = array<i64: 1, 1>, count_include_pad = false}
      : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// -----

// ceil_mode without padding: the last row/column window is clipped to the
// input (2 * 2, 2 * 1, 1 * 1 elements).
// CHECK-LABEL: func.func @avg_pool2d_ceil
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x5x5xf32>)
// CHECK: %[[P:.*]] = tensor.pad %[[X]] low[0, 0, 0, 0] high[0, 0, 1, 1]
// CHECK: %[[SUM:.*]] = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK-SAME: ins(%[[P]], %{{.*}} : tensor<1x8x6x6xf32>, tensor<2x2xf32>)
// CHECK: %[[DIV:.*]] = arith.constant dense<{{\[}}[4.000000e+00, 4.000000e+00, 2.000000e+00], [4.000000e+00, 4.000000e+00, 2.000000e+00], [2.000000e+00, 2.000000e+00, 1.000000e+00]]> : tensor<3x3xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[SUM]], %[[DIV]] :
// CHECK: return %[[Y]] : tensor<1x8x3x3xf32>
func.func @avg_pool2d_ceil(%x: tensor<1x8x5x5xf32>) -> tensor<1x8x3x3xf32> {
  %y = qat.avg_pool2d %x {kernel_size = array<i64: 2, 2>, ceil_mode}
      : tensor<1x8x5x5xf32> -> tensor<1x8x3x3xf32>
  return %y : tensor<1x8x3x3xf32>
}

// -----

// Sum over H and W, divide by H * W, expand [N, C] to [N, C, 1, 1].
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[NC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1)>
// CHECK-LABEL: func.func @global_avg_pool
// CHECK-SAME: (%[[X:.*]]: tensor<?x64x7x7xf32>)
// CHECK: %[[SUM:.*]] = linalg.generic {indexing_maps = [#[[ID]], #[[NC]]], iterator_types = ["parallel", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<?x64x7x7xf32>)
// CHECK: arith.addf
// CHECK: %[[CNT:.*]] = arith.constant 4.900000e+01 : f32
// CHECK: %[[MEAN:.*]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<?x64xf32>)
// CHECK: arith.divf %{{.*}}, %[[CNT]] : f32
// CHECK: %[[N:.*]] = tensor.dim %[[X]]
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[MEAN]] {{\[}}[0], [1, 2, 3]] output_shape [%[[N]], 64, 1, 1] : tensor<?x64xf32> into tensor<?x64x1x1xf32>
// CHECK: return %[[Y]] : tensor<?x64x1x1xf32>
func.func @global_avg_pool(%x: tensor<?x64x7x7xf32>) -> tensor<?x64x1x1xf32> {
  %y = qat.global_avg_pool %x : tensor<?x64x7x7xf32> -> tensor<?x64x1x1xf32>
  return %y : tensor<?x64x1x1xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

// Row max, sum of exp(x - max), per-sample logsumexp - x[n, label[n]] (the
// label's logit read with tensor.extract), then the mean over the batch.
// CHECK-LABEL: func.func @cross_entropy_i32
// CHECK-SAME: (%[[L:.*]]: tensor<64x10xf32>, %[[T:.*]]: tensor<64xi32>)
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[L]] : tensor<64x10xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SE:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[L]], %[[MAX]] : tensor<64x10xf32>, tensor<64xf32>)
// CHECK: math.exp
// CHECK: %[[PS:.*]] = linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[T]], %[[MAX]], %[[SE]] : tensor<64xi32>, tensor<64xf32>, tensor<64xf32>)
// CHECK: ^bb0(%[[LAB:.*]]: i32, %[[M:.*]]: f32, %[[S:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[ROW:.*]] = linalg.index 0 : index
// CHECK: %[[COL:.*]] = arith.index_cast %[[LAB]] : i32 to index
// CHECK: %[[PICK:.*]] = tensor.extract %[[L]][%[[ROW]], %[[COL]]] : tensor<64x10xf32>
// CHECK: %[[LOG:.*]] = math.log %[[S]] : f32
// CHECK: %[[LSE:.*]] = arith.addf %[[M]], %[[LOG]] : f32
// CHECK: %[[LOSS:.*]] = arith.subf %[[LSE]], %[[PICK]] : f32
// CHECK: linalg.yield %[[LOSS]] : f32
// CHECK: %[[CNT:.*]] = arith.constant 6.400000e+01 : f32
// CHECK: %[[TOT:.*]] = linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[PS]] : tensor<64xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[TOT]] : tensor<f32>)
// CHECK: arith.divf %{{.*}}, %[[CNT]] : f32
// CHECK: return %[[Y]] : tensor<f32>
func.func @cross_entropy_i32(%l: tensor<64x10xf32>, %t: tensor<64xi32>) -> tensor<f32> {
  %y = qat.cross_entropy %l, %t : (tensor<64x10xf32>, tensor<64xi32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// i64 labels and a dynamic batch: the batch size is read at run time.
// CHECK-LABEL: func.func @cross_entropy_i64_dynamic
// CHECK-SAME: (%[[L:.*]]: tensor<?x10xf32>, %[[T:.*]]: tensor<?xi64>)
// CHECK: %[[PS:.*]] = linalg.generic {{.*}} ins(%[[T]], %{{.*}}, %{{.*}} : tensor<?xi64>, tensor<?xf32>, tensor<?xf32>)
// CHECK: arith.index_cast %{{.*}} : i64 to index
// CHECK: tensor.extract %[[L]]
// CHECK: %[[N:.*]] = tensor.dim %[[L]]
// CHECK: %[[NI:.*]] = arith.index_cast %{{.*}} : index to i64
// CHECK: %[[CNT:.*]] = arith.uitofp %[[NI]] : i64 to f32
// CHECK: %[[TOT:.*]] = linalg.generic {{.*}} ins(%[[PS]] : tensor<?xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[TOT]] : tensor<f32>)
// CHECK: arith.divf %{{.*}}, %[[CNT]] : f32
// CHECK: return %[[Y]] : tensor<f32>
func.func @cross_entropy_i64_dynamic(%l: tensor<?x10xf32>, %t: tensor<?xi64>) -> tensor<f32> {
  %y = qat.cross_entropy %l, %t : (tensor<?x10xf32>, tensor<?xi64>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// mean((input - target)^2) over all 12 elements.
// CHECK-LABEL: func.func @mse
// CHECK-SAME: (%[[A:.*]]: tensor<4x3xf32>, %[[B:.*]]: tensor<4x3xf32>)
// CHECK: %[[SQ:.*]] = linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<4x3xf32>, tensor<4x3xf32>)
// CHECK: ^bb0(%[[X:.*]]: f32, %[[T:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[D:.*]] = arith.subf %[[X]], %[[T]] : f32
// CHECK: %[[D2:.*]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK: linalg.yield %[[D2]] : f32
// CHECK: %[[CNT:.*]] = arith.constant 1.200000e+01 : f32
// CHECK: %[[TOT:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "reduction"]} ins(%[[SQ]] : tensor<4x3xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[TOT]] : tensor<f32>)
// CHECK: arith.divf %{{.*}}, %[[CNT]] : f32
// CHECK: return %[[Y]] : tensor<f32>
func.func @mse(%a: tensor<4x3xf32>, %b: tensor<4x3xf32>) -> tensor<f32> {
  %y = qat.mse %a, %b : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// A dynamic result extent is read from the operand that is dynamic there,
// not from one that broadcasts (extent 1).
// CHECK-LABEL: func.func @add_broadcast_dynamic
// CHECK-SAME: (%[[A:.*]]: tensor<1x10xf32>, %[[B:.*]]: tensor<?x10xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[B]], %{{.*}} : tensor<?x10xf32>
// CHECK: %[[E:.*]] = tensor.empty(%[[N]]) : tensor<?x10xf32>
// CHECK: linalg.generic {{.*}} ins(%[[A]], %[[B]] : tensor<1x10xf32>, tensor<?x10xf32>) outs(%[[E]] : tensor<?x10xf32>)
func.func @add_broadcast_dynamic(%a: tensor<1x10xf32>, %b: tensor<?x10xf32>) -> tensor<?x10xf32> {
  %y = qat.add %a, %b : (tensor<1x10xf32>, tensor<?x10xf32>) -> tensor<?x10xf32>
  return %y : tensor<?x10xf32>
}

// -----

// Concat along a dynamic axis: the result extent is the sum of the inputs'.
// CHECK-LABEL: func.func @concat_dynamic_axis
// CHECK-SAME: (%[[A:.*]]: tensor<?x4xf32>, %[[B:.*]]: tensor<3x4xf32>)
// CHECK: %[[N:.*]] = tensor.dim %[[A]], %{{.*}}
// CHECK: %[[SUM:.*]] = arith.addi %[[N]], %{{.*}} : index
// CHECK: %[[E:.*]] = tensor.empty(%[[SUM]]) : tensor<?x4xf32>
// CHECK: %[[S0:.*]] = tensor.insert_slice %[[A]] into %[[E]][0, 0]
// CHECK: %[[S1:.*]] = tensor.insert_slice %[[B]] into %[[S0]][%[[N]], 0] [3, 4]
// CHECK: return %[[S1]]
func.func @concat_dynamic_axis(%a: tensor<?x4xf32>, %b: tensor<3x4xf32>) -> tensor<?x4xf32> {
  %y = qat.concat %a, %b {axis = 0 : i64} : (tensor<?x4xf32>, tensor<3x4xf32>) -> tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_from_scalar
// CHECK: %[[R:.*]] = tensor.expand_shape %{{.*}} [] output_shape [1, 1] : tensor<f32> into tensor<1x1xf32>
// CHECK: return %[[R]]
func.func @reshape_from_scalar(%x: tensor<f32>) -> tensor<1x1xf32> {
  %y = qat.reshape %x : tensor<f32> -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}

// -----

// CHECK-LABEL: func.func @reshape_to_scalar
// CHECK: %[[R:.*]] = tensor.collapse_shape %{{.*}} [] : tensor<1x1xf32> into tensor<f32>
// CHECK: return %[[R]]
func.func @reshape_to_scalar(%x: tensor<1x1xf32>) -> tensor<f32> {
  %y = qat.reshape %x : tensor<1x1xf32> -> tensor<f32>
  return %y : tensor<f32>
}

// -----

// A training step reads a weight, uses it, then stores its update: every
// use comes before the store, so the weight is read in place (no copy).
qat.param @w = dense<1.0> : tensor<4xf32>

// CHECK-LABEL: func.func @update_in_place
// CHECK: %[[G:.*]] = memref.get_global @w : memref<4xf32>
// CHECK: %[[W:.*]] = bufferization.to_tensor %[[G]] restrict
// CHECK-NOT: linalg.copy
// CHECK: linalg.generic {{.*}} ins(%[[W]], %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK: bufferization.materialize_in_destination
func.func @update_in_place(%g: tensor<4xf32>) {
  %w = qat.load @w : tensor<4xf32>
  %n = qat.sub %w, %g : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
  qat.store %n, @w : tensor<4xf32>
  return
}

// -----

// A per-tensor observer's batch range: per-channel (dim 1) partials in a
// pass that iterates like the op producing x (so qat-fuse-elementwise can
// join them), then the range of the partials; nnan nsz min/max.
// CHECK-DAG: #[[X4:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[C4:.*]] = affine_map<(d0, d1, d2, d3) -> (d1)>
// CHECK-LABEL: func.func @observe_per_tensor
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x3x3xf32>,
// CHECK: %[[P:.*]]:2 = linalg.generic {indexing_maps = [#[[X4]], #[[C4]], #[[C4]]], iterator_types = ["reduction", "parallel", "reduction", "reduction"]} ins(%[[X]] : tensor<2x4x3x3xf32>) outs(%{{.*}}, %{{.*}} : tensor<4xf32>, tensor<4xf32>)
// CHECK: arith.minimumf %{{.*}}, %{{.*}} fastmath<nnan,nsz> : f32
// CHECK: arith.maximumf %{{.*}}, %{{.*}} fastmath<nnan,nsz> : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[P]]#0 : tensor<4xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: arith.minimumf
// CHECK: linalg.generic {{.*}} iterator_types = ["reduction"]} ins(%[[P]]#1 : tensor<4xf32>) outs(%{{.*}} : tensor<f32>)
// CHECK: arith.maximumf
func.func @observe_per_tensor(%x: tensor<2x4x3x3xf32>, %mn: tensor<1xf32>, %mx: tensor<1xf32>) -> (tensor<1xf32>, tensor<1xf32>) {
  %s, %z, %nmin, %nmax = qat.observe %x, %mn, %mx {spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127, observer = moving_average, averaging_constant = 1.000000e-02 : f64>, training} : (tensor<2x4x3x3xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
  return %nmin, %nmax : tensor<1xf32>, tensor<1xf32>
}

// RUN: qat-opt %s --convert-qat-to-linalg --cse -split-input-file | FileCheck %s

// With im2col (the default), an ungrouped static conv2d becomes im2col plus
// a register-tiled GEMM per image, out[n, f, p] = sum_k w[f, k] * col[n, k, p]
// on the collapsed tensors: vector<16xf32> accumulators over 16 positions
// p (zeros here: no bias), the k loop adding broadcast(w[f, k]) * col row k
// to them in order, then written back into the output tensor. The panel is
// one vector wide, so its tile takes up to 16 rows: all 4 here, no row loop.
// CHECK-DAG: #[[COL_IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-LABEL: func.func @conv_im2col
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x9x9xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>)
// CHECK: %[[COL6:.*]] = linalg.generic {indexing_maps = [#[[COL_IN]], {{.*}}]{{.*}} ins(%[[X]] : tensor<2x3x9x9xf32>) outs(%{{.*}} : tensor<2x3x3x3x4x4xf32>)
// CHECK: %[[COL:.*]] = tensor.collapse_shape %[[COL6]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<2x3x3x3x4x4xf32> into tensor<2x27x16xf32>
// CHECK: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<4x3x3x3xf32> into tensor<4x27xf32>
// CHECK-DAG: %[[ZERO:.*]] = arith.constant dense<0.000000e+00> : vector<16xf32>
// CHECK-DAG: %[[C0:.*]] = tensor.empty() : tensor<128xf32>
// CHECK-DAG: %[[COL1:.*]] = tensor.collapse_shape %[[COL]] {{\[}}[0, 1, 2]] : tensor<2x27x16xf32> into tensor<864xf32>
// CHECK-DAG: %[[W1:.*]] = tensor.collapse_shape %[[W2]] {{\[}}[0, 1]] : tensor<4x27xf32> into tensor<108xf32>
// CHECK: %[[OUT:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[CB:.*]] = %[[C0]]) -> (tensor<128xf32>)
// CHECK: %[[ACC:.*]]:4 = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[R0:.*]] = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]], %{{.*}} = %[[ZERO]])
// CHECK: %[[ROW:.*]] = vector.transfer_read %[[COL1]][%{{.*}}], %{{.*}} {in_bounds = [true]} : tensor<864xf32>, vector<16xf32>
// CHECK: %[[WS:.*]] = tensor.extract %[[W1]][%{{.*}}] : tensor<108xf32>
// CHECK: %[[WV:.*]] = vector.broadcast %[[WS]] : f32 to vector<16xf32>
// CHECK: %[[S:.*]] = math.fma %[[WV]], %[[ROW]], %[[R0]] : vector<16xf32>
// CHECK: vector.transfer_write %[[ACC]]#0, %[[CB]][%{{.*}}] {in_bounds = [true]} : vector<16xf32>, tensor<128xf32>
// CHECK: %[[OUT3:.*]] = tensor.expand_shape %[[OUT]] {{\[}}[0, 1, 2]] output_shape [2, 4, 16] : tensor<128xf32> into tensor<2x4x16xf32>
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[OUT3]] {{\[}}[0], [1], [2, 3]] output_shape [2, 4, 4, 4] : tensor<2x4x16xf32> into tensor<2x4x4x4xf32>
// CHECK: return %[[Y]]
func.func @conv_im2col(%x: tensor<2x3x9x9xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32> {
  %y = qat.conv2d %x, %w {strides = array<i64: 2, 2>} : (tensor<2x3x9x9xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
  return %y : tensor<2x4x4x4xf32>
}

// -----

// A panel of one vector (16 positions) and 16 filters: one tile of 16 rows,
// 16 accumulators (a 4-row tile would have 4, and the FMA latency would
// bound it).
// CHECK-LABEL: func.func @narrow_panel_tall_tile
// CHECK: scf.for %{{.*}} iter_args(%{{.*}}) -> (tensor<512xf32>)
// CHECK: scf.for %{{.*}} = %c0 to %c16 step %c16 iter_args(%{{.*}}) -> (tensor<512xf32>)
// CHECK: %{{.*}}:16 = scf.for
// CHECK-SAME: -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
func.func @narrow_panel_tall_tile(%x: tensor<2x1x6x6xf32>, %w: tensor<16x1x3x3xf32>) -> tensor<2x16x4x4xf32> {
  %y = qat.conv2d %x, %w : (tensor<2x1x6x6xf32>, tensor<16x1x3x3xf32>) -> tensor<2x16x4x4xf32>
  return %y : tensor<2x16x4x4xf32>
}

// -----

// Grouped convolutions keep the named grouped op.
// CHECK-LABEL: func.func @conv_grouped_named
// CHECK: linalg.conv_2d_ngchw_gfchw
func.func @conv_grouped_named(%x: tensor<1x4x6x6xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %y = qat.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

// -----

// Stride 1 with many more terms than filters (K = 72, F = 2): no im2col. The
// GEMM reads rows of the input itself into a [N, F, (OH - 1) * W + OW]
// result (column y * W + x; columns x >= OW are computed and dropped), and
// one gather compacts it to [N, F, OH, OW].
// CHECK-DAG: #[[COMPACT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 6 + d3)>
// CHECK-LABEL: func.func @conv_implicit_im2col
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x6x6xf32>, %[[W:.*]]: tensor<2x8x3x3xf32>)
// CHECK-NOT: tensor<1x8x3x3x4x4xf32>
// CHECK-DAG: %[[X1:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2, 3]] : tensor<1x8x6x6xf32> into tensor<288xf32>
// CHECK: vector.transfer_read %[[X1]]
// CHECK: %[[WIDE3:.*]] = tensor.expand_shape %{{.*}} {{\[}}[0, 1, 2]] output_shape [1, 2, 22] : tensor<44xf32> into tensor<1x2x22xf32>
// CHECK: %[[Y:.*]] = linalg.generic {indexing_maps = [#[[COMPACT]], {{.*}}]{{.*}} ins(%[[WIDE3]] : tensor<1x2x22xf32>) outs(%{{.*}} : tensor<1x2x4x4xf32>)
// CHECK: return %[[Y]]
func.func @conv_implicit_im2col(%x: tensor<1x8x6x6xf32>, %w: tensor<2x8x3x3xf32>) -> tensor<1x2x4x4xf32> {
  %y = qat.conv2d %x, %w : (tensor<1x8x6x6xf32>, tensor<2x8x3x3xf32>) -> tensor<1x2x4x4xf32>
  return %y : tensor<1x2x4x4xf32>
}

// -----

// In a training step neither pass builds an im2col matrix: the forward GEMM
// reads the input (and is compacted), and the weight gradient is one GEMM
// per kernel row i, batched over the kernel column j, reading the input
// from row offset i * W (here 0, 6, 12 of the flattened input) against the
// transposed dy; the [KH, KW, C, F] parts are transposed to [F, C, KH, KW].
// CHECK-LABEL: func.func @conv_with_grad
// CHECK-SAME: (%[[X:.*]]: tensor<1x8x6x6xf32>
// CHECK-NOT: linalg.generic {{.*}} ins(%[[X]] : tensor<1x8x6x6xf32>) outs(%{{.*}} : tensor<1x8x3x3x4x4xf32>)
// CHECK: %[[XF:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2, 3]] : tensor<1x8x6x6xf32> into tensor<288xf32>
// CHECK: linalg.transpose ins(%{{.*}} : tensor<1x2x16xf32>) outs(%{{.*}} : tensor<1x16x2xf32>) permutation = [0, 2, 1]
// CHECK: tensor.extract_slice %[[XF]][0] [288] [1]
// The reduction over (n, y, x): the 4 terms of x are unrolled in the oh
// loop (8 accumulators: 8 channel rows by one vector of 2 filters).
// CHECK: scf.for %{{.*}} = %c0 to %c1 step %c1 iter_args
// CHECK: scf.for %{{.*}} = %c0 to %c4{{.*}} step %c1 iter_args
// CHECK-COUNT-32: math.fma
// CHECK-NOT: scf.for
// CHECK: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0] [1, 3, 8, 2] [1, 1, 1, 1] : tensor<3x8x2xf32> into tensor<3x3x8x2xf32>
// CHECK: tensor.extract_slice %[[XF]][6] [282] [1]
// CHECK: tensor.extract_slice %[[XF]][12] [276] [1]
// CHECK: %[[DW:.*]] = linalg.transpose ins(%{{.*}} : tensor<3x3x8x2xf32>) outs(%{{.*}} : tensor<2x8x3x3xf32>) permutation = [3, 2, 0, 1]
func.func @conv_with_grad(%x: tensor<1x8x6x6xf32>, %w: tensor<2x8x3x3xf32>, %dy: tensor<1x2x4x4xf32>) -> (tensor<1x2x4x4xf32>, tensor<2x8x3x3xf32>) {
  %y = qat.conv2d %x, %w : (tensor<1x8x6x6xf32>, tensor<2x8x3x3xf32>) -> tensor<1x2x4x4xf32>
  %dx, %dw, %db = qat.conv2d_grad %x, %w, %dy {dilation = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 1, 1>} : (tensor<1x8x6x6xf32>, tensor<2x8x3x3xf32>, tensor<1x2x4x4xf32>) -> (tensor<1x8x6x6xf32>, tensor<2x8x3x3xf32>, tensor<2xf32>)
  return %y, %dw : tensor<1x2x4x4xf32>, tensor<2x8x3x3xf32>
}

// -----

// A max-pool whose gradient is in the same function is lowered to the
// gradient's argmax generic (first maximum; a NaN wins and stays: ogt or
// the new value is NaN), which CSE then computes once for both.
// CHECK-LABEL: func.func @max_pool_with_grad
// CHECK-NOT: linalg.pooling_nchw_max
// CHECK: %[[ARG:.*]]:2 = linalg.generic
// CHECK-SAME: outs(%{{.*}}, %{{.*}} : tensor<1x2x2x2xf32>, tensor<1x2x2x2xi32>)
// CHECK-DAG: %[[NAN:.*]] = arith.cmpf uno, %[[IN:.*]], %[[IN]] : f32
// CHECK-DAG: %[[GT:.*]] = arith.cmpf ogt, %[[IN]], %{{.*}} : f32
// CHECK: arith.ori %[[GT]], %[[NAN]] : i1
// CHECK-NOT: tensor<1x2x2x2xi32>) {
// CHECK: tensor.extract %[[ARG]]#1
// CHECK: return %[[ARG]]#0,
func.func @max_pool_with_grad(%x: tensor<1x2x4x4xf32>, %dy: tensor<1x2x2x2xf32>) -> (tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>) {
  %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>} : tensor<1x2x4x4xf32> -> tensor<1x2x2x2xf32>
  %dx = qat.max_pool2d_grad %x, %dy {kernel_size = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x4x4xf32>
  return %y, %dx : tensor<1x2x2x2xf32>, tensor<1x2x4x4xf32>
}

// -----

// The input gradient's col2im is a scatter: loops (n, c, kh, kw, oy, ox),
// the kernel offsets as reductions outside the pixel loops, each dcol row
// added into the dx row it lands on (stride 2, dilation 1 here).
// CHECK: #[[DXMAP:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-LABEL: func.func @conv_input_grad_scatter
// CHECK: %[[DX:.*]] = linalg.generic {indexing_maps = [#{{.*}}, #[[DXMAP]]], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel", "parallel"]} ins(%{{.*}} : tensor<1x3x3x3x2x2xf32>) outs(%{{.*}} : tensor<1x3x5x5xf32>)
// CHECK: arith.addf %{{.*}}, %{{.*}} : f32
// CHECK: return %[[DX]]
func.func @conv_input_grad_scatter(%x: tensor<1x3x5x5xf32>, %w: tensor<4x3x3x3xf32>, %dy: tensor<1x4x2x2xf32>) -> tensor<1x3x5x5xf32> {
  %dx, %dw, %db = qat.conv2d_grad %x, %w, %dy {dilation = array<i64: 1, 1>, groups = 1 : i64, padding = array<i64: 0, 0, 0, 0>, strides = array<i64: 2, 2>} : (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>, tensor<1x4x2x2xf32>) -> (tensor<1x3x5x5xf32>, tensor<4x3x3x3xf32>, tensor<4xf32>)
  return %dx : tensor<1x3x5x5xf32>
}

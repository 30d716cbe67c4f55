// RUN: qat-opt %s --convert-qat-to-linalg -split-input-file | FileCheck %s
// RUN: qat-opt %s --convert-qat-to-linalg=block-pools=false -split-input-file | FileCheck %s --check-prefix=OFF

// A conv2d that reaches a 2x2 max-pool through pixel-wise ops, and whose
// GEMM reads an im2col matrix (K = 9 <= 2 F), writes its pixels in blocked
// order: the im2col matrix's pixel axes are (window row,
// window column, row, column), and the pool is the element-wise maximum of
// the conv output's four planes, in window order (no -inf fill).
// CHECK-DAG: #[[P00:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 0, d2, d3)>
// CHECK-DAG: #[[P01:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 0, 1, d2, d3)>
// CHECK-DAG: #[[P10:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 1, 0, d2, d3)>
// CHECK-DAG: #[[P11:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, 1, 1, d2, d3)>
// CHECK-LABEL: func.func @blocked
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<2x1x8x10xf32>) outs(%{{.*}} : tensor<2x1x3x3x2x2x3x4xf32>)
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x8x6x8xf32>) outs(%{{.*}} : tensor<2x8x6x8xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[RELU]] {{\[}}[0], [1], [2, 3]]
// CHECK: %[[PLANES:.*]] = tensor.expand_shape %[[FLAT]] {{\[}}[0], [1], [2, 3, 4, 5]] output_shape [2, 8, 2, 2, 3, 4]
// CHECK: linalg.generic {indexing_maps = [#[[P00]], #[[P01]], #[[P10]], #[[P11]], #{{.*}}], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[PLANES]], %[[PLANES]], %[[PLANES]], %[[PLANES]] : {{.*}}) outs(%{{.*}} : tensor<2x8x3x4xf32>)
// CHECK: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %[[C:.*]]: f32, %[[D:.*]]: f32, %{{.*}}: f32):
// CHECK: %[[M1:.*]] = arith.maximumf %[[A]], %[[B]]
// CHECK: %[[M2:.*]] = arith.maximumf %[[M1]], %[[C]]
// CHECK: arith.maximumf %[[M2]], %[[D]]
// CHECK-NOT: linalg.pooling_nchw_max
// OFF-LABEL: func.func @blocked
// OFF: linalg.pooling_nchw_max
func.func @blocked(%x: tensor<2x1x8x10xf32>, %w: tensor<8x1x3x3xf32>, %s: tensor<8x1x1xf32>) -> tensor<2x8x3x4xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x1x8x10xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x6x8xf32>
  // A per-channel operand is the same at every pixel.
  %m = qat.mul %c, %s : (tensor<2x8x6x8xf32>, tensor<8x1x1xf32>) -> tensor<2x8x6x8xf32>
  %r = qat.relu %m : tensor<2x8x6x8xf32>
  %y = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>} : tensor<2x8x6x8xf32> -> tensor<2x8x3x4xf32>
  return %y : tensor<2x8x3x4xf32>
}

// -----

// An odd output: the planes of the 2 x 2 windows, then column 4 of rows 0-3
// and row 4, which no window reads; the pool reads the planes.
// CHECK-LABEL: func.func @odd_extent
// CHECK: tensor.insert_slice {{.*}} : tensor<2x9x16xf32> into tensor<2x9x25xf32>
// CHECK: tensor.insert_slice {{.*}} : tensor<2x9x4xf32> into tensor<2x9x25xf32>
// CHECK: tensor.insert_slice {{.*}} : tensor<2x9x5xf32> into tensor<2x9x25xf32>
// CHECK: %[[PLANES:.*]] = tensor.extract_slice {{.*}} : tensor<2x8x25xf32> to tensor<2x8x16xf32>
// CHECK: tensor.expand_shape %[[PLANES]] {{\[}}[0], [1], [2, 3, 4, 5]] output_shape [2, 8, 2, 2, 2, 2]
// CHECK-NOT: linalg.pooling_nchw_max
func.func @odd_extent(%x: tensor<2x1x7x7xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<2x8x2x2xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x1x7x7xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x5x5xf32>
  %y = qat.max_pool2d %c {kernel_size = array<i64: 2, 2>} : tensor<2x8x5x5xf32> -> tensor<2x8x2x2xf32>
  return %y : tensor<2x8x2x2xf32>
}

// -----

// The relu output is also returned: its caller reads pixels where they are.
// CHECK-LABEL: func.func @escapes
// CHECK-NOT: output_shape [2, 8, 2, 2
// CHECK: linalg.pooling_nchw_max
func.func @escapes(%x: tensor<2x1x8x10xf32>, %w: tensor<8x1x3x3xf32>) -> (tensor<2x8x3x4xf32>, tensor<2x8x6x8xf32>) {
  %c = qat.conv2d %x, %w : (tensor<2x1x8x10xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x6x8xf32>
  %r = qat.relu %c : tensor<2x8x6x8xf32>
  %y = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>} : tensor<2x8x6x8xf32> -> tensor<2x8x3x4xf32>
  return %y, %r : tensor<2x8x3x4xf32>, tensor<2x8x6x8xf32>
}

// -----

// An operand that varies along W is not the same at every pixel.
// CHECK-LABEL: func.func @width_operand
// CHECK-NOT: output_shape [2, 8, 2, 2
// CHECK: linalg.pooling_nchw_max
func.func @width_operand(%x: tensor<2x1x8x10xf32>, %w: tensor<8x1x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x8x3x4xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x1x8x10xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x6x8xf32>
  %a = qat.add %c, %b : (tensor<2x8x6x8xf32>, tensor<8xf32>) -> tensor<2x8x6x8xf32>
  %y = qat.max_pool2d %a {kernel_size = array<i64: 2, 2>} : tensor<2x8x6x8xf32> -> tensor<2x8x3x4xf32>
  return %y : tensor<2x8x3x4xf32>
}

// -----

// A 3x3 pool reads overlapping windows: the standard order.
// CHECK-LABEL: func.func @other_window
// CHECK-NOT: output_shape [2, 8, 2, 2
// CHECK: linalg.pooling_nchw_max
func.func @other_window(%x: tensor<2x1x8x10xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<2x8x2x3xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x1x8x10xf32>, tensor<8x1x3x3xf32>) -> tensor<2x8x6x8xf32>
  %y = qat.max_pool2d %c {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<2x8x6x8xf32> -> tensor<2x8x2x3xf32>
  return %y : tensor<2x8x2x3xf32>
}

// -----

// A conv2d whose GEMM reads its input directly (K = 27 > 2 F) compacts the
// GEMM's rows (W = 10 columns, 8 of them outputs) into the planes.
// CHECK-LABEL: func.func @direct_gemm
// CHECK: %[[COMPACT:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x4x58xf32>) outs(%{{.*}} : tensor<2x4x2x2x3x4xf32>)
// CHECK: tensor.collapse_shape %[[COMPACT]] {{\[}}[0], [1], [2, 3, 4, 5]]
// CHECK: linalg.generic {{.*}} ins(%[[P:.*]], %[[P]], %[[P]], %[[P]] : tensor<2x4x2x2x3x4xf32>, {{.*}}) outs(%{{.*}} : tensor<2x4x3x4xf32>)
// CHECK-NOT: linalg.pooling_nchw_max
func.func @direct_gemm(%x: tensor<2x3x8x10xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x3x4xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x3x8x10xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x8xf32>
  %y = qat.max_pool2d %c {kernel_size = array<i64: 2, 2>} : tensor<2x4x6x8xf32> -> tensor<2x4x3x4xf32>
  return %y : tensor<2x4x3x4xf32>
}

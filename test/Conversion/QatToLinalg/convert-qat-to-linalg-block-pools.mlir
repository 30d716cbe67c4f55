// RUN: qat-opt %s --convert-qat-to-linalg -split-input-file | FileCheck %s
// RUN: qat-opt %s --convert-qat-to-linalg=block-pools=false -split-input-file | FileCheck %s --check-prefix=OFF

// A conv2d that reaches a 2x2 max-pool through pixel-wise ops writes its
// pixels in blocked order: the im2col matrix's pixel axes are (window row,
// window column, row, column), and the pool reads the conv output's four
// planes.
// CHECK-LABEL: func.func @blocked
// CHECK: linalg.generic {{.*}} ins(%arg0 : tensor<2x3x8x10xf32>) outs(%{{.*}} : tensor<2x3x3x3x2x2x3x4xf32>)
// CHECK: %[[RELU:.*]] = linalg.generic {{.*}} ins(%{{.*}} : tensor<2x4x6x8xf32>) outs(%{{.*}} : tensor<2x4x6x8xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[RELU]] {{\[}}[0], [1], [2, 3]]
// CHECK: %[[PLANES:.*]] = tensor.expand_shape %[[FLAT]] {{\[}}[0], [1], [2, 3, 4, 5]] output_shape [2, 4, 2, 2, 3, 4]
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]} ins(%[[PLANES]] : tensor<2x4x2x2x3x4xf32>) outs(%{{.*}} : tensor<2x4x3x4xf32>)
// CHECK: arith.maximumf
// CHECK-NOT: linalg.pooling_nchw_max
// OFF-LABEL: func.func @blocked
// OFF: linalg.pooling_nchw_max
func.func @blocked(%x: tensor<2x3x8x10xf32>, %w: tensor<4x3x3x3xf32>, %s: tensor<4x1x1xf32>) -> tensor<2x4x3x4xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x3x8x10xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x8xf32>
  // A per-channel operand is the same at every pixel.
  %m = qat.mul %c, %s : (tensor<2x4x6x8xf32>, tensor<4x1x1xf32>) -> tensor<2x4x6x8xf32>
  %r = qat.relu %m : tensor<2x4x6x8xf32>
  %y = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>} : tensor<2x4x6x8xf32> -> tensor<2x4x3x4xf32>
  return %y : tensor<2x4x3x4xf32>
}

// -----

// An odd output (the last row and column are not pooled) keeps the
// standard pixel order.
// CHECK-LABEL: func.func @odd_extent
// CHECK-NOT: output_shape [2, 4, 2, 2
// CHECK: linalg.pooling_nchw_max
func.func @odd_extent(%x: tensor<2x3x7x7xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x2x2xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x3x7x7xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x5x5xf32>
  %y = qat.max_pool2d %c {kernel_size = array<i64: 2, 2>} : tensor<2x4x5x5xf32> -> tensor<2x4x2x2xf32>
  return %y : tensor<2x4x2x2xf32>
}

// -----

// The relu output is also returned: its caller reads pixels where they are.
// CHECK-LABEL: func.func @escapes
// CHECK-NOT: output_shape [2, 4, 2, 2
// CHECK: linalg.pooling_nchw_max
func.func @escapes(%x: tensor<2x3x8x10xf32>, %w: tensor<4x3x3x3xf32>) -> (tensor<2x4x3x4xf32>, tensor<2x4x6x8xf32>) {
  %c = qat.conv2d %x, %w : (tensor<2x3x8x10xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x8xf32>
  %r = qat.relu %c : tensor<2x4x6x8xf32>
  %y = qat.max_pool2d %r {kernel_size = array<i64: 2, 2>} : tensor<2x4x6x8xf32> -> tensor<2x4x3x4xf32>
  return %y, %r : tensor<2x4x3x4xf32>, tensor<2x4x6x8xf32>
}

// -----

// An operand that varies along W is not the same at every pixel.
// CHECK-LABEL: func.func @width_operand
// CHECK-NOT: output_shape [2, 4, 2, 2
// CHECK: linalg.pooling_nchw_max
func.func @width_operand(%x: tensor<2x3x8x10xf32>, %w: tensor<4x3x3x3xf32>, %b: tensor<8xf32>) -> tensor<2x4x3x4xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x3x8x10xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x8xf32>
  %a = qat.add %c, %b : (tensor<2x4x6x8xf32>, tensor<8xf32>) -> tensor<2x4x6x8xf32>
  %y = qat.max_pool2d %a {kernel_size = array<i64: 2, 2>} : tensor<2x4x6x8xf32> -> tensor<2x4x3x4xf32>
  return %y : tensor<2x4x3x4xf32>
}

// -----

// A 3x3 pool reads overlapping windows: the standard order.
// CHECK-LABEL: func.func @other_window
// CHECK-NOT: output_shape [2, 4, 2, 2
// CHECK: linalg.pooling_nchw_max
func.func @other_window(%x: tensor<2x3x8x10xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x2x3xf32> {
  %c = qat.conv2d %x, %w : (tensor<2x3x8x10xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x8xf32>
  %y = qat.max_pool2d %c {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>} : tensor<2x4x6x8xf32> -> tensor<2x4x2x3xf32>
  return %y : tensor<2x4x2x3xf32>
}

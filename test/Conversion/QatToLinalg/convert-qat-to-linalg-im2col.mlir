// RUN: qat-opt %s --convert-qat-to-linalg -split-input-file | FileCheck %s

// With im2col (the default), an ungrouped static conv2d becomes im2col plus
// a GEMM whose loops run (n, f, k, p): the innermost loop is contiguous in
// the output and the column matrix.
// CHECK-DAG: #[[COL_IN:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d4 * 2 + d2, d5 * 2 + d3)>
// CHECK-DAG: #[[MW:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG: #[[MC:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
// CHECK-DAG: #[[MO:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func.func @conv_im2col
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x9x9xf32>, %[[W:.*]]: tensor<4x3x3x3xf32>)
// CHECK: %[[COL6:.*]] = linalg.generic {indexing_maps = [#[[COL_IN]], {{.*}}]{{.*}} ins(%[[X]] : tensor<2x3x9x9xf32>) outs(%{{.*}} : tensor<2x3x3x3x4x4xf32>)
// CHECK: %[[COL:.*]] = tensor.collapse_shape %[[COL6]] {{\[}}[0], [1, 2, 3], [4, 5]] : tensor<2x3x3x3x4x4xf32> into tensor<2x27x16xf32>
// CHECK: %[[W2:.*]] = tensor.collapse_shape %[[W]] {{\[}}[0], [1, 2, 3]] : tensor<4x3x3x3xf32> into tensor<4x27xf32>
// CHECK: %[[OUT:.*]] = linalg.generic {indexing_maps = [#[[MW]], #[[MC]], #[[MO]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%[[W2]], %[[COL]] : tensor<4x27xf32>, tensor<2x27x16xf32>)
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[OUT]] {{\[}}[0], [1], [2, 3]] output_shape [2, 4, 4, 4] : tensor<2x4x16xf32> into tensor<2x4x4x4xf32>
// CHECK: return %[[Y]]
func.func @conv_im2col(%x: tensor<2x3x9x9xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32> {
  %y = qat.conv2d %x, %w {strides = array<i64: 2, 2>} : (tensor<2x3x9x9xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x4x4xf32>
  return %y : tensor<2x4x4x4xf32>
}

// -----

// Grouped convolutions keep the named grouped op.
// CHECK-LABEL: func.func @conv_grouped_named
// CHECK: linalg.conv_2d_ngchw_gfchw
func.func @conv_grouped_named(%x: tensor<1x4x6x6xf32>, %w: tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32> {
  %y = qat.conv2d %x, %w {groups = 2 : i64} : (tensor<1x4x6x6xf32>, tensor<4x2x3x3xf32>) -> tensor<1x4x4x4xf32>
  return %y : tensor<1x4x4x4xf32>
}

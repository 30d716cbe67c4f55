// RUN: qat-opt %s --qat-lower-arm="isa=i8mm threads=2" | FileCheck %s

// i8mm tiles count row pairs: 128 pairs of 256 rows, 4-pair tiles, two
// blocks of 16 tiles (64 pairs) in parallel. The block's first pair,
// 64 * index, offsets the tile's pair index, which the mmla loads and the
// epilogue double into rows.
// CHECK-LABEL: func.func @rows
// CHECK: scf.parallel (%[[T:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}})
// CHECK: %[[BASE:.*]] = arith.muli %[[T]], %{{.*}} : index
// CHECK: arith.addi %[[BASE]], %{{.*}} : index
// CHECK: qat.mmla_accumulate
// CHECK: scf.reduce
qat.param @w = dense<1> : tensor<64x1024xi8>
qat.param @b = dense<0> : tensor<64xi32>
func.func @rows(%x: tensor<256x1024x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<256x64x!quant.uniform<u8:f32, 0.25:3>> {
  %w = qat.load @w : tensor<64x1024xi8>
  %wq = quant.scast %w : tensor<64x1024xi8> to tensor<64x1024x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @b : tensor<64xi32>
  %y = qat.qlinear %x, %wq, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<256x1024x!quant.uniform<u8:f32, 0.5:10>>, tensor<64x1024x!quant.uniform<i8:f32, 0.125>>, tensor<64xi32>) -> tensor<256x64x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<256x64x!quant.uniform<u8:f32, 0.25:3>>
}

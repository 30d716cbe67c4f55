// RUN: qat-opt %s --qat-lower-x86="isa=avx512vnni threads=2" -split-input-file | FileCheck %s
// RUN: qat-opt %s --qat-lower-x86="isa=avx512vnni" -split-input-file | FileCheck %s --check-prefix=ONE

// 256 rows of 6-row tiles: two blocks of 21 tiles (126 rows) in parallel,
// then the last 4 rows on the calling thread.
// CHECK-LABEL: func.func @rows
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK: scf.parallel (%[[T:.*]]) = (%[[C0]]) to (%[[C2]]) step (%[[C1]])
// CHECK: arith.muli %[[T]], %{{.*}} : index
// CHECK: qat.dot_accumulate
// CHECK: scf.reduce
// CHECK: qat.dot_accumulate
// ONE-LABEL: func.func @rows
// ONE-NOT: scf.parallel
qat.param @w = dense<1> : tensor<64x1024xi8>
qat.param @b = dense<0> : tensor<64xi32>
func.func @rows(%x: tensor<256x1024x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<256x64x!quant.uniform<u8:f32, 0.25:3>> {
  %w = qat.load @w : tensor<64x1024xi8>
  %wq = quant.scast %w : tensor<64x1024xi8> to tensor<64x1024x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @b : tensor<64xi32>
  %y = qat.qlinear %x, %wq, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<256x1024x!quant.uniform<u8:f32, 0.5:10>>, tensor<64x1024x!quant.uniform<i8:f32, 0.125>>, tensor<64xi32>) -> tensor<256x64x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<256x64x!quant.uniform<u8:f32, 0.25:3>>
}

// -----

// One row: the four full 64-channel panels are split.
// CHECK-LABEL: func.func @panels
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}})
// CHECK: qat.dot_accumulate
// CHECK: scf.reduce
qat.param @w = dense<1> : tensor<256x4096xi8>
qat.param @b = dense<0> : tensor<256xi32>
func.func @panels(%x: tensor<1x4096x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<1x256x!quant.uniform<u8:f32, 0.25:3>> {
  %w = qat.load @w : tensor<256x4096xi8>
  %wq = quant.scast %w : tensor<256x4096xi8> to tensor<256x4096x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @b : tensor<256xi32>
  %y = qat.qlinear %x, %wq, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x4096x!quant.uniform<u8:f32, 0.5:10>>, tensor<256x4096x!quant.uniform<i8:f32, 0.125>>, tensor<256xi32>) -> tensor<1x256x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<1x256x!quant.uniform<u8:f32, 0.25:3>>
}

// -----

// Too little work to split.
// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.parallel
qat.param @w = dense<1> : tensor<16x64xi8>
qat.param @b = dense<0> : tensor<16xi32>
func.func @small(%x: tensor<8x64x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<8x16x!quant.uniform<u8:f32, 0.25:3>> {
  %w = qat.load @w : tensor<16x64xi8>
  %wq = quant.scast %w : tensor<16x64xi8> to tensor<16x64x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @b : tensor<16xi32>
  %y = qat.qlinear %x, %wq, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<8x64x!quant.uniform<u8:f32, 0.5:10>>, tensor<16x64x!quant.uniform<i8:f32, 0.125>>, tensor<16xi32>) -> tensor<8x16x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<8x16x!quant.uniform<u8:f32, 0.25:3>>
}

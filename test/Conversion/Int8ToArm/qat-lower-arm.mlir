// RUN: qat-opt %s --qat-lower-arm=isa=i8mm | FileCheck %s --check-prefix=I8MM
// RUN: qat-opt %s --qat-lower-arm=isa=dotprod | FileCheck %s --check-prefix=DOTPROD
// RUN: qat-opt %s --qat-lower-arm=isa=neon | FileCheck %s --check-prefix=NEON
// RUN: not qat-opt %s --qat-lower-arm=isa=sve 2>&1 | FileCheck %s --check-prefix=BADISA --implicit-check-not="current operation"

// BADISA: <unknown>:0: error: --qat-lower-arm: unknown isa 'sve' (i8mm, dotprod, neon, generic)

// usmmla 2x8x2 tiles take the uint8 activations as they are: weights in
// pairs of channels, 8 k each; rows of x in pairs (5 rows padded to 6).
// I8MM-DAG: memref.global "private" constant @{{.*}} : memref<4xi32> = dense<[80, -130, 0, 0]>
// I8MM-DAG: memref.global "private" constant @{{.*}} : memref<32xi8> = dense<[1, -2, 3, 0, 0, 0, 0, 0, 4, 5, -6, 0, 0, 0, 0, 0, 0,
// I8MM-LABEL: func.func @linear
// I8MM-NOT: arith.xori
// I8MM: tensor.pad %{{.*}} low[0, 0] high[1, 5]
// I8MM: %[[X0:.*]] = vector.load %{{.*}} : memref<6x8xi8>, vector<8xi8>
// I8MM: %[[X1:.*]] = vector.load %{{.*}} : memref<6x8xi8>, vector<8xi8>
// I8MM: %[[XV:.*]] = vector.shuffle %[[X0]], %[[X1]] [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
// I8MM: qat.mmla_accumulate %{{.*}}, %[[XV]], %{{.*}} : vector<16xi8> -> vector<4xi32>
// The 2x2 results of two channel pairs become one row's 4 channels.
// I8MM: vector.shuffle %{{.*}}, %{{.*}} [0, 1, 4, 5] : vector<4xi32>, vector<4xi32>
// I8MM: vector.shuffle %{{.*}}, %{{.*}} [2, 3, 6, 7] : vector<4xi32>, vector<4xi32>
// I8MM: tensor.extract_slice %{{.*}}[0, 0] [5, 2] [1, 1] : tensor<6x2xi8> to tensor<5x2xi8>

// sdot reads signed bytes: x ^ 0x80 = x - 128, and the constant absorbs
// -128 * sum_k w: 100 - (10 - 128) * 2 = 336, -100 - (10 - 128) * 3 = 254.
// DOTPROD-DAG: memref.global "private" constant @{{.*}} : memref<4xi32> = dense<[336, 254, 0, 0]>
// DOTPROD-LABEL: func.func @linear
// DOTPROD: %[[C:.*]] = arith.constant -128 : i8
// DOTPROD: arith.xori %{{.*}}, %[[C]] : i8
// DOTPROD: qat.dot_accumulate %{{.*}}, %{{.*}}, %{{.*}} {lhs_signed} : vector<16xi8> -> vector<4xi32>

// NEON-LABEL: func.func @linear
// NEON: arith.extui %{{.*}} : i8 to i16
// NEON: qat.dot_accumulate %{{.*}}, %{{.*}}, %{{.*}} : vector<8xi16> -> vector<4xi32>
qat.param @w = dense<[[1, -2, 3], [4, 5, -6]]> : tensor<2x3xi8>
qat.param @b = dense<[100, -100]> : tensor<2xi32>
func.func @linear(%x: tensor<5x3x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<5x2x!quant.uniform<u8:f32, 0.25:3>> {
  %w = qat.load @w : tensor<2x3xi8>
  %wq = quant.scast %w : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {0.125, 0.0625}>>
  %b = qat.load @b : tensor<2xi32>
  %y = qat.qlinear %x, %wq, %b {clamp_min = 3 : i64, clamp_max = 255 : i64} : (tensor<5x3x!quant.uniform<u8:f32, 0.5:10>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.125, 0.0625}>>, tensor<2xi32>) -> tensor<5x2x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<5x2x!quant.uniform<u8:f32, 0.25:3>>
}

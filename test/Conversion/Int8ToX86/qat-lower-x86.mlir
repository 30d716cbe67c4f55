// RUN: qat-opt %s --qat-lower-x86=isa=avx512vnni -split-input-file | FileCheck %s --check-prefix=VNNI
// RUN: qat-opt %s --qat-lower-x86=isa=avx2 -split-input-file | FileCheck %s --check-prefix=AVX2
// RUN: qat-opt %s --qat-lower-x86=isa=generic -split-input-file | FileCheck %s --check-prefix=GENERIC
// RUN: not qat-opt %s --qat-lower-x86=isa=avx9000 -split-input-file 2>&1 | FileCheck %s --check-prefix=BADISA --implicit-check-not="current operation"

// BADISA: <unknown>:0: error: --qat-lower-x86: unknown isa 'avx9000' (avx512vnni, avxvnni, avx2, generic, host)

// Weights are packed at compile time: groups of 4 k per channel, channels
// across the 16 lanes, zero-padded; the per-channel constant is
// bias - zp_x * sum_k w (100 - 10 * 2 = 80, -100 - 10 * 3 = -130) and the
// multipliers s_x * s_w[c] / s_y.
// VNNI-DAG: memref.global "private" constant @[[MULT:__qat_kernel_mult_0]] : memref<16xf32> = dense<[2.500000e-01, 1.250000e-01, 0.000000e+00,
// VNNI-DAG: memref.global "private" constant @[[COMP:__qat_kernel_comp_0]] : memref<16xi32> = dense<[80, -130, 0,
// VNNI-DAG: memref.global "private" constant @[[W:__qat_kernel_w_0]] : memref<64xi8> = dense<[1, -2, 3, 0, 4, 5, -6, 0, 0,
// VNNI-LABEL: func.func @linear
// VNNI-SAME: (%[[X:.*]]: tensor<5x3x!quant.uniform
// VNNI: %[[WB:.*]] = memref.get_global @[[W]] : memref<64xi8>
// VNNI: %[[XS:.*]] = quant.scast %[[X]] : {{.*}} to tensor<5x3xi8>
// K = 3 is padded to a whole group of 4.
// VNNI: %[[XP:.*]] = tensor.pad %[[XS]] low[0, 0] high[0, 1]
// VNNI: %[[XB:.*]] = bufferization.to_buffer %[[XP]] read_only : tensor<5x4xi8> to memref<5x4xi8>
// VNNI: %[[Y:.*]] = memref.alloc() {alignment = 64 : i64} : memref<5x2xi8>
// Five rows of one 16-channel vector in registers.
// VNNI: scf.for {{.*}} iter_args({{.*}}) -> (vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>, vector<16xi32>)
// VNNI: %[[WV:.*]] = vector.load %[[WB]][%{{.*}}] : memref<64xi8>, vector<64xi8>
// VNNI: %[[XV:.*]] = vector.load %[[XB]][%{{.*}}, %{{.*}}] : memref<5x4xi8>, vector<4xi8>
// VNNI: %[[X32:.*]] = vector.bitcast %[[XV]] : vector<4xi8> to vector<1xi32>
// VNNI: %[[XBC:.*]] = vector.broadcast %[[X32]] : vector<1xi32> to vector<16xi32>
// VNNI: %[[XBB:.*]] = vector.bitcast %[[XBC]] : vector<16xi32> to vector<64xi8>
// VNNI: qat.dot_accumulate %{{.*}}, %[[XBB]], %[[WV]] : vector<64xi8> -> vector<16xi32>
// The epilogue: + constant, sitofp, * M, round half to even, + zp_y, clamp.
// VNNI: %[[S:.*]] = arith.sitofp %{{.*}} : vector<16xi32> to vector<16xf32>
// VNNI: %[[P:.*]] = arith.mulf %[[S]], %{{.*}} : vector<16xf32>
// VNNI: %[[R:.*]] = math.roundeven %[[P]] : vector<16xf32>
// VNNI: %[[Q:.*]] = arith.trunci %{{.*}} : vector<16xi32> to vector<16xi8>
// The last (here the only) channel vector stores its two lanes.
// VNNI: %[[MASK:.*]] = vector.constant_mask [2] : vector<16xi1>
// VNNI: vector.maskedstore %[[Y]][%{{.*}}, %{{.*}}], %[[MASK]], %[[Q]] : memref<5x2xi8>, vector<16xi1>, vector<16xi8>
// VNNI: %[[T:.*]] = bufferization.to_tensor %[[Y]] restrict writable : memref<5x2xi8> to tensor<5x2xi8>
// VNNI: %[[R2:.*]] = quant.scast %[[T]] : tensor<5x2xi8> to tensor<5x2x!quant.uniform
// VNNI: return %[[R2]]
// VNNI-NOT: qat.qlinear

// AVX2 multiplies 16-bit operands in pairs: x is zero-extended, the
// weights are stored sign-extended, 8 channels per vector, 2 k each.
// AVX2-DAG: memref.global "private" constant @{{.*}} : memref<32xi16> = dense<[1, -2, 4, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, -6, 0,
// AVX2-LABEL: func.func @linear
// AVX2: arith.extui %{{.*}} : i8 to i16
// AVX2: vector.load %{{.*}} : memref<5x4xi16>, vector<2xi16>
// AVX2: qat.dot_accumulate %{{.*}}, %{{.*}}, %{{.*}} : vector<16xi16> -> vector<8xi32>

// GENERIC-LABEL: func.func @linear
// GENERIC: qat.qlinear
qat.param @w = dense<[[1, -2, 3], [4, 5, -6]]> : tensor<2x3xi8>
qat.param @b = dense<[100, -100]> : tensor<2xi32>
func.func @linear(%x: tensor<5x3x!quant.uniform<u8:f32, 0.5:10>>) -> tensor<5x2x!quant.uniform<u8:f32, 0.25:3>> {
  %w = qat.load @w : tensor<2x3xi8>
  %wq = quant.scast %w : tensor<2x3xi8> to tensor<2x3x!quant.uniform<i8:f32:0, {0.125, 0.0625}>>
  %b = qat.load @b : tensor<2xi32>
  %y = qat.qlinear %x, %wq, %b {clamp_min = 3 : i64, clamp_max = 255 : i64} : (tensor<5x3x!quant.uniform<u8:f32, 0.5:10>>, tensor<2x3x!quant.uniform<i8:f32:0, {0.125, 0.0625}>>, tensor<2xi32>) -> tensor<5x2x!quant.uniform<u8:f32, 0.25:3>>
  return %y : tensor<5x2x!quant.uniform<u8:f32, 0.25:3>>
}

// -----

// Signed activations enter vpdpbusd as x ^ 0x80 (x + 128 as uint8); the
// constant absorbs 128 * sum_k w: 7 - (-3 + 128) * (2 + 2 + 2 + 2) = -993.
// VNNI-DAG: memref.global "private" constant @{{.*}} : memref<16xi32> = dense<[-993, 0,
// VNNI-LABEL: func.func @signed_x
// VNNI: %[[C:.*]] = arith.constant -128 : i8
// VNNI: arith.xori %{{.*}}, %[[C]] : i8
// VNNI: qat.dot_accumulate
// AVX2-LABEL: func.func @signed_x
// AVX2: arith.extsi %{{.*}} : i8 to i16
qat.param @w1 = dense<2> : tensor<1x4xi8>
qat.param @b1 = dense<7> : tensor<1xi32>
func.func @signed_x(%x: tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>>) -> tensor<2x1x!quant.uniform<i8:f32, 0.25>> {
  %w = qat.load @w1 : tensor<1x4xi8>
  %wq = quant.scast %w : tensor<1x4xi8> to tensor<1x4x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @b1 : tensor<1xi32>
  %y = qat.qlinear %x, %wq, %b {clamp_min = -128 : i64, clamp_max = 127 : i64} : (tensor<2x4x!quant.uniform<i8:f32, 0.5:-3>>, tensor<1x4x!quant.uniform<i8:f32, 0.125>>, tensor<1xi32>) -> tensor<2x1x!quant.uniform<i8:f32, 0.25>>
  return %y : tensor<2x1x!quant.uniform<i8:f32, 0.25>>
}

// -----

// A convolution: zero-point padding, an NHWC copy, im2col with output
// pixels as rows (k = (kh, kw, c) contiguous; the weights are permuted to
// match), the GEMM, then back to NCHW.
// VNNI-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
// VNNI-LABEL: func.func @conv
// VNNI: %[[ZP:.*]] = arith.constant 5 : i8
// VNNI: %[[XP:.*]] = tensor.pad %{{.*}} low[0, 0, 1, 1] high[0, 0, 1, 1]
// VNNI: tensor.yield %[[ZP]] : i8
// VNNI: %[[XC:.*]] = tensor.collapse_shape %[[XP]] {{\[}}[0], [1], [2, 3]] : tensor<1x2x6x6xi8> into tensor<1x2x36xi8>
// VNNI: %[[XB:.*]] = bufferization.to_buffer %[[XC]] read_only
// VNNI: %[[XTB:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x36x2xi8>
// VNNI: memref.load %[[XB]]
// VNNI: memref.store %{{.*}}, %[[XTB]]
// VNNI: %[[XTT:.*]] = bufferization.to_tensor %[[XTB]] restrict writable : memref<1x36x2xi8> to tensor<1x36x2xi8>
// VNNI: %[[XT:.*]] = tensor.expand_shape %[[XTT]] {{\[}}[0], [1, 2], [3]] output_shape [1, 6, 6, 2] : tensor<1x36x2xi8> into tensor<1x6x6x2xi8>
// VNNI: %[[C6:.*]] = linalg.generic {indexing_maps = [#[[COL]], {{.*}}]{{.*}} ins(%[[XT]] : tensor<1x6x6x2xi8>) outs(%{{.*}} : tensor<1x4x4x3x3x2xi8>)
// VNNI: %[[C3:.*]] = tensor.collapse_shape %[[C6]] {{\[}}[0], [1, 2], [3, 4, 5]] : tensor<1x4x4x3x3x2xi8> into tensor<1x16x18xi8>
// VNNI: %[[C2:.*]] = tensor.collapse_shape %[[C3]] {{\[}}[0, 1], [2]] : tensor<1x16x18xi8> into tensor<16x18xi8>
// VNNI: qat.dot_accumulate
// VNNI: %[[Y2:.*]] = bufferization.to_tensor %{{.*}} restrict writable : memref<16x3xi8> to tensor<16x3xi8>
// VNNI: %[[Y3:.*]] = tensor.expand_shape %[[Y2]] {{\[}}[0, 1], [2]] output_shape [1, 16, 3] : tensor<16x3xi8> into tensor<1x16x3xi8>
// VNNI: %[[YB:.*]] = bufferization.to_buffer %[[Y3]] read_only
// VNNI: %[[TB:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x3x16xi8>
// VNNI: memref.load %[[YB]]
// VNNI: memref.store %{{.*}}, %[[TB]]
// VNNI: %[[T:.*]] = bufferization.to_tensor %[[TB]] restrict writable : memref<1x3x16xi8> to tensor<1x3x16xi8>
// VNNI: tensor.expand_shape %[[T]] {{\[}}[0], [1], [2, 3]] output_shape [1, 3, 4, 4] : tensor<1x3x16xi8> into tensor<1x3x4x4xi8>
qat.param @cw = dense<1> : tensor<3x2x3x3xi8>
qat.param @cb = dense<0> : tensor<3xi32>
func.func @conv(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:5>>) -> tensor<1x3x4x4x!quant.uniform<u8:f32, 0.25>> {
  %w = qat.load @cw : tensor<3x2x3x3xi8>
  %wq = quant.scast %w : tensor<3x2x3x3xi8> to tensor<3x2x3x3x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @cb : tensor<3xi32>
  %y = qat.qconv2d %x, %wq, %b {padding = array<i64: 1, 1>, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:5>>, tensor<3x2x3x3x!quant.uniform<i8:f32, 0.125>>, tensor<3xi32>) -> tensor<1x3x4x4x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x3x4x4x!quant.uniform<u8:f32, 0.25>>
}

// -----

// Layout changes of whole 16x16 byte blocks: 16 row loads, one 256-byte
// shuffle, 16 row stores. A single input channel needs only a reshape.
// VNNI-LABEL: func.func @conv_blocks
// VNNI: %[[XB:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<1x16x16xi8> to memref<1x16x16xi8>
// VNNI: %[[XT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x16x16xi8>
// VNNI: scf.for
// VNNI-COUNT-16: vector.load %[[XB]]
// VNNI-COUNT-15: vector.shuffle
// VNNI: vector.shuffle %[[ALL:.*]], %[[ALL]] [0, 16, 32, 48, 64,
// VNNI-COUNT-16: vector.store %{{.*}}, %[[XT]]
// VNNI: qat.dot_accumulate
// VNNI-LABEL: func.func @one_channel
// VNNI: tensor.reshape %{{.*}} : (tensor<1x1x36xi8>, tensor<3xindex>) -> tensor<1x36x1xi8>
qat.param @bw = dense<1> : tensor<16x16x1x1xi8>
qat.param @bb = dense<0> : tensor<16xi32>
func.func @conv_blocks(%x: tensor<1x16x4x4x!quant.uniform<u8:f32, 0.5:5>>) -> tensor<1x16x4x4x!quant.uniform<u8:f32, 0.25>> {
  %w = qat.load @bw : tensor<16x16x1x1xi8>
  %wq = quant.scast %w : tensor<16x16x1x1xi8> to tensor<16x16x1x1x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @bb : tensor<16xi32>
  %y = qat.qconv2d %x, %wq, %b {clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x16x4x4x!quant.uniform<u8:f32, 0.5:5>>, tensor<16x16x1x1x!quant.uniform<i8:f32, 0.125>>, tensor<16xi32>) -> tensor<1x16x4x4x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x16x4x4x!quant.uniform<u8:f32, 0.25>>
}
qat.param @ow = dense<1> : tensor<16x1x3x3xi8>
qat.param @ob = dense<0> : tensor<16xi32>
func.func @one_channel(%x: tensor<1x1x4x4x!quant.uniform<u8:f32, 0.5:5>>) -> tensor<1x16x4x4x!quant.uniform<u8:f32, 0.25>> {
  %w = qat.load @ow : tensor<16x1x3x3xi8>
  %wq = quant.scast %w : tensor<16x1x3x3xi8> to tensor<16x1x3x3x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @ob : tensor<16xi32>
  %y = qat.qconv2d %x, %wq, %b {padding = array<i64: 1, 1>, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x1x4x4x!quant.uniform<u8:f32, 0.5:5>>, tensor<16x1x3x3x!quant.uniform<i8:f32, 0.125>>, tensor<16xi32>) -> tensor<1x16x4x4x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x16x4x4x!quant.uniform<u8:f32, 0.25>>
}

// -----

// Grouped convolutions keep the generic lowering.
// VNNI-LABEL: func.func @grouped
// VNNI: qat.qconv2d
// VNNI-NOT: qat.dot_accumulate
qat.param @gw = dense<1> : tensor<2x1x3x3xi8>
qat.param @gb = dense<0> : tensor<2xi32>
func.func @grouped(%x: tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:5>>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>> {
  %w = qat.load @gw : tensor<2x1x3x3xi8>
  %wq = quant.scast %w : tensor<2x1x3x3xi8> to tensor<2x1x3x3x!quant.uniform<i8:f32, 0.125>>
  %b = qat.load @gb : tensor<2xi32>
  %y = qat.qconv2d %x, %wq, %b {groups = 2 : i64, clamp_min = 0 : i64, clamp_max = 255 : i64} : (tensor<1x2x4x4x!quant.uniform<u8:f32, 0.5:5>>, tensor<2x1x3x3x!quant.uniform<i8:f32, 0.125>>, tensor<2xi32>) -> tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
  return %y : tensor<1x2x2x2x!quant.uniform<u8:f32, 0.25>>
}

//===- QatIntOps.td - the integer (converted) graph --------*- tablegen -*-===//
//
// Ops of the int8 graph --qat-convert produces. Values carry upstream
// `!quant.uniform` element types (the ecosystem's convention); every op's
// integer semantics is docs/numerics.md's, with one scalar C++ reference
// (qat/Numerics/IntReference.h) that every lowering reproduces bit-exactly.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DIALECT_QATINTOPS_TD
#define QAT_DIALECT_QATINTOPS_TD

include "mlir/Dialect/Quant/IR/QuantBase.td"

def Qat_QuantTensor : RankedTensorOf<[quant_QuantizedType]>;

def Qat_QuantizeOp : Qat_Op<"quantize", [Pure]> {
  let summary = "float to a per-tensor uniform quantized type";
  let description = [{
    `q = clamp(roundeven(x * (1 / s)) + zp, qmin, qmax)` with `1 / s` in
    float32 (docs/numerics.md), `s`, `zp` and the storage range from the result
    type. Unlike upstream `quant.qcast` lowered by `lower-quant-ops`, this
    rounds half to even instead of truncating.

    ```mlir
    %q = qat.quantize %x : tensor<64x784xf32> -> tensor<64x784x!quant.uniform<u8:f32, 0.0078125:0>>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input);
  let results = (outs Qat_QuantTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qat_DequantizeOp : Qat_Op<"dequantize", [Pure]> {
  let summary = "per-tensor uniform quantized type to float: (q - zp) * s";
  let description = [{
    ```mlir
    %y = qat.dequantize %q : tensor<64x10x!quant.uniform<u8:f32, 0.25:12>> -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Qat_QuantTensor:$input);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qat_QLinearOp : Qat_Op<"qlinear", [Pure]> {
  let summary = "int8 fully connected layer with requantization";
  let description = [{
    docs/numerics.md's integer inference, all qparams read from the types:
    `acc[n, c] = sum_k (q_x[n, k] - zp_x) * q_w[c, k] + bias[c]` in int32
    (the zero-point term is a per-channel constant, `zp_x * sum_k q_w`),
    `M[c] = float(s_x) * float(s_w[c]) / float(s_y)` in float32 in that
    order, `q_y = clamp(roundeven(float(acc) * M[c]) + zp_y, clamp_min,
    clamp_max)`, no FMA contraction. `clamp_min`/`clamp_max` are the output
    storage range narrowed by a fused ReLU/ReLU6. Weights are symmetric
    (zero point 0) per tensor or per output channel (axis 0).

    With `requant = #qat.requant<fixed_point>`, TFLite's fully connected
    and conv kernels (kernels/internal/common.h, quantization_util.cc):
    `M[c] = double(s_x) * double(s_w[c]) / double(s_y)` (TFLite's order,
    in double, from the float32 scales), `(m[c], shift[c]) =
    QuantizeMultiplier(M[c])`, `q_y = clamp(MultiplyByQuantizedMultiplier(
    acc, m[c], shift[c]) + zp_y, clamp_min, clamp_max)` in int32. The
    verifier rejects multipliers whose `shift` exceeds 30 (`M >= 2^30`),
    for which TFLite's `x * (1 << shift)` is undefined.

    ```mlir
    %y = qat.qlinear %x, %w, %b {clamp_min = 3 : i64, clamp_max = 255 : i64}
        : (tensor<64x784x!quant.uniform<u8:f32, 0.0078:3>>,
           tensor<256x784x!quant.uniform<i8:f32:0, {0.01, ...}>>, tensor<256xi32>)
        -> tensor<64x256x!quant.uniform<u8:f32, 0.05:3>>
    ```
  }];
  let arguments = (ins Qat_QuantTensor:$input, Qat_QuantTensor:$weight,
                       RankedTensorOf<[I32]>:$bias, I64Attr:$clamp_min,
                       I64Attr:$clamp_max,
                       DefaultValuedAttr<Qat_RequantKindAttr, "::mlir::qat::RequantKind::Float">:$requant);
  let results = (outs Qat_QuantTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_QConv2dOp : Qat_Op<"qconv2d", [Pure]> {
  let summary = "int8 2-D convolution (NCHW/OIHW) with requantization";
  let description = [{
    `qat.qlinear`'s semantics over convolution windows: padded input
    positions hold the input zero point (real 0), `acc[n, o, y, x] =
    sum_{c, kh, kw} (q_x - zp_x) * q_w + bias[o]` in int32, then the same
    float32 requant and clamp. Weights are symmetric, per tensor or per
    output channel (axis 0).

    `groups` splits the channels as `qat.conv2d` does (PyTorch's
    nn.Conv2d): the weight is `[O, C / groups, KH, KW]`, and output channel
    `o` of group `g = o / (O / groups)` sums over the input channels
    `g * (C / groups) + c` only. `groups = C` with `O = C * multiplier` is a
    depthwise convolution. The requant of output channel `o` is unchanged.

    `requant = #qat.requant<fixed_point>` selects TFLite's fixed-point
    requant exactly as for `qat.qlinear` (per output channel `o`).

    ```mlir
    %y = qat.qconv2d %x, %w, %b {clamp_min = 0 : i64, clamp_max = 127 : i64}
        : (tensor<64x1x28x28x!quant.uniform<u8<0:127>:f32, 0.0079>>,
           tensor<32x1x3x3x!quant.uniform<i8:f32:0, {...}>>, tensor<32xi32>)
        -> tensor<64x32x26x26x!quant.uniform<u8<0:127>:f32, 0.05>>
    ```
  }];
  let arguments = (ins Qat_QuantTensor:$input, Qat_QuantTensor:$weight,
                       RankedTensorOf<[I32]>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups,
                       I64Attr:$clamp_min, I64Attr:$clamp_max,
                       DefaultValuedAttr<Qat_RequantKindAttr, "::mlir::qat::RequantKind::Float">:$requant);
  let results = (outs Qat_QuantTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_QAddOp : Qat_Op<"qadd", [Pure]> {
  let summary = "int8 element-wise sum with requantization of both inputs";
  let description = [{
    `q_y = clamp(roundeven(float(q_a - zp_a) * M_a + float(q_b - zp_b) *
    M_b) + zp_y, clamp_min, clamp_max)` with `M_a = float(s_a) /
    float(s_y)`, `M_b = float(s_b) / float(s_y)` in float32, the two
    products summed in float32 without FMA (the XNNPACK/PT2E style of
    docs/numerics.md's requant). The operands broadcast NumPy style
    (trailing-aligned; an extent of 1 repeats, e.g. `[N, C, H, W] + [1, C,
    1, 1]`) to the result's shape; `clamp_min`/`clamp_max` narrow the
    result's storage range for a fused ReLU.

    With `requant = #qat.requant<fixed_point>`, TFLite's int8 add kernel
    (reference/integer_ops/add.h, and add.cc's Prepare for the
    multipliers): `left_shift = 20`, `twice_max = 2 * max(s_a, s_b)` (a
    float32 product), `M_a = s_a / twice_max`, `M_b = s_b / twice_max`,
    `M_y = twice_max / ((1 << 20) * s_y)` in double, each split by
    `QuantizeMultiplier`; then in int32 `a' = MBQM((q_a - zp_a) * 2^20,
    m_a, shift_a)`, `b'` likewise, `q_y = clamp(MBQM(a' + b', m_y,
    shift_y) + zp_y, clamp_min, clamp_max)` (MBQM:
    MultiplyByQuantizedMultiplier). TFLite requires `M_y < 1`, i.e. `s_y >
    max(s_a, s_b) / 2^19`; the verifier checks it.

    ```mlir
    %y = qat.qadd %a, %b {clamp_min = 0 : i64, clamp_max = 255 : i64}
        : (tensor<4x8x!quant.uniform<u8:f32, 0.1:3>>,
           tensor<4x8x!quant.uniform<u8:f32, 0.2:0>>)
        -> tensor<4x8x!quant.uniform<u8:f32, 0.25:5>>
    ```
  }];
  let arguments = (ins Qat_QuantTensor:$lhs, Qat_QuantTensor:$rhs,
                       I64Attr:$clamp_min, I64Attr:$clamp_max,
                       DefaultValuedAttr<Qat_RequantKindAttr, "::mlir::qat::RequantKind::Float">:$requant);
  let results = (outs Qat_QuantTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_QMulOp : Qat_Op<"qmul", [Pure]> {
  let summary = "int8 element-wise product with requantization";
  let description = [{
    PyTorch's quantized mul with docs/numerics.md's requant: `acc = (q_a - zp_a)
    * (q_b - zp_b)` in int32 (exact: at most 2^16 in magnitude), `M =
    float(s_a) * float(s_b) / float(s_y)` in float32 in that order, `q_y =
    clamp(roundeven(float(acc) * M) + zp_y, clamp_min, clamp_max)`, no FMA
    contraction. The operands broadcast NumPy style to the result's shape,
    as in `qat.qadd`; `clamp_min`/`clamp_max` narrow the result's storage
    range for a fused ReLU.

    With `requant = #qat.requant<fixed_point>`, TFLite's int8 mul kernel
    (reference/integer_ops/mul.h): `M = double(s_a) * double(s_b) /
    double(s_y)`, `(m, shift) = QuantizeMultiplier(M)`, `q_y =
    clamp(MultiplyByQuantizedMultiplier(acc, m, shift) + zp_y, clamp_min,
    clamp_max)`.

    ```mlir
    %y = qat.qmul %a, %s {clamp_min = 0 : i64, clamp_max = 255 : i64}
        : (tensor<4x8x5x5x!quant.uniform<u8:f32, 0.1:3>>,
           tensor<4x8x1x1x!quant.uniform<u8:f32, 0.02:0>>)
        -> tensor<4x8x5x5x!quant.uniform<u8:f32, 0.05:1>>
    ```
  }];
  let arguments = (ins Qat_QuantTensor:$lhs, Qat_QuantTensor:$rhs,
                       I64Attr:$clamp_min, I64Attr:$clamp_max,
                       DefaultValuedAttr<Qat_RequantKindAttr, "::mlir::qat::RequantKind::Float">:$requant);
  let results = (outs Qat_QuantTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_QAvgPool2dOp : Qat_Op<"qavg_pool2d", [Pure]> {
  let summary = "int8 2-D average pooling (NCHW) with requantization";
  let description = [{
    `qat.avg_pool2d`'s windows (`strides` defaults to `kernel_size`,
    `padding` is `[h, w]` or `[top, left, bottom, right]`, `ceil_mode`,
    `count_include_pad`) over quantized values, with output qparams of its
    own: `acc = sum_window (q_x - zp_x)` in int32 (padded positions hold
    the real 0), `count` = PyTorch's divisor of that output position (the
    window clipped to the padded input, or to the input itself when
    `count_include_pad` is false), `M = float(s_x) / float(s_y) /
    float(count)` in float32 in that order (PyTorch's quantized avg_pool2d
    order), `q_y = clamp(roundeven(float(acc) * M) + zp_y, clamp_min,
    clamp_max)`, no FMA contraction. `--qat-convert` turns
    `qat.global_avg_pool` into it too (one `[H, W]` window).

    With `requant = #qat.requant<fixed_point>`, TFLite's int8 mean over
    `[H, W]` (reference/integer_ops/mean.h), which rescales before it
    divides: `(m, shift) = QuantizeMultiplier(double(s_x) / double(s_y))`,
    `r = MultiplyByQuantizedMultiplier(acc, m, shift)`, then the division
    by `count` rounded half away from zero, `r > 0 ? (r + count / 2) /
    count : (r - count / 2) / count` (C integer division), and `q_y =
    clamp(that + zp_y, clamp_min, clamp_max)`. With `s_x == s_y` this is
    exactly TFLite's int8 AveragePool (whose divisor is the window clipped
    to the input, i.e. `count_include_pad = false`).

    ```mlir
    %y = qat.qavg_pool2d %x {kernel_size = array<i64: 2, 2>,
                             clamp_min = 0 : i64, clamp_max = 255 : i64}
        : tensor<4x8x6x6x!quant.uniform<u8:f32, 0.1:3>>
        -> tensor<4x8x3x3x!quant.uniform<u8:f32, 0.08:2>>
    ```
  }];
  let arguments = (ins Qat_QuantTensor:$input,
                       DenseI64ArrayAttr:$kernel_size,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       UnitAttr:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "true">:$count_include_pad,
                       I64Attr:$clamp_min, I64Attr:$clamp_max,
                       DefaultValuedAttr<Qat_RequantKindAttr, "::mlir::qat::RequantKind::Float">:$requant);
  let results = (outs Qat_QuantTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Strides; PyTorch's default is the kernel size.
    ::llvm::SmallVector<int64_t, 2> getStridesOrDefault();
    /// Padding as [top, left, bottom, right].
    ::llvm::SmallVector<int64_t, 4> getPads();
  }];
}

#endif // QAT_DIALECT_QATINTOPS_TD

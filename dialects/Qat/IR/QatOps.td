//===- QatOps.td - qat dialect operations ------------------*- tablegen -*-===//

#ifndef QAT_DIALECT_QATOPS_TD
#define QAT_DIALECT_QATOPS_TD

include "Qat/IR/QatBase.td"
include "Qat/IR/QatAttrs.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def Qat_FloatTensor : RankedTensorOf<[AnyFloat]>;
def Qat_IntTensor : RankedTensorOf<[AnySignlessInteger]>;

//===----------------------------------------------------------------------===//
// Parameters and state
//===----------------------------------------------------------------------===//

def Qat_ParamOp : Qat_Op<"param", [Symbol, IsolatedFromAbove]> {
  let summary = "named module-level parameter or state with its initial value";
  let description = [{
    Declares a tensor that lives as long as the model: a trainable parameter
    (the default) or, with `state`, a non-trainable buffer such as batch-norm
    running statistics, observer ranges or optimizer moments. The initial
    value is inside the module (`dense` or `dense_resource`), so a model is
    one self-contained file, and a trained model is written back as the same
    op with its new value. A `dense_resource` blob must be in the file's
    `dialect_resources` section and hold the type's bytes (the verifier
    checks both). Functions read it with `qat.load` and update it in
    place with `qat.store`.

    ```mlir
    qat.param @fc1.weight = dense<0.1> : tensor<20x10xf32>
    qat.param state @bn1.running_var = dense<1.0> : tensor<32xf32>
    ```
  }];
  let arguments = (ins SymbolNameAttr:$sym_name,
                       ElementsAttr:$initial_value,
                       UnitAttr:$state);
  let assemblyFormat = [{
    (`state` $state^)? $sym_name `=` $initial_value attr-dict
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// The tensor type of the parameter (that of its initial value).
    ::mlir::RankedTensorType getType() {
      return ::llvm::cast<::mlir::RankedTensorType>(getInitialValue().getType());
    }
    /// Trainable parameters are updated by the optimizer; state is not.
    bool isTrainable() { return !getState(); }
    /// The values of an f32 (i32) parameter, `dense` or `dense_resource`
    /// (as a checkpoint keeps them); none for another element type.
    std::optional<::llvm::SmallVector<float>> getF32Values();
    std::optional<::llvm::SmallVector<int32_t>> getI32Values();
  }];
}

def Qat_LoadOp : Qat_Op<"load", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemRead]>]> {
  let summary = "reads the current value of a parameter or state";
  let description = [{
    ```mlir
    %w = qat.load @fc1.weight : tensor<20x10xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$name);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$name attr-dict `:` type($result)";
}

def Qat_StoreOp : Qat_Op<"store", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>,
    MemoryEffects<[MemWrite]>]> {
  let summary = "updates a parameter or state in place";
  let description = [{
    Writes a new value into the named parameter or state, as a training
    step does for weights, running statistics and optimizer moments.

    ```mlir
    qat.store %new_mean, @bn1.running_mean : tensor<32xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$value, FlatSymbolRefAttr:$name);
  let assemblyFormat = "$value `,` $name attr-dict `:` type($value)";
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

def Qat_LinearOp : Qat_Op<"linear", [Pure]> {
  let summary = "fully connected layer, y = x * W^T + b (PyTorch nn.Linear)";
  let description = [{
    `input` is `[N, in]`, `weight` is `[out, in]` (PyTorch layout), the
    optional `bias` is `[out]`; the result is `[N, out]`.

    ```mlir
    %y = qat.linear %x, %w, %b
        : (tensor<4x10xf32>, tensor<20x10xf32>, tensor<20xf32>)
        -> tensor<4x20xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$weight,
                       Optional<Qat_FloatTensor>:$bias);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_Conv2dOp : Qat_Op<"conv2d", [Pure]> {
  let summary = "2-D convolution, NCHW input and OIHW weight (PyTorch nn.Conv2d)";
  let description = [{
    `input` is `[N, C, H, W]`, `weight` is `[O, C / groups, KH, KW]`, the
    optional `bias` is `[O]`. `padding` is `[top, left, bottom, right]` (or
    `[h, w]` for symmetric padding, as PyTorch writes it); `groups` divides
    both C and O, and `groups = C` is a depthwise convolution. The output
    size is `floor((H + top + bottom - dilation * (KH - 1) - 1) / stride) + 1`.

    ```mlir
    %y = qat.conv2d %x, %w, %b {strides = array<i64: 2, 2>,
                                padding = array<i64: 1, 1>}
        : (tensor<1x3x8x8xf32>, tensor<16x3x3x3xf32>, tensor<16xf32>)
        -> tensor<1x16x4x4xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$weight,
                       Optional<Qat_FloatTensor>:$bias,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       DefaultValuedAttr<I64Attr, "1">:$groups);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`,` $bias^)? attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Padding as [top, left, bottom, right].
    ::llvm::SmallVector<int64_t, 4> getPads();
  }];
}

def Qat_BatchNormOp : Qat_Op<"batch_norm", [Pure]> {
  let summary = "batch normalization over the channel axis 1 (nn.BatchNorm2d/1d)";
  let description = [{
    Normalizes `input` (`[N, C, ...]`) per channel. In eval mode (the
    default) it uses `running_mean` and `running_var`; with `training` it
    uses the batch statistics (biased variance) and its second and third
    results are the updated running statistics, PyTorch style:
    `r = (1 - momentum) * r + momentum * batch` with the unbiased batch
    variance. In eval mode those results equal the inputs. A training step
    writes them back with `qat.store`.

    ```mlir
    %y, %rm1, %rv1 = qat.batch_norm %x, %g, %b, %rm, %rv
        {eps = 1.0e-5 : f64, momentum = 0.1 : f64, training}
        : (tensor<8x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>,
           tensor<32xf32>, tensor<32xf32>)
        -> (tensor<8x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>)
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$weight,
                       Qat_FloatTensor:$bias, Qat_FloatTensor:$running_mean,
                       Qat_FloatTensor:$running_var,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$eps,
                       DefaultValuedAttr<F64Attr, "0.1">:$momentum,
                       UnitAttr:$training);
  let results = (outs Qat_FloatTensor:$result, Qat_FloatTensor:$new_running_mean,
                      Qat_FloatTensor:$new_running_var);
  let assemblyFormat = [{
    $input `,` $weight `,` $bias `,` $running_mean `,` $running_var attr-dict
    `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Element-wise
//===----------------------------------------------------------------------===//

class Qat_UnaryOp<string mnemonic, list<Trait> traits = []>
    : Qat_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let arguments = (ins Qat_FloatTensor:$input);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Qat_ReluOp : Qat_UnaryOp<"relu"> {
  let summary = "rectified linear unit, max(x, 0)";
  let description = [{
    ```mlir
    %y = qat.relu %x : tensor<4x20xf32>
    ```
  }];
}

def Qat_Relu6Op : Qat_UnaryOp<"relu6"> {
  let summary = "min(max(x, 0), 6)";
  let description = [{
    ```mlir
    %y = qat.relu6 %x : tensor<4x20xf32>
    ```
  }];
}

def Qat_ClampOp : Qat_Op<"clamp", [Pure, SameOperandsAndResultType]> {
  let summary = "min(max(x, min), max) (torch.clamp, ONNX Clip)";
  let description = [{
    ```mlir
    %y = qat.clamp %x {min = -1.0 : f64, max = 1.0 : f64} : tensor<4x20xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, F64Attr:$min, F64Attr:$max);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

class Qat_BinaryOp<string mnemonic, list<Trait> traits = []>
    : Qat_Op<mnemonic, !listconcat(traits, [Pure])> {
  let arguments = (ins Qat_FloatTensor:$lhs, Qat_FloatTensor:$rhs);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_AddOp : Qat_BinaryOp<"add", [Commutative]> {
  let summary = "element-wise sum with NumPy broadcasting";
  let description = [{
    ```mlir
    %y = qat.add %a, %b : (tensor<2x8x4x4xf32>, tensor<2x8x4x4xf32>)
                        -> tensor<2x8x4x4xf32>
    ```
  }];
}

def Qat_SubOp : Qat_BinaryOp<"sub"> {
  let summary = "element-wise difference with NumPy broadcasting";
  let description = [{
    ```mlir
    %y = qat.sub %a, %b : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
    ```
  }];
}

def Qat_DivOp : Qat_BinaryOp<"div"> {
  let summary = "element-wise quotient with NumPy broadcasting";
  let description = [{
    ```mlir
    %y = qat.div %a, %s : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
    ```
  }];
}

def Qat_MulOp : Qat_BinaryOp<"mul", [Commutative]> {
  let summary = "element-wise product with NumPy broadcasting";
  let description = [{
    ```mlir
    %y = qat.mul %a, %s : (tensor<2x8xf32>, tensor<1x8xf32>) -> tensor<2x8xf32>
    ```
  }];
}

//===----------------------------------------------------------------------===//
// Shape and pooling
//===----------------------------------------------------------------------===//

def Qat_ConcatOp : Qat_Op<"concat", [Pure]> {
  let summary = "concatenation along an axis (torch.cat)";
  // In the int8 graph it concatenates quantized tensors that share their
  // qparams (prepare gives concat inputs one observer).
  let description = [{
    ```mlir
    %y = qat.concat %a, %b {axis = 1 : i64}
        : (tensor<1x8x4x4xf32>, tensor<1x4x4x4xf32>) -> tensor<1x12x4x4xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inputs, I64Attr:$axis);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$inputs attr-dict `:` functional-type($inputs, results)";
  let hasVerifier = 1;
}

class Qat_Pool2dOp<string mnemonic> : Qat_Op<mnemonic, [Pure]> {
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Strides; PyTorch's default is the kernel size.
    ::llvm::SmallVector<int64_t, 2> getStridesOrDefault();
    /// Padding as [top, left, bottom, right].
    ::llvm::SmallVector<int64_t, 4> getPads();
  }];
}

def Qat_MaxPool2dOp : Qat_Pool2dOp<"max_pool2d"> {
  let summary = "2-D max pooling over NCHW (nn.MaxPool2d)";
  let description = [{
    `strides` defaults to `kernel_size` as in PyTorch; padded positions never
    win; `ceil_mode` rounds the output size up. In the int8 graph it pools
    quantized values directly (they keep their qparams).

    ```mlir
    %y = qat.max_pool2d %x {kernel_size = array<i64: 2, 2>}
        : tensor<1x32x26x26xf32> -> tensor<1x32x13x13xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DenseI64ArrayAttr:$kernel_size,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       UnitAttr:$ceil_mode);
}

def Qat_AvgPool2dOp : Qat_Pool2dOp<"avg_pool2d"> {
  let summary = "2-D average pooling over NCHW (nn.AvgPool2d)";
  let description = [{
    `strides` defaults to `kernel_size`. With `count_include_pad = false`
    (ONNX's default) padded positions are not counted in the divisor; PyTorch
    counts them by default.

    ```mlir
    %y = qat.avg_pool2d %x {kernel_size = array<i64: 3, 3>,
                            strides = array<i64: 1, 1>,
                            padding = array<i64: 1, 1>}
        : tensor<1x8x4x4xf32> -> tensor<1x8x4x4xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel_size,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       UnitAttr:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "true">:$count_include_pad);
}

def Qat_GlobalAvgPoolOp : Qat_Op<"global_avg_pool", [Pure]> {
  let summary = "mean over the spatial axes: [N, C, H, W] -> [N, C, 1, 1]";
  let description = [{
    ```mlir
    %y = qat.global_avg_pool %x : tensor<1x64x7x7xf32> -> tensor<1x64x1x1xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qat_FlattenOp : Qat_Op<"flatten", [Pure]> {
  let summary = "merges axes start_dim..end_dim into one (torch.flatten)";
  let description = [{
    ```mlir
    %y = qat.flatten %x {start_dim = 1 : i64}
        : tensor<1x64x5x5xf32> -> tensor<1x1600xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input,
                       DefaultValuedAttr<I64Attr, "1">:$start_dim,
                       DefaultValuedAttr<I64Attr, "-1">:$end_dim);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qat_ReshapeOp : Qat_Op<"reshape", [Pure]> {
  let summary = "reshape to the result type, same number of elements";
  let description = [{
    Row-major reshape (torch.reshape, ONNX Reshape with a constant shape).
    Like `flatten`, it also reshapes quantized tensors of the int8 graph.

    ```mlir
    %y = qat.reshape %x : tensor<2x8xf32> -> tensor<4x4xf32>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input) `->` type($result)";
  let hasVerifier = 1;
}

def Qat_SoftmaxOp : Qat_Op<"softmax", [Pure, SameOperandsAndResultType]> {
  let summary = "softmax along an axis (negative axes count from the end)";
  let description = [{
    Computed as `exp(x - max) / sum(exp(x - max))`.

    ```mlir
    %p = qat.softmax %x {axis = -1 : i64} : tensor<4x10xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

def Qat_CrossEntropyOp : Qat_Op<"cross_entropy", [Pure]> {
  let summary = "softmax cross-entropy with integer labels, mean over the batch";
  let description = [{
    `logits` is `[N, C]`, `labels` is `[N]` of class indices (any signless
    integer type); the result is the scalar
    `mean_n(logsumexp(logits[n]) - logits[n, labels[n]])`, as
    `torch.nn.functional.cross_entropy(reduction='mean')`. A label outside
    `[0, C)` is an error of the data, which the data loaders report before
    the model runs.

    ```mlir
    %l = qat.cross_entropy %logits, %labels
        : (tensor<64x10xf32>, tensor<64xi32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$logits, Qat_IntTensor:$labels);
  let results = (outs 0DTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $logits `,` $labels attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_MseOp : Qat_Op<"mse", [Pure]> {
  let summary = "mean squared error over all elements";
  let description = [{
    `mean((input - target)^2)`, as `torch.nn.functional.mse_loss`.

    ```mlir
    %l = qat.mse %y, %t : (tensor<4x3xf32>, tensor<4x3xf32>) -> tensor<f32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$target);
  let results = (outs 0DTensorOf<[AnyFloat]>:$result);
  let assemblyFormat = [{
    $input `,` $target attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

def Qat_FakeQuantOp : Qat_Op<"fake_quant", [Pure]> {
  let summary = "simulated quantization: quantize then dequantize";
  let description = [{
    `q = clamp(roundeven(x * (1 / scale)) + zero_point, qmin, qmax)`, result
    `(q - zero_point) * scale` in float32 (docs/numerics.md). `scale` and
    `zero_point` are rank-1 tensors: one element for a per-tensor spec, or
    `dim(input, axis)` elements for a per-channel one. How they are
    maintained (observers, LSQ) is described by `spec`.

    ```mlir
    %y = qat.fake_quant %x, %s, %zp {spec = #qat.qspec<dtype = ui8,
            qmin = 0, qmax = 255, observer = moving_average>}
        : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xi32>) -> tensor<4x20xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$scale,
                       AnyRankedTensor:$zero_point, Qat_QSpecAttr:$spec);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_FakeQuantGradOp : Qat_Op<"fake_quant_grad", [Pure]> {
  let summary = "backward of fake_quant: straight-through and LSQ gradients";
  let description = [{
    Given the forward input `input`, the qparams and the output gradient
    `grad`, returns the input gradient and the gradients of `scale` and
    `zero_point` (zeros unless the spec is learnable). With
    `q = roundeven(x * (1 / s)) + zp` before clamping (docs/numerics.md):

    - PyTorch's straight-through rule: `dx = dy` where `qmin <= q <= qmax`,
      else 0. With `tf_ste` (TF-MOT): `dx = dy` where
      `(qmin - zp) * s <= x <= (qmax - zp) * s`.
    - LSQ (PyTorch `_LearnableFakeQuantize`), summed per channel and scaled
      by `g = 1 / sqrt(numel * qmax)` with `grad_scaling` (else 1):
      below the range `ds = dy * (qmin - zp) * g`, above it
      `ds = dy * (qmax - zp) * g`, inside `ds = dy * (x_fq - x) / s * g`;
      `dzp = -dy * s * g` outside the range, 0 inside. As PyTorch's CPU
      kernel (built with FP contraction), the learnable backward computes
      `q = roundeven(fma(x, 1 / s, zp))` and `x_fq - x = fma(q - zp, s, -x)`;
      its float zero point is rounded as `trunc(clamp(zp + 0.5))` per
      tensor and half-to-even (then clamped) per channel.

    ```mlir
    %dx, %ds, %dz = qat.fake_quant_grad %x, %s, %zp, %dy {spec = #qat.qspec<
          dtype = ui8, qmin = 0, qmax = 255, learnable = true>}
        : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xf32>, tensor<4x20xf32>)
        -> (tensor<4x20xf32>, tensor<1xf32>, tensor<1xf32>)
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$scale,
                       AnyRankedTensor:$zero_point, Qat_FloatTensor:$grad,
                       Qat_QSpecAttr:$spec);
  let results = (outs Qat_FloatTensor:$input_grad, Qat_FloatTensor:$scale_grad,
                      Qat_FloatTensor:$zero_point_grad);
  let assemblyFormat = [{
    $input `,` $scale `,` $zero_point `,` $grad attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_ObserveOp : Qat_Op<"observe", [Pure, AttrSizedOperandSegments]> {
  let summary = "observer: tracks a value range and yields qparams";
  let description = [{
    The observer half of PyTorch's FakeQuantize. `min` and `max` are the
    observer's state (one element per tensor, or one per channel along the
    spec's axis); an observer that has seen nothing holds `+inf` / `-inf`.
    With `training`, the batch's range updates the state as the spec's
    observer says — `minmax`: running min/max; `moving_average` (PyTorch):
    the first batch sets the state, then `m = m + c * (batch - m)`; `ema`
    (TF-MOT): the first batch sets it, then `m = m - (m - batch) * c`;
    `none`: the state is kept — and the updated state is returned for the
    caller to `qat.store`. Without `training` the state passes through.
    `scale` and `zero_point` are computed from the (updated) state by the
    one qparams function of the runtime (docs/numerics.md#one-qparams-function), which the
    generated code calls, so training and convert agree bit for bit.

    With `qparams`, the observer also holds its current qparams as state,
    as PyTorch's FakeQuantize holds its `scale` and `zero_point` buffers:
    they are the result unless the state is being updated (`training` with
    an observer other than `none`), in which case the result is computed
    from the updated state and the caller stores it back as the held
    qparams. This keeps qparams that no range maps to, such as those of
    an imported model (docs/numerics.md#imported-qparams), until the
    observer first updates.

    ```mlir
    %s, %zp, %min1, %max1 = qat.observe %x, %min, %max {training,
          spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 127,
                            observer = moving_average>}
        : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xf32>)
        -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
    %s2, %zp2, %min2, %max2 = qat.observe %x, %min, %max qparams %s0, %zp0 {
          spec = #qat.qspec<dtype = ui8, qmin = 0, qmax = 255>}
        : (tensor<4x20xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>,
           tensor<1xi32>)
        -> (tensor<1xf32>, tensor<1xi32>, tensor<1xf32>, tensor<1xf32>)
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$min,
                       Qat_FloatTensor:$max,
                       Optional<Qat_FloatTensor>:$held_scale,
                       Optional<Qat_IntTensor>:$held_zero_point,
                       Qat_QSpecAttr:$spec, UnitAttr:$training);
  let results = (outs Qat_FloatTensor:$scale, Qat_IntTensor:$zero_point,
                      Qat_FloatTensor:$new_min, Qat_FloatTensor:$new_max);
  let assemblyFormat = [{
    $input `,` $min `,` $max (`qparams` $held_scale^ `,` $held_zero_point)?
    attr-dict `:` functional-type(operands, results)
  }];
  let builders = [
    OpBuilder<(ins "::mlir::TypeRange":$resultTypes, "::mlir::Value":$input,
                   "::mlir::Value":$min, "::mlir::Value":$max,
                   "::mlir::qat::QSpecAttr":$spec,
                   "::mlir::UnitAttr":$training), [{
      build($_builder, $_state, resultTypes, input, min, max, ::mlir::Value(),
            ::mlir::Value(), spec, training);
    }]>
  ];
  let extraClassDeclaration = [{
    /// Whether the observer holds its qparams as state (`qparams`).
    bool holdsQParams() { return static_cast<bool>(getHeldScale()); }
    /// Whether the result qparams come from the updated range rather than
    /// the held ones.
    bool computesQParams() {
      return !holdsQParams() ||
             (getTraining() && getSpec().getObserver() != ObserverKind::none);
    }
  }];
  let hasVerifier = 1;
}

def Qat_BnScaleFactorOp : Qat_Op<"bn_scale_factor", [Pure]> {
  let summary = "gamma / sqrt(running_var + eps), the BN folding factor";
  let description = [{
    The per-channel factor PyTorch's fused ConvBn QAT modules scale the
    convolution weight by before fake-quantizing it (and divide the
    convolution output by afterwards).

    ```mlir
    %sf = qat.bn_scale_factor %gamma, %running_var {eps = 1.0e-5 : f64}
        : (tensor<32xf32>, tensor<32xf32>) -> tensor<32xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$weight, Qat_FloatTensor:$running_var,
                       DefaultValuedAttr<F64Attr, "1.0e-5">:$eps);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = [{
    $weight `,` $running_var attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Qat_QuantStubOp : Qat_Op<"quant_stub", [Pure, SameOperandsAndResultType]> {
  let summary = "start of a quantized region (PyTorch QuantStub)";
  let description = [{
    Marks where float values enter the region that is quantized; an identity
    in float. Without stubs the whole graph is quantized.

    ```mlir
    %q = qat.quant_stub %x : tensor<4x10xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

def Qat_DequantStubOp : Qat_Op<"dequant_stub", [Pure, SameOperandsAndResultType]> {
  let summary = "end of a quantized region (PyTorch DeQuantStub)";
  let description = [{
    ```mlir
    %y = qat.dequant_stub %q : tensor<4x20xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input);
  let results = (outs Qat_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
}

include "Qat/IR/QatTrainOps.td"
include "Qat/IR/QatIntOps.td"
include "Qat/IR/QatKernelOps.td"

#endif // QAT_DIALECT_QATOPS_TD

//===- QatTrainOps.td - backward and optimizer ops ---------*- tablegen -*-===//
//
// The ops a generated training step is made of besides the model ops: one
// backward op per model op kind (each follows PyTorch's autograd formula),
// the optimizer updates, and the batch's correct count.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DIALECT_QATTRAINOPS_TD
#define QAT_DIALECT_QATTRAINOPS_TD

class Qat_GradOp<string mnemonic, list<Trait> traits = []>
    : Qat_Op<mnemonic, !listconcat(traits, [Pure])> {
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Qat_LinearGradOp : Qat_GradOp<"linear_grad"> {
  let summary = "backward of linear: dx = dy W, dW = dy^T x, db = sum_n dy";
  let description = [{
    ```mlir
    %dx, %dw, %db = qat.linear_grad %x, %w, %dy
        : (tensor<64x784xf32>, tensor<256x784xf32>, tensor<64x256xf32>)
        -> (tensor<64x784xf32>, tensor<256x784xf32>, tensor<256xf32>)
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$weight,
                       Qat_FloatTensor:$grad);
  let results = (outs Qat_FloatTensor:$input_grad, Qat_FloatTensor:$weight_grad,
                      Qat_FloatTensor:$bias_grad);
}

def Qat_Conv2dGradOp : Qat_GradOp<"conv2d_grad"> {
  let summary = "backward of conv2d: input, weight and bias gradients";
  let description = [{
    Same attributes as the `qat.conv2d` it differentiates.

    ```mlir
    %dx, %dw, %db = qat.conv2d_grad %x, %w, %dy {strides = array<i64: 1, 1>,
          padding = array<i64: 0, 0, 0, 0>, dilation = array<i64: 1, 1>,
          groups = 1 : i64}
        : (tensor<8x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<8x32x26x26xf32>)
        -> (tensor<8x1x28x28xf32>, tensor<32x1x3x3xf32>, tensor<32xf32>)
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$weight,
                       Qat_FloatTensor:$grad,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilation, I64Attr:$groups);
  let results = (outs Qat_FloatTensor:$input_grad, Qat_FloatTensor:$weight_grad,
                      Qat_FloatTensor:$bias_grad);
}

def Qat_BatchNormGradOp : Qat_GradOp<"batch_norm_grad"> {
  let summary = "backward of batch_norm (batch statistics or running ones)";
  let description = [{
    With `training` the normalization used the batch statistics (biased
    variance) and the gradient flows through them; otherwise the running
    statistics are constants.

    ```mlir
    %dx, %dg, %db = qat.batch_norm_grad %x, %g, %rm, %rv, %dy {eps = 1.0e-5 : f64, training}
        : (tensor<8x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>, tensor<32xf32>,
           tensor<8x32x4x4xf32>) -> (tensor<8x32x4x4xf32>, tensor<32xf32>, tensor<32xf32>)
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$weight,
                       Qat_FloatTensor:$running_mean, Qat_FloatTensor:$running_var,
                       Qat_FloatTensor:$grad, F64Attr:$eps, UnitAttr:$training);
  let results = (outs Qat_FloatTensor:$input_grad, Qat_FloatTensor:$weight_grad,
                      Qat_FloatTensor:$bias_grad);
}

def Qat_ClampGradOp : Qat_GradOp<"clamp_grad"> {
  let summary = "backward of relu/relu6/clamp: dy where x is inside the bounds";
  let description = [{
    PyTorch's rules: relu passes where `x > 0` (threshold_backward), relu6
    (hardtanh) where `min < x < max`, clamp where `min <= x <= max`
    (`inclusive`). With exclusive bounds the op's output gives the same
    mask as its input (`min < y < max` exactly when `min < x < max`), and
    the generated training step passes the output for relu and relu6.

    ```mlir
    %dx = qat.clamp_grad %x, %dy {min = 0.0 : f64, max = 0x7FF0000000000000 : f64}
        : (tensor<64x256xf32>, tensor<64x256xf32>) -> tensor<64x256xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$grad,
                       F64Attr:$min, F64Attr:$max, UnitAttr:$inclusive);
  let results = (outs Qat_FloatTensor:$input_grad);
}

def Qat_SumToShapeOp : Qat_GradOp<"sum_to_shape"> {
  let summary = "sums broadcast axes away: the backward of NumPy broadcasting";
  let description = [{
    ```mlir
    %db = qat.sum_to_shape %dy : (tensor<8x32x4x4xf32>) -> tensor<1x32x1x1xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input);
  let results = (outs Qat_FloatTensor:$result);
  let hasVerifier = 1;
}

def Qat_MaxPool2dGradOp : Qat_GradOp<"max_pool2d_grad"> {
  let summary = "backward of max_pool2d: dy to the first maximum of each window";
  let description = [{
    Same attributes as the `qat.max_pool2d`; ties go to the first position
    of the window in row-major order, as PyTorch's kernel picks it.

    ```mlir
    %dx = qat.max_pool2d_grad %x, %dy {kernel_size = array<i64: 2, 2>}
        : (tensor<8x32x26x26xf32>, tensor<8x32x13x13xf32>) -> tensor<8x32x26x26xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$grad,
                       DenseI64ArrayAttr:$kernel_size,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{1, 1}">:$dilation,
                       UnitAttr:$ceil_mode);
  let results = (outs Qat_FloatTensor:$input_grad);
  let extraClassDeclaration = [{
    /// Strides; PyTorch's default is the kernel size (as the forward op).
    ::llvm::SmallVector<int64_t, 2> getStridesOrDefault();
    /// Padding as [top, left, bottom, right].
    ::llvm::SmallVector<int64_t, 4> getPads();
  }];
}

def Qat_AvgPool2dGradOp : Qat_GradOp<"avg_pool2d_grad"> {
  let summary = "backward of avg_pool2d and global_avg_pool";
  let description = [{
    Same attributes as the `qat.avg_pool2d`; `global_avg_pool` is the
    average over the whole H x W window.

    ```mlir
    %dx = qat.avg_pool2d_grad %x, %dy {kernel_size = array<i64: 2, 2>}
        : (tensor<8x32x4x4xf32>, tensor<8x32x2x2xf32>) -> tensor<8x32x4x4xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$grad,
                       DenseI64ArrayAttr:$kernel_size,
                       OptionalAttr<DenseI64ArrayAttr>:$strides,
                       DefaultValuedAttr<DenseI64ArrayAttr, "{0, 0, 0, 0}">:$padding,
                       UnitAttr:$ceil_mode,
                       DefaultValuedAttr<BoolAttr, "true">:$count_include_pad);
  let results = (outs Qat_FloatTensor:$input_grad);
  let extraClassDeclaration = [{
    /// Strides; PyTorch's default is the kernel size (as the forward op).
    ::llvm::SmallVector<int64_t, 2> getStridesOrDefault();
    /// Padding as [top, left, bottom, right].
    ::llvm::SmallVector<int64_t, 4> getPads();
  }];
}

def Qat_SoftmaxGradOp : Qat_GradOp<"softmax_grad"> {
  let summary = "backward of softmax: y * (dy - sum(dy * y))";
  let description = [{
    ```mlir
    %dx = qat.softmax_grad %y, %dy {axis = 1 : i64}
        : (tensor<8x10xf32>, tensor<8x10xf32>) -> tensor<8x10xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$result, Qat_FloatTensor:$grad,
                       I64Attr:$axis);
  let results = (outs Qat_FloatTensor:$input_grad);
}

def Qat_CrossEntropyGradOp : Qat_GradOp<"cross_entropy_grad"> {
  let summary = "backward of cross_entropy: (softmax(x) - onehot(labels)) / N * dl";
  let description = [{
    ```mlir
    %dx = qat.cross_entropy_grad %logits, %labels, %dl
        : (tensor<64x10xf32>, tensor<64xi32>, tensor<f32>) -> tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$logits, Qat_IntTensor:$labels,
                       0DTensorOf<[AnyFloat]>:$grad);
  let results = (outs Qat_FloatTensor:$logits_grad);
}

def Qat_MseGradOp : Qat_GradOp<"mse_grad"> {
  let summary = "backward of mse: 2 (x - t) / numel * dl";
  let description = [{
    ```mlir
    %dx = qat.mse_grad %x, %t, %dl
        : (tensor<4x3xf32>, tensor<4x3xf32>, tensor<f32>) -> tensor<4x3xf32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$input, Qat_FloatTensor:$target,
                       0DTensorOf<[AnyFloat]>:$grad);
  let results = (outs Qat_FloatTensor:$input_grad);
}

def Qat_CorrectCountOp : Qat_Op<"correct_count", [Pure]> {
  let summary = "how many rows' argmax equal their label";
  let description = [{
    Ties go to the first maximum (torch.argmax).

    ```mlir
    %c = qat.correct_count %logits, %labels
        : (tensor<64x10xf32>, tensor<64xi32>) -> tensor<i32>
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$logits, Qat_IntTensor:$labels);
  let results = (outs 0DTensorOf<[I32]>:$result);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Qat_SgdUpdateOp : Qat_Op<"sgd_update", [Pure]> {
  let summary = "torch.optim.SGD step for one parameter";
  let description = [{
    `g = grad + weight_decay * p; buf = momentum * buf + (1 - dampening) * g;
    p = p - lr * (nesterov ? g + momentum * buf : buf)`, in PyTorch's order
    of float operations. A zero-initialized buffer gives PyTorch's first
    step (`buf = g`) when dampening is 0. `lr` is a run-time scalar so a
    schedule can change it.

    ```mlir
    %p1, %buf1 = qat.sgd_update %p, %g, %buf, %lr {momentum = 0.9 : f64,
          weight_decay = 0.0 : f64}
        : (tensor<256x784xf32>, tensor<256x784xf32>, tensor<256x784xf32>, tensor<f32>)
        -> (tensor<256x784xf32>, tensor<256x784xf32>)
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$param, Qat_FloatTensor:$grad,
                       Qat_FloatTensor:$momentum_buffer,
                       0DTensorOf<[F32]>:$lr,
                       DefaultValuedAttr<F64Attr, "0.0">:$momentum,
                       DefaultValuedAttr<F64Attr, "0.0">:$dampening,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       UnitAttr:$nesterov);
  let results = (outs Qat_FloatTensor:$new_param, Qat_FloatTensor:$new_momentum_buffer);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

def Qat_AdamUpdateOp : Qat_Op<"adam_update", [Pure]> {
  let summary = "torch.optim.Adam / AdamW step for one parameter";
  let description = [{
    `m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g * g;
    p = p - step_size * m / (sqrt(v) / bias_correction2_sqrt + eps)` with
    `step_size = lr / (1 - beta1^t)` and `bias_correction2_sqrt =
    sqrt(1 - beta2^t)` passed in (computed in double on the host, as
    PyTorch does). Adam adds `weight_decay * p` to the gradient; with
    `decoupled` (AdamW) the parameter is first scaled by
    `1 - lr * weight_decay`.

    ```mlir
    %p1, %m1, %v1 = qat.adam_update %p, %g, %m, %v, %lr, %step, %bc2 {beta1 = 0.9 : f64,
          beta2 = 0.999 : f64, eps = 1.0e-8 : f64}
        : (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>, tensor<10xf32>,
           tensor<f32>, tensor<f32>, tensor<f32>)
        -> (tensor<10xf32>, tensor<10xf32>, tensor<10xf32>)
    ```
  }];
  let arguments = (ins Qat_FloatTensor:$param, Qat_FloatTensor:$grad,
                       Qat_FloatTensor:$exp_avg, Qat_FloatTensor:$exp_avg_sq,
                       0DTensorOf<[F32]>:$lr, 0DTensorOf<[F32]>:$step_size,
                       0DTensorOf<[F32]>:$bias_correction2_sqrt,
                       DefaultValuedAttr<F64Attr, "0.9">:$beta1,
                       DefaultValuedAttr<F64Attr, "0.999">:$beta2,
                       DefaultValuedAttr<F64Attr, "1.0e-8">:$eps,
                       DefaultValuedAttr<F64Attr, "0.0">:$weight_decay,
                       UnitAttr:$decoupled);
  let results = (outs Qat_FloatTensor:$new_param, Qat_FloatTensor:$new_exp_avg,
                      Qat_FloatTensor:$new_exp_avg_sq);
  let assemblyFormat = "operands attr-dict `:` functional-type(operands, results)";
}

#endif // QAT_DIALECT_QATTRAINOPS_TD

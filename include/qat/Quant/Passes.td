//===- Passes.td - the QAT graph passes --------------------*- tablegen -*-===//

#ifndef QAT_QUANT_PASSES_TD
#define QAT_QUANT_PASSES_TD

include "mlir/Pass/PassBase.td"

def Fuse : Pass<"qat-fuse", "ModuleOp"> {
  let summary = "Fuse layers for quantization-aware training (fuse_modules_qat)";
  let description = [{
    PyTorch's `fuse_modules_qat` as a pass. Fused groups are quantized as one
    op: no fake-quant between their members.

    - `linear`/`conv2d` + `relu`/`relu6`, `add` + `relu`/`relu6`,
      `batch_norm` + `relu`/`relu6`: the first op is marked `qat.fused`.
    - `conv2d` + `batch_norm` (+ `relu`/`relu6`): rewritten with PyTorch's
      ConvBn QAT semantics — the weight is scaled by
      `gamma / sqrt(running_var + eps)` (the value that gets fake-quantized),
      the convolution runs without bias, its output is divided by the same
      factor, the conv bias added back, and `batch_norm` keeps normalizing
      (and updating its statistics in training). Convert folds it later.
      With `freeze-bn`, `batch_norm` uses (and keeps) its running statistics,
      as `torch.ao.nn.intrinsic.qat.freeze_bn_stats`.

    Every op inside a fused group carries the unit attribute `qat.fused`;
    the weight scaling `qat.mul` also carries `qat.bn_folded_weight`.

    ```mlir
    %y = qat.linear %x, %w, %b : ... {qat.fused}
    %r = qat.relu %y : tensor<4x20xf32>
    ```
  }];
  let options = [
    Option<"freezeBn", "freeze-bn", "bool", /*default=*/"false",
           "Use running statistics in fused batch norms and stop updating them">
  ];
}

def Prepare : Pass<"qat-prepare", "ModuleOp"> {
  let summary = "Insert fake-quant ops and observers (prepare_qat)";
  let description = [{
    PyTorch's `prepare_qat` / TF-MOT's `quantize_model` as a pass: inserts
    `qat.observe` + `qat.fake_quant` on the weights of `linear`/`conv2d` and
    on activations (the outputs of ops that make new values, and the inputs
    of the quantized region), with the observer state as `qat.param state`
    (`<op>.weight_fq.min/max`, `<op>.out_fq.min/max`, initialized to
    +inf/-inf) and, for learnable specs, trainable `scale`/`zero_point`.

    The region is delimited by `qat.quant_stub` / `qat.dequant_stub` like
    QuantStub/DeQuantStub; without stubs the whole graph is quantized (the
    function inputs are fake-quantized as if behind a QuantStub). Ops that
    pass values through (`max_pool2d`, `flatten`, `reshape`) keep their
    input's qparams; the inputs of a `concat` share one observer.

    Presets (docs/numerics.md): `x86` (fbgemm: uint8 [0,127] activations,
    per-channel symmetric int8 weights), `qnnpack`, `onednn`, `tflite`,
    `vnni`, `neon`. Overrides select ops by name (`name=fc1`, the op's
    location name or the prefix of its weight parameter), by kind
    (`kind=conv2d`; the function inputs of a stub-less graph are
    `kind=input`) or all (`*`), then set `skip`, or `act.`/`weight.`
    `dtype` (i2 to i8, ui2 to ui8: docs/numerics.md#low-bit-widths),
    `per-channel`, `symmetric`, `observer`
    (minmax|moving_average|ema|none), `learnable`, `grad-scaling`,
    `reduce-range`, `narrow-range`, e.g.
    `override=name=fc2:skip` or
    `override=kind=linear:weight.per-channel=false:act.observer=minmax`.

    The `tflite` preset also records TFLite's fixed-point requant as the
    module attribute `qat.requant = #qat.requant<fixed_point>`, which
    `--qat-convert` (with its default `requant=auto`) puts on every
    integer op; the other presets remove the attribute (float32 requant).

    With `report`, prints which ops stay float on the target and why, and
    where the int32 accumulator could overflow
    (`K * (qmax_x - qmin_x) * max|q_w| > 2^31 - 1`), also as remarks.

    ```mlir
    %s, %z, %mn1, %mx1 = qat.observe %w, %mn, %mx {training, spec = ...}
    %wq = qat.fake_quant %w, %s, %z {spec = ...}
    %y = qat.linear %x, %wq, %b : ...
    ```
  }];
  let options = [
    Option<"preset", "preset", "std::string", /*default=*/"\"x86\"",
           "Quantization preset: x86, qnnpack, onednn, tflite, vnni, neon">,
    ListOption<"overrides", "override", "std::string",
               "Per-op overrides: SELECTOR:KEY[=VALUE]:...">,
    Option<"training", "training", "bool", /*default=*/"true",
           "Observers update their state (training mode)">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print the legality report and emit it as remarks">
  ];
  let dependentDialects = ["::mlir::qat::QatDialect"];
}

def GenerateTrainStep : Pass<"qat-generate-train-step", "ModuleOp"> {
  let summary = "Generate the training step: forward, backward, optimizer";
  let description = [{
    Differentiates the model function (`entry`, default `@forward`) in
    reverse mode and emits `@train_step`, which runs the forward pass in
    training mode (batch norm on batch statistics and updating its running
    statistics, observers updating their state), the loss, the backward
    pass (straight-through through `fake_quant`, LSQ gradients for learnable
    qparams) and the optimizer update of every trainable `qat.param`, in
    place. Optimizer state (momentum buffers, Adam moments) is added as
    `qat.param state @<param>.<name>` so the trained model file carries it.

    ```
    func.func @train_step(%x: tensor<64x1x28x28xf32>, %labels: tensor<64xi32>,
                          %lr: tensor<f32>) -> (tensor<f32>, tensor<i32>)
    ```
    returns the mean loss and the batch's correct count (cross_entropy);
    Adam also takes `step_size` and `bias_correction2_sqrt` (computed by the
    caller in double, as PyTorch does). It also emits `@eval_step`, the
    model function in evaluation mode (running statistics, frozen
    observers, no stores).
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"forward\"",
           "The model function to differentiate">,
    Option<"loss", "loss", "std::string", /*default=*/"\"cross_entropy\"",
           "Loss: cross_entropy (integer labels) or mse (targets)">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"sgd\"",
           "Optimizer: sgd, adam or adamw">,
    Option<"momentum", "momentum", "double", /*default=*/"0.0", "SGD momentum">,
    Option<"dampening", "dampening", "double", /*default=*/"0.0", "SGD dampening">,
    Option<"nesterov", "nesterov", "bool", /*default=*/"false", "Nesterov momentum">,
    Option<"weightDecay", "weight-decay", "double", /*default=*/"0.0",
           "Weight decay (L2 for sgd/adam, decoupled for adamw)">,
    Option<"beta1", "beta1", "double", /*default=*/"0.9", "Adam beta1">,
    Option<"beta2", "beta2", "double", /*default=*/"0.999", "Adam beta2">,
    Option<"eps", "eps", "double", /*default=*/"1e-8", "Adam epsilon">,
    Option<"freezeBn", "freeze-bn", "bool", /*default=*/"false",
           "Batch norms use and keep their running statistics">,
    Option<"freezeObservers", "freeze-observers", "bool", /*default=*/"false",
           "Observers keep their state (qparams frozen)">,
    Option<"gradientsOnly", "gradients-only", "bool", /*default=*/"false",
           "Emit @gradients(inputs..., target) -> (loss, d inputs..., "
           "d params...) instead of an optimizer step (for gradient checks)">
  ];
  let dependentDialects = ["::mlir::qat::QatDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def Convert : Pass<"qat-convert", "ModuleOp"> {
  let summary = "Convert a trained fake-quant model to the int8 graph";
  let description = [{
    PyTorch's `convert`: freezes every observer (its qparams are computed
    with the one qparams function, so they are bit for bit the ones training
    used), quantizes weights to int8 parameters (`<op>.weight_q`) and biases
    to int32 at scale `s_x * s_w[c]` (`<op>.bias_q`), fuses a following
    ReLU/ReLU6 into the output clamp, and rewrites `@forward` on
    `!quant.uniform` types: `qat.quantize` where float values enter,
    `qat.qlinear` for linear layers, `qat.dequantize` where they leave.
    Parameters that only the fake-quant graph used are removed.

    Checks that the int32 accumulator cannot overflow
    (`K * max|q_x - zp_x| * max|q_w| <= 2^31 - 1`) and reports the op
    otherwise.

    `requant` selects the requantization every integer op records in its
    `requant` attribute (`#qat.requant`): `float` (docs/numerics.md's float32
    single-rounding requant), `fixed-point` (TensorFlow Lite's int32
    multiplier and shift, ties away from zero), or `auto` (the default):
    the choice `--qat-prepare` recorded in the module attribute
    `qat.requant` (the `tflite` preset records `fixed_point`), float
    without one. `qat-run eval` of a fake-quant model converts with `auto`,
    so its integer semantics follow the preset too. The module attribute
    is dropped once the ops carry the choice.

    Supported today: linear and conv2d (+ReLU/ReLU6; conv2d + batch_norm
    folded as PyTorch's fuse_conv_bn_weights), add (+ReLU), concat (its
    inputs share qparams), max_pool2d, flatten, reshape and the stubs. The ops the legality report names
    (softmax, sub, div) stay float between an explicit `qat.dequantize` and
    `qat.quantize`; other ops are reported with their location.

    ```mlir
    %xq = qat.quantize %x : tensor<64x784xf32> -> tensor<64x784x!quant.uniform<u8:f32, 0.0078:0>>
    %y = qat.qlinear %xq, %w, %b {clamp_min = 0 : i64, clamp_max = 127 : i64} : ...
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"forward\"",
           "The model function to convert">,
    Option<"requant", "requant", "std::string", /*default=*/"\"auto\"",
           "Requantization of the integer ops: auto (the prepared preset's: "
           "fixed-point for tflite), float or fixed-point">
  ];
  let dependentDialects = ["::mlir::qat::QatDialect",
                           "::mlir::quant::QuantDialect"];
}

def FoldBatchNorm : Pass<"qat-fold-bn", "ModuleOp"> {
  let summary = "Fold ConvBn groups into their conv for calibration (PTQ)";
  let description = [{
    PyTorch's post-training static quantization fuses conv + batch norm
    before it observes anything (`fuse_modules` in eval mode,
    `fuse_conv_bn_eval`): the conv's weight and bias take the batch norm's
    running statistics, and the batch norm is gone. This pass does the same
    to the ConvBn groups of a prepared model (made by `--qat-fuse`, see
    `qat-fuse`): each group `conv(x, fq(w * sf)) / sf [+ b] -> batch_norm`
    becomes `conv(x, fq(w'), b')` with the weight and bias that
    `--qat-convert` would fold (`w' = w * sf`, `sf = gamma /
    sqrt(running_var + eps)`; `b' = (b - running_mean) / sqrt(running_var +
    eps) * gamma + beta`), written into the conv's weight and bias
    parameters (`<conv>.bias` is created if the conv had none). The batch
    norm's parameters are removed once nothing reads them. The weight's
    observer keeps its state; it now watches `w'`, the value `w * sf`
    already was. `qat-run calibrate` runs it before calibrating.

    ```mlir
    // before
    %ws = qat.mul %w, %sf {qat.bn_folded_weight, qat.fused}
    %c = qat.conv2d %x, %wq ...      // %wq = fake_quant(%ws)
    %d = qat.div %c, %sf2
    %n, %m, %v = qat.batch_norm %d, ...
    // after
    %c = qat.conv2d %x, %wq, %b' ... // %wq = fake_quant(load @conv.weight)
    ```
  }];
}

def SetBatch : Pass<"qat-set-batch", "ModuleOp"> {
  let summary = "Re-specialize a model function to another batch size";
  let description = [{
    qat's shapes are static, and a model trained with batch 64 is a
    function of 64 images. This pass changes the batch of `entry` to
    `batch`: the batch is the leading dimension of argument 0, which every
    other argument of rank 1 or more shares (labels); scalar arguments (the
    learning rate of `@train_step`) have none.

    The batch is propagated through the ops that depend on the batched
    arguments by what each op does: layers, element-wise ops, pools,
    quantization and the input gradients of backward ops keep it in front;
    losses, correct counts, observer statistics and qparams, batch norm's new
    running statistics and weight/bias gradients reduce it away and keep
    their types; a reshape or flatten whose leading dimension is the batch
    times k (each sample one contiguous block) gets the new batch times k;
    `sum_to_shape` keeps it when its result keeps the leading dimension.
    Every re-typed op is verified again. Float, prepared and int8 models and
    the generated `@train_step`/`@eval_step` (one `entry` at a time)
    re-batch; parameters and constants keep their shapes. A result that
    does not carry the batch in front (a reshape splitting samples across
    rows, a concat along the batch), an op with no batch rule, and a
    `sum_to_shape` from batch 1 that could keep or sum the batch are
    reported with their location. `qat-compile --batch` and
    `qat-run train/eval/compare --batch` run it.

    ```mlir
    // qat-opt --qat-set-batch=batch=1
    func.func @forward(%x: tensor<64x784xf32>) -> tensor<64x10xf32>
    // becomes
    func.func @forward(%x: tensor<1x784xf32>) -> tensor<1x10xf32>
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"forward\"",
           "The model function to re-batch">,
    Option<"batch", "batch", "int64_t", /*default=*/"1",
           "The new batch size, in [1, 2^24]">
  ];
}

#endif // QAT_QUANT_PASSES_TD

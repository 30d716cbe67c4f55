//===- QatAttrs.td - qat dialect attributes ----------------*- tablegen -*-===//

#ifndef QAT_DIALECT_QATATTRS_TD
#define QAT_DIALECT_QATATTRS_TD

include "Qat/IR/QatBase.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

def Qat_ObserverKind : I32EnumAttr<"ObserverKind",
    "how a fake-quant op tracks the range of what it sees", [
      I32EnumAttrCase<"none", 0>,
      I32EnumAttrCase<"minmax", 1>,
      I32EnumAttrCase<"moving_average", 2>,
      I32EnumAttrCase<"ema", 3>
    ]> {
  let cppNamespace = "::mlir::qat";
  let genSpecializedAttr = 0;
}

def Qat_ObserverKindAttr : EnumAttr<Qat_Dialect, Qat_ObserverKind, "observer"> {
  let summary = "observer kind";
  let description = [{
    `none` (qparams are given, e.g. imported), `minmax` (running min/max,
    PyTorch MinMaxObserver), `moving_average` (PyTorch
    MovingAverageMinMaxObserver, `m += c * (batch - m)`), `ema` (TF-MOT's
    exponential moving average).

    Example: `#qat.observer<moving_average>`
  }];
}

def Qat_RequantKind : I32EnumAttr<"RequantKind",
    "how an integer op requantizes its int32 accumulator", [
      // `float` is a C++ keyword: the enumerators are capitalized.
      I32EnumAttrCase<"Float", 0, "float">,
      I32EnumAttrCase<"FixedPoint", 1, "fixed_point">
    ]> {
  let cppNamespace = "::mlir::qat";
  let genSpecializedAttr = 0;
}

def Qat_RequantKindAttr : EnumAttr<Qat_Dialect, Qat_RequantKind, "requant"> {
  let assemblyFormat = "`<` $value `>`";
  let summary = "requantization arithmetic of an integer op";
  let description = [{
    Which of docs/numerics.md's two requantizations an integer op
    (`qat.qlinear`, `qat.qconv2d`, `qat.qadd`, `qat.qmul`,
    `qat.qavg_pool2d`) uses; every lowering and the scalar reference
    (qat/Numerics/IntReference.h) honour it.

    - `float` (the default when the op has no `requant` attribute): the
      float32 single-rounding requant, `q_y = clamp(roundeven(float(acc) *
      M) + zp_y, lo, hi)` with `M` computed in float32 (XNNPACK/PT2E).
    - `fixed_point`: TensorFlow Lite's integer requant. `M` is computed in
      double from the float32 scales, as TFLite's kernels do, and split by
      `QuantizeMultiplier` into an int32 multiplier `m` in `[2^30, 2^31)`
      and a power-of-two `shift` (frexp, `std::round`, i.e. ties away from
      zero); `q_y = clamp(MultiplyByQuantizedMultiplier(acc, m, shift) +
      zp_y, lo, hi)` with gemmlowp's `SaturatingRoundingDoublingHighMul`
      and `RoundingDivideByPOT` (TFLite's classic double rounding, not the
      `TFLITE_SINGLE_ROUNDING` variant). Each op's description gives its
      exact form. `--qat-convert` selects it for models prepared with the
      `tflite` preset.

    Example: `#qat.requant<fixed_point>`
  }];
}

def Qat_QSpecAttr : Qat_Attr<"QSpec", "qspec"> {
  let summary = "quantization specification of a fake-quant op";
  let description = [{
    Describes how a `qat.fake_quant` op quantizes: the storage type `dtype`
    (an integer type, `i8` or `ui8` in practice; signedness-less `i8` means
    signed), the clamp range `[qmin, qmax]`, symmetric or affine, per-tensor
    or per-channel (`axis`), narrow range (`qmin = -(2^(b-1) - 1)`), the
    observer and its averaging constant, whether scale and zero point are
    learnable (LSQ, with PyTorch's optional gradient scaling
    `1 / sqrt(numel * qmax)`), and which straight-through estimator the
    backward pass uses (`tf_ste`: TF's nudged-range rule instead of
    PyTorch's rounded-value rule).

    Example (PyTorch fbgemm weights, then activations):

    ```mlir
    #qat.qspec<dtype = i8, qmin = -128, qmax = 127, symmetric = true,
               axis = 0, observer = minmax>
    #qat.qspec<dtype = ui8, qmin = 0, qmax = 127,
               observer = moving_average, averaging_constant = 1.0e-2>
    ```
  }];
  let parameters = (ins
    "::mlir::IntegerType":$dtype,
    "int64_t":$qmin,
    "int64_t":$qmax,
    DefaultValuedParameter<"bool", "false">:$symmetric,
    OptionalParameter<"std::optional<int64_t>">:$axis,
    DefaultValuedParameter<"bool", "false">:$narrow_range,
    DefaultValuedParameter<"::mlir::qat::ObserverKind",
                           "::mlir::qat::ObserverKind::minmax">:$observer,
    OptionalParameter<"::mlir::FloatAttr">:$averaging_constant,
    DefaultValuedParameter<"bool", "false">:$learnable,
    DefaultValuedParameter<"bool", "false">:$grad_scaling,
    DefaultValuedParameter<"bool", "false">:$tf_ste
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// True if the spec quantizes per channel along `getAxis()`.
    bool isPerChannel() const { return getAxis().has_value(); }
    /// True for unsigned storage types (ui8).
    bool isUnsigned() const { return getDtype().isUnsigned(); }
    /// The averaging constant, or the observer's default (0.01 for both
    /// moving-average kinds, as PyTorch and TF-MOT use).
    double getAveragingConstantOrDefault() const;
  }];
}

#endif // QAT_DIALECT_QATATTRS_TD

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

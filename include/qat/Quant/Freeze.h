//===- Freeze.h - the frozen values of a trained fake-quant model -*- C++
//-*-===//
//
// What a trained fake-quant model computes at inference, read from its
// parameters: the qparams of each fake_quant (from observer state or learned
// scales) and the weight and bias of each layer with PyTorch's ConvBn group
// folded in. --qat-convert quantizes these values; qat-export writes them
// into ONNX. One home, so both read a model the same way, bit for bit.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_QUANT_FREEZE_H
#define QAT_QUANT_FREEZE_H

#include "Qat/IR/QatOps.h"

#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace mlir::qat {

/// Frozen qparams of one fake_quant: one scale and zero point per channel
/// (one for a per-tensor spec).
struct FrozenQParams {
  SmallVector<float> scales;
  SmallVector<int32_t> zeroPoints;
  QSpecAttr spec;
};

/// PyTorch's ConvBn QAT group made by --qat-fuse: `conv(x, fq(w * sf)) /
/// sf [+ bias] -> batch_norm`.
struct ConvBnGroup {
  /// The `w * sf` weight (marked `qat.bn_folded_weight`).
  MulOp bnWeight;
  /// The conv's own bias, or null.
  Value convBias;
  BatchNormOp bn;
};

/// The ConvBn group of `layer` (a conv2d whose weight fake_quant is `wfq`),
/// std::nullopt for a plain layer; failure, after an error naming `tool`,
/// when the ops after the conv are not the group --qat-fuse makes.
FailureOr<std::optional<ConvBnGroup>>
matchConvBnGroup(Operation *layer, FakeQuantOp wfq, StringRef tool);

/// Reads frozen values from the `qat.param`s of a module. Diagnostics name
/// `tool` (e.g. "qat-convert").
class FrozenModelReader {
public:
  FrozenModelReader(SymbolTable &symbols, StringRef tool)
      : symbols(symbols), tool(tool.str()) {}

  /// The float32 values of `v`, which must be a `qat.load` of an f32
  /// parameter (`user` is the op reported otherwise).
  FailureOr<SmallVector<float>> getParamValues(Value v, Operation *user);
  /// The qparams of `fq`: the qparams its observer holds, its observer's
  /// range through the one qparams function training uses, or its learned
  /// (LSQ) or given scale and zero point.
  FailureOr<FrozenQParams> freeze(FakeQuantOp fq);
  /// The float weights [C, K] and bias [C] of `layer` (linear or conv2d
  /// whose weight fake_quant is `wfq`), the batch norm of `group` folded in
  /// as torch.ao's fuse_conv_bn_weights does. A missing bias is zeros.
  LogicalResult getLayerValues(Operation *layer, FakeQuantOp wfq,
                               const std::optional<ConvBnGroup> &group,
                               SmallVector<float> &weights,
                               SmallVector<float> &bias);

private:
  /// The parameter `v` is loaded from; null after a diagnostic at `user`.
  ParamOp getParam(Value v, Operation *user);
  /// Qparams stored as parameters into `f`.
  LogicalResult freezeParams(Value scale, Value zeroPoint, Operation *user,
                             FrozenQParams &f);

  SymbolTable &symbols;
  std::string tool;
};

} // namespace mlir::qat

#endif // QAT_QUANT_FREEZE_H

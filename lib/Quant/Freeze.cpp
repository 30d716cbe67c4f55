//===- Freeze.cpp - the frozen values of a trained fake-quant model -------===//

#include "qat/Quant/Freeze.h"

#include "qat/Numerics/QParams.h"

#include "llvm/Support/Format.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qat;

SmallVector<Operation *> mlir::qat::getComputingUsers(Value v) {
  SmallVector<Operation *> users;
  for (Operation *u : v.getUsers())
    if (!isa<ObserveOp>(u))
      users.push_back(u);
  return users;
}

FailureOr<std::optional<ConvBnGroup>>
mlir::qat::matchConvBnGroup(Operation *layer, FakeQuantOp wfq, StringRef tool) {
  auto mulW = wfq.getInput().getDefiningOp<MulOp>();
  if (!mulW || !mulW->hasAttr(kBnFoldedWeightAttrName))
    return std::optional<ConvBnGroup>();
  ConvBnGroup group;
  group.bnWeight = mulW;
  SmallVector<Operation *> users = getComputingUsers(layer->getResult(0));
  if (users.size() != 1 || !isa<DivOp>(users[0]))
    return layer->emitOpError(tool) << ": unexpected ConvBn pattern";
  users = getComputingUsers(users[0]->getResult(0));
  if (users.size() == 1 && isa<AddOp>(users[0])) {
    if (auto r = users[0]->getOperand(1).getDefiningOp<ReshapeOp>())
      group.convBias = r.getInput();
    users = getComputingUsers(users[0]->getResult(0));
  }
  if (users.size() != 1 || !isa<BatchNormOp>(users[0]))
    return layer->emitOpError(tool) << ": unexpected ConvBn pattern";
  group.bn = cast<BatchNormOp>(users[0]);
  return std::optional<ConvBnGroup>(group);
}

ParamOp FrozenModelReader::getParam(Value v, Operation *user) {
  auto load = v.getDefiningOp<LoadOp>();
  if (!load) {
    user->emitOpError(tool) << " needs this operand to be a qat.load of a "
                               "parameter (the frozen value)";
    return {};
  }
  return symbols.lookup<ParamOp>(load.getName());
}

FailureOr<SmallVector<float>>
FrozenModelReader::getParamValues(Value v, Operation *user) {
  ParamOp param = getParam(v, user);
  if (!param)
    return failure();
  if (auto values = param.getF32Values())
    return *values;
  param.emitOpError(tool) << " reads f32 dense values only";
  return failure();
}

/// Learnable (LSQ: an f32 zero point, rounded as PyTorch's forward does),
/// held by an observer or given (an i32 zero point).
LogicalResult FrozenModelReader::freezeParams(Value scale, Value zeroPoint,
                                              Operation *user,
                                              FrozenQParams &f) {
  auto scales = getParamValues(scale, user);
  if (failed(scales))
    return failure();
  f.scales = *scales;
  ParamOp zp = getParam(zeroPoint, user);
  if (!zp)
    return failure();
  if (auto values = zp.getI32Values()) {
    llvm::append_range(f.zeroPoints, *values);
    return success();
  }
  auto values = zp.getF32Values();
  if (!values)
    return zp.emitOpError(tool)
           << " reads f32 dense values only (or i32 zero points)";
  for (float v : *values)
    f.zeroPoints.push_back(static_cast<int32_t>(std::clamp<float>(
        std::nearbyint(v), f.spec.getQmin(), f.spec.getQmax())));
  return success();
}

/// The observer range [lo, hi] of channel `c` of `fq` gives qparams: an
/// observer that saw no data still holds its initial [+inf, -inf], one that
/// saw a diverged training run holds NaN.
static LogicalResult checkObserverRange(FakeQuantOp fq, size_t c, float lo,
                                        float hi, StringRef tool) {
  std::string state;
  llvm::raw_string_ostream(state)
      << (fq.getSpec().isPerChannel() ? " (channel " + std::to_string(c) + ")"
                                      : std::string())
      << ": min " << llvm::format("%g", lo) << ", max "
      << llvm::format("%g", hi);
  if (std::isnan(lo) || std::isnan(hi))
    return fq.emitOpError("has an observer whose state holds NaN")
           << state << "; the training that wrote it diverged";
  if (lo == std::numeric_limits<float>::infinity() &&
      hi == -std::numeric_limits<float>::infinity())
    return fq.emitOpError("has an observer that saw no data; train (or "
                          "calibrate) the model before ")
           << tool;
  if (!(lo <= hi) || !std::isfinite(lo) || !std::isfinite(hi))
    return fq.emitOpError("has an observer whose state is not a range")
           << state;
  return success();
}

FailureOr<FrozenQParams> FrozenModelReader::freeze(FakeQuantOp fq) {
  FrozenQParams f;
  f.spec = fq.getSpec();
  runtime::QRange range{f.spec.getQmin(), f.spec.getQmax(),
                        f.spec.getSymmetric(), f.spec.isUnsigned()};
  auto obs = fq.getScale().getDefiningOp<ObserveOp>();
  if (obs && obs.holdsQParams()) {
    if (failed(
            freezeParams(obs.getHeldScale(), obs.getHeldZeroPoint(), obs, f)))
      return failure();
    return f;
  }
  if (obs) {
    // Observer state -> qparams through the one function training used.
    auto mins = getParamValues(obs.getMin(), obs);
    auto maxs = getParamValues(obs.getMax(), obs);
    if (failed(mins) || failed(maxs))
      return failure();
    for (auto [c, lo, hi] : llvm::enumerate(*mins, *maxs)) {
      if (failed(checkObserverRange(fq, c, lo, hi, tool)))
        return failure();
      runtime::QParams q = runtime::chooseQParams(lo, hi, range);
      f.scales.push_back(q.scale);
      f.zeroPoints.push_back(q.zeroPoint);
    }
    return f;
  }
  // Learnable (LSQ) or given qparams: parameters.
  if (failed(freezeParams(fq.getScale(), fq.getZeroPoint(), fq, f)))
    return failure();
  return f;
}

LogicalResult FrozenModelReader::getLayerValues(
    Operation *layer, FakeQuantOp wfq, const std::optional<ConvBnGroup> &group,
    SmallVector<float> &weights, SmallVector<float> &bias) {
  auto wType = cast<RankedTensorType>(layer->getOperand(1).getType());
  int64_t c = wType.getDimSize(0);
  int64_t k = wType.getNumElements() / c;
  bias.assign(c, 0.0f);
  if (group) {
    BatchNormOp bn = group->bn;
    MulOp bnWeight = group->bnWeight;
    auto w = getParamValues(bnWeight.getLhs(), layer);
    auto g = getParamValues(bn.getWeight(), layer);
    auto beta = getParamValues(bn.getBias(), layer);
    auto rm = getParamValues(bn.getRunningMean(), layer);
    auto rv = getParamValues(bn.getRunningVar(), layer);
    if (failed(w) || failed(g) || failed(beta) || failed(rm) || failed(rv))
      return failure();
    float eps = static_cast<float>(bn.getEps().convertToDouble());
    SmallVector<float> cb(c, 0.0f);
    if (group->convBias) {
      auto cbv = getParamValues(group->convBias, layer);
      if (failed(cbv))
        return failure();
      cb = *cbv;
    }
    weights.resize(c * k);
    for (int64_t i = 0; i < c; ++i) {
      // As the training graph: sf = gamma / sqrt(var + eps), w * sf.
      float sf = (*g)[i] / std::sqrt((*rv)[i] + eps);
      for (int64_t j = 0; j < k; ++j)
        weights[i * k + j] = (*w)[i * k + j] * sf;
      float rsqrt = 1.0f / std::sqrt((*rv)[i] + eps);
      bias[i] = (cb[i] - (*rm)[i]) * rsqrt * (*g)[i] + (*beta)[i];
    }
    return success();
  }
  auto w = getParamValues(wfq.getInput(), layer);
  if (failed(w))
    return failure();
  weights = *w;
  if (layer->getNumOperands() > 2) { // the optional bias
    auto bv = getParamValues(layer->getOperand(2), layer);
    if (failed(bv))
      return failure();
    bias = *bv;
  }
  return success();
}

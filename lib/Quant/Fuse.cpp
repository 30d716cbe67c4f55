//===- Fuse.cpp - fuse layers for QAT (fuse_modules_qat) ------------------===//

#include "qat/Quant/Passes.h"

#include "Qat/IR/QatOps.h"

#include "mlir/IR/PatternMatch.h"

namespace mlir::qat {
#define GEN_PASS_DEF_FUSE
#include "qat/Quant/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

/// The single user of `v`, if it is an activation that can be fused.
static Operation *getFusableActivation(Value v) {
  if (!v.hasOneUse())
    return nullptr;
  Operation *user = *v.getUsers().begin();
  return isa<ReluOp, Relu6Op>(user) ? user : nullptr;
}

/// The single user of a conv result, if it is the batch_norm it feeds.
static BatchNormOp getFusableBatchNorm(Conv2dOp conv) {
  if (!conv.getResult().hasOneUse())
    return nullptr;
  auto bn = dyn_cast<BatchNormOp>(*conv.getResult().getUsers().begin());
  if (!bn || bn.getInput() != conv.getResult())
    return nullptr;
  return bn;
}

static Value reshapeTo(OpBuilder &b, Location loc, Value v,
                       ArrayRef<int64_t> shape) {
  auto t = cast<RankedTensorType>(v.getType());
  auto type = RankedTensorType::get(shape, t.getElementType());
  auto op = ReshapeOp::create(b, loc, type, v);
  op->setAttr(kFusedAttrName, b.getUnitAttr());
  return op;
}

/// Rewrites conv2d + batch_norm with PyTorch's ConvBn QAT forward:
///   sf = gamma / sqrt(running_var + eps)
///   y  = bn(conv(x, w * sf[:, None, None, None]) / sf[None, :, None, None]
///           + bias[None, :, None, None])
/// so that the weight fake-quant (inserted by prepare on the conv's weight
/// operand) sees the BN-scaled weight.
static void foldConvBatchNorm(Conv2dOp conv, BatchNormOp bn, bool freezeBn) {
  // At the batch norm: its parameters may be loaded after the conv, and
  // everything the conv reads dominates the batch norm.
  OpBuilder b(bn);
  Location loc = conv.getLoc();
  UnitAttr unit = b.getUnitAttr();
  auto wType = conv.getWeight().getType();
  int64_t o = wType.getDimSize(0);

  auto sf =
      BnScaleFactorOp::create(b, loc, bn.getWeight().getType(), bn.getWeight(),
                              bn.getRunningVar(), bn.getEpsAttr());
  sf->setAttr(kFusedAttrName, unit);
  Value sfW = reshapeTo(b, loc, sf, {o, 1, 1, 1});
  auto scaled = MulOp::create(b, loc, wType, conv.getWeight(), sfW);
  scaled->setAttr(kFusedAttrName, unit);
  scaled->setAttr(kBnFoldedWeightAttrName, unit);

  auto newConv = Conv2dOp::create(b, loc, conv.getType(), conv.getInput(),
                                  scaled, /*bias=*/Value(),
                                  conv.getStridesAttr(), conv.getPaddingAttr(),
                                  conv.getDilationAttr(), conv.getGroupsAttr());
  newConv->setAttr(kFusedAttrName, unit);
  Value sfOut = reshapeTo(b, loc, sf, {1, o, 1, 1});
  auto unscaled = DivOp::create(b, loc, conv.getType(), newConv, sfOut);
  unscaled->setAttr(kFusedAttrName, unit);
  Value out = unscaled;
  if (Value bias = conv.getBias()) {
    auto add = AddOp::create(b, loc, conv.getType(), out,
                             reshapeTo(b, loc, bias, {1, o, 1, 1}));
    add->setAttr(kFusedAttrName, unit);
    out = add;
  }
  conv.getResult().replaceAllUsesWith(out);
  conv.erase();
  if (freezeBn)
    bn.removeTrainingAttr();
}

namespace {
struct FusePass : qat::impl::FuseBase<FusePass> {
  using FuseBase::FuseBase;

  void runOnOperation() override {
    SmallVector<std::pair<Conv2dOp, BatchNormOp>> convBn;
    getOperation().walk([&](Conv2dOp conv) {
      if (conv->hasAttr(kFusedAttrName))
        return;
      if (BatchNormOp bn = getFusableBatchNorm(conv))
        convBn.push_back({conv, bn});
    });
    for (auto [conv, bn] : convBn)
      foldConvBatchNorm(conv, bn, freezeBn);

    // op + relu/relu6: the op's output is not quantized on its own.
    getOperation().walk([&](Operation *op) {
      if (!isa<LinearOp, Conv2dOp, AddOp, BatchNormOp>(op))
        return;
      if (getFusableActivation(op->getResult(0)))
        op->setAttr(kFusedAttrName, UnitAttr::get(op->getContext()));
    });
  }
};
} // namespace

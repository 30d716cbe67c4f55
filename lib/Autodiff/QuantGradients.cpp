//===- QuantGradients.cpp - backward of the quantization ops and loads ----===//

#include "GradientModel.h"

#include "Qat/IR/QatOps.h"

#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::detail;

/// Straight-through fake quantization; with a learnable spec also the LSQ
/// gradients of the scale and the zero point.
static void fakeQuantGradient(FakeQuantOp op, Value dy,
                              GradientContext &context) {
  OpBuilder &b = context.getBuilder();
  Location loc = op.getLoc();
  auto zpGradType = RankedTensorType::get(
      cast<RankedTensorType>(op.getZeroPoint().getType()).getShape(),
      b.getF32Type());
  auto g = FakeQuantGradOp::create(
      b, loc, TypeRange{op.getType(), op.getScale().getType(), zpGradType},
      op.getInput(), op.getScale(), op.getZeroPoint(), dy, op.getSpec());
  context.accumulate(loc, op.getInput(), g.getInputGrad());
  if (op.getSpec().getLearnable()) {
    context.accumulate(loc, op.getScale(), g.getScaleGrad());
    context.accumulate(loc, op.getZeroPoint(), g.getZeroPointGrad());
  }
}

/// quant_stub and dequant_stub: the identity.
template <typename StubOp>
static void stubGradient(StubOp op, Value dy, GradientContext &context) {
  context.accumulate(op.getLoc(), op->getOperand(0), dy);
}

/// Observers have no gradient.
static void observeGradient(ObserveOp, Value, GradientContext &) {}

/// sf = gamma / sqrt(var + eps): d gamma = dsf * (1 / sqrt(var + eps)).
static void bnScaleFactorGradient(BnScaleFactorOp op, Value dy,
                                  GradientContext &context) {
  OpBuilder &b = context.getBuilder();
  Location loc = op.getLoc();
  auto t = op.getType();
  Value ones = context.createSplat(t, 1.0);
  Value inv = BnScaleFactorOp::create(b, loc, t, ones, op.getRunningVar(),
                                      op.getEpsAttr());
  context.accumulate(loc, op.getWeight(), MulOp::create(b, loc, t, dy, inv));
}

/// A load of a trainable parameter passes dy to the parameter.
static void loadGradient(LoadOp op, Value dy, GradientContext &context) {
  auto param =
      SymbolTable::lookupNearestSymbolFrom<ParamOp>(op, op.getNameAttr());
  if (param && param.isTrainable())
    context.accumulateParam(op.getLoc(), op.getName(), dy);
}

void mlir::qat::detail::attachQuantGradients(MLIRContext &ctx) {
  attachGradient<FakeQuantOp, fakeQuantGradient>(ctx);
  attachGradient<QuantStubOp, stubGradient<QuantStubOp>>(ctx);
  attachGradient<DequantStubOp, stubGradient<DequantStubOp>>(ctx);
  attachGradient<ObserveOp, observeGradient>(ctx);
  attachGradient<BnScaleFactorOp, bnScaleFactorGradient>(ctx);
  attachGradient<LoadOp, loadGradient>(ctx);
}

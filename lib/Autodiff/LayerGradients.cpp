//===- LayerGradients.cpp - backward of linear, conv2d, batch_norm --------===//

#include "GradientModel.h"

#include "Qat/IR/QatOps.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::detail;

/// The result types of a linear/conv2d backward op: the input's, the
/// weight's, and one bias value per output channel.
template <typename LayerOp>
static SmallVector<Type, 3> getLayerGradTypes(LayerOp op) {
  RankedTensorType weight = op.getWeight().getType();
  return {op.getInput().getType(), weight,
          RankedTensorType::get({weight.getDimSize(0)},
                                op.getType().getElementType())};
}

/// Hands the three gradients of a linear/conv2d backward op to the context.
template <typename LayerOp, typename GradOp>
static void accumulateLayerGrads(LayerOp op, GradOp g,
                                 GradientContext &context) {
  Location loc = op.getLoc();
  context.accumulate(loc, op.getInput(), g.getInputGrad());
  context.accumulate(loc, op.getWeight(), g.getWeightGrad());
  if (op.getBias())
    context.accumulate(loc, op.getBias(), g.getBiasGrad());
}

static void linearGradient(LinearOp op, Value dy, GradientContext &context) {
  auto g = LinearGradOp::create(context.getBuilder(), op.getLoc(),
                                getLayerGradTypes(op), op.getInput(),
                                op.getWeight(), dy);
  accumulateLayerGrads(op, g, context);
}

static void conv2dGradient(Conv2dOp op, Value dy, GradientContext &context) {
  OpBuilder &b = context.getBuilder();
  auto g = Conv2dGradOp::create(
      b, op.getLoc(), getLayerGradTypes(op), op.getInput(), op.getWeight(), dy,
      op.getStridesAttr(), b.getDenseI64ArrayAttr(op.getPads()),
      op.getDilationAttr(), op.getGroupsAttr());
  accumulateLayerGrads(op, g, context);
}

static void batchNormGradient(BatchNormOp op, Value dy,
                              GradientContext &context) {
  Location loc = op.getLoc();
  auto chan = op.getWeight().getType();
  auto g = BatchNormGradOp::create(
      context.getBuilder(), loc, TypeRange{op.getInput().getType(), chan, chan},
      op.getInput(), op.getWeight(), op.getRunningMean(), op.getRunningVar(),
      dy, op.getEpsAttr(), op.getTrainingAttr());
  context.accumulate(loc, op.getInput(), g.getInputGrad());
  context.accumulate(loc, op.getWeight(), g.getWeightGrad());
  context.accumulate(loc, op.getBias(), g.getBiasGrad());
}

void mlir::qat::detail::attachLayerGradients(MLIRContext &ctx) {
  attachGradient<LinearOp, linearGradient>(ctx);
  attachGradient<Conv2dOp, conv2dGradient>(ctx);
  attachGradient<BatchNormOp, batchNormGradient>(ctx);
}

//===- PoolGradients.cpp - backward of pooling, shape ops and softmax -----===//

#include "GradientModel.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::detail;

static void maxPool2dGradient(MaxPool2dOp op, Value dy,
                              GradientContext &context) {
  context.accumulate(
      op.getLoc(), op.getInput(),
      MaxPool2dGradOp::create(
          context.getBuilder(), op.getLoc(), op.getInput().getType(),
          op.getInput(), dy, op.getKernelSizeAttr(), op.getStridesAttr(),
          op.getPaddingAttr(), op.getDilationAttr(), op.getCeilModeAttr()));
}

static void avgPool2dGradient(AvgPool2dOp op, Value dy,
                              GradientContext &context) {
  context.accumulate(
      op.getLoc(), op.getInput(),
      AvgPool2dGradOp::create(context.getBuilder(), op.getLoc(),
                              op.getInput().getType(), op.getInput(), dy,
                              op.getKernelSizeAttr(), op.getStridesAttr(),
                              op.getPaddingAttr(), op.getCeilModeAttr(),
                              op.getCountIncludePadAttr()));
}

/// The backward of an average pool whose one window is the whole H x W.
static void globalAvgPoolGradient(GlobalAvgPoolOp op, Value dy,
                                  GradientContext &context) {
  OpBuilder &b = context.getBuilder();
  auto t = op.getInput().getType();
  context.accumulate(
      op.getLoc(), op.getInput(),
      AvgPool2dGradOp::create(
          b, op.getLoc(), t, op.getInput(), dy,
          b.getDenseI64ArrayAttr({t.getDimSize(2), t.getDimSize(3)}),
          DenseI64ArrayAttr(), b.getDenseI64ArrayAttr({0, 0, 0, 0}), UnitAttr(),
          b.getBoolAttr(true)));
}

/// flatten and reshape: dy reshaped back to the input's shape.
template <typename ReshapeLikeOp>
static void reshapeGradient(ReshapeLikeOp op, Value dy,
                            GradientContext &context) {
  Value x = op->getOperand(0);
  context.accumulate(
      op.getLoc(), x,
      ReshapeOp::create(context.getBuilder(), op.getLoc(), x.getType(), dy));
}

/// Each input gets its slice of dy along the concatenation axis.
static void concatGradient(ConcatOp op, Value dy, GradientContext &context) {
  OpBuilder &b = context.getBuilder();
  int64_t rank = op.getType().getRank();
  int64_t axis = getNormalizedAxis(op.getAxis(), rank);
  int64_t offset = 0;
  for (Value in : op.getInputs()) {
    auto t = cast<RankedTensorType>(in.getType());
    SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
    offsets[axis] = offset;
    offset += t.getDimSize(axis);
    context.accumulate(op.getLoc(), in,
                       tensor::ExtractSliceOp::create(
                           b, op.getLoc(), t, dy, ValueRange{}, ValueRange{},
                           ValueRange{}, b.getDenseI64ArrayAttr(offsets),
                           b.getDenseI64ArrayAttr(t.getShape()),
                           b.getDenseI64ArrayAttr(strides)));
  }
}

static void softmaxGradient(SoftmaxOp op, Value dy, GradientContext &context) {
  context.accumulate(op.getLoc(), op.getInput(),
                     SoftmaxGradOp::create(context.getBuilder(), op.getLoc(),
                                           op.getType(), op.getResult(), dy,
                                           op.getAxisAttr()));
}

void mlir::qat::detail::attachPoolGradients(MLIRContext &ctx) {
  attachGradient<MaxPool2dOp, maxPool2dGradient>(ctx);
  attachGradient<AvgPool2dOp, avgPool2dGradient>(ctx);
  attachGradient<GlobalAvgPoolOp, globalAvgPoolGradient>(ctx);
  attachGradient<FlattenOp, reshapeGradient<FlattenOp>>(ctx);
  attachGradient<ReshapeOp, reshapeGradient<ReshapeOp>>(ctx);
  attachGradient<ConcatOp, concatGradient>(ctx);
  attachGradient<SoftmaxOp, softmaxGradient>(ctx);
}

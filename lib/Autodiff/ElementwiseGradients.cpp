//===- ElementwiseGradients.cpp - backward of the element-wise ops --------===//

#include "GradientModel.h"

#include "Qat/IR/QatOps.h"

#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::detail;

/// `-g`, as `g * -1` with a one-element (broadcast) constant.
static Value negate(Location loc, Value g, GradientContext &context) {
  auto t = cast<RankedTensorType>(g.getType());
  return MulOp::create(
      context.getBuilder(), loc, t, g,
      context.createSplat(RankedTensorType::get({1}, t.getElementType()),
                          -1.0));
}

/// The bounds of the clamp that relu, relu6 and clamp are.
struct ClampBounds {
  double lo = 0.0;
  double hi = std::numeric_limits<double>::infinity();
  bool inclusive = false;
};
static ClampBounds getClampBounds(ReluOp) { return {}; }
static ClampBounds getClampBounds(Relu6Op) { return {0.0, 6.0, false}; }
static ClampBounds getClampBounds(ClampOp op) {
  return {op.getMin().convertToDouble(), op.getMax().convertToDouble(),
          /*inclusive=*/true};
}

template <typename ClampLikeOp>
static void clampGradient(ClampLikeOp op, Value dy, GradientContext &context) {
  ClampBounds bounds = getClampBounds(op);
  OpBuilder &b = context.getBuilder();
  Location loc = op.getLoc();
  Value x = op->getOperand(0);
  // ReLU/ReLU6 mask by their output, as PyTorch's threshold_backward:
  // lo < y < hi exactly when lo < x < hi (and both fail for NaN), and
  // the backward pass then reads the tensor the next op reads instead
  // of keeping the pre-activation alive. An inclusive clamp cannot:
  // its output is in [lo, hi] for every input.
  Value mask = bounds.inclusive ? x : op->getResult(0);
  context.accumulate(
      loc, x,
      ClampGradOp::create(b, loc, x.getType(), mask, dy,
                          b.getF64FloatAttr(bounds.lo),
                          b.getF64FloatAttr(bounds.hi),
                          bounds.inclusive ? b.getUnitAttr() : UnitAttr()));
}

static void addGradient(AddOp op, Value dy, GradientContext &context) {
  context.accumulate(op.getLoc(), op.getLhs(), dy);
  context.accumulate(op.getLoc(), op.getRhs(), dy);
}

static void subGradient(SubOp op, Value dy, GradientContext &context) {
  Location loc = op.getLoc();
  context.accumulate(loc, op.getLhs(), dy);
  context.accumulate(loc, op.getRhs(), negate(loc, dy, context));
}

static void mulGradient(MulOp op, Value dy, GradientContext &context) {
  OpBuilder &b = context.getBuilder();
  Location loc = op.getLoc();
  auto t = op.getType();
  context.accumulate(loc, op.getLhs(),
                     MulOp::create(b, loc, t, dy, op.getRhs()));
  context.accumulate(loc, op.getRhs(),
                     MulOp::create(b, loc, t, dy, op.getLhs()));
}

/// PyTorch: d lhs = dy / rhs, d rhs = -dy * ((lhs / rhs) / rhs).
static void divGradient(DivOp op, Value dy, GradientContext &context) {
  OpBuilder &b = context.getBuilder();
  Location loc = op.getLoc();
  auto t = op.getType();
  Value rhs = op.getRhs();
  context.accumulate(loc, op.getLhs(), DivOp::create(b, loc, t, dy, rhs));
  auto rt = cast<RankedTensorType>(rhs.getType());
  if (rt.getNumElements() < t.getNumElements()) {
    // A broadcast divisor (the conv-BN fold's per-channel scale
    // factor): -((sum(dy * lhs) / rhs) / rhs), the divisions after the
    // reduction. The same sum as PyTorch's up to rounding, without two
    // divisions per element of the full tensor.
    Value s = SumToShapeOp::create(b, loc, rt,
                                   MulOp::create(b, loc, t, dy, op.getLhs()));
    Value q = DivOp::create(b, loc, rt, DivOp::create(b, loc, rt, s, rhs), rhs);
    context.accumulate(loc, rhs, negate(loc, q, context));
  } else {
    Value q = DivOp::create(b, loc, t,
                            DivOp::create(b, loc, t, op.getLhs(), rhs), rhs);
    context.accumulate(loc, rhs,
                       MulOp::create(b, loc, t, negate(loc, dy, context), q));
  }
}

void mlir::qat::detail::attachElementwiseGradients(MLIRContext &ctx) {
  attachGradient<ReluOp, clampGradient<ReluOp>>(ctx);
  attachGradient<Relu6Op, clampGradient<Relu6Op>>(ctx);
  attachGradient<ClampOp, clampGradient<ClampOp>>(ctx);
  attachGradient<AddOp, addGradient>(ctx);
  attachGradient<SubOp, subGradient>(ctx);
  attachGradient<MulOp, mulGradient>(ctx);
  attachGradient<DivOp, divGradient>(ctx);
}

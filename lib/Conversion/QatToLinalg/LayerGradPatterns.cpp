//===- LayerGradPatterns.cpp - linear_grad and batch_norm_grad to linalg --===//
//
// Each backward op follows PyTorch's autograd formula for its forward op
// (conv2d_grad is in Conv2dGradPatterns.cpp).
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

using IT = utils::IteratorType;

namespace {
struct LinearGradLowering : GemmConversionPattern<LinearGradOp> {
  using GemmConversionPattern::GemmConversionPattern;
  LogicalResult
  matchAndRewrite(LinearGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    auto m = [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(3, 0, e, ctx);
    };
    auto xType = cast<RankedTensorType>(a.getInput().getType());
    auto dyType = cast<RankedTensorType>(a.getGrad().getType());
    if (xType.hasStaticShape() && xType.getElementType().isF32()) {
      int64_t n = xType.getDimSize(0), in = xType.getDimSize(1);
      int64_t out = dyType.getDimSize(1);
      // dx[n, i] = sum_o dy[n, o] * w[o, i]
      Value dx = buildTiledGemm(
          rewriter, loc, op.getInputGrad().getType(), a.getGrad(),
          a.getWeight(),
          filledTensor(rewriter, loc, op.getInputGrad().getType(), {}, 0.0),
          GemmLayout{1, n, in, 0, out, 0, {{out, 1, in}}}, threads);
      // dw[o, i] = sum_n dy[n, o] * x[n, i]
      Value dw = buildTiledGemm(
          rewriter, loc, op.getWeightGrad().getType(), a.getGrad(),
          a.getInput(),
          filledTensor(rewriter, loc, op.getWeightGrad().getType(), {}, 0.0),
          GemmLayout{1, out, in, 0, 1, 0, {{n, out, in}}}, threads);
      Value db = buildReassocSum(rewriter, loc, a.getGrad(), {0},
                                 op.getBiasGrad().getType());
      rewriter.replaceOp(op, {dx, dw, db});
      return success();
    }
    // Loops ordered (outer, reduction, contiguous): the innermost loop runs
    // over contiguous rows with no loop-carried dependence (vectorizable).
    SmallVector<IT> prp = {IT::parallel, IT::reduction, IT::parallel};
    // dx[n, i] = sum_o dy[n, o] * w[o, i]; dims (n, o, i)
    Value dx = buildContraction(
        rewriter, loc, a.getGrad(), a.getWeight(),
        filledTensor(rewriter, loc, op.getInputGrad().getType(), {}, 0.0),
        {m({d0, d1}), m({d1, d2}), m({d0, d2})}, prp);
    // dw[o, i] = sum_n dy[n, o] * x[n, i]; dims (o, n, i)
    Value dw = buildContraction(
        rewriter, loc, a.getGrad(), a.getInput(),
        filledTensor(rewriter, loc, op.getWeightGrad().getType(), {}, 0.0),
        {m({d1, d0}), m({d1, d2}), m({d0, d2})}, prp);
    Value db = buildReassocSum(rewriter, loc, a.getGrad(), {0},
                               op.getBiasGrad().getType());
    rewriter.replaceOp(op, {dx, dw, db});
    return success();
  }
};
} // namespace

//===----------------------------------------------------------------------===//
// batch_norm_grad
//===----------------------------------------------------------------------===//

/// A per-channel sum of `term` (channelSumF64, in f64 as PyTorch's CPU
/// kernels accumulate) rounded once to `chanType`'s element type.
static Value channelSum(
    OpBuilder &b, Location loc, RankedTensorType chanType, ValueRange full,
    ValueRange perChannel,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange)> term) {
  Type elt = chanType.getElementType();
  Value sum64 =
      channelSumF64(b, loc, full, perChannel, chanType.getDimSize(0), term);
  return buildElementwise(b, loc, chanType, {sum64}, {},
                          [&](OpBuilder &nb, Location l, ValueRange v) {
                            return castFloat(nb, l, v[0], elt);
                          });
}

namespace {
struct BatchNormGradLowering : OpConversionPattern<BatchNormGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto chanType = cast<RankedTensorType>(op.getWeight().getType());
    Type elt = chanType.getElementType();
    Value x = a.getInput(), dy = a.getGrad();
    // Every axis but the channel's.
    SmallVector<int64_t> axes = {0};
    for (int64_t i = 2, e = cast<RankedTensorType>(x.getType()).getRank();
         i < e; ++i)
      axes.push_back(i);
    Value count = countAlong(rewriter, loc, x, axes, elt);
    // Sums in f64, as PyTorch's CPU kernels accumulate (acc_type<float> is
    // double); with mostly-constant image data float sums drift visibly.
    Type f64 = rewriter.getF64Type();
    Value mean = a.getRunningMean(), var = a.getRunningVar();
    Value mean64;
    if (op.getTraining()) {
      BatchStats stats = computeBatchStats(rewriter, loc, x);
      mean64 = stats.mean64;
      mean = stats.mean;
      var = stats.var;
    } else {
      mean64 = buildElementwise(
          rewriter, loc, RankedTensorType::get({chanType.getDimSize(0)}, f64),
          {mean}, {}, [&](OpBuilder &b, Location l, ValueRange v) {
            return castFloat(b, l, v[0], f64);
          });
    }
    double eps = op.getEps().convertToDouble();
    Value invstd = buildElementwise(
        rewriter, loc, chanType, {var}, {},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Value e = floatConst(b, l, elt, eps);
          Value one = floatConst(b, l, elt, 1.0);
          return arith::DivFOp::create(
              b, l, one, math::SqrtOp::create(b, l, addf(b, l, v[0], e)));
        });
    Value sumDy =
        channelSum(rewriter, loc, chanType, {dy}, {},
                   [&](OpBuilder &b, Location l, ValueRange f, ValueRange) {
                     return castFloat(b, l, f[0], f64);
                   });
    // dot = sum (x - mean) * dy
    Value dot = channelSum(
        rewriter, loc, chanType, {x, dy}, {mean64},
        [&](OpBuilder &b, Location l, ValueRange f, ValueRange c) -> Value {
          return arith::MulFOp::create(
              b, l,
              arith::SubFOp::create(b, l, castFloat(b, l, f[0], f64), c[0]),
              castFloat(b, l, f[1], f64));
        });
    // dgamma = dot * invstd, dbeta = sum dy.
    Value dGamma = buildElementwise(rewriter, loc, chanType, {dot, invstd}, {},
                                    [](OpBuilder &b, Location l, ValueRange v) {
                                      return mulf(b, l, v[0], v[1]);
                                    });
    Value dx = batchNormInputGrad(rewriter, loc, op, a, count, mean, invstd,
                                  dot, sumDy);
    rewriter.replaceOp(op, {dx, dGamma, sumDy});
    return success();
  }

  /// PyTorch (batch_norm_backward_cpu_template): with k = dot * invstd^2
  /// / N, dx = (dy - (x - mean) * k - sum_dy / N) * invstd * gamma in
  /// training, dx = dy * invstd * gamma otherwise.
  static Value batchNormInputGrad(OpBuilder &rewriter, Location loc,
                                  BatchNormGradOp op, OpAdaptor a, Value count,
                                  Value mean, Value invstd, Value dot,
                                  Value sumDy) {
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = type.getRank();
    Value x = a.getInput(), dy = a.getGrad();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap chan = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    bool training = op.getTraining();
    return linalg::GenericOp::create(
               rewriter, loc, TypeRange{type},
               ValueRange{x, dy, mean, invstd, a.getWeight(), dot, sumDy},
               ValueRange{emptyTensor(rewriter, loc, type, x)},
               SmallVector<AffineMap>{id, id, chan, chan, chan, chan, chan, id},
               SmallVector<IT>(rank, IT::parallel),
               [&](OpBuilder &b, Location l, ValueRange v) {
                 Value scale = mulf(b, l, v[3], v[4]);
                 Value g = v[1];
                 if (training) {
                   Value k = arith::DivFOp::create(
                       b, l, mulf(b, l, mulf(b, l, v[5], v[3]), v[3]), count);
                   Value gradMean = arith::DivFOp::create(b, l, v[6], count);
                   g = subf(
                       b, l,
                       subf(b, l, v[1], mulf(b, l, subf(b, l, v[0], v[2]), k)),
                       gradMean);
                 }
                 linalg::YieldOp::create(b, l, mulf(b, l, g, scale));
               })
        .getResult(0);
  }
};
} // namespace

void lowering::populateLayerGradPatterns(RewritePatternSet &patterns,
                                         int64_t threads) {
  patterns.add<BatchNormGradLowering>(patterns.getContext());
  patterns.add<LinearGradLowering>(patterns.getContext(), threads);
}

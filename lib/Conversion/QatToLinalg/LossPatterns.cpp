//===- LossPatterns.cpp - cross_entropy and mse to linalg -----------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

/// Sums a rank-1 or higher tensor into a 0-d tensor and divides by `count`.
static Value meanToScalar(OpBuilder &b, Location loc, Value v, Value count) {
  auto t = cast<RankedTensorType>(v.getType());
  auto scalarType = RankedTensorType::get({}, t.getElementType());
  Value init = filledTensor(b, loc, scalarType, {}, 0.0);
  SmallVector<int64_t> axes =
      llvm::to_vector(llvm::seq<int64_t>(0, t.getRank()));
  Value sum = buildReduction(
      b, loc, v, axes, init,
      [](OpBuilder &nb, Location l, Value a, Value acc) -> Value {
        return arith::AddFOp::create(nb, l, a, acc);
      });
  return buildElementwise(b, loc, scalarType, {sum}, {},
                          [&](OpBuilder &nb, Location l, ValueRange a) {
                            return Value(
                                arith::DivFOp::create(nb, l, a[0], count));
                          });
}

namespace {
/// loss = mean_n(max_n + log(sum_c exp(x[n,c] - max_n)) - x[n, label[n]]).
struct CrossEntropyLowering : OpConversionPattern<CrossEntropyOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CrossEntropyOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value logits = adaptor.getLogits();
    Value labels = adaptor.getLabels();
    auto lt = cast<RankedTensorType>(logits.getType());
    Type elt = lt.getElementType();
    auto rowType = RankedTensorType::get({lt.getDimSize(0)}, elt);
    MLIRContext *ctx = rewriter.getContext();

    Value max =
        buildMaxAlong(rewriter, loc, logits, 1,
                      filledTensor(rewriter, loc, rowType, logits,
                                   -std::numeric_limits<double>::infinity()));
    AffineExpr n, c;
    bindDims(ctx, n, c);
    auto sumExp = linalg::GenericOp::create(
        rewriter, loc, TypeRange{rowType}, ValueRange{logits, max},
        ValueRange{filledTensor(rewriter, loc, rowType, logits, 0.0)},
        SmallVector<AffineMap>{AffineMap::get(2, 0, {n, c}, ctx),
                               AffineMap::get(2, 0, {n}, ctx),
                               AffineMap::get(2, 0, {n}, ctx)},
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                         utils::IteratorType::reduction},
        [](OpBuilder &b, Location l, ValueRange a) {
          Value d = arith::SubFOp::create(b, l, a[0], a[1]);
          Value e = math::ExpOp::create(b, l, d);
          linalg::YieldOp::create(b, l,
                                  Value(arith::AddFOp::create(b, l, e, a[2])));
        });
    // Per-sample loss; the label's logit is read with tensor.extract.
    AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    auto perSample = linalg::GenericOp::create(
        rewriter, loc, TypeRange{rowType},
        ValueRange{labels, max, sumExp.getResult(0)},
        ValueRange{emptyTensor(rewriter, loc, rowType, logits)},
        SmallVector<AffineMap>(4, id1),
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value row = linalg::IndexOp::create(b, l, 0);
          Value col = arith::IndexCastOp::create(b, l, b.getIndexType(), a[0]);
          Value picked =
              tensor::ExtractOp::create(b, l, logits, ValueRange{row, col});
          Value lse = arith::AddFOp::create(b, l, a[1],
                                            math::LogOp::create(b, l, a[2]));
          linalg::YieldOp::create(
              b, l, Value(arith::SubFOp::create(b, l, lse, picked)));
        });
    Value count = countAlong(rewriter, loc, logits, {0}, elt);
    rewriter.replaceOp(
        op, meanToScalar(rewriter, loc, perSample.getResult(0), count));
    return success();
  }
};

struct MseLowering : OpConversionPattern<MseOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MseOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value a = adaptor.getInput();
    auto t = cast<RankedTensorType>(a.getType());
    Value sq =
        buildElementwise(rewriter, loc, t, {a, adaptor.getTarget()}, a,
                         [](OpBuilder &b, Location l, ValueRange v) {
                           Value d = arith::SubFOp::create(b, l, v[0], v[1]);
                           return Value(arith::MulFOp::create(b, l, d, d));
                         });
    SmallVector<int64_t> axes =
        llvm::to_vector(llvm::seq<int64_t>(0, t.getRank()));
    Value count = countAlong(rewriter, loc, a, axes, t.getElementType());
    rewriter.replaceOp(op, meanToScalar(rewriter, loc, sq, count));
    return success();
  }
};
} // namespace

void lowering::populateLossPatterns(RewritePatternSet &patterns) {
  patterns.add<CrossEntropyLowering, MseLowering>(patterns.getContext());
}

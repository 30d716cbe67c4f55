//===- LossGradPatterns.cpp - softmax, loss gradients and correct_count ---===//
//
// The backward ops of the classifier head and the losses, following
// PyTorch's autograd formulas, and the accuracy count of a batch.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

using IT = utils::IteratorType;

namespace {
struct SoftmaxGradLowering : OpConversionPattern<SoftmaxGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getResult().getType());
    int64_t rank = type.getRank();
    int64_t axis = getNormalizedAxis(op.getAxis(), rank);
    AxisReduction red = reduceAlong(type, axis);
    Value prod = buildElementwise(rewriter, loc, type,
                                  {a.getResult(), a.getGrad()}, a.getResult(),
                                  [](OpBuilder &b, Location l, ValueRange v) {
                                    return mulf(b, l, v[1], v[0]);
                                  });
    Value sum = buildReassocSum(rewriter, loc, prod, {axis}, red.type);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    auto gen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{a.getResult(), a.getGrad(), sum},
        ValueRange{emptyTensor(rewriter, loc, type, a.getResult())},
        SmallVector<AffineMap>{id, id, red.map, id},
        SmallVector<IT>(rank, IT::parallel),
        [](OpBuilder &b, Location l, ValueRange v) {
          linalg::YieldOp::create(b, l,
                                  mulf(b, l, v[0], subf(b, l, v[1], v[2])));
        });
    rewriter.replaceOp(op, gen.getResult(0));
    return success();
  }
};

/// (softmax(x) - onehot(label)) * (dl / N), softmax as exp(x - max) / sum.
struct CrossEntropyGradLowering : OpConversionPattern<CrossEntropyGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CrossEntropyGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getLogits().getType());
    Type elt = type.getElementType();
    Value x = a.getLogits();
    AxisReduction row = reduceAlong(type, 1);
    Value max =
        buildMaxAlong(rewriter, loc, x, 1,
                      filledTensor(rewriter, loc, row.type, x,
                                   -std::numeric_limits<double>::infinity()));
    Value e = buildShiftedExp(rewriter, loc, x, max, row.map);
    Value sum = buildReassocSum(rewriter, loc, e, {1}, row.type);
    AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap scalar = AffineMap::get(2, 0, {}, ctx);
    Value count = countAlong(rewriter, loc, x, {0}, elt);
    auto gen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{e, sum, a.getLabels(), a.getGrad()},
        ValueRange{emptyTensor(rewriter, loc, type, x)},
        SmallVector<AffineMap>{id, row.map, row.map, scalar, id},
        SmallVector<IT>(2, IT::parallel),
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value p = arith::DivFOp::create(b, l, v[0], v[1]);
          Value col = arith::IndexCastOp::create(
              b, l, v[2].getType(), linalg::IndexOp::create(b, l, 1));
          Value hit =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, col, v[2]);
          Value one = floatConst(b, l, elt, 1.0);
          Value zero = floatConst(b, l, elt, 0.0);
          Value t = arith::SelectOp::create(b, l, hit, one, zero);
          Value scale = arith::DivFOp::create(b, l, v[3], count);
          linalg::YieldOp::create(b, l, mulf(b, l, subf(b, l, p, t), scale));
        });
    rewriter.replaceOp(op, gen.getResult(0));
    return success();
  }
};

struct MseGradLowering : OpConversionPattern<MseGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MseGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    Type elt = type.getElementType();
    SmallVector<int64_t> axes =
        llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    Value count = countAlong(rewriter, loc, a.getInput(), axes, elt);
    auto scalarType = RankedTensorType::get({}, elt);
    // norm = 2 / numel * dl, then norm * (x - t), as PyTorch.
    Value norm = buildElementwise(
        rewriter, loc, scalarType, {a.getGrad()}, {},
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value two = floatConst(b, l, elt, 2.0);
          return mulf(b, l, arith::DivFOp::create(b, l, two, count), v[0]);
        });
    Value dx = buildElementwise(
        rewriter, loc, type, {a.getInput(), a.getTarget(), norm}, a.getInput(),
        [](OpBuilder &b, Location l, ValueRange v) {
          return mulf(b, l, v[2], subf(b, l, v[0], v[1]));
        });
    rewriter.replaceOp(op, dx);
    return success();
  }
};

struct CorrectCountLowering : OpConversionPattern<CorrectCountOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CorrectCountOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getLogits().getType());
    Type elt = type.getElementType();
    int64_t n = type.getDimSize(0);
    auto rowType = RankedTensorType::get({n}, elt);
    auto rowIdx = RankedTensorType::get({n}, rewriter.getIndexType());
    AffineExpr d0, d1;
    bindDims(ctx, d0, d1);
    Value maxInit = filledTensor(rewriter, loc, rowType, a.getLogits(),
                                 -std::numeric_limits<double>::infinity());
    Value idxInit =
        linalg::FillOp::create(
            rewriter, loc, ValueRange{idx(rewriter, loc, 0)},
            ValueRange{tensor::EmptyOp::create(rewriter, loc, rowIdx.getShape(),
                                               rewriter.getIndexType())})
            .getResult(0);
    auto argmax = linalg::GenericOp::create(
        rewriter, loc, TypeRange{rowType, rowIdx}, ValueRange{a.getLogits()},
        ValueRange{maxInit, idxInit},
        SmallVector<AffineMap>{AffineMap::get(2, 0, {d0, d1}, ctx),
                               AffineMap::get(2, 0, {d0}, ctx),
                               AffineMap::get(2, 0, {d0}, ctx)},
        SmallVector<IT>{IT::parallel, IT::reduction},
        [](OpBuilder &b, Location l, ValueRange v) {
          Value better = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT,
                                               v[0], v[1]);
          Value pos = linalg::IndexOp::create(b, l, 1);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, v[0], v[1]),
                         arith::SelectOp::create(b, l, better, pos, v[2])});
        });
    auto i32 = rewriter.getI32Type();
    auto outType = RankedTensorType::get({}, i32);
    Value init = linalg::FillOp::create(
                     rewriter, loc,
                     ValueRange{arith::ConstantOp::create(
                         rewriter, loc, rewriter.getI32IntegerAttr(0))},
                     ValueRange{tensor::EmptyOp::create(
                         rewriter, loc, ArrayRef<int64_t>{}, i32)})
                     .getResult(0);
    AffineMap id1 = AffineMap::get(1, 0, {getAffineDimExpr(0, ctx)}, ctx);
    auto count = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType},
        ValueRange{argmax.getResult(1), a.getLabels()}, ValueRange{init},
        SmallVector<AffineMap>{id1, id1, AffineMap::get(1, 0, {}, ctx)},
        SmallVector<IT>{IT::reduction},
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value label =
              arith::IndexCastOp::create(b, l, b.getIndexType(), v[1]);
          Value hit = arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq,
                                            v[0], label);
          Value inc = arith::ExtUIOp::create(b, l, i32, hit);
          linalg::YieldOp::create(
              b, l, Value(arith::AddIOp::create(b, l, v[2], inc)));
        });
    rewriter.replaceOp(op, count.getResult(0));
    return success();
  }
};
} // namespace

void lowering::populateLossGradPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxGradLowering, CrossEntropyGradLowering, MseGradLowering,
               CorrectCountLowering>(patterns.getContext());
}

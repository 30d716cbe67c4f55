//===- ElementwisePatterns.cpp - element-wise qat ops to linalg -----------===//
//
// Also the pieces of softmax (reduceAlong, buildMaxAlong, buildShiftedExp)
// that the cross-entropy lowerings and softmax_grad share.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

AxisReduction lowering::reduceAlong(RankedTensorType type, int64_t axis) {
  MLIRContext *ctx = type.getContext();
  SmallVector<int64_t> shape;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != axis) {
      shape.push_back(type.getDimSize(d));
      exprs.push_back(getAffineDimExpr(d, ctx));
    }
  return {RankedTensorType::get(shape, type.getElementType()),
          AffineMap::get(type.getRank(), 0, exprs, ctx)};
}

Value lowering::buildMaxAlong(OpBuilder &b, Location loc, Value x, int64_t axis,
                              Value init) {
  return buildReduction(
      b, loc, x, {axis}, init,
      [](OpBuilder &nb, Location l, Value a, Value acc) -> Value {
        return arith::MaximumFOp::create(nb, l, a, acc);
      });
}

Value lowering::buildShiftedExp(OpBuilder &b, Location loc, Value x, Value max,
                                AffineMap maxMap) {
  auto type = cast<RankedTensorType>(x.getType());
  AffineMap id =
      AffineMap::getMultiDimIdentityMap(type.getRank(), b.getContext());
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, ValueRange{x, max},
             ValueRange{emptyTensor(b, loc, type, x)},
             SmallVector<AffineMap>{id, maxMap, id},
             SmallVector<utils::IteratorType>(type.getRank(),
                                              utils::IteratorType::parallel),
             [](OpBuilder &nb, Location l, ValueRange a) {
               Value d = arith::SubFOp::create(nb, l, a[0], a[1]);
               linalg::YieldOp::create(nb, l,
                                       Value(math::ExpOp::create(nb, l, d)));
             })
      .getResult(0);
}

namespace {
/// Lowers a one-input element-wise op with a scalar body.
template <typename OpTy> struct UnaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  using Body = std::function<Value(OpBuilder &, Location, OpTy, Value)>;

  UnaryLowering(MLIRContext *ctx, Body body)
      : OpConversionPattern<OpTy>(ctx), body(std::move(body)) {}

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value in = adaptor.getInput();
    Value r = buildElementwise(rewriter, op.getLoc(), op.getType(), {in}, in,
                               [&](OpBuilder &b, Location l, ValueRange a) {
                                 return body(b, l, op, a[0]);
                               });
    rewriter.replaceOp(op, r);
    return success();
  }
  Body body;
};

/// Lowers a two-input element-wise op (with broadcasting) with a scalar
/// body, which may look at the op's types.
template <typename OpTy> struct BinaryLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  using Body = std::function<Value(OpBuilder &, Location, OpTy, Value, Value)>;

  BinaryLowering(MLIRContext *ctx, Body body)
      : OpConversionPattern<OpTy>(ctx), body(std::move(body)) {}

  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    RankedTensorType type = op.getType();
    SmallVector<Value, 2> operands = {adaptor.getLhs(), adaptor.getRhs()};
    // A dynamic result extent comes from an operand that is dynamic there
    // (the other may be 1 and broadcast).
    Value init = emptyTensorBroadcast(rewriter, op.getLoc(), type, operands);
    Value r = buildElementwiseInto(rewriter, op.getLoc(), init, operands,
                                   [&](OpBuilder &b, Location l, ValueRange a) {
                                     return body(b, l, op, a[0], a[1]);
                                   });
    rewriter.replaceOp(op, r);
    return success();
  }
  Body body;
};

template <typename OpTy> struct IdentityLowering : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  using Adaptor = typename OpConversionPattern<OpTy>::OpAdaptor;
  LogicalResult
  matchAndRewrite(OpTy op, Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

/// softmax = exp(x - max) / sum(exp(x - max)) along one axis.
struct SoftmaxLowering : OpConversionPattern<SoftmaxOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    int64_t axis = getNormalizedAxis(op.getAxis(), rank);
    Value x = adaptor.getInput();
    Type elt = type.getElementType();
    MLIRContext *ctx = rewriter.getContext();

    AxisReduction red = reduceAlong(type, axis);
    // Dynamic extents of the reduced tensor: only the batch axis can be
    // dynamic here, and it keeps its position unless it is the axis.
    auto emptyRed = [&](double v) {
      SmallVector<Value> dyn;
      for (int64_t d = 0; d < rank; ++d)
        if (d != axis && type.isDynamicDim(d))
          dyn.push_back(tensor::DimOp::create(rewriter, loc, x, d));
      Value e = tensor::EmptyOp::create(rewriter, loc, red.type, dyn);
      return linalg::FillOp::create(rewriter, loc,
                                    floatConst(rewriter, loc, elt, v), e)
          .getResult(0);
    };
    Value max =
        buildMaxAlong(rewriter, loc, x, axis,
                      emptyRed(-std::numeric_limits<double>::infinity()));
    Value e = buildShiftedExp(rewriter, loc, x, max, red.map);
    Value sum = buildReduction(
        rewriter, loc, e, {axis}, emptyRed(0.0),
        [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
          return arith::AddFOp::create(b, l, a, acc);
        });
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    auto divGen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{e, sum},
        ValueRange{emptyTensor(rewriter, loc, type, x)},
        SmallVector<AffineMap>{id, red.map, id},
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(
              b, l, Value(arith::DivFOp::create(b, l, a[0], a[1])));
        });
    rewriter.replaceOp(op, divGen.getResult(0));
    return success();
  }
};

/// The gradient of relu, relu6 and clamp: dy where the mask operand is in
/// (min, max), or [min, max] with `inclusive`, else 0.
struct ClampGradLowering : OpConversionPattern<ClampGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ClampGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    double lo = op.getMin().convertToDouble(),
           hi = op.getMax().convertToDouble();
    bool inclusive = op.getInclusive();
    Value r = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {a.getInput(), a.getGrad()},
        a.getInput(), [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Type t = v[0].getType();
          auto pl =
              inclusive ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT;
          auto ph =
              inclusive ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT;
          Value in =
              arith::CmpFOp::create(b, l, pl, v[0], floatConst(b, l, t, lo));
          if (!std::isinf(hi))
            in = arith::AndIOp::create(
                b, l, in,
                arith::CmpFOp::create(b, l, ph, v[0], floatConst(b, l, t, hi)));
          return arith::SelectOp::create(b, l, in, v[1],
                                         floatConst(b, l, t, 0.0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// The gradient of a broadcast: the input summed over the axes the result
/// lacks or has as 1, reshaped to the result.
struct SumToShapeLowering : OpConversionPattern<SumToShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SumToShapeOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    auto x = cast<RankedTensorType>(op.getInput().getType());
    RankedTensorType y = op.getType();
    if (x == y) {
      rewriter.replaceOp(op, a.getInput());
      return success();
    }
    int64_t offset = x.getRank() - y.getRank();
    SmallVector<int64_t> axes, kept;
    for (int64_t i = 0; i < x.getRank(); ++i) {
      if (i < offset || (y.getDimSize(i - offset) == 1 && x.getDimSize(i) != 1))
        axes.push_back(i);
      else
        kept.push_back(x.getDimSize(i));
    }
    auto keptType = RankedTensorType::get(kept, x.getElementType());
    Value sum =
        buildReassocSum(rewriter, op.getLoc(), a.getInput(), axes, keptType);
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), sum, y));
    return success();
  }
};
} // namespace

void lowering::populateElementwisePatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<UnaryLowering<ReluOp>>(
      ctx, [](OpBuilder &b, Location l, ReluOp, Value v) -> Value {
        return arith::MaximumFOp::create(b, l, v,
                                         floatConst(b, l, v.getType(), 0.0));
      });
  patterns.add<UnaryLowering<Relu6Op>>(
      ctx, [](OpBuilder &b, Location l, Relu6Op, Value v) -> Value {
        return clampScalar(b, l, v, 0.0, 6.0);
      });
  patterns.add<UnaryLowering<ClampOp>>(
      ctx, [](OpBuilder &b, Location l, ClampOp op, Value v) -> Value {
        return clampScalar(b, l, v, op.getMin().convertToDouble(),
                           op.getMax().convertToDouble());
      });
  patterns.add<BinaryLowering<AddOp>>(
      ctx, [](OpBuilder &b, Location l, AddOp, Value x, Value y) -> Value {
        return arith::AddFOp::create(b, l, x, y);
      });
  patterns.add<BinaryLowering<SubOp>>(
      ctx, [](OpBuilder &b, Location l, SubOp, Value x, Value y) -> Value {
        return arith::SubFOp::create(b, l, x, y);
      });
  patterns.add<BinaryLowering<MulOp>>(
      ctx, [](OpBuilder &b, Location l, MulOp, Value x, Value y) -> Value {
        return arith::MulFOp::create(b, l, x, y);
      });
  // x / y. Where y is broadcast (fewer elements than the result: a
  // per-channel divisor, such as the ConvBn fold's scale factor) this is
  // x * (1 / y): the reciprocal is invariant along the broadcast dims and
  // leaves the inner loop, a division per element does not. At most 1 ulp
  // from the quotient, like the fake-quant's multiplication by 1 / scale.
  patterns.add<BinaryLowering<DivOp>>(
      ctx, [](OpBuilder &b, Location l, DivOp op, Value x, Value y) -> Value {
        RankedTensorType type = op.getType();
        auto rhsType = cast<RankedTensorType>(op.getRhs().getType());
        if (!type.hasStaticShape() || !rhsType.hasStaticShape() ||
            rhsType.getNumElements() >= type.getNumElements())
          return arith::DivFOp::create(b, l, x, y);
        Value one = floatConst(b, l, y.getType(), 1.0);
        return arith::MulFOp::create(b, l, x,
                                     arith::DivFOp::create(b, l, one, y));
      });
  patterns.add<IdentityLowering<QuantStubOp>, IdentityLowering<DequantStubOp>,
               SoftmaxLowering, ClampGradLowering, SumToShapeLowering>(ctx);
}

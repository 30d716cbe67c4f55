//===- OptimizerPatterns.cpp - sgd and adam updates to linalg -------------===//
//
// Each update is one element-wise linalg.generic over the parameter and
// its optimizer state, with the learning rate (and Adam's step size and
// bias correction) as scalar tensors.
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

/// The update of a parameter and its optimizer state as one element-wise
/// linalg.generic over `tensors` (shaped like the parameter, the first) and
/// the 0-d `scalars` (the learning rate, ...), with `numResults` results
/// shaped like the parameter. `body` gets the elements of `tensors`, then
/// of `scalars`, then of the results.
static ValueRange
buildUpdate(OpBuilder &b, Location loc, ValueRange tensors, ValueRange scalars,
            unsigned numResults,
            function_ref<void(OpBuilder &, Location, ValueRange)> body) {
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(tensors[0].getType());
  int64_t rank = type.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  SmallVector<Value> inputs = llvm::to_vector(tensors);
  llvm::append_range(inputs, scalars);
  SmallVector<Value> inits;
  for (unsigned i = 0; i < numResults; ++i)
    inits.push_back(emptyTensor(b, loc, type, tensors[0]));
  SmallVector<AffineMap> maps(tensors.size(), id);
  maps.append(scalars.size(), AffineMap::get(rank, 0, {}, ctx));
  maps.append(numResults, id);
  return linalg::GenericOp::create(b, loc, SmallVector<Type>(numResults, type),
                                   inputs, inits, maps,
                                   SmallVector<IT>(rank, IT::parallel), body)
      .getResults();
}

namespace {
struct SgdUpdateLowering : OpConversionPattern<SgdUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SgdUpdateOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Type elt = cast<RankedTensorType>(op.getParam().getType()).getElementType();
    double momentum = op.getMomentum().convertToDouble();
    double dampening = op.getDampening().convertToDouble();
    double wd = op.getWeightDecay().convertToDouble();
    bool nesterov = op.getNesterov();
    ValueRange results = buildUpdate(
        rewriter, op.getLoc(),
        {a.getParam(), a.getGrad(), a.getMomentumBuffer()}, {a.getLr()}, 2,
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value p = v[0], g = v[1], buf = v[2], lr = v[3];
          if (wd != 0.0)
            g = addf(b, l, g, mulf(b, l, floatConst(b, l, elt, wd), p));
          Value step = g;
          if (momentum != 0.0) {
            buf = addf(b, l, mulf(b, l, floatConst(b, l, elt, momentum), buf),
                       mulf(b, l, floatConst(b, l, elt, 1.0 - dampening), g));
            step = nesterov
                       ? addf(b, l, g,
                              mulf(b, l, floatConst(b, l, elt, momentum), buf))
                       : buf;
          }
          Value np = subf(b, l, p, mulf(b, l, lr, step));
          linalg::YieldOp::create(b, l, ValueRange{np, buf});
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct AdamUpdateLowering : OpConversionPattern<AdamUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AdamUpdateOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Type elt = cast<RankedTensorType>(op.getParam().getType()).getElementType();
    double b1 = op.getBeta1().convertToDouble(),
           b2 = op.getBeta2().convertToDouble();
    double eps = op.getEps().convertToDouble(),
           wd = op.getWeightDecay().convertToDouble();
    bool decoupled = op.getDecoupled();
    ValueRange results = buildUpdate(
        rewriter, op.getLoc(),
        {a.getParam(), a.getGrad(), a.getExpAvg(), a.getExpAvgSq()},
        {a.getLr(), a.getStepSize(), a.getBiasCorrection2Sqrt()}, 3,
        [&](OpBuilder &b, Location l, ValueRange v) {
          auto cst = [&](double x) { return floatConst(b, l, elt, x); };
          Value p = v[0], g = v[1];
          if (wd != 0.0) {
            if (decoupled)
              p = mulf(b, l, p,
                       subf(b, l, cst(1.0), mulf(b, l, v[4], cst(wd))));
            else
              g = addf(b, l, g, mulf(b, l, cst(wd), p));
          }
          Value m = addf(b, l, mulf(b, l, v[2], cst(b1)),
                         mulf(b, l, g, cst(1.0 - b1)));
          Value s = addf(b, l, mulf(b, l, v[3], cst(b2)),
                         mulf(b, l, mulf(b, l, g, g), cst(1.0 - b2)));
          Value denom = addf(
              b, l,
              arith::DivFOp::create(b, l, math::SqrtOp::create(b, l, s), v[6]),
              cst(eps));
          Value np = subf(
              b, l, p, mulf(b, l, v[5], arith::DivFOp::create(b, l, m, denom)));
          linalg::YieldOp::create(b, l, ValueRange{np, m, s});
        });
    rewriter.replaceOp(op, results);
    return success();
  }
};
} // namespace

void lowering::populateOptimizerPatterns(RewritePatternSet &patterns) {
  patterns.add<SgdUpdateLowering, AdamUpdateLowering>(patterns.getContext());
}

//===- QuantPatterns.cpp - fake_quant, its gradient and observers ---------===//
//
// The float (training) path of quantization, following NUMERICS.md:
// fake_quant multiplies by the float32 inverse scale and rounds half to
// even; observers compute their qparams by calling the runtime's one
// qparams function, so that training and convert agree bit for bit.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"
#include "qat/Numerics/QParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

/// Map from the iteration space of a rank-`rank` tensor to its qparams: the
/// channel axis, or element 0 for a per-tensor spec.
static AffineMap qparamMap(MLIRContext *ctx, int64_t rank, QSpecAttr spec) {
  AffineExpr e = spec.isPerChannel() ? getAffineDimExpr(*spec.getAxis(), ctx)
                                     : getAffineConstantExpr(0, ctx);
  return AffineMap::get(rank, 0, {e}, ctx);
}

/// The zero point as a float. Integer zero points convert exactly. A
/// learnable (float) zero point is rounded as PyTorch 1.13 rounds it:
/// roundeven then clamp (forward passes, and the per-channel backward, which
/// uses _get_rounded_zero_point), but clamp(zp + 0.5) truncated in the
/// per-tensor backward (_get_zero_point_from_tensor(..., is_forward=false)).
/// So a per-tensor zp of 36.5 is 36 forward and 37 backward, as in PyTorch
/// (test/Integration/quant/lsq_per_tensor.mlir).
static Value zeroPointAsFloat(OpBuilder &b, Location loc, Value zp,
                              QSpecAttr spec, bool forward) {
  Type f32 = b.getF32Type();
  if (!isa<FloatType>(zp.getType()))
    return arith::SIToFPOp::create(b, loc, f32, zp);
  double qmin = spec.getQmin(), qmax = spec.getQmax();
  if (forward || spec.isPerChannel())
    return clampScalar(b, loc, math::RoundEvenOp::create(b, loc, zp), qmin,
                       qmax);
  Value half = floatConst(b, loc, f32, 0.5);
  Value clamped =
      clampScalar(b, loc, arith::AddFOp::create(b, loc, zp, half), qmin, qmax);
  Value asInt = arith::FPToSIOp::create(b, loc, b.getI64Type(), clamped);
  return arith::SIToFPOp::create(b, loc, f32, asInt);
}

/// `roundeven(x * (1 / s)) + zp`, the unclamped quantized value, in float32.
static Value unclampedQ(OpBuilder &b, Location loc, Value x, Value invScale,
                        Value zp) {
  Value scaled = arith::MulFOp::create(b, loc, x, invScale);
  return arith::AddFOp::create(b, loc, math::RoundEvenOp::create(b, loc, scaled),
                               zp);
}

namespace {
/// q = clamp(roundeven(x * (1 / s)) + zp, qmin, qmax); y = (q - zp) * s.
struct FakeQuantLowering : OpConversionPattern<FakeQuantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FakeQuantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    int64_t rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    QSpecAttr spec = op.getSpec();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap qmap = qparamMap(ctx, rank, spec);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value x = adaptor.getInput();
    double qmin = spec.getQmin(), qmax = spec.getQmax();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{x, adaptor.getScale(), adaptor.getZeroPoint()},
        ValueRange{emptyTensor(rewriter, loc, type, x)},
        SmallVector<AffineMap>{id, qmap, qmap, id}, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value one = floatConst(b, l, a[0].getType(), 1.0);
          Value inv = arith::DivFOp::create(b, l, one, a[1]);
          Value zp = zeroPointAsFloat(b, l, a[2], spec, /*forward=*/true);
          Value q = clampScalar(b, l, unclampedQ(b, l, a[0], inv, zp), qmin,
                                qmax);
          Value centered = arith::SubFOp::create(b, l, q, zp);
          linalg::YieldOp::create(
              b, l, Value(arith::MulFOp::create(b, l, centered, a[1])));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// Straight-through input gradient and, for learnable specs, the LSQ
/// gradients of scale and zero point (PyTorch's
/// _fake_quantize_learnable_*_backward, in its order of operations).
struct FakeQuantGradLowering : OpConversionPattern<FakeQuantGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FakeQuantGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    int64_t rank = type.getRank();
    MLIRContext *ctx = rewriter.getContext();
    QSpecAttr spec = op.getSpec();
    bool learnable = spec.getLearnable();
    Type f32 = rewriter.getF32Type();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap qmap = qparamMap(ctx, rank, spec);
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value x = adaptor.getInput();
    double qmin = spec.getQmin(), qmax = spec.getQmax();
    float gradFactor = 1.0f;
    if (spec.getGradScaling()) {
      if (!type.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "grad scaling needs numel");
      gradFactor = static_cast<float>(
          1.0 / std::sqrt(static_cast<double>(type.getNumElements()) * qmax));
    }

    SmallVector<Type> resultTypes = {type};
    SmallVector<Value> inits = {emptyTensor(rewriter, loc, type, x)};
    SmallVector<AffineMap> maps = {id, qmap, qmap, id, id};
    if (learnable) {
      resultTypes.append(2, type);
      inits.push_back(emptyTensor(rewriter, loc, type, x));
      inits.push_back(emptyTensor(rewriter, loc, type, x));
      maps.append(2, id);
    }
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultTypes,
        ValueRange{x, adaptor.getScale(), adaptor.getZeroPoint(),
                   adaptor.getGrad()},
        inits, maps, iters, [&](OpBuilder &b, Location l, ValueRange a) {
          Value xv = a[0], s = a[1], dy = a[3];
          Value zero = floatConst(b, l, f32, 0.0);
          Value one = floatConst(b, l, f32, 1.0);
          Value inv = arith::DivFOp::create(b, l, one, s);
          Value zp = zeroPointAsFloat(b, l, a[2], spec, /*forward=*/!learnable);
          // PyTorch 1.13's LSQ backward kernels
          // (_fake_quantize_grad_learnable_{tensor,channel}_kernel) compute
          // `nearbyint(zp + x * inv_s)`, and its x86 (AVX2/AVX-512) and
          // aarch64 builds contract that to one fused multiply-add (GCC's
          // default -ffp-contract=fast). We do the same, so the LSQ input
          // gradient is bit-exact with PyTorch; a separate multiply and add
          // differs near the range edges (test/Integration/quant/lsq_*.mlir).
          // The non-learnable STE keeps `nearbyint(x * inv_s) + zp`, which is
          // what PyTorch's fake_quantize_*_cachemask kernels compute.
          Value q =
              learnable
                  ? Value(math::RoundEvenOp::create(
                        b, l, math::FmaOp::create(b, l, xv, inv, zp)))
                  : unclampedQ(b, l, xv, inv, zp);
          Value lo = floatConst(b, l, f32, qmin);
          Value hi = floatConst(b, l, f32, qmax);
          Value below = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT,
                                              q, lo);
          Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT,
                                              q, hi);
          Value outside = arith::OrIOp::create(b, l, below, above);
          Value pass;
          if (spec.getTfSte() && !learnable) {
            // TF-MOT: the nudged float range [(qmin - zp) s, (qmax - zp) s].
            Value nlo = arith::MulFOp::create(
                b, l, arith::SubFOp::create(b, l, lo, zp), s);
            Value nhi = arith::MulFOp::create(
                b, l, arith::SubFOp::create(b, l, hi, zp), s);
            Value ge = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE,
                                             xv, nlo);
            Value le = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE,
                                             xv, nhi);
            pass = arith::AndIOp::create(b, l, ge, le);
          } else {
            pass = arith::XOrIOp::create(
                b, l, outside,
                arith::ConstantOp::create(b, l, b.getBoolAttr(true)));
          }
          SmallVector<Value> yields = {
              arith::SelectOp::create(b, l, pass, dy, zero)};
          if (learnable) {
            Value g = floatConst(b, l, f32, gradFactor);
            Value dsBelow = arith::MulFOp::create(
                b, l, arith::MulFOp::create(
                          b, l, dy, arith::SubFOp::create(b, l, lo, zp)),
                g);
            Value dsAbove = arith::MulFOp::create(
                b, l, arith::MulFOp::create(
                          b, l, dy, arith::SubFOp::create(b, l, hi, zp)),
                g);
            // Inside: dy * (x_fq - x) * (1 / s) * g, x_fq = (q - zp) * s. The
            // same contraction as above: PyTorch's kernel computes
            // `x_fq - x` as fma(q - zp, s, -x), one rounding (a separate
            // multiply and subtract differs on ~38% of elements).
            Value fqMinusX = math::FmaOp::create(
                b, l, arith::SubFOp::create(b, l, q, zp), s,
                arith::NegFOp::create(b, l, xv));
            Value dsIn = arith::MulFOp::create(
                b, l,
                arith::MulFOp::create(
                    b, l, arith::MulFOp::create(b, l, dy, fqMinusX), inv),
                g);
            Value ds = arith::SelectOp::create(
                b, l, below, dsBelow,
                arith::SelectOp::create(b, l, above, dsAbove, dsIn));
            Value minusOne = floatConst(b, l, f32, -1.0);
            Value dzOut = arith::MulFOp::create(
                b, l,
                arith::MulFOp::create(
                    b, l, arith::MulFOp::create(b, l, dy, minusOne), s),
                g);
            yields.push_back(ds);
            yields.push_back(arith::SelectOp::create(b, l, outside, dzOut, zero));
          }
          linalg::YieldOp::create(b, l, yields);
        });

    auto scaleType = cast<RankedTensorType>(op.getScale().getType());
    auto zpGradType = op.getZeroPointGrad().getType();
    Value dScale, dZp;
    if (!learnable) {
      dScale = filledTensor(rewriter, loc, scaleType, {}, 0.0);
      dZp = filledTensor(rewriter, loc, zpGradType, {}, 0.0);
    } else {
      // Per-channel sums (sequential; PyTorch's vectorized sum may differ
      // in the last bits).
      SmallVector<int64_t> axes;
      for (int64_t d = 0; d < rank; ++d)
        if (!spec.isPerChannel() || d != *spec.getAxis())
          axes.push_back(d);
      auto reduceTo = [&](Value v, RankedTensorType to) -> Value {
        auto redType = spec.isPerChannel()
                           ? to
                           : RankedTensorType::get({}, to.getElementType());
        Value sum = buildReduction(
            rewriter, loc, v, axes, filledTensor(rewriter, loc, redType, {}, 0.0),
            [](OpBuilder &b, Location l, Value e, Value acc) -> Value {
              return arith::AddFOp::create(b, l, acc, e);
            });
        if (spec.isPerChannel())
          return sum;
        return tensor::ExpandShapeOp::create(rewriter, loc, to, sum,
                                             ArrayRef<ReassociationIndices>{});
      };
      dScale = reduceTo(generic.getResult(1), scaleType);
      dZp = reduceTo(generic.getResult(2), zpGradType);
    }
    rewriter.replaceOp(op, {generic.getResult(0), dScale, dZp});
    return success();
  }
};

/// Declares `name` as an external function if the module lacks it.
static void declareRuntimeFunction(OpBuilder &b, ModuleOp module,
                                   StringRef name, FunctionType type) {
  if (module.lookupSymbol(name))
    return;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  auto func = func::FuncOp::create(b, module.getLoc(), name, type);
  func.setPrivate();
}

struct ObserveLowering : OpConversionPattern<ObserveOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ObserveOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    QSpecAttr spec = op.getSpec();
    Value x = adaptor.getInput();
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t rank = xType.getRank();
    auto stateType = cast<RankedTensorType>(op.getMin().getType());
    Type f32 = rewriter.getF32Type();
    Value minState = adaptor.getMin(), maxState = adaptor.getMax();
    Value newMin = minState, newMax = maxState;

    if (op.getTraining() && spec.getObserver() != ObserverKind::none) {
      // The batch range: per channel, or over the whole tensor.
      SmallVector<int64_t> axes;
      for (int64_t d = 0; d < rank; ++d)
        if (!spec.isPerChannel() || d != *spec.getAxis())
          axes.push_back(d);
      double inf = std::numeric_limits<double>::infinity();
      // Running [min, max] of the elements, from [+inf, -inf] inits.
      // `nnan nsz`: LLVM then emits a bare vminps/vmaxps instead of
      // minimum's NaN and signed-zero fix-ups (a third of a per-channel
      // weight observer's time). The sign of a zero bound does not change
      // the qparams, and a NaN in an observed tensor makes the loss NaN,
      // which stops training at that step, whatever its range was.
      auto minMax = [](OpBuilder &b, Location l, Value e, ValueRange acc) {
        auto fm = arith::FastMathFlags::nnan | arith::FastMathFlags::nsz;
        return SmallVector<Value>{
            arith::MinimumFOp::create(b, l, acc[0], e, fm),
            arith::MaximumFOp::create(b, l, acc[1], e, fm)};
      };
      auto minMaxInits = [&](RankedTensorType t) {
        return SmallVector<Value>{filledTensor(rewriter, loc, t, {}, inf),
                                  filledTensor(rewriter, loc, t, {}, -inf)};
      };
      // A per-tensor range (a 0-d tensor) as the state's [1].
      auto toState = [&](Value s) -> Value {
        return tensor::ExpandShapeOp::create(rewriter, loc, stateType, s,
                                             ArrayRef<ReassociationIndices>{});
      };
      auto scalarType = RankedTensorType::get({}, f32);
      Value bmin, bmax;
      auto scalarMinMax = [&](Value partialMin, Value partialMax) {
        auto rank1 = [&](Value partial, bool isMin) {
          return toState(buildReduction(
              rewriter, loc, partial, {0},
              filledTensor(rewriter, loc, scalarType, {}, isMin ? inf : -inf),
              [isMin](OpBuilder &b, Location l, Value e, Value acc) -> Value {
                if (isMin)
                  return arith::MinimumFOp::create(b, l, acc, e);
                return arith::MaximumFOp::create(b, l, acc, e);
              }));
        };
        bmin = rank1(partialMin, true);
        bmax = rank1(partialMax, false);
      };
      if (!spec.isPerChannel() && xType.hasStaticShape() && rank >= 2) {
        // The range of a whole activation tensor as per-channel (dim 1)
        // partials, then their range: the first pass iterates like the op
        // that produced x (a batch norm + ReLU, a bias add), so
        // --qat-fuse-elementwise joins the two and x is not read again.
        SmallVector<int64_t> notChannel;
        for (int64_t d = 0; d < rank; ++d)
          if (d != 1)
            notChannel.push_back(d);
        auto chanType = RankedTensorType::get({xType.getDimSize(1)}, f32);
        SmallVector<Value> partial = buildReductions(
            rewriter, loc, x, notChannel, minMaxInits(chanType), minMax);
        scalarMinMax(partial[0], partial[1]);
      } else if (!spec.isPerChannel() && xType.hasStaticShape() &&
                 rank == 1 && xType.getNumElements() % 16 == 0) {
        // A 1-D tensor in one pass, 16 lanes wide: min and max are exact in
        // any order, and a running min over all elements is one long
        // dependence chain that LLVM keeps scalar.
        int64_t lanes = 16, rows = xType.getNumElements() / lanes;
        Value x2 = tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get({rows, lanes}, f32), x,
            SmallVector<ReassociationIndices>{{0, 1}});
        auto laneType = RankedTensorType::get({lanes}, f32);
        SmallVector<Value> partial = buildReductions(
            rewriter, loc, x2, {0}, minMaxInits(laneType), minMax);
        // The minimum of the lane minima, the maximum of the lane maxima.
        scalarMinMax(partial[0], partial[1]);
      } else {
        // Per channel, or a tensor whose size is no multiple of 16: min
        // and max of x over `axes` in one pass.
        SmallVector<Value> r = buildReductions(
            rewriter, loc, x, axes,
            minMaxInits(spec.isPerChannel() ? stateType : scalarType), minMax);
        bmin = spec.isPerChannel() ? r[0] : toState(r[0]);
        bmax = spec.isPerChannel() ? r[1] : toState(r[1]);
      }
      ObserverKind kind = spec.getObserver();
      float c = static_cast<float>(spec.getAveragingConstantOrDefault());
      auto update = [&](Value state, Value batch, bool isMin) -> Value {
        return buildElementwise(
            rewriter, loc, stateType, {state, batch, minState, maxState}, {},
            [&](OpBuilder &b, Location l, ValueRange a) -> Value {
              Value old = a[0], cur = a[1];
              if (kind == ObserverKind::minmax)
                return isMin ? Value(arith::MinimumFOp::create(b, l, old, cur))
                             : Value(arith::MaximumFOp::create(b, l, old, cur));
              // Moving averages: the first batch (state still +inf/-inf)
              // sets the state.
              Value cst = floatConst(b, l, f32, c);
              Value avg;
              if (kind == ObserverKind::moving_average)
                avg = arith::AddFOp::create(
                    b, l, old,
                    arith::MulFOp::create(
                        b, l, cst, arith::SubFOp::create(b, l, cur, old)));
              else
                avg = arith::SubFOp::create(
                    b, l, old,
                    arith::MulFOp::create(
                        b, l, arith::SubFOp::create(b, l, old, cur), cst));
              Value pinf = floatConst(b, l, f32, inf);
              Value ninf = floatConst(b, l, f32, -inf);
              Value fresh = arith::AndIOp::create(
                  b, l,
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[2],
                                        pinf),
                  arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[3],
                                        ninf));
              return arith::SelectOp::create(b, l, fresh, cur, avg);
            });
      };
      newMin = update(minState, bmin, true);
      newMax = update(maxState, bmax, false);
    }

    // qparams through the runtime's one function, channel by channel.
    auto module = op->getParentOfType<ModuleOp>();
    Type i64 = rewriter.getI64Type(), i32 = rewriter.getI32Type();
    auto fnType = rewriter.getFunctionType({f32, f32, i64, i64, i32}, {f32});
    auto zpFnType = rewriter.getFunctionType({f32, f32, i64, i64, i32}, {i32});
    declareRuntimeFunction(rewriter, module, "qat_rt_qparams_scale", fnType);
    declareRuntimeFunction(rewriter, module, "qat_rt_qparams_zero_point",
                           zpFnType);
    int32_t flags = (spec.getSymmetric() ? runtime::kQParamsSymmetric : 0) |
                    (spec.isUnsigned() ? runtime::kQParamsUnsigned : 0);
    auto zpType = cast<RankedTensorType>(op.getZeroPoint().getType());
    MLIRContext *ctx = rewriter.getContext();
    AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, ctx);
    auto qparams = linalg::GenericOp::create(
        rewriter, loc, TypeRange{stateType, zpType}, ValueRange{newMin, newMax},
        ValueRange{tensor::EmptyOp::create(rewriter, loc, stateType.getShape(),
                                           f32),
                   tensor::EmptyOp::create(rewriter, loc, zpType.getShape(),
                                           zpType.getElementType())},
        SmallVector<AffineMap>(4, id1),
        SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange a) {
          SmallVector<Value> args = {
              a[0], a[1],
              arith::ConstantOp::create(b, l, b.getI64IntegerAttr(spec.getQmin())),
              arith::ConstantOp::create(b, l, b.getI64IntegerAttr(spec.getQmax())),
              arith::ConstantOp::create(b, l, b.getI32IntegerAttr(flags))};
          Value s = func::CallOp::create(b, l, "qat_rt_qparams_scale",
                                         TypeRange{f32}, args)
                        .getResult(0);
          Value z = func::CallOp::create(b, l, "qat_rt_qparams_zero_point",
                                         TypeRange{i32}, args)
                        .getResult(0);
          if (zpType.getElementType() != i32)
            z = arith::ExtSIOp::create(b, l, zpType.getElementType(), z);
          linalg::YieldOp::create(b, l, ValueRange{s, z});
        });
    rewriter.replaceOp(op, {qparams.getResult(0), qparams.getResult(1), newMin,
                            newMax});
    return success();
  }
};

/// gamma / sqrt(running_var + eps), as PyTorch's ConvBn QAT modules.
struct BnScaleFactorLowering : OpConversionPattern<BnScaleFactorOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BnScaleFactorOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    double eps = op.getEps().convertToDouble();
    Value r = buildElementwise(
        rewriter, op.getLoc(), op.getType(),
        {adaptor.getWeight(), adaptor.getRunningVar()}, adaptor.getWeight(),
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value e = floatConst(b, l, a[1].getType(), eps);
          Value std = math::SqrtOp::create(b, l,
                                           arith::AddFOp::create(b, l, a[1], e));
          return arith::DivFOp::create(b, l, a[0], std);
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};
} // namespace

void lowering::populateQuantPatterns(RewritePatternSet &patterns) {
  patterns.add<FakeQuantLowering, FakeQuantGradLowering, ObserveLowering,
               BnScaleFactorLowering>(patterns.getContext());
}

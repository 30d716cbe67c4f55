//===- QuantPatterns.cpp - fake_quant, its gradient and observers ---------===//
//
// The float (training) path of quantization, following docs/numerics.md:
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
  return arith::AddFOp::create(b, loc,
                               math::RoundEvenOp::create(b, loc, scaled), zp);
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
          Value q =
              clampScalar(b, l, unclampedQ(b, l, a[0], inv, zp), qmin, qmax);
          Value centered = arith::SubFOp::create(b, l, q, zp);
          linalg::YieldOp::create(
              b, l, Value(arith::MulFOp::create(b, l, centered, a[1])));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// The scalars of a fake_quant_grad body at one element.
struct FakeQuantElement {
  Value x, s, dy;              ///< input, scale, output gradient
  Value inv, zp;               ///< 1 / s, the zero point as a float
  Value q;                     ///< the unclamped quantized value
  Value lo, hi;                ///< qmin, qmax
  Value below, above, outside; ///< q < qmin, q > qmax, either
  Value zero;
};
} // namespace

/// Whether the straight-through estimator passes dy: q in [qmin, qmax], or
/// for a TF-MOT (non-learnable) spec x in the nudged float range
/// [(qmin - zp) s, (qmax - zp) s].
static Value stePass(OpBuilder &b, Location l, const FakeQuantElement &e,
                     QSpecAttr spec) {
  if (!spec.getTfSte() || spec.getLearnable())
    return arith::XOrIOp::create(
        b, l, e.outside, arith::ConstantOp::create(b, l, b.getBoolAttr(true)));
  Value nlo =
      arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, e.lo, e.zp), e.s);
  Value nhi =
      arith::MulFOp::create(b, l, arith::SubFOp::create(b, l, e.hi, e.zp), e.s);
  Value ge = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, e.x, nlo);
  Value le = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLE, e.x, nhi);
  return arith::AndIOp::create(b, l, ge, le);
}

/// The LSQ gradients of scale and zero point at one element, times the
/// gradient scale `g`: (qmin - zp) * dy and (qmax - zp) * dy outside the
/// range, dy * (x_fq - x) / s inside for the scale; -dy * s outside, 0
/// inside for the zero point.
static std::pair<Value, Value> lsqGrads(OpBuilder &b, Location l,
                                        const FakeQuantElement &e,
                                        float gradFactor) {
  Type f32 = b.getF32Type();
  Value g = floatConst(b, l, f32, gradFactor);
  Value dsBelow = arith::MulFOp::create(
      b, l,
      arith::MulFOp::create(b, l, e.dy,
                            arith::SubFOp::create(b, l, e.lo, e.zp)),
      g);
  Value dsAbove = arith::MulFOp::create(
      b, l,
      arith::MulFOp::create(b, l, e.dy,
                            arith::SubFOp::create(b, l, e.hi, e.zp)),
      g);
  // Inside: dy * (x_fq - x) * (1 / s) * g, x_fq = (q - zp) * s. PyTorch's
  // kernel computes `x_fq - x` as fma(q - zp, s, -x), one rounding (a
  // separate multiply and subtract differs on ~38% of elements).
  Value fqMinusX =
      math::FmaOp::create(b, l, arith::SubFOp::create(b, l, e.q, e.zp), e.s,
                          arith::NegFOp::create(b, l, e.x));
  Value dsIn = arith::MulFOp::create(
      b, l,
      arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, e.dy, fqMinusX),
                            e.inv),
      g);
  Value ds = arith::SelectOp::create(
      b, l, e.below, dsBelow,
      arith::SelectOp::create(b, l, e.above, dsAbove, dsIn));
  Value minusOne = floatConst(b, l, f32, -1.0);
  Value dzOut = arith::MulFOp::create(
      b, l,
      arith::MulFOp::create(b, l, arith::MulFOp::create(b, l, e.dy, minusOne),
                            e.s),
      g);
  return {ds, arith::SelectOp::create(b, l, e.outside, dzOut, e.zero)};
}

/// The body of fake_quant_grad on (x, scale, zero point, dy): dx, and for
/// learnable specs the per-element scale and zero-point gradients.
static SmallVector<Value> fakeQuantGradBody(OpBuilder &b, Location l,
                                            ValueRange a, QSpecAttr spec,
                                            float gradFactor) {
  bool learnable = spec.getLearnable();
  Type f32 = b.getF32Type();
  FakeQuantElement e;
  e.x = a[0], e.s = a[1], e.dy = a[3];
  e.zero = floatConst(b, l, f32, 0.0);
  Value one = floatConst(b, l, f32, 1.0);
  e.inv = arith::DivFOp::create(b, l, one, e.s);
  e.zp = zeroPointAsFloat(b, l, a[2], spec, /*forward=*/!learnable);
  // PyTorch 1.13's LSQ backward kernels
  // (_fake_quantize_grad_learnable_{tensor,channel}_kernel) compute
  // `nearbyint(zp + x * inv_s)`, and its x86 (AVX2/AVX-512) and aarch64
  // builds contract that to one fused multiply-add (GCC's default
  // -ffp-contract=fast). We do the same, so the LSQ input gradient is
  // bit-exact with PyTorch; a separate multiply and add differs near the
  // range edges (test/Integration/quant/lsq_*.mlir). The non-learnable STE
  // keeps `nearbyint(x * inv_s) + zp`, which is what PyTorch's
  // fake_quantize_*_cachemask kernels compute.
  e.q = learnable ? Value(math::RoundEvenOp::create(
                        b, l, math::FmaOp::create(b, l, e.x, e.inv, e.zp)))
                  : unclampedQ(b, l, e.x, e.inv, e.zp);
  e.lo = floatConst(b, l, f32, spec.getQmin());
  e.hi = floatConst(b, l, f32, spec.getQmax());
  e.below = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, e.q, e.lo);
  e.above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, e.q, e.hi);
  e.outside = arith::OrIOp::create(b, l, e.below, e.above);
  Value pass = stePass(b, l, e, spec);
  SmallVector<Value> yields = {
      arith::SelectOp::create(b, l, pass, e.dy, e.zero)};
  if (learnable) {
    auto [ds, dz] = lsqGrads(b, l, e, gradFactor);
    yields.push_back(ds);
    yields.push_back(dz);
  }
  return yields;
}

/// The sum of the per-element qparam gradient `v` over every axis but the
/// spec's channel axis, as `to` (the scale's or zero point's type: [C], or
/// [1] per tensor). Sequential; PyTorch's vectorized sum may differ in the
/// last bits.
static Value sumToQParam(OpBuilder &b, Location loc, Value v,
                         RankedTensorType to, QSpecAttr spec) {
  int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < rank; ++d)
    if (!spec.isPerChannel() || d != *spec.getAxis())
      axes.push_back(d);
  auto redType =
      spec.isPerChannel() ? to : RankedTensorType::get({}, to.getElementType());
  Value sum = buildReduction(
      b, loc, v, axes, filledTensor(b, loc, redType, {}, 0.0),
      [](OpBuilder &nb, Location l, Value e, Value acc) -> Value {
        return arith::AddFOp::create(nb, l, acc, e);
      });
  if (spec.isPerChannel())
    return sum;
  return tensor::ExpandShapeOp::create(b, loc, to, sum,
                                       ArrayRef<ReassociationIndices>{});
}

namespace {
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
    float gradFactor = 1.0f;
    if (spec.getGradScaling()) {
      if (!type.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "grad scaling needs numel");
      gradFactor = static_cast<float>(
          1.0 / std::sqrt(static_cast<double>(type.getNumElements()) *
                          spec.getQmax()));
    }
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap qmap = qparamMap(ctx, rank, spec);
    Value x = adaptor.getInput();
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
        inits, maps,
        SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(b, l,
                                  fakeQuantGradBody(b, l, a, spec, gradFactor));
        });
    auto scaleType = cast<RankedTensorType>(op.getScale().getType());
    auto zpGradType = op.getZeroPointGrad().getType();
    Value dScale, dZp;
    if (!learnable) {
      dScale = filledTensor(rewriter, loc, scaleType, {}, 0.0);
      dZp = filledTensor(rewriter, loc, zpGradType, {}, 0.0);
    } else {
      dScale =
          sumToQParam(rewriter, loc, generic.getResult(1), scaleType, spec);
      dZp = sumToQParam(rewriter, loc, generic.getResult(2), zpGradType, spec);
    }
    rewriter.replaceOp(op, {generic.getResult(0), dScale, dZp});
    return success();
  }
};
} // namespace

/// The running [min, max] of the elements as a buildReductions combiner.
/// `nnan nsz`: LLVM then emits a bare vminps/vmaxps instead of minimum's NaN
/// and signed-zero fix-ups (a third of a per-channel weight observer's
/// time). The sign of a zero bound does not change the qparams, and a NaN in
/// an observed tensor makes the loss NaN, which stops training at that step,
/// whatever its range was.
static SmallVector<Value> minMaxCombine(OpBuilder &b, Location l, Value e,
                                        ValueRange acc) {
  auto fm = arith::FastMathFlags::nnan | arith::FastMathFlags::nsz;
  return SmallVector<Value>{arith::MinimumFOp::create(b, l, acc[0], e, fm),
                            arith::MaximumFOp::create(b, l, acc[1], e, fm)};
}

/// The [min, max] of `x` over `axes` in one pass, from [+inf, -inf] inits of
/// `type`.
static SmallVector<Value> minMaxOver(OpBuilder &b, Location loc, Value x,
                                     ArrayRef<int64_t> axes,
                                     RankedTensorType type) {
  double inf = std::numeric_limits<double>::infinity();
  SmallVector<Value> inits = {filledTensor(b, loc, type, {}, inf),
                              filledTensor(b, loc, type, {}, -inf)};
  return buildReductions(b, loc, x, axes, inits, minMaxCombine);
}

/// A per-tensor range (a 0-d tensor) as the observer state's [1].
static Value toState(OpBuilder &b, Location loc, Value s,
                     RankedTensorType stateType) {
  return tensor::ExpandShapeOp::create(b, loc, stateType, s,
                                       ArrayRef<ReassociationIndices>{});
}

/// The minimum of the 1-D partial minima and the maximum of the partial
/// maxima, each as the state's [1].
static std::pair<Value, Value> rangeOfPartials(OpBuilder &b, Location loc,
                                               Value partialMin,
                                               Value partialMax,
                                               RankedTensorType stateType) {
  double inf = std::numeric_limits<double>::infinity();
  auto scalarType = RankedTensorType::get({}, b.getF32Type());
  auto rank1 = [&](Value partial, bool isMin) {
    return toState(
        b, loc,
        buildReduction(
            b, loc, partial, {0},
            filledTensor(b, loc, scalarType, {}, isMin ? inf : -inf),
            [isMin](OpBuilder &nb, Location l, Value e, Value acc) -> Value {
              if (isMin)
                return arith::MinimumFOp::create(nb, l, acc, e);
              return arith::MaximumFOp::create(nb, l, acc, e);
            }),
        stateType);
  };
  Value bmin = rank1(partialMin, true);
  return {bmin, rank1(partialMax, false)};
}

/// The [min, max] of the batch `x`: per channel of the spec's axis, or over
/// the whole tensor (as the state's [1]).
static std::pair<Value, Value> batchRange(OpBuilder &b, Location loc, Value x,
                                          QSpecAttr spec,
                                          RankedTensorType stateType) {
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank();
  Type f32 = b.getF32Type();
  if (!spec.isPerChannel() && xType.hasStaticShape() && rank >= 2) {
    // The range of a whole activation tensor as per-channel (dim 1)
    // partials, then their range: the first pass iterates like the op that
    // produced x (a batch norm + ReLU, a bias add), so --qat-fuse-elementwise
    // joins the two and x is not read again.
    SmallVector<int64_t> notChannel;
    for (int64_t d = 0; d < rank; ++d)
      if (d != 1)
        notChannel.push_back(d);
    auto chanType = RankedTensorType::get({xType.getDimSize(1)}, f32);
    SmallVector<Value> partial = minMaxOver(b, loc, x, notChannel, chanType);
    return rangeOfPartials(b, loc, partial[0], partial[1], stateType);
  }
  if (!spec.isPerChannel() && xType.hasStaticShape() && rank == 1 &&
      xType.getNumElements() % 16 == 0) {
    // A 1-D tensor in one pass, 16 lanes wide: min and max are exact in any
    // order, and a running min over all elements is one long dependence
    // chain that LLVM keeps scalar.
    int64_t lanes = 16, rows = xType.getNumElements() / lanes;
    Value x2 = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get({rows, lanes}, f32), x,
        SmallVector<ReassociationIndices>{{0, 1}});
    auto laneType = RankedTensorType::get({lanes}, f32);
    SmallVector<Value> partial = minMaxOver(b, loc, x2, {0}, laneType);
    return rangeOfPartials(b, loc, partial[0], partial[1], stateType);
  }
  // Per channel, or a tensor whose size is no multiple of 16: min and max
  // of x over `axes` in one pass.
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < rank; ++d)
    if (!spec.isPerChannel() || d != *spec.getAxis())
      axes.push_back(d);
  if (spec.isPerChannel()) {
    SmallVector<Value> r = minMaxOver(b, loc, x, axes, stateType);
    return {r[0], r[1]};
  }
  SmallVector<Value> r =
      minMaxOver(b, loc, x, axes, RankedTensorType::get({}, f32));
  Value bmin = toState(b, loc, r[0], stateType);
  return {bmin, toState(b, loc, r[1], stateType)};
}

/// The observer's new min (`isMin`) or max state from its old `state` and
/// the batch's: their minimum/maximum (minmax), or a moving average which
/// the first batch (the state still [+inf, -inf]) sets.
static Value updateRange(OpBuilder &b, Location loc, QSpecAttr spec,
                         Value state, Value batch, Value minState,
                         Value maxState, bool isMin) {
  ObserverKind kind = spec.getObserver();
  float c = static_cast<float>(spec.getAveragingConstantOrDefault());
  double inf = std::numeric_limits<double>::infinity();
  return buildElementwise(
      b, loc, cast<RankedTensorType>(state.getType()),
      {state, batch, minState, maxState}, {},
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Type f32 = nb.getF32Type();
        Value old = a[0], cur = a[1];
        if (kind == ObserverKind::minmax)
          return isMin ? Value(arith::MinimumFOp::create(nb, l, old, cur))
                       : Value(arith::MaximumFOp::create(nb, l, old, cur));
        Value cst = floatConst(nb, l, f32, c);
        Value avg;
        if (kind == ObserverKind::moving_average)
          avg = arith::AddFOp::create(
              nb, l, old,
              arith::MulFOp::create(nb, l, cst,
                                    arith::SubFOp::create(nb, l, cur, old)));
        else
          avg = arith::SubFOp::create(
              nb, l, old,
              arith::MulFOp::create(
                  nb, l, arith::SubFOp::create(nb, l, old, cur), cst));
        Value pinf = floatConst(nb, l, f32, inf);
        Value ninf = floatConst(nb, l, f32, -inf);
        Value fresh = arith::AndIOp::create(
            nb, l,
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, a[2], pinf),
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OEQ, a[3],
                                  ninf));
        return arith::SelectOp::create(nb, l, fresh, cur, avg);
      });
}

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

/// The (scale, zero point) of every channel of the range [newMin, newMax]
/// through the runtime's one qparams function (qat_rt_qparams_scale and
/// qat_rt_qparams_zero_point, declared in the module if needed).
static linalg::GenericOp buildQParams(OpBuilder &b, ObserveOp op, Value newMin,
                                      Value newMax) {
  Location loc = op.getLoc();
  QSpecAttr spec = op.getSpec();
  auto stateType = cast<RankedTensorType>(op.getMin().getType());
  auto module = op->getParentOfType<ModuleOp>();
  Type f32 = b.getF32Type(), i64 = b.getI64Type(), i32 = b.getI32Type();
  auto fnType = b.getFunctionType({f32, f32, i64, i64, i32}, {f32});
  auto zpFnType = b.getFunctionType({f32, f32, i64, i64, i32}, {i32});
  declareRuntimeFunction(b, module, "qat_rt_qparams_scale", fnType);
  declareRuntimeFunction(b, module, "qat_rt_qparams_zero_point", zpFnType);
  int32_t flags = (spec.getSymmetric() ? runtime::kQParamsSymmetric : 0) |
                  (spec.isUnsigned() ? runtime::kQParamsUnsigned : 0);
  auto zpType = cast<RankedTensorType>(op.getZeroPoint().getType());
  AffineMap id1 = AffineMap::getMultiDimIdentityMap(1, b.getContext());
  return linalg::GenericOp::create(
      b, loc, TypeRange{stateType, zpType}, ValueRange{newMin, newMax},
      ValueRange{tensor::EmptyOp::create(b, loc, stateType.getShape(), f32),
                 tensor::EmptyOp::create(b, loc, zpType.getShape(),
                                         zpType.getElementType())},
      SmallVector<AffineMap>(4, id1),
      SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        SmallVector<Value> args = {
            a[0], a[1],
            arith::ConstantOp::create(nb, l,
                                      nb.getI64IntegerAttr(spec.getQmin())),
            arith::ConstantOp::create(nb, l,
                                      nb.getI64IntegerAttr(spec.getQmax())),
            arith::ConstantOp::create(nb, l, nb.getI32IntegerAttr(flags))};
        Value s = func::CallOp::create(nb, l, "qat_rt_qparams_scale",
                                       TypeRange{f32}, args)
                      .getResult(0);
        Value z = func::CallOp::create(nb, l, "qat_rt_qparams_zero_point",
                                       TypeRange{i32}, args)
                      .getResult(0);
        if (zpType.getElementType() != i32)
          z = arith::ExtSIOp::create(nb, l, zpType.getElementType(), z);
        linalg::YieldOp::create(nb, l, ValueRange{s, z});
      });
}

namespace {
/// Updates the observer's range from the batch in training (unless the
/// spec has no observer) and computes the qparams of the range; an
/// observer that holds qparams returns them unless it updates.
struct ObserveLowering : OpConversionPattern<ObserveOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ObserveOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    QSpecAttr spec = op.getSpec();
    auto stateType = cast<RankedTensorType>(op.getMin().getType());
    Value minState = adaptor.getMin(), maxState = adaptor.getMax();
    Value newMin = minState, newMax = maxState;
    if (op.getTraining() && spec.getObserver() != ObserverKind::none) {
      auto [bmin, bmax] =
          batchRange(rewriter, loc, adaptor.getInput(), spec, stateType);
      newMin = updateRange(rewriter, loc, spec, minState, bmin, minState,
                           maxState, true);
      newMax = updateRange(rewriter, loc, spec, maxState, bmax, minState,
                           maxState, false);
    }
    if (!op.computesQParams()) {
      rewriter.replaceOp(op, {adaptor.getHeldScale(),
                              adaptor.getHeldZeroPoint(), newMin, newMax});
      return success();
    }
    linalg::GenericOp qparams = buildQParams(rewriter, op, newMin, newMax);
    rewriter.replaceOp(
        op, {qparams.getResult(0), qparams.getResult(1), newMin, newMax});
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
          Value std =
              math::SqrtOp::create(b, l, arith::AddFOp::create(b, l, a[1], e));
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

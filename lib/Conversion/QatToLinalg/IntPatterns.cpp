//===- IntPatterns.cpp - the int8 graph to linalg -------------------------===//
//
// Generic lowering of the integer ops: it reproduces the scalar reference
// (qat/Runtime/IntReference.h) bit-exactly. Quantized tensors become their
// storage type (signless i8 for u8 and i8 alike; each op knows which).
// Upstream's lower-quant-ops truncates when quantizing, so it is not used
// for values.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"
#include "qat/Runtime/IntReference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

using IT = utils::IteratorType;

static quant::UniformQuantizedType perTensor(Type t) {
  return cast<quant::UniformQuantizedType>(getElementTypeOrSelf(t));
}

/// Storage value (i8 bits) to i32, signed or unsigned per the type.
static Value widen(OpBuilder &b, Location l, Value v, bool isSigned) {
  Type i32 = b.getI32Type();
  if (isSigned)
    return arith::ExtSIOp::create(b, l, i32, v);
  return arith::ExtUIOp::create(b, l, i32, v);
}

/// clamp(v, lo, hi) in float (NaN gives lo), then to the storage type.
static Value clampToStorage(OpBuilder &b, Location l, Value v, int64_t lo,
                            int64_t hi, Type storage) {
  Type f32 = b.getF32Type();
  Value m = arith::MaxNumFOp::create(b, l, v, floatConst(b, l, f32, double(lo)));
  m = arith::MinNumFOp::create(b, l, m, floatConst(b, l, f32, double(hi)));
  Value i = arith::FPToSIOp::create(b, l, b.getI32Type(), m);
  return arith::TruncIOp::create(b, l, storage, i);
}

void lowering::addQuantTypeConversions(TypeConverter &converter) {
  converter.addConversion([](Type t) { return t; });
  converter.addConversion([](RankedTensorType t) -> Type {
    if (auto q = dyn_cast<quant::QuantizedType>(t.getElementType()))
      return t.clone(q.getStorageType());
    return t;
  });
}

namespace {
struct QuantizeLowering : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    auto q = perTensor(op.getType());
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    float inv = 1.0f / static_cast<float>(q.getScale());
    int64_t zp = q.getZeroPoint();
    int64_t lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
    Value r = buildElementwise(
        rewriter, op.getLoc(), type, {a.getInput()}, a.getInput(),
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Type f32 = b.getF32Type();
          Value s = arith::MulFOp::create(b, l, v[0], floatConst(b, l, f32, inv));
          Value r = arith::AddFOp::create(b, l, math::RoundEvenOp::create(b, l, s),
                                          floatConst(b, l, f32, double(zp)));
          return clampToStorage(b, l, r, lo, hi, type.getElementType());
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

struct DequantizeLowering : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    auto q = perTensor(op.getInput().getType());
    float scale = static_cast<float>(q.getScale());
    int64_t zp = q.getZeroPoint();
    bool isSigned = q.isSigned();
    Value r = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {a.getInput()}, a.getInput(),
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Value c = arith::SubIOp::create(
              b, l, widen(b, l, v[0], isSigned),
              arith::ConstantOp::create(b, l, b.getI32IntegerAttr(zp)));
          Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), c);
          return arith::MulFOp::create(b, l, f,
                                       floatConst(b, l, b.getF32Type(), scale));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// acc = sum_k x * w + (bias - zp_x * sum_k w), equal mod 2^32 to the
/// reference's sum_k (x - zp_x) * w + bias; then the float32 requant.
struct QLinearLowering : OpConversionPattern<QLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QLinearOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto qx = perTensor(op.getInput().getType());
    auto qy = perTensor(op.getType());
    auto wType = op.getWeight().getType();
    int64_t n = op.getType().getDimSize(0), c = wType.getDimSize(0);
    Type wElt = wType.getElementType();
    SmallVector<float> scalesW;
    if (auto pt = dyn_cast<quant::UniformQuantizedType>(wElt))
      scalesW.assign(c, static_cast<float>(pt.getScale()));
    else
      for (double s : cast<quant::UniformQuantizedPerAxisType>(wElt).getScales())
        scalesW.push_back(static_cast<float>(s));
    SmallVector<float> mult;
    for (float sw : scalesW)
      mult.push_back(runtime::requantMultiplier(
          static_cast<float>(qx.getScale()), sw,
          static_cast<float>(qy.getScale())));
    Type f32 = rewriter.getF32Type(), i32 = rewriter.getI32Type();
    Value multT = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(RankedTensorType::get({c}, f32), ArrayRef(mult)));
    bool xSigned = qx.isSigned();
    int64_t zpX = qx.getZeroPoint(), zpY = qy.getZeroPoint();
    int64_t lo = static_cast<int64_t>(op.getClampMin());
    int64_t hi = static_cast<int64_t>(op.getClampMax());

    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    auto m3 = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(3, 0, e, ctx); };
    // sum_k w[c, k]
    auto accType = RankedTensorType::get({n, c}, i32);
    auto chanType = RankedTensorType::get({c}, i32);
    auto zeroI32 = [&](RankedTensorType t) {
      return linalg::FillOp::create(
                 rewriter, loc,
                 ValueRange{arith::ConstantOp::create(
                     rewriter, loc, rewriter.getI32IntegerAttr(0))},
                 ValueRange{tensor::EmptyOp::create(rewriter, loc, t.getShape(),
                                                    i32)})
          .getResult(0);
    };
    AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
    Value sumW =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{chanType}, ValueRange{a.getWeight()},
            ValueRange{zeroI32(chanType)},
            SmallVector<AffineMap>{id2, AffineMap::get(2, 0, {d0}, ctx)},
            SmallVector<IT>{IT::parallel, IT::reduction},
            [&](OpBuilder &b, Location l, ValueRange v) {
              linalg::YieldOp::create(
                  b, l,
                  Value(arith::AddIOp::create(b, l, v[1], widen(b, l, v[0], true))));
            })
            .getResult(0);
    // sum_k x[n, k] * w[c, k], loops (n, c, k): integer sums vectorize.
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{accType},
            ValueRange{a.getInput(), a.getWeight()}, ValueRange{zeroI32(accType)},
            SmallVector<AffineMap>{m3({d0, d2}), m3({d1, d2}), m3({d0, d1})},
            SmallVector<IT>{IT::parallel, IT::parallel, IT::reduction},
            [&](OpBuilder &b, Location l, ValueRange v) {
              Value p = arith::MulIOp::create(b, l, widen(b, l, v[0], xSigned),
                                              widen(b, l, v[1], true));
              linalg::YieldOp::create(b, l,
                                      Value(arith::AddIOp::create(b, l, v[2], p)));
            })
            .getResult(0);
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    AffineMap chan = AffineMap::get(2, 0, {d1}, ctx);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{outType},
            ValueRange{acc, a.getBias(), sumW, multT},
            ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                               outType.getShape(),
                                               outType.getElementType())},
            SmallVector<AffineMap>{id2, chan, chan, chan, id2},
            SmallVector<IT>{IT::parallel, IT::parallel},
            [&](OpBuilder &b, Location l, ValueRange v) {
              Value zpxC = arith::ConstantOp::create(b, l, b.getI32IntegerAttr(zpX));
              Value comp = arith::SubIOp::create(
                  b, l, v[1], arith::MulIOp::create(b, l, zpxC, v[2]));
              Value total = arith::AddIOp::create(b, l, v[0], comp);
              Value f = arith::SIToFPOp::create(b, l, f32, total);
              Value r = arith::AddFOp::create(
                  b, l,
                  math::RoundEvenOp::create(b, l, arith::MulFOp::create(b, l, f, v[3])),
                  floatConst(b, l, f32, double(zpY)));
              linalg::YieldOp::create(
                  b, l, clampToStorage(b, l, r, lo, hi, outType.getElementType()));
            })
            .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// quant.scast between storage and quantized types is a no-op on storage.
struct StorageCastLowering : OpConversionPattern<quant::StorageCastOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(quant::StorageCastOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Type to = getTypeConverter()->convertType(op.getType());
    if (to != a.getInput().getType())
      return rewriter.notifyMatchFailure(op, "not a storage cast");
    rewriter.replaceOp(op, a.getInput());
    return success();
  }
};
} // namespace

void lowering::populateIntPatterns(RewritePatternSet &patterns,
                                   const TypeConverter &converter) {
  patterns.add<QuantizeLowering, DequantizeLowering, QLinearLowering,
               StorageCastLowering>(converter, patterns.getContext());
}

//===- IntPatterns.cpp - int8 element-wise, pool and (de)quantize ops -----===//
//
// Generic lowering of the integer ops: it reproduces the scalar reference
// (qat/Numerics/IntReference.h) bit-exactly, in either requant the op
// records (docs/numerics.md's float32 one, or TFLite's fixed point). Quantized
// tensors become their storage type (signless i8 for u8 and i8 alike; each
// op knows which). Upstream's lower-quant-ops truncates when quantizing, so
// it is not used for values. The int8 layers are in IntLayerPatterns.cpp.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"
#include "qat/Numerics/IntReference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

using IT = utils::IteratorType;

/// q - zp of a storage value, in i32.
static Value centered(OpBuilder &b, Location l, Value v,
                      quant::UniformQuantizedType q) {
  return arith::SubIOp::create(
      b, l, extendToI32(b, l, v, q.isSigned()),
      arith::ConstantOp::create(b, l, b.getI32IntegerAttr(q.getZeroPoint())));
}

static Value requantValue(OpBuilder &b, Location l, Value acc, float m,
                          int64_t zpY, int64_t lo, int64_t hi, Type storage) {
  return buildFloatRequant(b, l, acc, floatConst(b, l, b.getF32Type(), m), zpY,
                           lo, hi, storage);
}

/// Runs an element-wise body over a static tensor flattened to 1-D: one
/// long loop vectorizes with full-width vectors, where the innermost axis
/// of an image (28 wide) would leave most of each row to a scalar tail.
static Value elementwiseFlat(OpBuilder &b, Location loc, RankedTensorType type,
                             Value input, BodyBuilder body) {
  auto inT = cast<RankedTensorType>(input.getType());
  if (inT.getRank() <= 1 || !inT.hasStaticShape())
    return buildElementwise(b, loc, type, {input}, input, body);
  SmallVector<ReassociationIndices> all(1);
  for (int64_t i = 0; i < inT.getRank(); ++i)
    all[0].push_back(i);
  Value flat = tensor::CollapseShapeOp::create(b, loc, input, all);
  auto flatT =
      RankedTensorType::get({inT.getNumElements()}, type.getElementType());
  Value r = buildElementwise(b, loc, flatT, {flat}, flat, body);
  return tensor::ExpandShapeOp::create(b, loc, type, r, all);
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
    auto q = getPerTensorType(op.getType());
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    float inv = 1.0f / static_cast<float>(q.getScale());
    int64_t zp = q.getZeroPoint();
    int64_t lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
    Value r = elementwiseFlat(
        rewriter, op.getLoc(), type, a.getInput(),
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Value s = arith::MulFOp::create(
              b, l, v[0], floatConst(b, l, b.getF32Type(), inv));
          return buildRoundToStorage(b, l, s, zp, lo, hi,
                                     type.getElementType());
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
    auto q = getPerTensorType(op.getInput().getType());
    float scale = static_cast<float>(q.getScale());
    int64_t zp = q.getZeroPoint();
    bool isSigned = q.isSigned();
    Value r = elementwiseFlat(
        rewriter, op.getLoc(), op.getType(), a.getInput(),
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Value c = arith::SubIOp::create(
              b, l, extendToI32(b, l, v[0], isSigned),
              arith::ConstantOp::create(b, l, b.getI32IntegerAttr(zp)));
          Value f = arith::SIToFPOp::create(b, l, b.getF32Type(), c);
          return arith::MulFOp::create(b, l, f,
                                       floatConst(b, l, b.getF32Type(), scale));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// max_pool2d on quantized values: the same window over storage values,
/// compared signed or unsigned per the type; padding never wins.
struct QMaxPoolLowering : OpConversionPattern<MaxPool2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2dOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    auto q =
        dyn_cast<quant::UniformQuantizedType>(op.getType().getElementType());
    if (!q)
      return failure();
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto yT = op.getType();
    Type i8 = rewriter.getI8Type();
    ArrayRef<int64_t> k = op.getKernelSize();
    SmallVector<int64_t, 2> s = op.getStridesOrDefault();
    ArrayRef<int64_t> dil = op.getDilation();
    SmallVector<int64_t, 4> pads = op.getPads();
    int64_t minStorage = q.getStorageTypeMin();
    // Padding holds the smallest storage value: it never wins.
    Value x = padForWindow(
        rewriter, loc, a.getInput(), {yT.getDimSize(2), yT.getDimSize(3)}, k, s,
        pads, dil,
        arith::ConstantOp::create(rewriter, loc,
                                  rewriter.getIntegerAttr(i8, minStorage)));
    auto outT = RankedTensorType::get(yT.getShape(), i8);
    bool isSigned = q.isSigned();
    auto max = [&](OpBuilder &b, Location l, Value x, Value y) -> Value {
      if (isSigned)
        return arith::MaxSIOp::create(b, l, x, y);
      return arith::MaxUIOp::create(b, l, x, y);
    };
    if (k[0] * k[1] <= 16) {
      // Small windows: one parallel loop nest whose body takes the max of
      // the kh*kw window elements, each read through its own map. The
      // innermost loop then runs along an output row with strided loads,
      // which LLVM vectorizes (interleaved accesses); a reduction loop over
      // a 2x2 window would stay scalar.
      SmallVector<AffineExpr> e(4);
      bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
      SmallVector<AffineMap> maps;
      SmallVector<Value> inputs;
      for (int64_t kh = 0; kh < k[0]; ++kh)
        for (int64_t kw = 0; kw < k[1]; ++kw) {
          maps.push_back(AffineMap::get(4, 0,
                                        {e[0], e[1], e[2] * s[0] + kh * dil[0],
                                         e[3] * s[1] + kw * dil[1]},
                                        ctx));
          inputs.push_back(x);
        }
      maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
      auto pool = linalg::GenericOp::create(
          rewriter, loc, TypeRange{outT}, inputs,
          ValueRange{
              tensor::EmptyOp::create(rewriter, loc, outT.getShape(), i8)},
          maps, SmallVector<IT>(4, IT::parallel),
          [&](OpBuilder &b, Location l, ValueRange v) {
            Value m = v[0];
            for (Value w : v.drop_front().drop_back())
              m = max(b, l, m, w);
            linalg::YieldOp::create(b, l, m);
          });
      rewriter.replaceOp(op, pool.getResult(0));
      return success();
    }
    SmallVector<AffineExpr> e(6);
    bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
    auto m6 = [&](ArrayRef<AffineExpr> r) {
      return AffineMap::get(6, 0, r, ctx);
    };
    Value init =
        linalg::FillOp::create(
            rewriter, loc,
            ValueRange{arith::ConstantOp::create(
                rewriter, loc, rewriter.getIntegerAttr(i8, minStorage))},
            ValueRange{
                tensor::EmptyOp::create(rewriter, loc, outT.getShape(), i8)})
            .getResult(0);
    Value window = tensor::EmptyOp::create(rewriter, loc, k, i8);
    auto pool = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outT}, ValueRange{x, window}, ValueRange{init},
        SmallVector<AffineMap>{m6({e[0], e[1], e[2] * s[0] + e[4] * dil[0],
                                   e[3] * s[1] + e[5] * dil[1]}),
                               m6({e[4], e[5]}), m6({e[0], e[1], e[2], e[3]})},
        SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel, IT::parallel,
                        IT::reduction, IT::reduction},
        [&](OpBuilder &b, Location l, ValueRange v) {
          linalg::YieldOp::create(b, l, max(b, l, v[0], v[2]));
        });
    rewriter.replaceOp(op, pool.getResult(0));
    return success();
  }
};

/// qadd: both inputs requantized to the output scale in float32.
struct QAddLowering : OpConversionPattern<QAddOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QAddOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    auto qa = getPerTensorType(op.getLhs().getType());
    auto qb = getPerTensorType(op.getRhs().getType());
    auto qy = getPerTensorType(op.getType());
    float sy = static_cast<float>(qy.getScale());
    float ma = static_cast<float>(qa.getScale()) / sy;
    float mb = static_cast<float>(qb.getScale()) / sy;
    int64_t lo = static_cast<int64_t>(op.getClampMin());
    int64_t hi = static_cast<int64_t>(op.getClampMax());
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    Value init = emptyTensorBroadcast(rewriter, loc, type,
                                      ValueRange{a.getLhs(), a.getRhs()});
    if (op.getRequant() == RequantKind::FixedPoint) {
      // TFLite's AddElementwise (see runtime::qaddValue).
      runtime::QAddFixedPoint fp = runtime::qaddFixedPointMultipliers(
          static_cast<float>(qa.getScale()), static_cast<float>(qb.getScale()),
          sy);
      Value r = buildElementwiseInto(
          rewriter, loc, init, {a.getLhs(), a.getRhs()},
          [&](OpBuilder &b, Location l, ValueRange v) -> Value {
            auto scaled = [&](Value x, quant::UniformQuantizedType q,
                              runtime::FixedPointMultiplier m) {
              Value c = centered(b, l, x, q);
              Value shifted = arith::ShLIOp::create(
                  b, l, c,
                  intConst(b, l, c.getType(),
                           runtime::QAddFixedPoint::kLeftShift));
              return buildMultiplyByQuantizedMultiplier(b, l, shifted, m);
            };
            Value sum = arith::AddIOp::create(b, l, scaled(v[0], qa, fp.a),
                                              scaled(v[1], qb, fp.b));
            return buildFixedPointRequant(b, l, sum, fp.y, qy.getZeroPoint(),
                                          lo, hi, type.getElementType());
          });
      rewriter.replaceOp(op, r);
      return success();
    }
    Value r = buildElementwiseInto(
        rewriter, loc, init, {a.getLhs(), a.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Type f32 = b.getF32Type();
          auto scaled = [&](Value x, quant::UniformQuantizedType q, float m) {
            return arith::MulFOp::create(
                b, l, arith::SIToFPOp::create(b, l, f32, centered(b, l, x, q)),
                floatConst(b, l, f32, m));
          };
          Value sum = arith::AddFOp::create(b, l, scaled(v[0], qa, ma),
                                            scaled(v[1], qb, mb));
          return buildRoundToStorage(b, l, sum, qy.getZeroPoint(), lo, hi,
                                     type.getElementType());
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

/// qmul: (a - zp_a) * (b - zp_b) in int32, one float32 requant.
struct QMulLowering : OpConversionPattern<QMulOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QMulOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    auto qa = getPerTensorType(op.getLhs().getType());
    auto qb = getPerTensorType(op.getRhs().getType());
    auto qy = getPerTensorType(op.getType());
    float m = runtime::requantMultiplier(static_cast<float>(qa.getScale()),
                                         static_cast<float>(qb.getScale()),
                                         static_cast<float>(qy.getScale()));
    bool fixedPoint = op.getRequant() == RequantKind::FixedPoint;
    runtime::FixedPointMultiplier fp;
    if (fixedPoint)
      fp = runtime::quantizeMultiplier(runtime::fixedPointRealMultiplier(
          static_cast<float>(qa.getScale()), static_cast<float>(qb.getScale()),
          static_cast<float>(qy.getScale())));
    int64_t zpY = qy.getZeroPoint();
    int64_t lo = static_cast<int64_t>(op.getClampMin());
    int64_t hi = static_cast<int64_t>(op.getClampMax());
    auto type =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    Location loc = op.getLoc();
    Value init = emptyTensorBroadcast(rewriter, loc, type,
                                      ValueRange{a.getLhs(), a.getRhs()});
    Value r = buildElementwiseInto(
        rewriter, loc, init, {a.getLhs(), a.getRhs()},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Value acc = arith::MulIOp::create(b, l, centered(b, l, v[0], qa),
                                            centered(b, l, v[1], qb));
          if (fixedPoint)
            return buildFixedPointRequant(b, l, acc, fp, zpY, lo, hi,
                                          type.getElementType());
          return requantValue(b, l, acc, m, zpY, lo, hi, type.getElementType());
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

} // namespace

/// The window sums of q - zp_x in i32 over the zero-point padded input `x`
/// as [N, C, OH, OW], loops (n, c, kh, kw, oh, ow): the innermost runs
/// along an output row.
static Value windowSumI32(OpBuilder &b, Location loc, Value x,
                          ArrayRef<int64_t> k, ArrayRef<int64_t> s,
                          ArrayRef<int64_t> accShape,
                          quant::UniformQuantizedType qx) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> e(6);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  auto m6 = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(6, 0, r, ctx);
  };
  Value window = tensor::EmptyOp::create(b, loc, k, b.getI8Type());
  return linalg::GenericOp::create(
             b, loc, TypeRange{RankedTensorType::get(accShape, b.getI32Type())},
             ValueRange{x, window}, ValueRange{zerosI32(b, loc, accShape)},
             SmallVector<AffineMap>{
                 m6({e[0], e[1], e[4] * s[0] + e[2], e[5] * s[1] + e[3]}),
                 m6({e[2], e[3]}), m6({e[0], e[1], e[4], e[5]})},
             SmallVector<IT>{IT::parallel, IT::parallel, IT::reduction,
                             IT::reduction, IT::parallel, IT::parallel},
             [&](OpBuilder &nb, Location l, ValueRange v) {
               linalg::YieldOp::create(
                   nb, l,
                   Value(arith::AddIOp::create(nb, l, v[2],
                                               centered(nb, l, v[0], qx))));
             })
      .getResult(0);
}

/// A qavg_pool2d's table of its output positions, [OH, OW], read beside
/// the window sum: the float32 M of each position's divisor (PyTorch's
/// window count), computed as the reference does, or with the fixed-point
/// requant the count itself.
static DenseElementsAttr avgPoolTable(QAvgPool2dOp op, bool fixedPoint) {
  auto qx = getPerTensorType(op.getInput().getType());
  auto qy = getPerTensorType(op.getType());
  auto xT = op.getInput().getType();
  int64_t oh = op.getType().getDimSize(2), ow = op.getType().getDimSize(3);
  ArrayRef<int64_t> k = op.getKernelSize();
  SmallVector<int64_t, 2> s = op.getStridesOrDefault();
  SmallVector<int64_t, 4> pads = op.getPads();
  SmallVector<int64_t> counts;
  for (int64_t i = 0; i < oh; ++i)
    for (int64_t j = 0; j < ow; ++j)
      counts.push_back(
          runtime::avgPoolExtent(i, xT.getDimSize(2), k[0], s[0], pads[0],
                                 pads[2], op.getCountIncludePad()) *
          runtime::avgPoolExtent(j, xT.getDimSize(3), k[1], s[1], pads[1],
                                 pads[3], op.getCountIncludePad()));
  MLIRContext *ctx = op.getContext();
  if (fixedPoint) {
    SmallVector<int32_t> counts32(counts.begin(), counts.end());
    return DenseElementsAttr::get(
        RankedTensorType::get({oh, ow}, IntegerType::get(ctx, 32)),
        ArrayRef(counts32));
  }
  float sx = static_cast<float>(qx.getScale());
  float sy = static_cast<float>(qy.getScale());
  SmallVector<float> mult;
  for (int64_t count : counts)
    mult.push_back(runtime::avgPoolMultiplier(sx, sy, count));
  return DenseElementsAttr::get(
      RankedTensorType::get({oh, ow}, Float32Type::get(ctx)), ArrayRef(mult));
}

/// TFLite's integer mean of a window sum `sum` with `count` elements (see
/// runtime::avgPoolFixedPoint): one multiplier `fp` (s_x / s_y), then
/// r > 0 ? (r + count / 2) / count : (r - count / 2) / count.
static Value fixedPointMean(OpBuilder &b, Location l, Value sum, Value count,
                            runtime::FixedPointMultiplier fp) {
  Type i32 = b.getI32Type();
  Value r = buildMultiplyByQuantizedMultiplier(b, l, sum, fp);
  Value half = arith::DivSIOp::create(b, l, count, intConst(b, l, i32, 2));
  Value up =
      arith::DivSIOp::create(b, l, arith::AddIOp::create(b, l, r, half), count);
  Value down =
      arith::DivSIOp::create(b, l, arith::SubIOp::create(b, l, r, half), count);
  Value positive = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, r,
                                         intConst(b, l, i32, 0));
  return arith::SelectOp::create(b, l, positive, up, down);
}

namespace {
/// qavg_pool2d: the window sum of q - zp_x in int32 (the input padded with
/// zp_x, so padding and the ceil-mode overhang add 0), then one requant
/// per output position (avgPoolTable).
struct QAvgPool2dLowering : OpConversionPattern<QAvgPool2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QAvgPool2dOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto qx = getPerTensorType(op.getInput().getType());
    auto qy = getPerTensorType(op.getType());
    auto yT = op.getType();
    int64_t oh = yT.getDimSize(2), ow = yT.getDimSize(3);
    SmallVector<int64_t, 2> s = op.getStridesOrDefault();
    Type i8 = rewriter.getI8Type();
    Value x = padForWindow(
        rewriter, loc, a.getInput(), {oh, ow}, op.getKernelSize(), s,
        op.getPads(), {1, 1},
        arith::ConstantOp::create(
            rewriter, loc, rewriter.getIntegerAttr(i8, qx.getZeroPoint())));
    Value acc = windowSumI32(rewriter, loc, x, op.getKernelSize(), s,
                             yT.getShape(), qx);
    int64_t zpY = qy.getZeroPoint();
    int64_t lo = static_cast<int64_t>(op.getClampMin());
    int64_t hi = static_cast<int64_t>(op.getClampMax());
    AffineMap id4 = AffineMap::getMultiDimIdentityMap(4, ctx);
    AffineMap hw = AffineMap::get(
        4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
    auto outT = RankedTensorType::get(yT.getShape(), i8);
    bool fixedPoint = op.getRequant() == RequantKind::FixedPoint;
    DenseElementsAttr table = avgPoolTable(op, fixedPoint);
    runtime::FixedPointMultiplier fp;
    if (fixedPoint)
      fp = runtime::quantizeMultiplier(
          static_cast<double>(static_cast<float>(qx.getScale())) /
          static_cast<double>(static_cast<float>(qy.getScale())));
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{outT},
            ValueRange{acc, arith::ConstantOp::create(rewriter, loc, table)},
            ValueRange{
                tensor::EmptyOp::create(rewriter, loc, outT.getShape(), i8)},
            SmallVector<AffineMap>{id4, hw, id4},
            SmallVector<IT>(4, IT::parallel),
            [&](OpBuilder &b, Location l, ValueRange v) {
              Value q =
                  fixedPoint
                      ? buildAddZeroPointAndClamp(
                            b, l, fixedPointMean(b, l, v[0], v[1], fp), zpY, lo,
                            hi, i8)
                      : buildFloatRequant(b, l, v[0], v[1], zpY, lo, hi, i8);
              linalg::YieldOp::create(b, l, q);
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
  patterns.add<QuantizeLowering, DequantizeLowering, QAddLowering, QMulLowering,
               QAvgPool2dLowering, StorageCastLowering>(converter,
                                                        patterns.getContext());
  // Before the float max-pool pattern.
  patterns.add<QMaxPoolLowering>(converter, patterns.getContext(),
                                 /*benefit=*/2);
}

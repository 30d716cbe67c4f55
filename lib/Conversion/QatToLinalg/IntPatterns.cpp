//===- IntPatterns.cpp - the int8 graph to linalg -------------------------===//
//
// Generic lowering of the integer ops: it reproduces the scalar reference
// (qat/Runtime/IntReference.h) bit-exactly, in either requant the op
// records (NUMERICS.md's float32 one, or TFLite's fixed point). Quantized tensors become their
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


/// The requant epilogue of qlinear/qconv2d on (sum_k x * w, bias, sum_k w,
/// requant constants...): acc = sum + bias - zp_x * sum_k w (int32,
/// wrapping like the reference), then clamp(roundeven(float(acc) * M) +
/// zp_y, lo, hi) with v[3] = M, or with v[3..5] = (m, left shift, right
/// shift) TFLite's clamp(MultiplyByQuantizedMultiplier(acc) + zp_y, lo, hi).
static Value requantEpilogue(OpBuilder &b, Location l, ValueRange v,
                             int64_t zpX, int64_t zpY, int64_t lo, int64_t hi,
                             Type storage) {
  Value zpxC = arith::ConstantOp::create(b, l, b.getI32IntegerAttr(zpX));
  Value comp =
      arith::SubIOp::create(b, l, v[1], arith::MulIOp::create(b, l, zpxC, v[2]));
  Value total = arith::AddIOp::create(b, l, v[0], comp);
  // v also holds the output block argument.
  if (v.size() == 7)
    return lowering::buildFixedPointRequant(b, l, total, v[3], v[4], v[5], zpY,
                                            lo, hi, storage);
  return buildFloatRequant(b, l, total, v[3], zpY, lo, hi, storage);
}


/// The per-channel requant constants of a qlinear/qconv2d: the float32
/// multipliers M[c], or TFLite's (m[c], left shift[c], right shift[c]) as
/// three i32 tensors.
static SmallVector<Value> requantConstants(OpBuilder &b, Location loc,
                                           RequantKind requant, Type xType,
                                           Type wType, Type yType,
                                           int64_t channels) {
  if (requant == RequantKind::FixedPoint) {
    SmallVector<int32_t> m, left, right;
    for (runtime::FixedPointMultiplier f :
         fixedPointMultipliers(xType, wType, yType, channels)) {
      m.push_back(f.multiplier);
      left.push_back(f.leftShift());
      right.push_back(f.rightShift());
    }
    auto t = RankedTensorType::get({channels}, b.getI32Type());
    SmallVector<Value> out;
    for (ArrayRef<int32_t> v : {ArrayRef(m), ArrayRef(left), ArrayRef(right)})
      out.push_back(
          arith::ConstantOp::create(b, loc, DenseElementsAttr::get(t, v)));
    return out;
  }
  SmallVector<float> mult = requantMultipliers(xType, wType, yType, channels);
  return {arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(RankedTensorType::get({channels}, b.getF32Type()),
                             ArrayRef(mult)))};
}

/// sum_k w[c, k] of [C, K] signed int8 weights, in i32: the zero-point
/// compensation `zp_x * sum_k w` of the requant epilogue.
static Value sumRowsI32(OpBuilder &b, Location loc, Value w2) {
  MLIRContext *ctx = b.getContext();
  int64_t c = cast<RankedTensorType>(w2.getType()).getDimSize(0);
  return linalg::GenericOp::create(
             b, loc, TypeRange{RankedTensorType::get({c}, b.getI32Type())},
             ValueRange{w2}, ValueRange{zerosI32(b, loc, {c})},
             SmallVector<AffineMap>{
                 AffineMap::getMultiDimIdentityMap(2, ctx),
                 AffineMap::get(2, 0, {getAffineDimExpr(0, ctx)}, ctx)},
             SmallVector<IT>{IT::parallel, IT::reduction},
             [&](OpBuilder &nb, Location l, ValueRange v) {
               linalg::YieldOp::create(
                   nb, l,
                   Value(arith::AddIOp::create(
                       nb, l, v[1], extendToI32(nb, l, v[0], true))));
             })
      .getResult(0);
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
  auto flatT = RankedTensorType::get({inT.getNumElements()},
                                     type.getElementType());
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
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    float inv = 1.0f / static_cast<float>(q.getScale());
    int64_t zp = q.getZeroPoint();
    int64_t lo = q.getStorageTypeMin(), hi = q.getStorageTypeMax();
    Value r = elementwiseFlat(
        rewriter, op.getLoc(), type, a.getInput(),
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Type f32 = b.getF32Type();
          Value s = arith::MulFOp::create(b, l, v[0], floatConst(b, l, f32, inv));
          Value r = arith::AddFOp::create(b, l, math::RoundEvenOp::create(b, l, s),
                                          floatConst(b, l, f32, double(zp)));
          return buildClampToStorage(b, l, r, lo, hi, type.getElementType());
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

/// acc = sum_k x * w + (bias - zp_x * sum_k w), equal mod 2^32 to the
/// reference's sum_k (x - zp_x) * w + bias; then the float32 requant.
struct QLinearLowering : OpConversionPattern<QLinearOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QLinearOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto qx = getPerTensorType(op.getInput().getType());
    auto qy = getPerTensorType(op.getType());
    auto wType = op.getWeight().getType();
    int64_t n = op.getType().getDimSize(0), c = wType.getDimSize(0);
    SmallVector<Value> requant =
        requantConstants(rewriter, loc, op.getRequant(),
                         op.getInput().getType(), wType, op.getType(), c);
    Type i32 = rewriter.getI32Type();
    bool xSigned = qx.isSigned();
    int64_t zpX = qx.getZeroPoint(), zpY = qy.getZeroPoint();
    int64_t lo = static_cast<int64_t>(op.getClampMin());
    int64_t hi = static_cast<int64_t>(op.getClampMax());

    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    auto m3 = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(3, 0, e, ctx); };
    auto accType = RankedTensorType::get({n, c}, i32);
    AffineMap id2 = AffineMap::getMultiDimIdentityMap(2, ctx);
    Value sumW = sumRowsI32(rewriter, loc, a.getWeight());
    // sum_k x[n, k] * w[c, k], loops (n, c, k): integer sums vectorize.
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{accType},
            ValueRange{a.getInput(), a.getWeight()},
            ValueRange{zerosI32(rewriter, loc, accType.getShape())},
            SmallVector<AffineMap>{m3({d0, d2}), m3({d1, d2}), m3({d0, d1})},
            SmallVector<IT>{IT::parallel, IT::parallel, IT::reduction},
            [&](OpBuilder &b, Location l, ValueRange v) {
              Value p =
                  arith::MulIOp::create(b, l, extendToI32(b, l, v[0], xSigned),
                                        extendToI32(b, l, v[1], true));
              linalg::YieldOp::create(b, l,
                                      Value(arith::AddIOp::create(b, l, v[2], p)));
            })
            .getResult(0);
    auto outType = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
    AffineMap chan = AffineMap::get(2, 0, {d1}, ctx);
    SmallVector<Value> inputs = {acc, a.getBias(), sumW};
    llvm::append_range(inputs, requant);
    SmallVector<AffineMap> maps = {id2};
    maps.append(inputs.size() - 1, chan);
    maps.push_back(id2);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{outType}, inputs,
            ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                               outType.getShape(),
                                               outType.getElementType())},
            maps,
            SmallVector<IT>{IT::parallel, IT::parallel},
            [&](OpBuilder &b, Location l, ValueRange v) {
              linalg::YieldOp::create(
                  b, l,
                  requantEpilogue(b, l, v, zpX, zpY, lo, hi,
                                  outType.getElementType()));
            })
            .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// The i8 x i8 -> i32 multiply-accumulate of the conv bodies.
static void buildMac(OpBuilder &b, Location l, ValueRange v, bool xSigned) {
  Value prod = arith::MulIOp::create(b, l, extendToI32(b, l, v[0], true),
                                     extendToI32(b, l, v[1], xSigned));
  linalg::YieldOp::create(b, l, Value(arith::AddIOp::create(b, l, v[2], prod)));
}

/// groups = 1: im2col + integer GEMM, acc[n, o, p] = sum_k w[o, k] *
/// col[n, k, p] with loops (n, o, k, p) (integer sums vectorize in any
/// order). `xpad` is the zero-point padded input, `w2` the [O, K] weight.
static Value gemmAccumulator(OpBuilder &b, Location loc, Value xpad, Value w2,
                             QConv2dOp op, bool xSigned) {
  MLIRContext *ctx = b.getContext();
  auto yT = op.getType();
  int64_t n = yT.getDimSize(0), o = yT.getDimSize(1);
  int64_t oh = yT.getDimSize(2), ow = yT.getDimSize(3), p = oh * ow;
  auto wT = op.getWeight().getType();
  Value col = buildIm2col(b, loc, xpad, {wT.getDimSize(2), wT.getDimSize(3)},
                          op.getStrides(), op.getDilation(), {oh, ow});
  AffineExpr d0, d1, d2, d3;
  bindDims(ctx, d0, d1, d2, d3);
  auto m4 = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(4, 0, r, ctx);
  };
  return linalg::GenericOp::create(
             b, loc,
             TypeRange{RankedTensorType::get({n, o, p}, b.getI32Type())},
             ValueRange{w2, col}, ValueRange{zerosI32(b, loc, {n, o, p})},
             SmallVector<AffineMap>{m4({d1, d2}), m4({d0, d2, d3}),
                                    m4({d0, d1, d3})},
             SmallVector<IT>{IT::parallel, IT::parallel, IT::reduction,
                             IT::parallel},
             [&](OpBuilder &nb, Location l, ValueRange v) {
               buildMac(nb, l, v, xSigned);
             })
      .getResult(0);
}

/// groups > 1: the GEMM per group, all groups in one op. The im2col columns
/// are ordered (c, kh, kw), so group g's rows are the contiguous block
/// [g * Kg, (g + 1) * Kg): acc[n, g, og, p] = sum_k w[g, og, k] *
/// col[n, g, k, p] with loops (n, g, og, k, p).
static Value groupedAccumulator(OpBuilder &b, Location loc, Value xpad,
                                Value w2, QConv2dOp op, bool xSigned) {
  MLIRContext *ctx = b.getContext();
  auto yT = op.getType();
  auto wT = op.getWeight().getType();
  auto g = static_cast<int64_t>(op.getGroups());
  int64_t n = yT.getDimSize(0), o = yT.getDimSize(1), og = o / g;
  int64_t oh = yT.getDimSize(2), ow = yT.getDimSize(3), p = oh * ow;
  int64_t kg = wT.getDimSize(1) * wT.getDimSize(2) * wT.getDimSize(3);
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  Value col = buildIm2col(b, loc, xpad, {wT.getDimSize(2), wT.getDimSize(3)},
                          op.getStrides(), op.getDilation(), {oh, ow});
  Value colG = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({n, g, kg, p}, i8), col,
      SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
  Value wG = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({g, og, kg}, i8), w2,
      SmallVector<ReassociationIndices>{{0, 1}, {2}});
  SmallVector<AffineExpr> d(5);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(d));
  auto m5 = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(5, 0, r, ctx);
  };
  Value acc =
      linalg::GenericOp::create(
          b, loc, TypeRange{RankedTensorType::get({n, g, og, p}, i32)},
          ValueRange{wG, colG}, ValueRange{zerosI32(b, loc, {n, g, og, p})},
          SmallVector<AffineMap>{m5({d[1], d[2], d[3]}),
                                 m5({d[0], d[1], d[3], d[4]}),
                                 m5({d[0], d[1], d[2], d[4]})},
          SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel,
                          IT::reduction, IT::parallel},
          [&](OpBuilder &nb, Location l, ValueRange v) {
            buildMac(nb, l, v, xSigned);
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(
      b, loc, acc, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
}

/// Depthwise (one input channel per group, O = C * M): a direct window sum
/// without im2col, acc[n, c, m, oh, ow] = sum_{kh, kw} w[c, m, kh, kw] *
/// xpad[n, c, oh * s + kh * d, ow * s + kw * d], loops (n, c, m, kh, kw, oh,
/// ow) so that the innermost loop runs along an output row.
static Value depthwiseAccumulator(OpBuilder &b, Location loc, Value xpad,
                                  Value w, QConv2dOp op, bool xSigned) {
  MLIRContext *ctx = b.getContext();
  auto yT = op.getType();
  auto wT = op.getWeight().getType();
  int64_t n = yT.getDimSize(0), o = yT.getDimSize(1);
  int64_t c = op.getInput().getType().getDimSize(1), mult = o / c;
  int64_t oh = yT.getDimSize(2), ow = yT.getDimSize(3);
  int64_t kh = wT.getDimSize(2), kw = wT.getDimSize(3);
  ArrayRef<int64_t> s = op.getStrides(), dil = op.getDilation();
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  // [O, 1, KH, KW] -> [C, M, KH, KW]: output channel c * M + m.
  Value w3 = tensor::CollapseShapeOp::create(
      b, loc, w, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
  Value wD = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({c, mult, kh, kw}, i8), w3,
      SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
  SmallVector<AffineExpr> d(7);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(d));
  auto m7 = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(7, 0, r, ctx);
  };
  SmallVector<int64_t> accShape = {n, c, mult, oh, ow};
  Value acc =
      linalg::GenericOp::create(
          b, loc, TypeRange{RankedTensorType::get(accShape, i32)},
          ValueRange{wD, xpad}, ValueRange{zerosI32(b, loc, accShape)},
          SmallVector<AffineMap>{m7({d[1], d[2], d[3], d[4]}),
                                 m7({d[0], d[1], d[5] * s[0] + d[3] * dil[0],
                                     d[6] * s[1] + d[4] * dil[1]}),
                                 m7({d[0], d[1], d[2], d[5], d[6]})},
          SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel,
                          IT::reduction, IT::reduction, IT::parallel,
                          IT::parallel},
          [&](OpBuilder &nb, Location l, ValueRange v) {
            buildMac(nb, l, v, xSigned);
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(
      b, loc, acc, SmallVector<ReassociationIndices>{{0}, {1, 2}, {3, 4}});
}

/// acc + bias - zp_x * sum_k w, requantized, where acc[n, o, p] = sum_k x * w
/// is built per `groups`: im2col + GEMM (1), one GEMM per group (> 1), or a
/// direct window sum (depthwise).
struct QConv2dLowering : OpConversionPattern<QConv2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QConv2dOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto qx = getPerTensorType(op.getInput().getType());
    auto qy = getPerTensorType(op.getType());
    auto xT = op.getInput().getType();
    auto wT = op.getWeight().getType();
    auto yT = op.getType();
    int64_t n = xT.getDimSize(0);
    int64_t o = wT.getDimSize(0);
    int64_t oh = yT.getDimSize(2), ow = yT.getDimSize(3);
    SmallVector<int64_t, 4> pads = normalizePads(op.getPadding());
    Type i8 = rewriter.getI8Type();
    // Pad with the zero point (the real value 0).
    Value x = padWithZeroPoint(rewriter, loc, a.getInput(), qx.getZeroPoint(),
                               pads);
    int64_t p = oh * ow;
    Value w2 = tensor::CollapseShapeOp::create(
        rewriter, loc, a.getWeight(),
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
    bool xSigned = qx.isSigned();
    auto groups = static_cast<int64_t>(op.getGroups());
    // acc[n, o, p] = sum_k x * w (the zero point is compensated below).
    Value acc;
    if (groups == 1)
      acc = gemmAccumulator(rewriter, loc, x, w2, op, xSigned);
    else if (wT.getDimSize(1) == 1)
      acc = depthwiseAccumulator(rewriter, loc, x, a.getWeight(), op, xSigned);
    else
      acc = groupedAccumulator(rewriter, loc, x, w2, op, xSigned);
    Value sumW = sumRowsI32(rewriter, loc, w2);
    SmallVector<Value> requant =
        requantConstants(rewriter, loc, op.getRequant(), xT, wT, yT, o);
    int64_t zpX = qx.getZeroPoint(), zpY = qy.getZeroPoint();
    int64_t lo = static_cast<int64_t>(op.getClampMin());
    int64_t hi = static_cast<int64_t>(op.getClampMax());
    AffineExpr e0, e1, e2;
    bindDims(ctx, e0, e1, e2);
    AffineMap id3 = AffineMap::getMultiDimIdentityMap(3, ctx);
    AffineMap ch3 = AffineMap::get(3, 0, {e1}, ctx);
    auto y3T = RankedTensorType::get({n, o, p}, i8);
    SmallVector<Value> inputs = {acc, a.getBias(), sumW};
    llvm::append_range(inputs, requant);
    SmallVector<AffineMap> maps = {id3};
    maps.append(inputs.size() - 1, ch3);
    maps.push_back(id3);
    Value y3 =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{y3T}, inputs,
            ValueRange{tensor::EmptyOp::create(rewriter, loc, y3T.getShape(), i8)},
            maps,
            SmallVector<IT>(3, IT::parallel),
            [&](OpBuilder &b, Location l, ValueRange v) {
              linalg::YieldOp::create(
                  b, l,
                  requantEpilogue(b, l, v, zpX, zpY, lo, hi,
                                  i8));
            })
            .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, RankedTensorType::get(yT.getShape(), i8), y3,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
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
    auto q = dyn_cast<quant::UniformQuantizedType>(
        op.getType().getElementType());
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
        rewriter, loc, a.getInput(), {yT.getDimSize(2), yT.getDimSize(3)}, k,
        s, pads, dil,
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
          maps.push_back(AffineMap::get(
              4, 0,
              {e[0], e[1], e[2] * s[0] + kh * dil[0], e[3] * s[1] + kw * dil[1]},
              ctx));
          inputs.push_back(x);
        }
      maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
      auto pool = linalg::GenericOp::create(
          rewriter, loc, TypeRange{outT}, inputs,
          ValueRange{tensor::EmptyOp::create(rewriter, loc, outT.getShape(), i8)},
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
    auto m6 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(6, 0, r, ctx); };
    Value init = linalg::FillOp::create(
                     rewriter, loc,
                     ValueRange{arith::ConstantOp::create(
                         rewriter, loc, rewriter.getIntegerAttr(i8, minStorage))},
                     ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                                        outT.getShape(), i8)})
                     .getResult(0);
    Value window = tensor::EmptyOp::create(rewriter, loc, k, i8);
    auto pool = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outT}, ValueRange{x, window}, ValueRange{init},
        SmallVector<AffineMap>{
            m6({e[0], e[1], e[2] * s[0] + e[4] * dil[0],
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
    auto type = cast<RankedTensorType>(
        getTypeConverter()->convertType(op.getType()));
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
          Value q = arith::AddFOp::create(
              b, l, math::RoundEvenOp::create(b, l, sum),
              floatConst(b, l, f32, double(qy.getZeroPoint())));
          return buildClampToStorage(b, l, q, lo, hi, type.getElementType());
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

/// qavg_pool2d: the window sum of q - zp_x in int32 (the input padded with
/// zp_x, so padding and the ceil-mode overhang add 0), then one float32
/// requant with the multiplier of each output position's divisor.
struct QAvgPool2dLowering : OpConversionPattern<QAvgPool2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QAvgPool2dOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto qx = getPerTensorType(op.getInput().getType());
    auto qy = getPerTensorType(op.getType());
    auto xT = op.getInput().getType();
    auto yT = op.getType();
    int64_t n = yT.getDimSize(0), c = yT.getDimSize(1);
    int64_t oh = yT.getDimSize(2), ow = yT.getDimSize(3);
    ArrayRef<int64_t> k = op.getKernelSize();
    SmallVector<int64_t, 2> s = op.getStridesOrDefault();
    SmallVector<int64_t, 4> pads = op.getPads();
    Type i8 = rewriter.getI8Type(), i32 = rewriter.getI32Type();
    Value x = padForWindow(
        rewriter, loc, a.getInput(), {oh, ow}, k, s, pads, {1, 1},
        arith::ConstantOp::create(
            rewriter, loc, rewriter.getIntegerAttr(i8, qx.getZeroPoint())));
    SmallVector<AffineExpr> e(6);
    bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
    auto m6 = [&](ArrayRef<AffineExpr> r) {
      return AffineMap::get(6, 0, r, ctx);
    };
    // Loops (n, c, kh, kw, oh, ow): the innermost runs along an output row.
    Value window = tensor::EmptyOp::create(rewriter, loc, k, i8);
    SmallVector<int64_t> accShape = {n, c, oh, ow};
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{RankedTensorType::get(accShape, i32)},
            ValueRange{x, window},
            ValueRange{zerosI32(rewriter, loc, accShape)},
            SmallVector<AffineMap>{
                m6({e[0], e[1], e[4] * s[0] + e[2], e[5] * s[1] + e[3]}),
                m6({e[2], e[3]}), m6({e[0], e[1], e[4], e[5]})},
            SmallVector<IT>{IT::parallel, IT::parallel, IT::reduction,
                            IT::reduction, IT::parallel, IT::parallel},
            [&](OpBuilder &b, Location l, ValueRange v) {
              linalg::YieldOp::create(
                  b, l,
                  Value(arith::AddIOp::create(b, l, v[2],
                                              centered(b, l, v[0], qx))));
            })
            .getResult(0);
    int64_t zpY = qy.getZeroPoint();
    int64_t lo = static_cast<int64_t>(op.getClampMin());
    int64_t hi = static_cast<int64_t>(op.getClampMax());
    AffineMap id4 = AffineMap::getMultiDimIdentityMap(4, ctx);
    AffineMap hw = AffineMap::get(
        4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
    auto outT = RankedTensorType::get(yT.getShape(), i8);
    // The divisor of each output position (PyTorch's window count).
    SmallVector<int64_t> counts;
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j)
        counts.push_back(
            runtime::avgPoolExtent(i, xT.getDimSize(2), k[0], s[0], pads[0],
                                   pads[2], op.getCountIncludePad()) *
            runtime::avgPoolExtent(j, xT.getDimSize(3), k[1], s[1], pads[1],
                                   pads[3], op.getCountIncludePad()));
    float sx = static_cast<float>(qx.getScale());
    float sy = static_cast<float>(qy.getScale());
    // A per-position table read beside the window sum: the float32 M of
    // each count, or (fixed point) the count itself.
    bool fixedPoint = op.getRequant() == RequantKind::FixedPoint;
    DenseElementsAttr table;
    if (fixedPoint) {
      SmallVector<int32_t> counts32(counts.begin(), counts.end());
      table = DenseElementsAttr::get(RankedTensorType::get({oh, ow}, i32),
                                     ArrayRef(counts32));
    } else {
      // M per output position, computed as the reference does.
      SmallVector<float> mult;
      for (int64_t count : counts)
        mult.push_back(runtime::avgPoolMultiplier(sx, sy, count));
      table = DenseElementsAttr::get(
          RankedTensorType::get({oh, ow}, rewriter.getF32Type()),
          ArrayRef(mult));
    }
    // TFLite's integer mean: one multiplier s_x / s_y, then the division by
    // each position's count (see runtime::avgPoolFixedPoint).
    runtime::FixedPointMultiplier fp;
    if (fixedPoint)
      fp = runtime::quantizeMultiplier(static_cast<double>(sx) /
                                       static_cast<double>(sy));
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{outT},
            ValueRange{acc, arith::ConstantOp::create(rewriter, loc, table)},
            ValueRange{
                tensor::EmptyOp::create(rewriter, loc, outT.getShape(), i8)},
            SmallVector<AffineMap>{id4, hw, id4},
            SmallVector<IT>(4, IT::parallel),
            [&](OpBuilder &b, Location l, ValueRange v) {
              if (!fixedPoint) {
                linalg::YieldOp::create(
                    b, l, buildFloatRequant(b, l, v[0], v[1], zpY, lo, hi, i8));
                return;
              }
              Value r = buildMultiplyByQuantizedMultiplier(b, l, v[0], fp);
              // r > 0 ? (r + count / 2) / count : (r - count / 2) / count
              Value half =
                  arith::DivSIOp::create(b, l, v[1], intConst(b, l, i32, 2));
              Value up = arith::DivSIOp::create(
                  b, l, arith::AddIOp::create(b, l, r, half), v[1]);
              Value down = arith::DivSIOp::create(
                  b, l, arith::SubIOp::create(b, l, r, half), v[1]);
              Value positive = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::sgt, r, intConst(b, l, i32, 0));
              Value q = arith::SelectOp::create(b, l, positive, up, down);
              linalg::YieldOp::create(
                  b, l, buildAddZeroPointAndClamp(b, l, q, zpY, lo, hi, i8));
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
               QConv2dLowering, QAddLowering, QMulLowering, QAvgPool2dLowering,
               StorageCastLowering>(converter, patterns.getContext());
  // Before the float max-pool pattern.
  patterns.add<QMaxPoolLowering>(converter, patterns.getContext(),
                                 /*benefit=*/2);
}


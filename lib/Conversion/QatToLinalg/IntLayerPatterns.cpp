//===- IntLayerPatterns.cpp - qlinear and qconv2d to linalg ---------------===//
//
// The int8 layers on the generic path: an i32 accumulator of sum_k x * w
// (per `groups` for qconv2d), then the zero-point compensation and the
// requant the op records, reproducing the scalar reference
// (qat/Numerics/IntReference.h) bit-exactly. The kernels of
// --qat-lower-x86/arm replace these layers on their targets.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

using IT = utils::IteratorType;

/// The requant epilogue of qlinear/qconv2d on (sum_k x * w, bias, sum_k w,
/// requant constants...): acc = sum + bias - zp_x * sum_k w (int32,
/// wrapping like the reference), then clamp(roundeven(float(acc) * M) +
/// zp_y, lo, hi) with v[3] = M, or with v[3..5] = (m, left shift, right
/// shift) TFLite's clamp(MultiplyByQuantizedMultiplier(acc) + zp_y, lo, hi).
static Value requantEpilogue(OpBuilder &b, Location l, ValueRange v,
                             int64_t zpX, int64_t zpY, int64_t lo, int64_t hi,
                             Type storage) {
  Value zpxC = arith::ConstantOp::create(b, l, b.getI32IntegerAttr(zpX));
  Value comp = arith::SubIOp::create(b, l, v[1],
                                     arith::MulIOp::create(b, l, zpxC, v[2]));
  Value total = arith::AddIOp::create(b, l, v[0], comp);
  // v also holds the output block argument.
  if (v.size() == 7)
    return lowering::buildFixedPointRequant(b, l, total, v[3], v[4], v[5], zpY,
                                            lo, hi, storage);
  return buildFloatRequant(b, l, total, v[3], zpY, lo, hi, storage);
}

/// The requant epilogue (requantEpilogue) of a qlinear/qconv2d `op` over
/// its i32 accumulator `acc`, whose axis 1 is the output channel, into a
/// new tensor of `outType`: the bias, sum_k w and requant constants are
/// read per channel.
template <typename OpTy>
static Value buildEpilogue(OpBuilder &b, Location loc, OpTy op, Value acc,
                           Value bias, Value sumW, ValueRange requant,
                           RankedTensorType outType) {
  MLIRContext *ctx = b.getContext();
  int64_t zpX = getPerTensorType(op.getInput().getType()).getZeroPoint();
  int64_t zpY = getPerTensorType(op.getType()).getZeroPoint();
  int64_t lo = static_cast<int64_t>(op.getClampMin());
  int64_t hi = static_cast<int64_t>(op.getClampMax());
  int64_t rank = outType.getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap chan = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
  SmallVector<Value> inputs = {acc, bias, sumW};
  llvm::append_range(inputs, requant);
  SmallVector<AffineMap> maps = {id};
  maps.append(inputs.size() - 1, chan);
  maps.push_back(id);
  Type storage = outType.getElementType();
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, inputs,
             ValueRange{
                 tensor::EmptyOp::create(b, loc, outType.getShape(), storage)},
             maps, SmallVector<IT>(rank, IT::parallel),
             [&](OpBuilder &nb, Location l, ValueRange v) {
               linalg::YieldOp::create(
                   nb, l, requantEpilogue(nb, l, v, zpX, zpY, lo, hi, storage));
             })
      .getResult(0);
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

namespace {
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
    auto wType = op.getWeight().getType();
    int64_t n = op.getType().getDimSize(0), c = wType.getDimSize(0);
    SmallVector<Value> requant =
        requantConstants(rewriter, loc, op.getRequant(),
                         op.getInput().getType(), wType, op.getType(), c);
    Type i32 = rewriter.getI32Type();
    bool xSigned = qx.isSigned();
    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    auto m3 = [&](ArrayRef<AffineExpr> e) {
      return AffineMap::get(3, 0, e, ctx);
    };
    auto accType = RankedTensorType::get({n, c}, i32);
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
              linalg::YieldOp::create(
                  b, l, Value(arith::AddIOp::create(b, l, v[2], p)));
            })
            .getResult(0);
    auto outType =
        cast<RankedTensorType>(getTypeConverter()->convertType(op.getType()));
    rewriter.replaceOp(op, buildEpilogue(rewriter, loc, op, acc, a.getBias(),
                                         sumW, requant, outType));
    return success();
  }
};
} // namespace

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

namespace {
/// acc + bias - zp_x * sum_k w, requantized, where acc[n, o, p] = sum_k x * w
/// is built per `groups`: im2col + GEMM (1), one GEMM per group (> 1), or a
/// direct window sum (depthwise).
struct QConv2dLowering : OpConversionPattern<QConv2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QConv2dOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto qx = getPerTensorType(op.getInput().getType());
    auto xT = op.getInput().getType();
    auto wT = op.getWeight().getType();
    auto yT = op.getType();
    int64_t n = xT.getDimSize(0);
    int64_t o = wT.getDimSize(0);
    int64_t oh = yT.getDimSize(2), ow = yT.getDimSize(3);
    SmallVector<int64_t, 4> pads = normalizePads(op.getPadding());
    Type i8 = rewriter.getI8Type();
    // Pad with the zero point (the real value 0).
    Value x =
        padWithZeroPoint(rewriter, loc, a.getInput(), qx.getZeroPoint(), pads);
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
    Value y3 = buildEpilogue(rewriter, loc, op, acc, a.getBias(), sumW, requant,
                             RankedTensorType::get({n, o, p}, i8));
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, RankedTensorType::get(yT.getShape(), i8), y3,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    return success();
  }
};
} // namespace

void lowering::populateIntLayerPatterns(RewritePatternSet &patterns,
                                        const TypeConverter &converter) {
  patterns.add<QLinearLowering, QConv2dLowering>(converter,
                                                 patterns.getContext());
}

//===- LayerPatterns.cpp - linear, conv2d, batch_norm to linalg -----------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

/// Init tensor of a layer: the bias broadcast over every axis but
/// `channelAxis`, or zeros.
static Value biasInit(OpBuilder &b, Location loc, RankedTensorType type,
                      Value bias, int64_t channelAxis, Value like) {
  if (!bias)
    return filledTensor(b, loc, type, like, 0.0);
  Value empty = emptyTensor(b, loc, type, like);
  SmallVector<int64_t> dims;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (d != channelAxis)
      dims.push_back(d);
  return linalg::BroadcastOp::create(b, loc, bias, empty, dims).getResult()[0];
}

/// The transpose of a 2-D tensor.
static Value transposed(OpBuilder &b, Location loc, Value v) {
  return buildTranspose(b, loc, v, {1, 0});
}

/// The smallest batch for which a linear layer runs as y^T = w * x^T: the
/// batch is the GEMM's column count there, so it fills whole vectors.
static constexpr int64_t GemmMinBatchForTransposed = 16;

namespace {
struct LinearLowering : GemmConversionPattern<LinearOp> {
  using GemmConversionPattern::GemmConversionPattern;
  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    auto xType = cast<RankedTensorType>(adaptor.getInput().getType());
    if (xType.hasStaticShape() && type.getElementType().isF32() &&
        type.getDimSize(0) >= GemmMinBatchForTransposed) {
      // y^T[n, m] = bias[n] + sum_k w[n, k] * x^T[k, m]: the GEMM's B
      // operand is the (small) input transposed to [in, batch], not the
      // weight transposed to [in, out], and the result is transposed back.
      // A batch of training images is much smaller than a weight matrix
      // (64 x 784 against 256 x 784 in M1), and a transpose's strided side
      // is the expensive part of it.
      int64_t m = type.getDimSize(0), n = type.getDimSize(1);
      int64_t k = xType.getDimSize(1);
      auto yTType = RankedTensorType::get({n, m}, type.getElementType());
      Value initT = biasInit(rewriter, loc, yTType, adaptor.getBias(), 0,
                             adaptor.getInput());
      Value xT = transposed(rewriter, loc, adaptor.getInput());
      GemmLayout g{1, n, m, 0, k, 0, {{k, 1, m}}};
      Value yT = buildTiledGemm(rewriter, loc, yTType, adaptor.getWeight(), xT,
                                initT, g, threads);
      rewriter.replaceOp(op, transposed(rewriter, loc, yT));
      return success();
    }
    Value init =
        biasInit(rewriter, loc, type, adaptor.getBias(), 1, adaptor.getInput());
    if (xType.hasStaticShape() && type.getElementType().isF32()) {
      // y[m, n] = init[m, n] + sum_k x[m, k] * w[n, k]: B is the weight
      // transposed to [in, out], so that its rows are contiguous in n.
      int64_t m = type.getDimSize(0), n = type.getDimSize(1);
      int64_t k = xType.getDimSize(1);
      Value wt = transposed(rewriter, loc, adaptor.getWeight());
      GemmLayout g{1, m, n, 0, k, 0, {{k, 1, n}}};
      rewriter.replaceOp(op,
                         buildTiledGemm(rewriter, loc, type, adaptor.getInput(),
                                        wt, init, g, threads));
      return success();
    }
    MLIRContext *ctx = rewriter.getContext();
    // y[m, n] += x[m, k] * wt[k, n] with the loops in (m, k, n) order and
    // the PyTorch [out, in] weight transposed once: the innermost loop then
    // runs over contiguous memory of y and wt with no loop-carried
    // dependence, which LLVM vectorizes without reassociating the sum.
    Value wt = transposed(rewriter, loc, adaptor.getWeight());
    AffineExpr m, k, n;
    bindDims(ctx, m, k, n);
    SmallVector<AffineMap> maps = {AffineMap::get(3, 0, {m, k}, ctx),
                                   AffineMap::get(3, 0, {k, n}, ctx),
                                   AffineMap::get(3, 0, {m, n}, ctx)};
    SmallVector<utils::IteratorType> iters = {utils::IteratorType::parallel,
                                              utils::IteratorType::reduction,
                                              utils::IteratorType::parallel};
    rewriter.replaceOp(op, buildContraction(rewriter, loc, adaptor.getInput(),
                                            wt, init, maps, iters));
    return success();
  }
};

} // namespace

/// `x` padded spatially by the conv2d's pads with zeros (itself without
/// pads); a dynamic extent stays dynamic.
static Value padConvInput(OpBuilder &b, Location loc, Conv2dOp op, Value x) {
  SmallVector<int64_t, 4> pads = op.getPads();
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return x;
  auto xType = cast<RankedTensorType>(x.getType());
  Type elt = xType.getElementType();
  SmallVector<int64_t> lo = {0, 0, pads[0], pads[1]};
  SmallVector<int64_t> hi = {0, 0, pads[2], pads[3]};
  SmallVector<int64_t> shape(xType.getShape());
  for (int i = 0; i < 2; ++i)
    if (!ShapedType::isDynamic(shape[2 + i]))
      shape[2 + i] += pads[i] + pads[i + 2];
  auto padType = RankedTensorType::get(shape, elt);
  return padConstant(b, loc, padType, x, lo, hi, floatConst(b, loc, elt, 0.0));
}

namespace {
/// The static geometry of an ungrouped conv2d on its padded input x [N, C,
/// H, W] with weight [F, C, KH, KW] and output [N, F, OH, OW].
struct ConvGeometry {
  ConvGeometry(Conv2dOp op, Value input, Value weight) {
    auto xType = cast<RankedTensorType>(input.getType());
    auto wType = cast<RankedTensorType>(weight.getType());
    RankedTensorType type = op.getType();
    elt = type.getElementType();
    n = xType.getDimSize(0), c = xType.getDimSize(1);
    h = xType.getDimSize(2), w = xType.getDimSize(3);
    f = wType.getDimSize(0), kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    k = wType.getDimSize(1) * kh * kw;
    oh = type.getDimSize(2), ow = type.getDimSize(3);
  }
  Type elt;
  int64_t n, c, h, w, f, kh, kw, oh, ow;
  /// The rows of the im2col matrix, C * KH * KW.
  int64_t k;
};
} // namespace

/// The output pixels of one piece of the pixel order, [N, F, piece...],
/// from `wide` [N, F, (OH - 1) * W + OW], which holds pixel (y, x) at
/// y * W + x.
static Value compactPiece(OpBuilder &b, Location loc, Value wide,
                          const PixelPiece &piece, int64_t width, Value like) {
  MLIRContext *ctx = b.getContext();
  auto wideType = cast<RankedTensorType>(wide.getType());
  SmallVector<int64_t> shape = {wideType.getDimSize(0), wideType.getDimSize(1)};
  llvm::append_range(shape, piece.shape());
  int64_t rank = shape.size();
  SmallVector<AffineExpr> e(rank);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  auto [y, x] = piece.position(ArrayRef<AffineExpr>(e).drop_front(2));
  auto partType = RankedTensorType::get(shape, wideType.getElementType());
  return linalg::GenericOp::create(
             b, loc, TypeRange{partType}, ValueRange{wide},
             ValueRange{emptyTensor(b, loc, partType, like)},
             SmallVector<AffineMap>{
                 AffineMap::get(rank, 0, {e[0], e[1], y * width + x}, ctx),
                 AffineMap::getMultiDimIdentityMap(rank, ctx)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, a[0]);
             })
      .getResult(0);
}

/// A stride-1 f32 conv2d whose GEMM reads the padded input `x` itself (no
/// im2col). Output pixel (y, x) is column p = y * W + x of a [N, F, (OH -
/// 1) * W + OW] result, whose term (c, i, j) is x[n, c] at p + i * dH * W +
/// j * dW: affine in p, so a row of B is a contiguous run of the input. The
/// columns x >= OW between rows are computed and dropped (W / OW more work),
/// instead of writing and reading a K times larger im2col matrix. The terms
/// keep im2col's (c, i, j) order. With `blocked`, the output pixels are
/// compacted piece by piece into blocked order.
static Value directConv(OpBuilder &b, Location loc, Conv2dOp op,
                        const ConvGeometry &g, Value x, Value w, Value bias,
                        Value input, bool blocked, int64_t threads) {
  ArrayRef<int64_t> dil = op.getDilation();
  int64_t cols = (g.oh - 1) * g.w + g.ow;
  GemmLayout gl{g.n,
                g.f,
                cols,
                0,
                g.k,
                g.c * g.h * g.w,
                {{g.c, g.kh * g.kw, g.h * g.w},
                 {g.kh, g.kw, dil[0] * g.w},
                 {g.kw, 1, dil[1]}}};
  auto wideType = RankedTensorType::get({g.n, g.f, cols}, g.elt);
  Value wideInit = biasInit(b, loc, wideType, bias, 1, input);
  Value w2 = tensor::CollapseShapeOp::create(
      b, loc, w, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  Value wide = buildTiledGemm(b, loc, wideType, w2, x, wideInit, gl, threads);
  if (!blocked)
    return compactPiece(b, loc, wide, {false, 0, 0, g.oh, g.ow}, g.w, input);
  SmallVector<Value> parts;
  for (const PixelPiece &piece : blockedPixelPieces(g.oh, g.ow)) {
    Value part = compactPiece(b, loc, wide, piece, g.w, input);
    int64_t rank = cast<RankedTensorType>(part.getType()).getRank();
    parts.push_back(tensor::CollapseShapeOp::create(
        b, loc, part,
        SmallVector<ReassociationIndices>{
            {0}, {1}, llvm::to_vector(llvm::seq<int64_t>(2, rank))}));
  }
  return tensor::ExpandShapeOp::create(
      b, loc, op.getType(), joinPixelPieces(b, loc, parts, 2),
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// A conv2d as im2col + a GEMM, out[n, f, p] = init + sum_k w[f, k] *
/// col[n, k, p] with loops (n, f, k, p): the innermost loop is contiguous in
/// out and col (the tiled GEMM for f32).
static Value im2colConv(OpBuilder &b, Location loc, Conv2dOp op,
                        const ConvGeometry &g, Value x, Value w, Value init,
                        bool blocked, int64_t threads) {
  int64_t p = g.oh * g.ow;
  Value col = buildIm2col(b, loc, x, {g.kh, g.kw}, op.getStrides(),
                          op.getDilation(), {g.oh, g.ow}, blocked);
  Value w2 = tensor::CollapseShapeOp::create(
      b, loc, w, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  Value init3 = tensor::CollapseShapeOp::create(
      b, loc, init, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  auto out3Type = RankedTensorType::get({g.n, g.f, p}, g.elt);
  Value out3;
  if (g.elt.isF32()) {
    GemmLayout gl{g.n, g.f, p, 0, g.k, g.k * p, {{g.k, 1, p}}};
    out3 = buildTiledGemm(b, loc, out3Type, w2, col, init3, gl, threads);
  } else {
    MLIRContext *ctx = b.getContext();
    auto map = [&](ArrayRef<unsigned> targets) {
      return AffineMap::getMultiDimMapWithTargets(4, targets, ctx);
    };
    using IT = utils::IteratorType;
    out3 = buildContraction(
        b, loc, w2, col, init3, {map({1, 2}), map({0, 2, 3}), map({0, 1, 3})},
        {IT::parallel, IT::parallel, IT::reduction, IT::parallel});
  }
  return tensor::ExpandShapeOp::create(
      b, loc, op.getType(), out3,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

/// `v` with its axis `axis` split into [groups, extent / groups].
static Value splitChannels(OpBuilder &b, Location loc, Value v, int64_t axis,
                           int64_t groups) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  SmallVector<ReassociationIndices> reassoc;
  SmallVector<OpFoldResult> outShape;
  for (int64_t d = 0, r = 0; d < t.getRank(); ++d) {
    if (d == axis) {
      shape.push_back(groups);
      shape.push_back(t.getDimSize(d) / groups);
      reassoc.push_back({r, r + 1});
      r += 2;
    } else {
      shape.push_back(t.getDimSize(d));
      reassoc.push_back({r++});
    }
  }
  for (int64_t d = 0; d < t.getRank(); ++d) {
    if (d == axis) {
      outShape.push_back(b.getIndexAttr(groups));
      outShape.push_back(b.getIndexAttr(t.getDimSize(d) / groups));
    } else if (t.isDynamicDim(d)) {
      outShape.push_back(tensor::DimOp::create(b, loc, v, d).getResult());
    } else {
      outShape.push_back(b.getIndexAttr(t.getDimSize(d)));
    }
  }
  auto nt = RankedTensorType::get(shape, t.getElementType());
  return tensor::ExpandShapeOp::create(b, loc, nt, v, reassoc, outShape)
      .getResult();
}

namespace {
struct Conv2dLowering : ConvConversionPattern<Conv2dOp> {
  using ConvConversionPattern::ConvConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value w = adaptor.getWeight();
    Value x = padConvInput(rewriter, loc, op, adaptor.getInput());
    auto xType = cast<RankedTensorType>(x.getType());
    Type elt = type.getElementType();
    Value init =
        biasInit(rewriter, loc, type, adaptor.getBias(), 1, adaptor.getInput());
    auto g = static_cast<int64_t>(op.getGroups());
    bool useIm2col = g == 1 && im2col && xType.hasStaticShape();
    bool blocked = op->hasAttr(kPoolBlockedAttr);
    if (blocked && !useIm2col)
      return rewriter.notifyMatchFailure(op, "blocked pixels need im2col");
    if (useIm2col) {
      // Reading the input directly is worth it where the im2col matrix (K
      // rows per pixel) outweighs the extra pass that compacts the output
      // (F rows per pixel, read and written): C1's second conv (K 288, F
      // 64), not its first (K 9).
      ArrayRef<int64_t> st = op.getStrides();
      ConvGeometry geom(op, x, w);
      if (elt.isF32() && st[0] == 1 && st[1] == 1 && geom.k > 2 * geom.f)
        rewriter.replaceOp(op, directConv(rewriter, loc, op, geom, x, w,
                                          adaptor.getBias(), adaptor.getInput(),
                                          blocked, threads));
      else
        rewriter.replaceOp(op, im2colConv(rewriter, loc, op, geom, x, w, init,
                                          blocked, threads));
      return success();
    }
    auto strides = rewriter.getI64TensorAttr(op.getStrides());
    auto dilations = rewriter.getI64TensorAttr(op.getDilation());
    if (g == 1) {
      auto conv = linalg::Conv2DNchwFchwOp::create(
          rewriter, loc, TypeRange{type}, ValueRange{x, w}, ValueRange{init},
          strides, dilations);
      rewriter.replaceOp(op, conv.getResult(0));
      return success();
    }
    // Grouped (and depthwise) convolution: split the channel axes into
    // [groups, channels per group] and use the grouped named op.
    Value xg = splitChannels(rewriter, loc, x, 1, g);
    Value wg = splitChannels(rewriter, loc, w, 0, g);
    Value initG = splitChannels(rewriter, loc, init, 1, g);
    auto conv = linalg::Conv2DNgchwGfchwOp::create(
        rewriter, loc, TypeRange{initG.getType()}, ValueRange{xg, wg},
        ValueRange{initG}, strides, dilations);
    SmallVector<ReassociationIndices> merge = {{0}, {1, 2}, {3}, {4}};
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, type, conv.getResult(0), merge);
    return success();
  }
};

struct BatchNormLowering : OpConversionPattern<BatchNormOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getResult().getType();
    Value x = adaptor.getInput();
    int64_t rank = type.getRank();
    Type elt = type.getElementType();
    Value eps = floatConst(rewriter, loc, elt, op.getEps().convertToDouble());
    auto chanType = cast<RankedTensorType>(adaptor.getRunningMean().getType());

    Value mean = adaptor.getRunningMean();
    Value var = adaptor.getRunningVar();
    Value newMean = mean, newVar = var;
    if (op.getTraining()) {
      // Batch statistics in f64, then rounded once to the element type.
      BatchStats stats = computeBatchStats(rewriter, loc, x);
      mean = stats.mean;
      var = stats.var;
      Value count = stats.count64, squares = stats.squares64;
      Type f64 = rewriter.getF64Type();
      double m = op.getMomentum().convertToDouble();
      Value mom = floatConst(rewriter, loc, elt, m);
      Value keep = floatConst(rewriter, loc, elt, 1.0 - m);
      newMean = buildElementwise(
          rewriter, loc, chanType, {adaptor.getRunningMean(), mean}, {},
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value r = arith::MulFOp::create(b, l, keep, a[0]);
            Value s = arith::MulFOp::create(b, l, mom, a[1]);
            return Value(arith::AddFOp::create(b, l, r, s));
          });
      // The running variance uses the unbiased batch variance (PyTorch).
      newVar = buildElementwise(
          rewriter, loc, chanType, {adaptor.getRunningVar(), squares}, {},
          [&](OpBuilder &b, Location l, ValueRange a) {
            Value one = floatConst(b, l, f64, 1.0);
            Value nm1 = arith::SubFOp::create(b, l, count, one);
            Value unbiased =
                castFloat(b, l, arith::DivFOp::create(b, l, a[1], nm1), elt);
            Value r = arith::MulFOp::create(b, l, keep, a[0]);
            Value s = arith::MulFOp::create(b, l, mom, unbiased);
            return Value(arith::AddFOp::create(b, l, r, s));
          });
    }

    // y = (x - mean) * (1 / sqrt(var + eps)) * gamma + beta, per channel.
    MLIRContext *ctx = rewriter.getContext();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap chan = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    SmallVector<AffineMap> maps = {id, chan, chan, chan, chan, id};
    SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
    Value init = emptyTensor(rewriter, loc, type, x);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{x, mean, var, adaptor.getWeight(), adaptor.getBias()},
        ValueRange{init}, maps, iters,
        [&](OpBuilder &b, Location l, ValueRange a) {
          Value centered = arith::SubFOp::create(b, l, a[0], a[1]);
          Value ve = arith::AddFOp::create(b, l, a[2], eps);
          Value invstd = math::RsqrtOp::create(b, l, ve);
          Value n = arith::MulFOp::create(b, l, centered, invstd);
          Value s = arith::MulFOp::create(b, l, n, a[3]);
          linalg::YieldOp::create(b, l,
                                  Value(arith::AddFOp::create(b, l, s, a[4])));
        });
    rewriter.replaceOp(op, {generic.getResult(0), newMean, newVar});
    return success();
  }
};
} // namespace

void lowering::populateLayerPatterns(RewritePatternSet &patterns, bool im2col,
                                     int64_t threads) {
  patterns.add<BatchNormLowering>(patterns.getContext());
  patterns.add<LinearLowering>(patterns.getContext(), threads);
  patterns.add<Conv2dLowering>(patterns.getContext(), im2col, threads);
}

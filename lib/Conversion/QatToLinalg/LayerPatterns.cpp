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
struct LinearLowering : OpConversionPattern<LinearOp> {
  using OpConversionPattern::OpConversionPattern;
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
                                initT, g);
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
      rewriter.replaceOp(op, buildTiledGemm(rewriter, loc, type,
                                            adaptor.getInput(), wt, init, g));
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
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{adaptor.getInput(), wt},
        ValueRange{init}, maps, iters,
        [](OpBuilder &b, Location l, ValueRange args) {
          Value p = arith::MulFOp::create(b, l, args[0], args[1]);
          linalg::YieldOp::create(b, l,
                                  Value(arith::AddFOp::create(b, l, args[2], p)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct Conv2dLowering : OpConversionPattern<Conv2dOp> {
  Conv2dLowering(MLIRContext *ctx, bool im2col)
      : OpConversionPattern(ctx), im2col(im2col) {}
  bool im2col;
  LogicalResult
  matchAndRewrite(Conv2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value x = adaptor.getInput();
    Value w = adaptor.getWeight();
    auto xType = cast<RankedTensorType>(x.getType());
    auto wType = cast<RankedTensorType>(w.getType());
    Type elt = type.getElementType();

    SmallVector<int64_t, 4> pads = op.getPads();
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; })) {
      SmallVector<int64_t> lo = {0, 0, pads[0], pads[1]};
      SmallVector<int64_t> hi = {0, 0, pads[2], pads[3]};
      SmallVector<int64_t> shape(xType.getShape());
      for (int i = 0; i < 2; ++i)
        if (!ShapedType::isDynamic(shape[2 + i]))
          shape[2 + i] += pads[i] + pads[i + 2];
      auto padType = RankedTensorType::get(shape, elt);
      x = padConstant(rewriter, loc, padType, x, lo, hi,
                      floatConst(rewriter, loc, elt, 0.0));
      xType = padType;
    }

    Value init = biasInit(rewriter, loc, type, adaptor.getBias(), 1,
                          adaptor.getInput());
    auto strides = rewriter.getI64TensorAttr(op.getStrides());
    auto dilations = rewriter.getI64TensorAttr(op.getDilation());
    auto g = static_cast<int64_t>(op.getGroups());
    if (op->hasAttr(kPoolBlockedAttr) &&
        !(g == 1 && im2col && xType.hasStaticShape()))
      return rewriter.notifyMatchFailure(op, "blocked pixels need im2col");
    if (g == 1 && im2col && xType.hasStaticShape()) {
      // out[n, f, p] = sum_k w[f, k] * col[n, k, p], loops (n, f, k, p):
      // the innermost loop is contiguous in out and col.
      MLIRContext *ctx = rewriter.getContext();
      int64_t n = xType.getDimSize(0), o = wType.getDimSize(0);
      int64_t k = wType.getDimSize(1) * wType.getDimSize(2) * wType.getDimSize(3);
      int64_t oh = type.getDimSize(2), ow = type.getDimSize(3);
      ArrayRef<int64_t> st = op.getStrides();
      // Worth it where the im2col matrix (K rows per pixel) outweighs the
      // extra pass that compacts the output (F rows per pixel, read and
      // written): C1's second conv (K 288, F 64), not its first (K 9).
      bool blocked = op->hasAttr(kPoolBlockedAttr);
      if (elt.isF32() && st[0] == 1 && st[1] == 1 && k > 2 * o) {
        // Stride 1: the GEMM reads the input itself (no im2col). Output
        // pixel (y, x) is column p = y * W + x of a [N, F, (OH - 1) * W +
        // OW] result, whose term (c, i, j) is x[n, c] at p + i * dH * W +
        // j * dW: affine in p, so a row of B is a contiguous run of the
        // input. The columns x >= OW between rows are computed and dropped
        // (W / OW more work), instead of writing and reading a K times
        // larger im2col matrix. The terms keep im2col's (c, i, j) order.
        int64_t c = xType.getDimSize(1), h = xType.getDimSize(2),
                wd = xType.getDimSize(3);
        int64_t kh = wType.getDimSize(2), kw = wType.getDimSize(3);
        ArrayRef<int64_t> dil = op.getDilation();
        int64_t cols = (oh - 1) * wd + ow;
        GemmLayout gl{n,
                      o,
                      cols,
                      0,
                      k,
                      c * h * wd,
                      {{c, kh * kw, h * wd}, {kh, kw, dil[0] * wd}, {kw, 1, dil[1]}}};
        auto wideType = RankedTensorType::get({n, o, cols}, elt);
        Value wideInit = biasInit(rewriter, loc, wideType, adaptor.getBias(),
                                  1, adaptor.getInput());
        Value w2 = tensor::CollapseShapeOp::create(
            rewriter, loc, w,
            SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
        Value wide = buildTiledGemm(rewriter, loc, wideType, w2, x, wideInit, gl);
        // Output pixels of one piece of the pixel order, [N, F, piece].
        auto compact = [&](const PixelPiece &piece) -> Value {
          SmallVector<int64_t> shape = {n, o};
          llvm::append_range(shape, piece.shape());
          int64_t rank = shape.size();
          SmallVector<AffineExpr> e(rank);
          bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
          auto [y, xx] = piece.position(ArrayRef<AffineExpr>(e).drop_front(2));
          auto partType = RankedTensorType::get(shape, elt);
          return linalg::GenericOp::create(
                     rewriter, loc, TypeRange{partType}, ValueRange{wide},
                     ValueRange{emptyTensor(rewriter, loc, partType,
                                            adaptor.getInput())},
                     SmallVector<AffineMap>{
                         AffineMap::get(rank, 0, {e[0], e[1], y * wd + xx},
                                        ctx),
                         AffineMap::getMultiDimIdentityMap(rank, ctx)},
                     SmallVector<utils::IteratorType>(
                         rank, utils::IteratorType::parallel),
                     [](OpBuilder &b, Location l, ValueRange a) {
                       linalg::YieldOp::create(b, l, a[0]);
                     })
              .getResult(0);
        };
        if (!blocked) {
          rewriter.replaceOp(op, compact({false, 0, 0, oh, ow}));
          return success();
        }
        SmallVector<Value> parts;
        for (const PixelPiece &piece : blockedPixelPieces(oh, ow)) {
          Value part = compact(piece);
          int64_t rank = cast<RankedTensorType>(part.getType()).getRank();
          parts.push_back(tensor::CollapseShapeOp::create(
              rewriter, loc, part,
              SmallVector<ReassociationIndices>{
                  {0}, {1}, llvm::to_vector(llvm::seq<int64_t>(2, rank))}));
        }
        rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
            op, type, joinPixelPieces(rewriter, loc, parts, 2),
            SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
        return success();
      }
      Value col = buildIm2col(rewriter, loc, x,
                              {wType.getDimSize(2), wType.getDimSize(3)},
                              op.getStrides(), op.getDilation(), {oh, ow},
                              blocked);
      Value w2 = tensor::CollapseShapeOp::create(
          rewriter, loc, w, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      Value init3 = tensor::CollapseShapeOp::create(
          rewriter, loc, init,
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      AffineExpr d0, d1, d2, d3;
      bindDims(ctx, d0, d1, d2, d3);
      auto map = [&](ArrayRef<AffineExpr> r) {
        return AffineMap::get(4, 0, r, ctx);
      };
      auto out3Type = RankedTensorType::get({n, o, oh * ow}, elt);
      if (elt.isF32()) {
        int64_t p = oh * ow;
        GemmLayout gl{n, o, p, 0, k, k * p, {{k, 1, p}}};
        Value out3 =
            buildTiledGemm(rewriter, loc, out3Type, w2, col, init3, gl);
        rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
            op, type, out3,
            SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
        return success();
      }
      Value out3 =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{out3Type}, ValueRange{w2, col},
              ValueRange{init3},
              SmallVector<AffineMap>{map({d1, d2}), map({d0, d2, d3}),
                                     map({d0, d1, d3})},
              SmallVector<utils::IteratorType>{
                  utils::IteratorType::parallel, utils::IteratorType::parallel,
                  utils::IteratorType::reduction, utils::IteratorType::parallel},
              [](OpBuilder &b, Location l, ValueRange a) {
                Value p = arith::MulFOp::create(b, l, a[0], a[1]);
                linalg::YieldOp::create(
                    b, l, Value(arith::AddFOp::create(b, l, a[2], p)));
              })
              .getResult(0);
      (void)k;
      rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
          op, type, out3, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      return success();
    }
    if (g == 1) {
      auto conv = linalg::Conv2DNchwFchwOp::create(
          rewriter, loc, TypeRange{type}, ValueRange{x, w}, ValueRange{init},
          strides, dilations);
      rewriter.replaceOp(op, conv.getResult(0));
      return success();
    }

    // Grouped (and depthwise) convolution: split the channel axes into
    // [groups, channels per group] and use the grouped named op.
    auto split = [&](Value v, int64_t axis, int64_t groups) {
      auto t = cast<RankedTensorType>(v.getType());
      SmallVector<int64_t> shape;
      SmallVector<ReassociationIndices> reassoc;
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
      auto nt = RankedTensorType::get(shape, elt);
      SmallVector<OpFoldResult> outShape;
      for (int64_t d = 0, r = 0; d < t.getRank(); ++d) {
        if (d == axis) {
          outShape.push_back(rewriter.getIndexAttr(groups));
          outShape.push_back(rewriter.getIndexAttr(t.getDimSize(d) / groups));
        } else if (t.isDynamicDim(d)) {
          outShape.push_back(
              tensor::DimOp::create(rewriter, loc, v, d).getResult());
        } else {
          outShape.push_back(rewriter.getIndexAttr(t.getDimSize(d)));
        }
        (void)r;
      }
      return tensor::ExpandShapeOp::create(rewriter, loc, nt, v, reassoc,
                                           outShape)
          .getResult();
    };
    (void)wType;
    Value xg = split(x, 1, g);
    Value wg = split(w, 0, g);
    Value initG = split(init, 1, g);
    auto conv = linalg::Conv2DNgchwGfchwOp::create(
        rewriter, loc, TypeRange{initG.getType()}, ValueRange{xg, wg},
        ValueRange{initG}, strides, dilations);
    SmallVector<ReassociationIndices> merge = {{0}, {1, 2}, {3}, {4}};
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(op, type,
                                                         conv.getResult(0),
                                                         merge);
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

void lowering::populateLayerPatterns(RewritePatternSet &patterns,
                                     bool im2col) {
  patterns.add<LinearLowering, BatchNormLowering>(patterns.getContext());
  patterns.add<Conv2dLowering>(patterns.getContext(), im2col);
}

//===- TrainPatterns.cpp - backward and optimizer ops to linalg -----------===//
//
// Each backward op follows PyTorch's autograd formula for its forward op.
// Gradients that scatter (conv input, pools) are written as gathers: every
// input element sums the output gradients of the windows that read it.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

using IT = utils::IteratorType;

static Value addf(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddFOp::create(b, l, x, y);
}
static Value mulf(OpBuilder &b, Location l, Value x, Value y) {
  return arith::MulFOp::create(b, l, x, y);
}
static Value subf(OpBuilder &b, Location l, Value x, Value y) {
  return arith::SubFOp::create(b, l, x, y);
}

/// Sum of `v` over `axes` into a filled tensor of `type`. The order of the
/// terms is free (`reassoc`): a gradient sum has no order to keep, and LLVM
/// vectorizes the reduction only with that flag.
static Value sumOver(OpBuilder &b, Location loc, Value v,
                     ArrayRef<int64_t> axes, RankedTensorType type) {
  return buildReduction(b, loc, v, axes, filledTensor(b, loc, type, v, 0.0),
                        [](OpBuilder &nb, Location l, Value e, Value acc) {
                          return Value(arith::AddFOp::create(
                              nb, l, acc, e, arith::FastMathFlags::reassoc));
                        });
}

/// Generic contraction: out = sum over the reduction dims of a * b.
static Value contract(OpBuilder &b, Location loc, RankedTensorType outType,
                      Value lhs, Value rhs, ArrayRef<AffineMap> maps,
                      ArrayRef<IT> iters) {
  Value init = filledTensor(b, loc, outType, {}, 0.0);
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{lhs, rhs}, ValueRange{init},
             maps, iters,
             [](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(
                   nb, l, addf(nb, l, a[2], mulf(nb, l, a[0], a[1])));
             })
      .getResult(0);
}

/// For an input position `p` (in padded coordinates) and a window offset
/// `k`, the output position `o` with `o * stride + k * dilation == p`, and
/// whether it exists in [0, outSize).
static std::pair<Value, Value> windowSource(OpBuilder &b, Location l, Value p,
                                            Value k, int64_t stride,
                                            int64_t dilation, int64_t outSize) {
  Value t = arith::SubIOp::create(b, l, p,
                                  arith::MulIOp::create(b, l, k, idx(b, l, dilation)));
  Value zero = idx(b, l, 0);
  Value s = idx(b, l, stride);
  Value nonneg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, t, zero);
  Value tc = arith::SelectOp::create(b, l, nonneg, t, zero);
  Value rem = arith::RemUIOp::create(b, l, tc, s);
  Value o = arith::DivUIOp::create(b, l, tc, s);
  Value divisible =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, rem, zero);
  Value inRange = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, o,
                                        idx(b, l, outSize));
  Value valid = arith::AndIOp::create(
      b, l, nonneg, arith::AndIOp::create(b, l, divisible, inRange));
  Value safe = arith::SelectOp::create(b, l, valid, o, zero);
  return {safe, valid};
}

/// Window index of a gather: the batch and channel of the input element,
/// the window offset (ky, kx) and the source output position (sy, sx).
struct WindowIndex {
  Value n, c, ky, kx, sy, sx;
};

/// out[n, c, y, x] = sum over the window offsets (ky, kx) of `term` for the
/// output position (sy, sx) whose window reads input (y + padLo[0],
/// x + padLo[1]) at that offset (0 where there is none): the gather form of
/// a scatter from a windowed op's outputs back to its input.
static Value buildWindowGather(
    OpBuilder &b, Location loc, RankedTensorType outType,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> dilation, ArrayRef<int64_t> padLo,
    ArrayRef<int64_t> outHW,
    function_ref<Value(OpBuilder &, Location, const WindowIndex &)> term) {
  MLIRContext *ctx = b.getContext();
  Type elt = outType.getElementType();
  SmallVector<AffineExpr> e(6);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  auto map6 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(6, 0, r, ctx); };
  // A shape-only operand gives the window loops their bounds.
  Value window = tensor::EmptyOp::create(b, loc, kernel, elt);
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{window},
             ValueRange{filledTensor(b, loc, outType, {}, 0.0)},
             SmallVector<AffineMap>{map6({e[4], e[5]}),
                                    map6({e[0], e[1], e[2], e[3]})},
             SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel,
                             IT::parallel, IT::reduction, IT::reduction},
             [&](OpBuilder &nb, Location l, ValueRange v) {
               auto index = [&](int64_t d) {
                 return linalg::IndexOp::create(nb, l, d).getResult();
               };
               Value py = arith::AddIOp::create(nb, l, index(2), idx(nb, l, padLo[0]));
               Value px = arith::AddIOp::create(nb, l, index(3), idx(nb, l, padLo[1]));
               WindowIndex w{index(0), index(1), index(4), index(5), {}, {}};
               auto [sy, vy] = windowSource(nb, l, py, w.ky, strides[0],
                                            dilation[0], outHW[0]);
               auto [sx, vx] = windowSource(nb, l, px, w.kx, strides[1],
                                            dilation[1], outHW[1]);
               w.sy = sy;
               w.sx = sx;
               Value valid = arith::AndIOp::create(nb, l, vy, vx);
               Value contrib = arith::SelectOp::create(
                   nb, l, valid, term(nb, l, w), floatConst(nb, l, elt, 0.0));
               linalg::YieldOp::create(nb, l, addf(nb, l, v[1], contrib));
             })
      .getResult(0);
}

namespace {
struct LinearGradLowering : OpConversionPattern<LinearGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LinearGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr d0, d1, d2;
    bindDims(ctx, d0, d1, d2);
    auto m = [&](ArrayRef<AffineExpr> e) { return AffineMap::get(3, 0, e, ctx); };
    auto xType = cast<RankedTensorType>(a.getInput().getType());
    auto dyType = cast<RankedTensorType>(a.getGrad().getType());
    if (xType.hasStaticShape() && xType.getElementType().isF32()) {
      int64_t n = xType.getDimSize(0), in = xType.getDimSize(1);
      int64_t out = dyType.getDimSize(1);
      // dx[n, i] = sum_o dy[n, o] * w[o, i]
      Value dx = buildTiledGemm(
          rewriter, loc, op.getInputGrad().getType(), a.getGrad(),
          a.getWeight(),
          filledTensor(rewriter, loc, op.getInputGrad().getType(), {}, 0.0),
          GemmLayout{1, n, in, 0, out, 0, {{out, 1, in}}});
      // dw[o, i] = sum_n dy[n, o] * x[n, i]
      Value dw = buildTiledGemm(
          rewriter, loc, op.getWeightGrad().getType(), a.getGrad(),
          a.getInput(),
          filledTensor(rewriter, loc, op.getWeightGrad().getType(), {}, 0.0),
          GemmLayout{1, out, in, 0, 1, 0, {{n, out, in}}});
      Value db =
          sumOver(rewriter, loc, a.getGrad(), {0}, op.getBiasGrad().getType());
      rewriter.replaceOp(op, {dx, dw, db});
      return success();
    }
    // Loops ordered (outer, reduction, contiguous): the innermost loop runs
    // over contiguous rows with no loop-carried dependence (vectorizable).
    SmallVector<IT> prp = {IT::parallel, IT::reduction, IT::parallel};
    // dx[n, i] = sum_o dy[n, o] * w[o, i]; dims (n, o, i)
    Value dx = contract(rewriter, loc, op.getInputGrad().getType(), a.getGrad(),
                        a.getWeight(), {m({d0, d1}), m({d1, d2}), m({d0, d2})},
                        prp);
    // dw[o, i] = sum_n dy[n, o] * x[n, i]; dims (o, n, i)
    Value dw = contract(rewriter, loc, op.getWeightGrad().getType(),
                        a.getGrad(), a.getInput(),
                        {m({d1, d0}), m({d1, d2}), m({d0, d2})}, prp);
    Value db = sumOver(rewriter, loc, a.getGrad(), {0}, op.getBiasGrad().getType());
    rewriter.replaceOp(op, {dx, dw, db});
    return success();
  }
};

/// [N, F, OH * OW] in blocked pixel order (kPoolBlockedAttr) to standard
/// order: each piece of the blocked order is copied into its rectangle of
/// the [N, F, OH, OW] result.
static Value unblockPixels(OpBuilder &b, Location loc, Value x3, int64_t oh,
                           int64_t ow) {
  MLIRContext *ctx = b.getContext();
  auto t = cast<RankedTensorType>(x3.getType());
  int64_t n = t.getDimSize(0), f = t.getDimSize(1);
  Type elt = t.getElementType();
  Value out = tensor::EmptyOp::create(b, loc, {n, f, oh, ow}, elt);
  int64_t offset = 0;
  for (const PixelPiece &piece : blockedPixelPieces(oh, ow)) {
    Value src = tensor::ExtractSliceOp::create(
        b, loc, x3, getAsIndexOpFoldResult(ctx, {0, 0, offset}),
        getAsIndexOpFoldResult(ctx, {n, f, piece.count()}),
        getAsIndexOpFoldResult(ctx, {1, 1, 1}));
    offset += piece.count();
    SmallVector<int64_t> srcShape = {n, f};
    llvm::append_range(srcShape, piece.shape());
    int64_t rank = srcShape.size();
    src = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(srcShape, elt), src,
        SmallVector<ReassociationIndices>{
            {0}, {1}, llvm::to_vector_of<int64_t>(llvm::seq<int64_t>(2, rank))});
    // Loops over the destination rectangle: (n, f, y, x), or for the
    // planes (n, f, qy, py, qx, px) with y = 2 * qy + py.
    SmallVector<AffineExpr> e(rank);
    bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
    int64_t rows = piece.planes ? 2 * piece.rows : piece.rows;
    int64_t cols = piece.planes ? 2 * piece.cols : piece.cols;
    SmallVector<int64_t> dstShape = {n, f, rows, cols};
    AffineMap read = AffineMap::getMultiDimIdentityMap(rank, ctx);
    if (piece.planes) {
      dstShape = {n, f, piece.rows, 2, piece.cols, 2};
      read = AffineMap::get(rank, 0, {e[0], e[1], e[3], e[5], e[2], e[4]},
                            ctx);
    }
    Value part =
        linalg::GenericOp::create(
            b, loc, TypeRange{RankedTensorType::get(dstShape, elt)},
            ValueRange{src},
            ValueRange{tensor::EmptyOp::create(b, loc, dstShape, elt)},
            SmallVector<AffineMap>{read,
                                   AffineMap::getMultiDimIdentityMap(rank, ctx)},
            SmallVector<IT>(rank, IT::parallel),
            [](OpBuilder &nb, Location l, ValueRange v) {
              linalg::YieldOp::create(nb, l, v[0]);
            })
            .getResult(0);
    if (piece.planes)
      part = tensor::CollapseShapeOp::create(
          b, loc, part,
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}, {4, 5}});
    out = tensor::InsertSliceOp::create(
        b, loc, part, out,
        getAsIndexOpFoldResult(ctx, {0, 0, piece.h0, piece.w0}),
        getAsIndexOpFoldResult(ctx, {n, f, rows, cols}),
        getAsIndexOpFoldResult(ctx, {1, 1, 1, 1}));
  }
  return tensor::CollapseShapeOp::create(
      b, loc, out, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
}

struct Conv2dGradLowering : OpConversionPattern<Conv2dGradOp> {
  Conv2dGradLowering(MLIRContext *ctx, bool im2col)
      : OpConversionPattern(ctx), im2col(im2col) {}
  bool im2col;
  LogicalResult
  matchAndRewrite(Conv2dGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto dyType = cast<RankedTensorType>(op.getGrad().getType());
    if (!xType.hasStaticShape() || !dyType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Type elt = xType.getElementType();
    SmallVector<int64_t, 4> pads = normalizePads(op.getPadding());
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilation();
    int64_t groups = static_cast<int64_t>(op.getGroups());
    int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
    int64_t h = xType.getDimSize(2), w = xType.getDimSize(3);
    int64_t o = wType.getDimSize(0), kh = wType.getDimSize(2),
            kw = wType.getDimSize(3);
    int64_t cg = c / groups, og = o / groups;
    int64_t oh = dyType.getDimSize(2), ow = dyType.getDimSize(3);
    int64_t hp = h + pads[0] + pads[2], wp = w + pads[1] + pads[3];

    Value db = sumOver(rewriter, loc, a.getGrad(), {0, 2, 3},
                       op.getBiasGrad().getType());

    // dw[o, c, kh, kw] = sum_{n, oh, ow} dy[n, o, oh, ow] *
    //     xpad[n, (o / og) * cg + c, oh * s + kh * d, ow * s + kw * d]
    Value xpad = a.getInput();
    if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
      xpad = padConstant(rewriter, loc,
                         RankedTensorType::get({n, c, hp, wp}, elt), xpad,
                         {0, 0, pads[0], pads[1]}, {0, 0, pads[2], pads[3]},
                         floatConst(rewriter, loc, elt, 0.0));
    bool blocked = op->hasAttr(kPoolBlockedAttr);
    if (blocked && !(groups == 1 && im2col))
      return rewriter.notifyMatchFailure(op, "blocked pixels need im2col");
    if (groups == 1 && im2col) {
      // GEMMs on the im2col matrix, each with a contiguous innermost loop:
      //   dW[f, k] = sum_{n, p} dy[n, f, p] * colT[n, p, k]   (f, n, p, k)
      //     (f32 with F < K: straight from the input, below)
      //   dcol[n, k, p] = sum_f w[f, k] * dy[n, f, p]          (n, k, f, p)
      // then col2im as a gather over the windows reading each input.
      int64_t kk = c * kh * kw, p = oh * ow;
      Value dy3 = tensor::CollapseShapeOp::create(
          rewriter, loc, a.getGrad(),
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      Value w2 = tensor::CollapseShapeOp::create(
          rewriter, loc, a.getWeight(),
          SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      // Blocked dy goes back to standard order (one copy of dy) where its
      // consumers would otherwise read or write something larger in
      // blocked order: with F < K, the weight gradient's GEMM reads the
      // input in standard order (f32), and dcol outweighs dy for col2im.
      if (blocked && o < kk) {
        dy3 = unblockPixels(rewriter, loc, dy3, oh, ow);
        blocked = false;
      }
      AffineExpr d0, d1, d2, d3;
      bindDims(ctx, d0, d1, d2, d3);
      auto m4 = [&](ArrayRef<AffineExpr> r) { return AffineMap::get(4, 0, r, ctx); };
      auto dw2Type = RankedTensorType::get({o, kk}, elt);
      auto dcolType = RankedTensorType::get({n, kk, p}, elt);
      Value dw2, dcol;
      if (elt.isF32() && o < kk) {
        // dW[f, c, i, j] = sum_{n, y, x} xpad[n, c, y * s + i * d, x * s +
        // j * d] * dyT[n, y * OW + x, f]: for each kernel row i, one GEMM
        // batched over the kernel column j, rows c, columns f, reading A
        // straight from the input (a row of channel c is H * W floats from
        // the next) instead of from an im2col matrix K / F times the size
        // of dy; the transposed dy keeps B's rows contiguous. The terms
        // keep the (n, y, x) order of the im2col form.
        int64_t hw = hp * wp;
        Value dyT = buildTranspose(rewriter, loc, dy3, {0, 2, 1});
        Value xflat = tensor::CollapseShapeOp::create(
            rewriter, loc, xpad,
            SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
        auto partType = RankedTensorType::get({kw, c, o}, elt);
        auto allType = RankedTensorType::get({kh, kw, c, o}, elt);
        Value all = tensor::EmptyOp::create(rewriter, loc, allType.getShape(),
                                            elt);
        for (int64_t i = 0; i < kh; ++i) {
          int64_t off = i * d[0] * wp;
          Value xi = tensor::ExtractSliceOp::create(
              rewriter, loc, xflat, getAsIndexOpFoldResult(ctx, {off}),
              getAsIndexOpFoldResult(ctx, {n * c * hw - off}),
              getAsIndexOpFoldResult(ctx, {1}));
          Value part = buildTiledGemm(
              rewriter, loc, partType, xi, dyT,
              filledTensor(rewriter, loc, partType, {}, 0.0),
              GemmLayout{kw, c, o, d[1], hw, 0,
                         {{n, c * hw, p * o},
                          {oh, s[0] * wp, ow * o},
                          {ow, s[1], o}}});
          all = tensor::InsertSliceOp::create(
              rewriter, loc, part, all, getAsIndexOpFoldResult(ctx, {i, 0, 0, 0}),
              getAsIndexOpFoldResult(ctx, {1, kw, c, o}),
              getAsIndexOpFoldResult(ctx, {1, 1, 1, 1}));
        }
        // [kh, kw, c, f] -> [f, c, kh, kw] -> [f, c * kh * kw].
        dw2 = tensor::CollapseShapeOp::create(
            rewriter, loc, buildTranspose(rewriter, loc, all, {3, 2, 0, 1}),
            SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      } else {
        Value colT =
            buildIm2colRows(rewriter, loc, xpad, {kh, kw}, s, d, {oh, ow},
                            blocked);
        dw2 = elt.isF32()
                  ? buildTiledGemm(rewriter, loc, dw2Type, dy3, colT,
                                   filledTensor(rewriter, loc, dw2Type, {}, 0.0),
                                   GemmLayout{1, o, kk, 0, p, 0,
                                              {{n, o * p, p * kk}, {p, 1, kk}}})
                  : contract(rewriter, loc, dw2Type, dy3, colT,
                             {m4({d1, d0, d2}), m4({d1, d2, d3}), m4({d0, d3})},
                             {IT::parallel, IT::reduction, IT::reduction,
                              IT::parallel});
      }
      dcol = elt.isF32()
                 ? buildTiledGemm(rewriter, loc, dcolType, w2, dy3,
                                  filledTensor(rewriter, loc, dcolType, {}, 0.0),
                                  GemmLayout{n, kk, p, 0, 1, o * p, {{o, kk, p}}})
                 : contract(rewriter, loc, dcolType, w2, dy3,
                            {m4({d2, d1}), m4({d0, d2, d3}), m4({d0, d1, d3})},
                            {IT::parallel, IT::parallel, IT::reduction,
                             IT::parallel});
      Value dw = tensor::ExpandShapeOp::create(
          rewriter, loc, op.getWeightGrad().getType(), dw2,
          SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
      // dxpad[n, c, oy * s + kh * d, ox * s + kw * d] += dcol6[n, c, kh, kw,
      // oy, ox], as a scatter: loops (n, c, kh, kw, oy, ox), the kernel
      // offsets reductions outside the pixel loops, so the innermost loop
      // adds a contiguous row of dcol into a row of dx (the gather form
      // needs a masked gather per element). Each element sums its terms in
      // (kh, kw) order, as the gather does; blocked pixels scatter piece by
      // piece (the planes: loops (py, px, qy, qx) of oy = 2 * qy + py), each
      // in that order.
      auto dxType = RankedTensorType::get({n, c, hp, wp}, elt);
      Value dx = filledTensor(rewriter, loc, dxType, {}, 0.0);
      SmallVector<PixelPiece, 3> pieces = {{false, 0, 0, oh, ow}};
      if (blocked)
        pieces = blockedPixelPieces(oh, ow);
      int64_t offset = 0;
      for (const PixelPiece &piece : pieces) {
        SmallVector<int64_t, 4> pixShape = piece.shape();
        int64_t rank = 4 + pixShape.size();
        Value part = dcol;
        if (pieces.size() > 1)
          part = tensor::ExtractSliceOp::create(
              rewriter, loc, dcol, getAsIndexOpFoldResult(ctx, {0, 0, offset}),
              getAsIndexOpFoldResult(ctx, {n, kk, piece.count()}),
              getAsIndexOpFoldResult(ctx, {1, 1, 1}));
        offset += piece.count();
        SmallVector<int64_t> partShape = {n, c, kh, kw};
        llvm::append_range(partShape, pixShape);
        ReassociationIndices pixAxes =
            llvm::to_vector_of<int64_t>(llvm::seq<int64_t>(4, rank));
        part = tensor::ExpandShapeOp::create(
            rewriter, loc, RankedTensorType::get(partShape, elt), part,
            SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, pixAxes});
        SmallVector<AffineExpr> e(rank);
        bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
        auto [oy, ox] = piece.position(ArrayRef<AffineExpr>(e).drop_front(4));
        SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                                 IT::reduction};
        iters.append(pixShape.size(), IT::parallel);
        dx = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{dxType}, ValueRange{part},
                 ValueRange{dx},
                 SmallVector<AffineMap>{
                     AffineMap::getMultiDimIdentityMap(rank, ctx),
                     AffineMap::get(rank, 0,
                                    {e[0], e[1], oy * s[0] + e[2] * d[0],
                                     ox * s[1] + e[3] * d[1]},
                                    ctx)},
                 iters,
                 [](OpBuilder &b, Location l, ValueRange v) {
                   linalg::YieldOp::create(b, l, addf(b, l, v[1], v[0]));
                 })
                 .getResult(0);
      }
      if (hp != h || wp != w)
        dx = tensor::ExtractSliceOp::create(
            rewriter, loc, xType, dx,
            getAsIndexOpFoldResult(ctx, {0, 0, pads[0], pads[1]}),
            getAsIndexOpFoldResult(ctx, {n, c, h, w}),
            getAsIndexOpFoldResult(ctx, {1, 1, 1, 1}));
      rewriter.replaceOp(op, {dx, dw, db});
      return success();
    }
    {
      SmallVector<AffineExpr> e(7);
      bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
      // dims: 0 o, 1 c, 2 kh, 3 kw, 4 n, 5 oh, 6 ow
      auto map = [&](ArrayRef<AffineExpr> r) {
        return AffineMap::get(7, 0, r, ctx);
      };
      AffineExpr chan = e[0].floorDiv(og) * cg + e[1];
      Value dw = contract(
          rewriter, loc, op.getWeightGrad().getType(), a.getGrad(), xpad,
          {map({e[4], e[0], e[5], e[6]}),
           map({e[4], chan, e[5] * s[0] + e[2] * d[0],
                e[6] * s[1] + e[3] * d[1]}),
           map({e[0], e[1], e[2], e[3]})},
          {IT::parallel, IT::parallel, IT::parallel, IT::parallel,
           IT::reduction, IT::reduction, IT::reduction});
      // dxpad[n, ch, y, x] = sum_{oo, kh, kw} dy[n, oc, oy, ox] *
      //     w[oc, ch % cg, kh, kw] with oc = (ch / cg) * og + oo and
      //     oy * s + kh * d == y (a gather over the windows reading y, x).
      auto dxpadType = RankedTensorType::get({n, c, hp, wp}, elt);
      Value init = filledTensor(rewriter, loc, dxpadType, {}, 0.0);
      SmallVector<AffineExpr> g(7);
      bindDimsList(ctx, MutableArrayRef<AffineExpr>(g));
      // dims: 0 n, 1 ch, 2 y, 3 x, 4 oo, 5 kh, 6 kw
      AffineMap wMap = map({g[1].floorDiv(cg) * og + g[4], g[1] % cg, g[5], g[6]});
      AffineMap outMap = map({g[0], g[1], g[2], g[3]});
      // A shape-only operand gives the loop over oo its bound (linalg
      // infers loop bounds from plain dims of the operands).
      Value groupSpan = tensor::EmptyOp::create(rewriter, loc,
                                                ArrayRef<int64_t>{og}, elt);
      Value dy = a.getGrad();
      auto gather = linalg::GenericOp::create(
          rewriter, loc, TypeRange{dxpadType},
          ValueRange{a.getWeight(), groupSpan}, ValueRange{init},
          SmallVector<AffineMap>{wMap, map({g[4]}), outMap},
          SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel,
                          IT::parallel, IT::reduction, IT::reduction,
                          IT::reduction},
          [&](OpBuilder &b, Location l, ValueRange args) {
            auto index = [&](int64_t dim) {
              return linalg::IndexOp::create(b, l, dim).getResult();
            };
            Value nn = index(0), ch = index(1), y = index(2), x = index(3);
            Value oo = index(4), ky = index(5), kx = index(6);
            auto [sy, vy] = windowSource(b, l, y, ky, s[0], d[0], oh);
            auto [sx, vx] = windowSource(b, l, x, kx, s[1], d[1], ow);
            Value oc = arith::AddIOp::create(
                b, l,
                arith::MulIOp::create(b, l,
                                      arith::DivUIOp::create(b, l, ch,
                                                             idx(b, l, cg)),
                                      idx(b, l, og)),
                oo);
            Value g = tensor::ExtractOp::create(b, l, dy,
                                                ValueRange{nn, oc, sy, sx});
            Value valid = arith::AndIOp::create(b, l, vy, vx);
            Value zero = floatConst(b, l, elt, 0.0);
            Value contrib = arith::SelectOp::create(
                b, l, valid, mulf(b, l, g, args[0]), zero);
            linalg::YieldOp::create(b, l, addf(b, l, args[2], contrib));
          });
      Value dx = gather.getResult(0);
      if (hp != h || wp != w)
        dx = tensor::ExtractSliceOp::create(
            rewriter, loc, xType, dx,
            getAsIndexOpFoldResult(ctx, {0, 0, pads[0], pads[1]}),
            getAsIndexOpFoldResult(ctx, {n, c, h, w}),
            getAsIndexOpFoldResult(ctx, {1, 1, 1, 1}));
      rewriter.replaceOp(op, {dx, dw, db});
    }
    (void)kh;
    (void)kw;
    return success();
  }
};

struct BatchNormGradLowering : OpConversionPattern<BatchNormGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(BatchNormGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    auto chanType = cast<RankedTensorType>(op.getWeight().getType());
    Type elt = type.getElementType();
    int64_t rank = type.getRank();
    Value x = a.getInput(), dy = a.getGrad();
    double eps = op.getEps().convertToDouble();
    SmallVector<int64_t> axes = {0};
    for (int64_t i = 2; i < rank; ++i)
      axes.push_back(i);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap chan = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
    SmallVector<IT> par(rank, IT::parallel);
    Value count = countAlong(rewriter, loc, x, axes, elt);
    // Sums in f64, as PyTorch's CPU kernels accumulate (acc_type<float> is
    // double); with mostly-constant image data float sums drift visibly.
    Type f64 = rewriter.getF64Type();
    int64_t channels = chanType.getDimSize(0);
    Value mean = a.getRunningMean(), var = a.getRunningVar();
    Value mean64;
    if (op.getTraining()) {
      BatchStats stats = computeBatchStats(rewriter, loc, x);
      mean64 = stats.mean64;
      mean = stats.mean;
      var = stats.var;
    } else {
      mean64 = buildElementwise(
          rewriter, loc, RankedTensorType::get({channels}, f64), {mean}, {},
          [&](OpBuilder &b, Location l, ValueRange v) {
            return castFloat(b, l, v[0], f64);
          });
    }
    Value invstd = buildElementwise(
        rewriter, loc, chanType, {var}, {},
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Value e = floatConst(b, l, elt, eps);
          Value one = floatConst(b, l, elt, 1.0);
          return arith::DivFOp::create(
              b, l, one, math::SqrtOp::create(b, l, addf(b, l, v[0], e)));
        });
    Value sumDy = buildElementwise(
        rewriter, loc, chanType,
        {channelSumF64(rewriter, loc, {dy}, {}, channels,
                       [&](OpBuilder &b, Location l, ValueRange f, ValueRange) {
                         return castFloat(b, l, f[0], f64);
                       })},
        {}, [&](OpBuilder &b, Location l, ValueRange v) {
          return castFloat(b, l, v[0], elt);
        });
    // dot = sum (x - mean) * dy
    Value dot = buildElementwise(
        rewriter, loc, chanType,
        {channelSumF64(rewriter, loc, {x, dy}, {mean64}, channels,
                       [&](OpBuilder &b, Location l, ValueRange f,
                           ValueRange c) -> Value {
                         return arith::MulFOp::create(
                             b, l,
                             arith::SubFOp::create(
                                 b, l, castFloat(b, l, f[0], f64), c[0]),
                             castFloat(b, l, f[1], f64));
                       })},
        {}, [&](OpBuilder &b, Location l, ValueRange v) {
          return castFloat(b, l, v[0], elt);
        });
    // dgamma = dot * invstd, dbeta = sum dy.
    Value dGamma = buildElementwise(rewriter, loc, chanType, {dot, invstd}, {},
                                    [](OpBuilder &b, Location l, ValueRange v) {
                                      return mulf(b, l, v[0], v[1]);
                                    });
    bool training = op.getTraining();
    // PyTorch (batch_norm_backward_cpu_template): with k = dot * invstd^2
    // / N, dx = (dy - (x - mean) * k - sum_dy / N) * invstd * gamma in
    // training, dx = dy * invstd * gamma otherwise.
    auto dxGen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{x, dy, mean, invstd, a.getWeight(), dot, sumDy},
        ValueRange{emptyTensor(rewriter, loc, type, x)},
        SmallVector<AffineMap>{id, id, chan, chan, chan, chan, chan, id}, par,
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value scale = mulf(b, l, v[3], v[4]);
          Value g = v[1];
          if (training) {
            Value k = arith::DivFOp::create(
                b, l, mulf(b, l, mulf(b, l, v[5], v[3]), v[3]), count);
            Value gradMean = arith::DivFOp::create(b, l, v[6], count);
            g = subf(b, l, subf(b, l, v[1], mulf(b, l, subf(b, l, v[0], v[2]), k)),
                     gradMean);
          }
          linalg::YieldOp::create(b, l, mulf(b, l, g, scale));
        });
    rewriter.replaceOp(op, {dxGen.getResult(0), dGamma, sumDy});
    return success();
  }
};

struct ClampGradLowering : OpConversionPattern<ClampGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ClampGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    double lo = op.getMin().convertToDouble(), hi = op.getMax().convertToDouble();
    bool inclusive = op.getInclusive();
    Value r = buildElementwise(
        rewriter, op.getLoc(), op.getType(), {a.getInput(), a.getGrad()},
        a.getInput(), [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          Type t = v[0].getType();
          auto pl = inclusive ? arith::CmpFPredicate::OGE : arith::CmpFPredicate::OGT;
          auto ph = inclusive ? arith::CmpFPredicate::OLE : arith::CmpFPredicate::OLT;
          Value in = arith::CmpFOp::create(b, l, pl, v[0], floatConst(b, l, t, lo));
          if (!std::isinf(hi))
            in = arith::AndIOp::create(
                b, l, in,
                arith::CmpFOp::create(b, l, ph, v[0], floatConst(b, l, t, hi)));
          return arith::SelectOp::create(b, l, in, v[1], floatConst(b, l, t, 0.0));
        });
    rewriter.replaceOp(op, r);
    return success();
  }
};

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
    Value sum = sumOver(rewriter, op.getLoc(), a.getInput(), axes, keptType);
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), sum, y));
    return success();
  }
};

struct MaxPoolGradLowering : OpConversionPattern<MaxPool2dGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2dGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    auto dyType = cast<RankedTensorType>(op.getGrad().getType());
    // The windows' argmax is built on static shapes (its inits have no
    // dynamic extents to read).
    if (!xType.hasStaticShape() || !dyType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Type elt = xType.getElementType();
    ArrayRef<int64_t> k = op.getKernelSize();
    SmallVector<int64_t, 2> s = op.getStridesOrDefault();
    ArrayRef<int64_t> dil = op.getDilation();
    SmallVector<int64_t, 4> pads = op.getPads();
    int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
    int64_t h = xType.getDimSize(2), w = xType.getDimSize(3);
    int64_t oh = dyType.getDimSize(2), ow = dyType.getDimSize(3);
    // Pad with -inf so that padding never wins.
    Value xpad = padForWindow(
        rewriter, loc, a.getInput(), {oh, ow}, k, s, pads, dil,
        floatConst(rewriter, loc, elt, -std::numeric_limits<double>::infinity()));

    // argmax (first maximum, row-major in the window) of every window.
    bool blocked = op->hasAttr(kPoolBlockedAttr);
    Value argIdx = buildMaxPoolArgmax(rewriter, loc, xpad, k, s, dil, {oh, ow},
                                      blocked)
                       .second;
    int64_t kw = k[1];

    // dx[n, c, y, x] = sum over windows (ky, kx) reading (y, x) of dy where
    // that window's argmax is (ky, kx).
    Value dy = a.getGrad();
    if (blocked) {
      // Plane (ky, kx) of dx in blocked pixel order is dy where the argmax
      // is (ky, kx): every read and write contiguous along ow. `0 + term`
      // as below.
      SmallVector<AffineExpr> e(6);
      bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
      auto planesType = RankedTensorType::get({n, c, 2, 2, oh, ow}, elt);
      AffineMap window = AffineMap::get(6, 0, {e[0], e[1], e[4], e[5]}, ctx);
      auto gen = linalg::GenericOp::create(
          rewriter, loc, TypeRange{planesType}, ValueRange{argIdx, dy},
          ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                             planesType.getShape(), elt)},
          SmallVector<AffineMap>{window, window,
                                 AffineMap::getMultiDimIdentityMap(6, ctx)},
          SmallVector<IT>(6, IT::parallel),
          [&](OpBuilder &b, Location l, ValueRange v) {
            Value pos = windowPosition(b, l, linalg::IndexOp::create(b, l, 2),
                                       linalg::IndexOp::create(b, l, 3), kw);
            Value chosen = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::eq, v[0], pos);
            Value zero = floatConst(b, l, elt, 0.0);
            linalg::YieldOp::create(
                b, l,
                addf(b, l, zero,
                     arith::SelectOp::create(b, l, chosen, v[1], zero)));
          });
      Value flat = tensor::CollapseShapeOp::create(
          rewriter, loc, gen.getResult(0),
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4, 5}});
      if (4 * oh * ow != h * w) {
        // The pixels after the planes are in no window: zero gradient.
        // Only they are filled (qat-compute-into-slices then writes the
        // planes in place).
        auto tailType = RankedTensorType::get({n, c, h * w - 4 * oh * ow}, elt);
        flat = joinPixelPieces(
            rewriter, loc,
            {flat, filledTensor(rewriter, loc, tailType, {}, 0.0)}, 2);
      }
      rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
          op, xType.clone(elt), flat,
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      return success();
    }
    if (dil[0] == 1 && dil[1] == 1 && s[0] >= k[0] && s[1] >= k[1] &&
        h * w + pads[0] * w + pads[1] < (int64_t(1) << 31)) {
      // Windows that do not overlap (the usual stride == kernel): input
      // (y, x) is read by at most one window, (py / s, px / s) at offset
      // (py % s, px % s) in padded coordinates, so the sum over windows
      // has at most one term; `0 + term` keeps the gather's +0 for -0.
      // The loop runs over y * W + x (i32 arithmetic, which vectorizes):
      // rows of W alone are too short for the vector loop, and the
      // reductions that consume dx (batch norm's) fuse into this op.
      auto flatType = RankedTensorType::get({n, c, h * w}, elt);
      AffineMap id = AffineMap::getMultiDimIdentityMap(3, ctx);
      auto i32 = [&](OpBuilder &b, Location l, int64_t v) -> Value {
        return arith::ConstantOp::create(b, l, b.getI32IntegerAttr(v));
      };
      auto gen = linalg::GenericOp::create(
          rewriter, loc, TypeRange{flatType}, ValueRange{},
          ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                             flatType.getShape(), elt)},
          SmallVector<AffineMap>{id}, SmallVector<IT>(3, IT::parallel),
          [&](OpBuilder &b, Location l, ValueRange) {
            Value flat = arith::IndexCastUIOp::create(
                b, l, b.getI32Type(), linalg::IndexOp::create(b, l, 2));
            SmallVector<Value> yx = {
                arith::DivUIOp::create(b, l, flat, i32(b, l, w)),
                arith::RemUIOp::create(b, l, flat, i32(b, l, w))};
            SmallVector<Value> o, off;
            Value valid;
            for (int i = 0; i < 2; ++i) {
              Value p = arith::AddIOp::create(b, l, yx[i], i32(b, l, pads[i]));
              Value q = arith::DivUIOp::create(b, l, p, i32(b, l, s[i]));
              Value r = arith::RemUIOp::create(b, l, p, i32(b, l, s[i]));
              Value ok = arith::AndIOp::create(
                  b, l,
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, r,
                                        i32(b, l, k[i])),
                  arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, q,
                                        i32(b, l, i == 0 ? oh : ow)));
              valid = valid ? arith::AndIOp::create(b, l, valid, ok) : ok;
              o.push_back(q);
              off.push_back(r);
            }
            for (Value &q : o)
              q = arith::IndexCastUIOp::create(
                  b, l, b.getIndexType(),
                  arith::SelectOp::create(b, l, valid, q, i32(b, l, 0)));
            SmallVector<Value> where = {linalg::IndexOp::create(b, l, 0),
                                        linalg::IndexOp::create(b, l, 1), o[0],
                                        o[1]};
            Value which = tensor::ExtractOp::create(b, l, argIdx, where);
            Value pos = windowPosition(b, l, off[0], off[1], kw);
            Value chosen = arith::AndIOp::create(
                b, l, valid,
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, which,
                                      pos));
            Value g = tensor::ExtractOp::create(b, l, dy, where);
            Value zero = floatConst(b, l, elt, 0.0);
            Value term = arith::SelectOp::create(b, l, chosen, g, zero);
            linalg::YieldOp::create(b, l, addf(b, l, zero, term));
          });
      rewriter.replaceOp(op, tensor::ExpandShapeOp::create(
                                 rewriter, loc, xType.clone(elt),
                                 gen.getResult(0),
                                 ArrayRef<ReassociationIndices>{{0}, {1}, {2, 3}}));
      return success();
    }
    Value dx = buildWindowGather(
        rewriter, loc, RankedTensorType::get({n, c, h, w}, elt), k, s, dil,
        {pads[0], pads[1]}, {oh, ow},
        [&](OpBuilder &b, Location l, const WindowIndex &w) -> Value {
          Value which = tensor::ExtractOp::create(
              b, l, argIdx, ValueRange{w.n, w.c, w.sy, w.sx});
          Value pos = windowPosition(b, l, w.ky, w.kx, kw);
          Value chosen =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, which, pos);
          Value g = tensor::ExtractOp::create(b, l, dy,
                                              ValueRange{w.n, w.c, w.sy, w.sx});
          return arith::SelectOp::create(b, l, chosen, g,
                                         floatConst(b, l, elt, 0.0));
        });
    rewriter.replaceOp(op, dx);
    return success();
  }
};

struct AvgPoolGradLowering : OpConversionPattern<AvgPool2dGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2dGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    auto dyType = cast<RankedTensorType>(op.getGrad().getType());
    Type elt = xType.getElementType();
    ArrayRef<int64_t> k = op.getKernelSize();
    SmallVector<int64_t, 2> s = op.getStridesOrDefault();
    SmallVector<int64_t, 4> pads = op.getPads();
    int64_t n = xType.getDimSize(0), c = xType.getDimSize(1);
    int64_t h = xType.getDimSize(2), w = xType.getDimSize(3);
    int64_t oh = dyType.getDimSize(2), ow = dyType.getDimSize(3);
    Value div = avgPoolDivisor(rewriter, loc, elt, {h, w}, {oh, ow}, k, s,
                               pads, op.getCountIncludePad());
    Value dy = a.getGrad();
    Value dx = buildWindowGather(
        rewriter, loc, RankedTensorType::get({n, c, h, w}, elt), k, s, {1, 1},
        {pads[0], pads[1]}, {oh, ow},
        [&](OpBuilder &b, Location l, const WindowIndex &w) -> Value {
          Value g = tensor::ExtractOp::create(b, l, dy,
                                              ValueRange{w.n, w.c, w.sy, w.sx});
          Value dv = tensor::ExtractOp::create(b, l, div, ValueRange{w.sy, w.sx});
          return arith::DivFOp::create(b, l, g, dv);
        });
    rewriter.replaceOp(op, dx);
    return success();
  }
};

struct SoftmaxGradLowering : OpConversionPattern<SoftmaxGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SoftmaxGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getResult().getType());
    int64_t rank = type.getRank();
    int64_t axis = getNormalizedAxis(op.getAxis(), rank);
    SmallVector<int64_t> redShape;
    SmallVector<AffineExpr> redExprs;
    for (int64_t i = 0; i < rank; ++i)
      if (i != axis) {
        redShape.push_back(type.getDimSize(i));
        redExprs.push_back(getAffineDimExpr(i, ctx));
      }
    auto redType = RankedTensorType::get(redShape, type.getElementType());
    Value prod = buildElementwise(rewriter, loc, type, {a.getResult(), a.getGrad()},
                                  a.getResult(),
                                  [](OpBuilder &b, Location l, ValueRange v) {
                                    return mulf(b, l, v[1], v[0]);
                                  });
    Value sum = sumOver(rewriter, loc, prod, {axis}, redType);
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap red = AffineMap::get(rank, 0, redExprs, ctx);
    auto gen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{a.getResult(), a.getGrad(), sum},
        ValueRange{emptyTensor(rewriter, loc, type, a.getResult())},
        SmallVector<AffineMap>{id, id, red, id}, SmallVector<IT>(rank, IT::parallel),
        [](OpBuilder &b, Location l, ValueRange v) {
          linalg::YieldOp::create(b, l, mulf(b, l, v[0], subf(b, l, v[1], v[2])));
        });
    rewriter.replaceOp(op, gen.getResult(0));
    return success();
  }
};

/// (softmax(x) - onehot(label)) * (dl / N), softmax as exp(x - max) / sum.
struct CrossEntropyGradLowering : OpConversionPattern<CrossEntropyGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CrossEntropyGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getLogits().getType());
    Type elt = type.getElementType();
    Value x = a.getLogits();
    auto rowType = RankedTensorType::get({type.getDimSize(0)}, elt);
    Value max = buildReduction(
        rewriter, loc, x, {1},
        filledTensor(rewriter, loc, rowType, x,
                     -std::numeric_limits<double>::infinity()),
        [](OpBuilder &b, Location l, Value v, Value acc) -> Value {
          return arith::MaximumFOp::create(b, l, v, acc);
        });
    AffineExpr d0, d1;
    bindDims(ctx, d0, d1);
    AffineMap id = AffineMap::get(2, 0, {d0, d1}, ctx);
    AffineMap row = AffineMap::get(2, 0, {d0}, ctx);
    AffineMap scalar = AffineMap::get(2, 0, {}, ctx);
    Value e = linalg::GenericOp::create(
                  rewriter, loc, TypeRange{type}, ValueRange{x, max},
                  ValueRange{emptyTensor(rewriter, loc, type, x)},
                  SmallVector<AffineMap>{id, row, id},
                  SmallVector<IT>(2, IT::parallel),
                  [](OpBuilder &b, Location l, ValueRange v) {
                    linalg::YieldOp::create(
                        b, l, Value(math::ExpOp::create(b, l, subf(b, l, v[0], v[1]))));
                  })
                  .getResult(0);
    Value sum = sumOver(rewriter, loc, e, {1}, rowType);
    Value count = countAlong(rewriter, loc, x, {0}, elt);
    auto gen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{e, sum, a.getLabels(), a.getGrad()},
        ValueRange{emptyTensor(rewriter, loc, type, x)},
        SmallVector<AffineMap>{id, row, row, scalar, id},
        SmallVector<IT>(2, IT::parallel),
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value p = arith::DivFOp::create(b, l, v[0], v[1]);
          Value col = arith::IndexCastOp::create(
              b, l, v[2].getType(), linalg::IndexOp::create(b, l, 1));
          Value hit =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, col, v[2]);
          Value one = floatConst(b, l, elt, 1.0);
          Value zero = floatConst(b, l, elt, 0.0);
          Value t = arith::SelectOp::create(b, l, hit, one, zero);
          Value scale = arith::DivFOp::create(b, l, v[3], count);
          linalg::YieldOp::create(b, l, mulf(b, l, subf(b, l, p, t), scale));
        });
    rewriter.replaceOp(op, gen.getResult(0));
    return success();
  }
};

struct MseGradLowering : OpConversionPattern<MseGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MseGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getInput().getType());
    Type elt = type.getElementType();
    SmallVector<int64_t> axes = llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
    Value count = countAlong(rewriter, loc, a.getInput(), axes, elt);
    auto scalarType = RankedTensorType::get({}, elt);
    // norm = 2 / numel * dl, then norm * (x - t), as PyTorch.
    Value norm = buildElementwise(
        rewriter, loc, scalarType, {a.getGrad()}, {},
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value two = floatConst(b, l, elt, 2.0);
          return mulf(b, l, arith::DivFOp::create(b, l, two, count), v[0]);
        });
    MLIRContext *ctx = rewriter.getContext();
    int64_t rank = type.getRank();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    auto gen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{a.getInput(), a.getTarget(), norm},
        ValueRange{emptyTensor(rewriter, loc, type, a.getInput())},
        SmallVector<AffineMap>{id, id, scalar, id},
        SmallVector<IT>(rank, IT::parallel),
        [](OpBuilder &b, Location l, ValueRange v) {
          linalg::YieldOp::create(b, l, mulf(b, l, v[2], subf(b, l, v[0], v[1])));
        });
    rewriter.replaceOp(op, gen.getResult(0));
    return success();
  }
};

struct CorrectCountLowering : OpConversionPattern<CorrectCountOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(CorrectCountOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getLogits().getType());
    Type elt = type.getElementType();
    int64_t n = type.getDimSize(0);
    auto rowType = RankedTensorType::get({n}, elt);
    auto rowIdx = RankedTensorType::get({n}, rewriter.getIndexType());
    AffineExpr d0, d1;
    bindDims(ctx, d0, d1);
    Value maxInit = filledTensor(rewriter, loc, rowType, a.getLogits(),
                                 -std::numeric_limits<double>::infinity());
    Value idxInit = linalg::FillOp::create(
                        rewriter, loc, ValueRange{idx(rewriter, loc, 0)},
                        ValueRange{tensor::EmptyOp::create(
                            rewriter, loc, rowIdx.getShape(),
                            rewriter.getIndexType())})
                        .getResult(0);
    auto argmax = linalg::GenericOp::create(
        rewriter, loc, TypeRange{rowType, rowIdx}, ValueRange{a.getLogits()},
        ValueRange{maxInit, idxInit},
        SmallVector<AffineMap>{AffineMap::get(2, 0, {d0, d1}, ctx),
                               AffineMap::get(2, 0, {d0}, ctx),
                               AffineMap::get(2, 0, {d0}, ctx)},
        SmallVector<IT>{IT::parallel, IT::reduction},
        [](OpBuilder &b, Location l, ValueRange v) {
          Value better = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT,
                                               v[0], v[1]);
          Value pos = linalg::IndexOp::create(b, l, 1);
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, better, v[0], v[1]),
                         arith::SelectOp::create(b, l, better, pos, v[2])});
        });
    auto i32 = rewriter.getI32Type();
    auto outType = RankedTensorType::get({}, i32);
    Value init = linalg::FillOp::create(
                     rewriter, loc,
                     ValueRange{arith::ConstantOp::create(
                         rewriter, loc, rewriter.getI32IntegerAttr(0))},
                     ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                                        ArrayRef<int64_t>{}, i32)})
                     .getResult(0);
    AffineMap id1 = AffineMap::get(1, 0, {getAffineDimExpr(0, ctx)}, ctx);
    auto count = linalg::GenericOp::create(
        rewriter, loc, TypeRange{outType},
        ValueRange{argmax.getResult(1), a.getLabels()}, ValueRange{init},
        SmallVector<AffineMap>{id1, id1, AffineMap::get(1, 0, {}, ctx)},
        SmallVector<IT>{IT::reduction},
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value label = arith::IndexCastOp::create(b, l, b.getIndexType(), v[1]);
          Value hit =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, v[0], label);
          Value inc = arith::ExtUIOp::create(b, l, i32, hit);
          linalg::YieldOp::create(b, l, Value(arith::AddIOp::create(b, l, v[2], inc)));
        });
    rewriter.replaceOp(op, count.getResult(0));
    return success();
  }
};

struct SgdUpdateLowering : OpConversionPattern<SgdUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SgdUpdateOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getParam().getType());
    int64_t rank = type.getRank();
    Type elt = type.getElementType();
    double momentum = op.getMomentum().convertToDouble();
    double dampening = op.getDampening().convertToDouble();
    double wd = op.getWeightDecay().convertToDouble();
    bool nesterov = op.getNesterov();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    auto gen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type, type},
        ValueRange{a.getParam(), a.getGrad(), a.getMomentumBuffer(), a.getLr()},
        ValueRange{emptyTensor(rewriter, loc, type, a.getParam()),
                   emptyTensor(rewriter, loc, type, a.getParam())},
        SmallVector<AffineMap>{id, id, id, scalar, id, id},
        SmallVector<IT>(rank, IT::parallel),
        [&](OpBuilder &b, Location l, ValueRange v) {
          Value p = v[0], g = v[1], buf = v[2], lr = v[3];
          if (wd != 0.0)
            g = addf(b, l, g, mulf(b, l, floatConst(b, l, elt, wd), p));
          Value step = g;
          if (momentum != 0.0) {
            buf = addf(b, l, mulf(b, l, floatConst(b, l, elt, momentum), buf),
                       mulf(b, l, floatConst(b, l, elt, 1.0 - dampening), g));
            step = nesterov
                       ? addf(b, l, g, mulf(b, l, floatConst(b, l, elt, momentum), buf))
                       : buf;
          }
          Value np = subf(b, l, p, mulf(b, l, lr, step));
          linalg::YieldOp::create(b, l, ValueRange{np, buf});
        });
    rewriter.replaceOp(op, gen.getResults());
    return success();
  }
};

struct AdamUpdateLowering : OpConversionPattern<AdamUpdateOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AdamUpdateOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = cast<RankedTensorType>(op.getParam().getType());
    int64_t rank = type.getRank();
    Type elt = type.getElementType();
    double b1 = op.getBeta1().convertToDouble(), b2 = op.getBeta2().convertToDouble();
    double eps = op.getEps().convertToDouble(), wd = op.getWeightDecay().convertToDouble();
    bool decoupled = op.getDecoupled();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap scalar = AffineMap::get(rank, 0, {}, ctx);
    auto gen = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type, type, type},
        ValueRange{a.getParam(), a.getGrad(), a.getExpAvg(), a.getExpAvgSq(),
                   a.getLr(), a.getStepSize(), a.getBiasCorrection2Sqrt()},
        ValueRange{emptyTensor(rewriter, loc, type, a.getParam()),
                   emptyTensor(rewriter, loc, type, a.getParam()),
                   emptyTensor(rewriter, loc, type, a.getParam())},
        SmallVector<AffineMap>{id, id, id, id, scalar, scalar, scalar, id, id, id},
        SmallVector<IT>(rank, IT::parallel),
        [&](OpBuilder &b, Location l, ValueRange v) {
          auto cst = [&](double x) { return floatConst(b, l, elt, x); };
          Value p = v[0], g = v[1];
          if (wd != 0.0) {
            if (decoupled)
              p = mulf(b, l, p, subf(b, l, cst(1.0), mulf(b, l, v[4], cst(wd))));
            else
              g = addf(b, l, g, mulf(b, l, cst(wd), p));
          }
          Value m = addf(b, l, mulf(b, l, v[2], cst(b1)), mulf(b, l, g, cst(1.0 - b1)));
          Value s = addf(b, l, mulf(b, l, v[3], cst(b2)),
                         mulf(b, l, mulf(b, l, g, g), cst(1.0 - b2)));
          Value denom = addf(
              b, l,
              arith::DivFOp::create(b, l, math::SqrtOp::create(b, l, s), v[6]),
              cst(eps));
          Value np = subf(b, l, p,
                          mulf(b, l, v[5], arith::DivFOp::create(b, l, m, denom)));
          linalg::YieldOp::create(b, l, ValueRange{np, m, s});
        });
    rewriter.replaceOp(op, gen.getResults());
    return success();
  }
};
} // namespace

void lowering::populateTrainPatterns(RewritePatternSet &patterns,
                                     bool im2col) {
  patterns.add<Conv2dGradLowering>(patterns.getContext(), im2col);
  patterns.add<LinearGradLowering, BatchNormGradLowering,
               ClampGradLowering, SumToShapeLowering, MaxPoolGradLowering,
               AvgPoolGradLowering, SoftmaxGradLowering,
               CrossEntropyGradLowering, MseGradLowering, CorrectCountLowering,
               SgdUpdateLowering, AdamUpdateLowering>(patterns.getContext());
}

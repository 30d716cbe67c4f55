//===- Conv2dGradPatterns.cpp - conv2d_grad to linalg ---------------------===//
//
// PyTorch's convolution backward: the weight and input gradients as GEMMs
// on the im2col matrix (groups = 1, --convert-qat-to-linalg=im2col) whose
// input gradient is scattered back by col2im, or as a contraction and a
// gather over the windows that read each input element.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

using IT = utils::IteratorType;

/// out = sum over the reduction dims of lhs * rhs, into zeros of `outType`.
static Value contract(OpBuilder &b, Location loc, RankedTensorType outType,
                      Value lhs, Value rhs, ArrayRef<AffineMap> maps,
                      ArrayRef<IT> iters) {
  return buildContraction(b, loc, lhs, rhs,
                          filledTensor(b, loc, outType, {}, 0.0), maps, iters);
}

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
            {0},
            {1},
            llvm::to_vector_of<int64_t>(llvm::seq<int64_t>(2, rank))});
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
      read = AffineMap::get(rank, 0, {e[0], e[1], e[3], e[5], e[2], e[4]}, ctx);
    }
    Value part = linalg::GenericOp::create(
                     b, loc, TypeRange{RankedTensorType::get(dstShape, elt)},
                     ValueRange{src},
                     ValueRange{tensor::EmptyOp::create(b, loc, dstShape, elt)},
                     SmallVector<AffineMap>{
                         read, AffineMap::getMultiDimIdentityMap(rank, ctx)},
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

namespace {
/// The static geometry of a conv2d_grad: input [N, C, H, W] padded to
/// [N, C, HP, WP], weight [O, C / groups, KH, KW], output gradient
/// [N, O, OH, OW]; CG and OG channels per group.
struct ConvGradGeometry {
  explicit ConvGradGeometry(Conv2dGradOp op)
      : xType(cast<RankedTensorType>(op.getInput().getType())),
        elt(xType.getElementType()), pads(normalizePads(op.getPadding())),
        s(op.getStrides()), d(op.getDilation()),
        groups(static_cast<int64_t>(op.getGroups())) {
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto dyType = cast<RankedTensorType>(op.getGrad().getType());
    n = xType.getDimSize(0), c = xType.getDimSize(1);
    h = xType.getDimSize(2), w = xType.getDimSize(3);
    o = wType.getDimSize(0), kh = wType.getDimSize(2), kw = wType.getDimSize(3);
    cg = c / groups, og = o / groups;
    oh = dyType.getDimSize(2), ow = dyType.getDimSize(3);
    hp = h + pads[0] + pads[2], wp = w + pads[1] + pads[3];
    kk = c * kh * kw, p = oh * ow;
  }
  RankedTensorType xType;
  Type elt;
  SmallVector<int64_t, 4> pads;
  ArrayRef<int64_t> s, d;
  int64_t groups, n, c, h, w, o, kh, kw, cg, og, oh, ow, hp, wp;
  /// The rows (C * KH * KW) and columns (OH * OW) of the im2col matrix.
  int64_t kk, p;
};
} // namespace

/// The map (d0, d1, d2, d3) -> (d[targets[0]], ...) of a 4-loop contraction.
static AffineMap map4(MLIRContext *ctx, ArrayRef<unsigned> targets) {
  return AffineMap::getMultiDimMapWithTargets(4, targets, ctx);
}

/// dW[f, c, i, j] = sum_{n, y, x} xpad[n, c, y * s + i * d, x * s + j * d] *
/// dyT[n, y * OW + x, f] as [F, C * KH * KW] (f32 with F < K): for each
/// kernel row i, one GEMM batched over the kernel column j, rows c, columns
/// f, reading A straight from the input (a row of channel c is H * W floats
/// from the next) instead of from an im2col matrix K / F times the size of
/// dy; the transposed dy keeps B's rows contiguous. The terms keep the
/// (n, y, x) order of the im2col form.
static Value directWeightGrad(OpBuilder &b, Location loc, Value xpad, Value dy3,
                              const ConvGradGeometry &g, int64_t threads) {
  MLIRContext *ctx = b.getContext();
  int64_t hw = g.hp * g.wp;
  Value dyT = buildTranspose(b, loc, dy3, {0, 2, 1});
  Value xflat = tensor::CollapseShapeOp::create(
      b, loc, xpad, SmallVector<ReassociationIndices>{{0, 1, 2, 3}});
  auto partType = RankedTensorType::get({g.kw, g.c, g.o}, g.elt);
  auto allType = RankedTensorType::get({g.kh, g.kw, g.c, g.o}, g.elt);
  Value all = tensor::EmptyOp::create(b, loc, allType.getShape(), g.elt);
  for (int64_t i = 0; i < g.kh; ++i) {
    int64_t off = i * g.d[0] * g.wp;
    Value xi = tensor::ExtractSliceOp::create(
        b, loc, xflat, getAsIndexOpFoldResult(ctx, {off}),
        getAsIndexOpFoldResult(ctx, {g.n * g.c * hw - off}),
        getAsIndexOpFoldResult(ctx, {1}));
    Value part = buildTiledGemm(b, loc, partType, xi, dyT,
                                filledTensor(b, loc, partType, {}, 0.0),
                                GemmLayout{g.kw,
                                           g.c,
                                           g.o,
                                           g.d[1],
                                           hw,
                                           0,
                                           {{g.n, g.c * hw, g.p * g.o},
                                            {g.oh, g.s[0] * g.wp, g.ow * g.o},
                                            {g.ow, g.s[1], g.o}}},
                                threads);
    all = tensor::InsertSliceOp::create(
        b, loc, part, all, getAsIndexOpFoldResult(ctx, {i, 0, 0, 0}),
        getAsIndexOpFoldResult(ctx, {1, g.kw, g.c, g.o}),
        getAsIndexOpFoldResult(ctx, {1, 1, 1, 1}));
  }
  // [kh, kw, c, f] -> [f, c, kh, kw] -> [f, c * kh * kw].
  return tensor::CollapseShapeOp::create(
      b, loc, buildTranspose(b, loc, all, {3, 2, 0, 1}),
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
}

/// dW[f, k] = sum_{n, p} dy[n, f, p] * colT[n, p, k] on the transposed
/// im2col matrix, loops (f, n, p, k).
static Value im2colWeightGrad(OpBuilder &b, Location loc, Value xpad, Value dy3,
                              const ConvGradGeometry &g, bool blocked,
                              int64_t threads) {
  MLIRContext *ctx = b.getContext();
  auto dw2Type = RankedTensorType::get({g.o, g.kk}, g.elt);
  Value colT = buildIm2colRows(b, loc, xpad, {g.kh, g.kw}, g.s, g.d,
                               {g.oh, g.ow}, blocked);
  if (g.elt.isF32())
    return buildTiledGemm(
        b, loc, dw2Type, dy3, colT, filledTensor(b, loc, dw2Type, {}, 0.0),
        GemmLayout{1,
                   g.o,
                   g.kk,
                   0,
                   g.p,
                   0,
                   {{g.n, g.o * g.p, g.p * g.kk}, {g.p, 1, g.kk}}},
        threads);
  return contract(
      b, loc, dw2Type, dy3, colT,
      {map4(ctx, {1, 0, 2}), map4(ctx, {1, 2, 3}), map4(ctx, {0, 3})},
      {IT::parallel, IT::reduction, IT::reduction, IT::parallel});
}

/// dcol[n, k, p] = sum_f w[f, k] * dy[n, f, p], loops (n, k, f, p).
static Value colGrad(OpBuilder &b, Location loc, Value w2, Value dy3,
                     const ConvGradGeometry &g, int64_t threads) {
  MLIRContext *ctx = b.getContext();
  auto dcolType = RankedTensorType::get({g.n, g.kk, g.p}, g.elt);
  if (g.elt.isF32())
    return buildTiledGemm(
        b, loc, dcolType, w2, dy3, filledTensor(b, loc, dcolType, {}, 0.0),
        GemmLayout{g.n, g.kk, g.p, 0, 1, g.o * g.p, {{g.o, g.kk, g.p}}},
        threads);
  return contract(
      b, loc, dcolType, w2, dy3,
      {map4(ctx, {2, 1}), map4(ctx, {0, 2, 3}), map4(ctx, {0, 1, 3})},
      {IT::parallel, IT::parallel, IT::reduction, IT::parallel});
}

/// Adds the columns of one piece of the pixel order, `part` [N, C, KH, KW,
/// piece...], into their windows' inputs of `dx` [N, C, HP, WP]: loops
/// (n, c, kh, kw, piece...), the kernel offsets reductions outside the pixel
/// loops.
static Value scatterPiece(OpBuilder &b, Location loc, Value part, Value dx,
                          const PixelPiece &piece, const ConvGradGeometry &g) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = 4 + piece.shape().size();
  SmallVector<AffineExpr> e(rank);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  auto [oy, ox] = piece.position(ArrayRef<AffineExpr>(e).drop_front(4));
  SmallVector<IT> iters = {IT::parallel, IT::parallel, IT::reduction,
                           IT::reduction};
  iters.append(rank - 4, IT::parallel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{dx.getType()}, ValueRange{part}, ValueRange{dx},
             SmallVector<AffineMap>{
                 AffineMap::getMultiDimIdentityMap(rank, ctx),
                 AffineMap::get(rank, 0,
                                {e[0], e[1], oy * g.s[0] + e[2] * g.d[0],
                                 ox * g.s[1] + e[3] * g.d[1]},
                                ctx)},
             iters,
             [](OpBuilder &nb, Location l, ValueRange v) {
               linalg::YieldOp::create(nb, l, addf(nb, l, v[1], v[0]));
             })
      .getResult(0);
}

/// col2im: dxpad[n, c, oy * s + kh * d, ox * s + kw * d] += dcol6[n, c, kh,
/// kw, oy, ox], as a scatter whose innermost loop adds a contiguous row of
/// dcol into a row of dx (the gather form needs a masked gather per
/// element). Each element sums its terms in (kh, kw) order, as the gather
/// does; blocked pixels scatter piece by piece (the planes: loops (py, px,
/// qy, qx) of oy = 2 * qy + py), each in that order.
static Value col2im(OpBuilder &b, Location loc, Value dcol,
                    const ConvGradGeometry &g, bool blocked) {
  MLIRContext *ctx = b.getContext();
  auto dxType = RankedTensorType::get({g.n, g.c, g.hp, g.wp}, g.elt);
  Value dx = filledTensor(b, loc, dxType, {}, 0.0);
  SmallVector<PixelPiece, 3> pieces = {{false, 0, 0, g.oh, g.ow}};
  if (blocked)
    pieces = blockedPixelPieces(g.oh, g.ow);
  int64_t offset = 0;
  for (const PixelPiece &piece : pieces) {
    SmallVector<int64_t, 4> pixShape = piece.shape();
    int64_t rank = 4 + pixShape.size();
    Value part = dcol;
    if (pieces.size() > 1)
      part = tensor::ExtractSliceOp::create(
          b, loc, dcol, getAsIndexOpFoldResult(ctx, {0, 0, offset}),
          getAsIndexOpFoldResult(ctx, {g.n, g.kk, piece.count()}),
          getAsIndexOpFoldResult(ctx, {1, 1, 1}));
    offset += piece.count();
    SmallVector<int64_t> partShape = {g.n, g.c, g.kh, g.kw};
    llvm::append_range(partShape, pixShape);
    ReassociationIndices pixAxes =
        llvm::to_vector_of<int64_t>(llvm::seq<int64_t>(4, rank));
    part = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(partShape, g.elt), part,
        SmallVector<ReassociationIndices>{{0}, {1, 2, 3}, pixAxes});
    dx = scatterPiece(b, loc, part, dx, piece, g);
  }
  return dx;
}

/// conv2d_grad with groups = 1 as GEMMs on the im2col matrix, each with a
/// contiguous innermost loop (the weight gradient straight from the input
/// for f32 with F < K), then col2im. Returns the padded dx and dw.
static std::pair<Value, Value> im2colConvGrad(OpBuilder &b, Location loc,
                                              Conv2dGradOp op, Value dy,
                                              Value weight, Value xpad,
                                              const ConvGradGeometry &g,
                                              bool blocked, int64_t threads) {
  Value dy3 = tensor::CollapseShapeOp::create(
      b, loc, dy, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  Value w2 = tensor::CollapseShapeOp::create(
      b, loc, weight, SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  // Blocked dy goes back to standard order (one copy of dy) where its
  // consumers would otherwise read or write something larger in blocked
  // order: with F < K, the weight gradient's GEMM reads the input in
  // standard order (f32), and dcol outweighs dy for col2im.
  if (blocked && g.o < g.kk) {
    dy3 = unblockPixels(b, loc, dy3, g.oh, g.ow);
    blocked = false;
  }
  Value dw2 = g.elt.isF32() && g.o < g.kk
                  ? directWeightGrad(b, loc, xpad, dy3, g, threads)
                  : im2colWeightGrad(b, loc, xpad, dy3, g, blocked, threads);
  Value dcol = colGrad(b, loc, w2, dy3, g, threads);
  Value dw = tensor::ExpandShapeOp::create(
      b, loc, op.getWeightGrad().getType(), dw2,
      SmallVector<ReassociationIndices>{{0}, {1, 2, 3}});
  return {col2im(b, loc, dcol, g, blocked), dw};
}

/// dw[o, c, kh, kw] = sum_{n, oh, ow} dy[n, o, oh, ow] *
///     xpad[n, (o / og) * cg + c, oh * s + kh * d, ow * s + kw * d].
static Value groupedWeightGrad(OpBuilder &b, Location loc, Conv2dGradOp op,
                               Value dy, Value xpad,
                               const ConvGradGeometry &g) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> e(7);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  // dims: 0 o, 1 c, 2 kh, 3 kw, 4 n, 5 oh, 6 ow
  auto map = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(7, 0, r, ctx);
  };
  AffineExpr chan = e[0].floorDiv(g.og) * g.cg + e[1];
  return contract(b, loc, op.getWeightGrad().getType(), dy, xpad,
                  {map({e[4], e[0], e[5], e[6]}),
                   map({e[4], chan, e[5] * g.s[0] + e[2] * g.d[0],
                        e[6] * g.s[1] + e[3] * g.d[1]}),
                   map({e[0], e[1], e[2], e[3]})},
                  {IT::parallel, IT::parallel, IT::parallel, IT::parallel,
                   IT::reduction, IT::reduction, IT::reduction});
}

/// dxpad[n, ch, y, x] = sum_{oo, kh, kw} dy[n, oc, oy, ox] *
///     w[oc, ch % cg, kh, kw] with oc = (ch / cg) * og + oo and
///     oy * s + kh * d == y (a gather over the windows reading y, x).
static Value groupedInputGrad(OpBuilder &b, Location loc, Value dy,
                              Value weight, const ConvGradGeometry &g) {
  MLIRContext *ctx = b.getContext();
  auto map = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(7, 0, r, ctx);
  };
  auto dxpadType = RankedTensorType::get({g.n, g.c, g.hp, g.wp}, g.elt);
  Value init = filledTensor(b, loc, dxpadType, {}, 0.0);
  SmallVector<AffineExpr> e(7);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  // dims: 0 n, 1 ch, 2 y, 3 x, 4 oo, 5 kh, 6 kw
  AffineMap wMap =
      map({e[1].floorDiv(g.cg) * g.og + e[4], e[1] % g.cg, e[5], e[6]});
  AffineMap outMap = map({e[0], e[1], e[2], e[3]});
  // A shape-only operand gives the loop over oo its bound (linalg infers
  // loop bounds from plain dims of the operands).
  Value groupSpan =
      tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{g.og}, g.elt);
  return linalg::GenericOp::create(
             b, loc, TypeRange{dxpadType}, ValueRange{weight, groupSpan},
             ValueRange{init},
             SmallVector<AffineMap>{wMap, map({e[4]}), outMap},
             SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel,
                             IT::parallel, IT::reduction, IT::reduction,
                             IT::reduction},
             [&](OpBuilder &nb, Location l, ValueRange args) {
               auto index = [&](int64_t dim) {
                 return linalg::IndexOp::create(nb, l, dim).getResult();
               };
               Value nn = index(0), ch = index(1), y = index(2), x = index(3);
               Value oo = index(4), ky = index(5), kx = index(6);
               auto [sy, vy] = windowSource(nb, l, y, ky, g.s[0], g.d[0], g.oh);
               auto [sx, vx] = windowSource(nb, l, x, kx, g.s[1], g.d[1], g.ow);
               Value oc = arith::AddIOp::create(
                   nb, l,
                   arith::MulIOp::create(
                       nb, l,
                       arith::DivUIOp::create(nb, l, ch, idx(nb, l, g.cg)),
                       idx(nb, l, g.og)),
                   oo);
               Value grad = tensor::ExtractOp::create(
                   nb, l, dy, ValueRange{nn, oc, sy, sx});
               Value valid = arith::AndIOp::create(nb, l, vy, vx);
               Value zero = floatConst(nb, l, g.elt, 0.0);
               Value contrib = arith::SelectOp::create(
                   nb, l, valid, mulf(nb, l, grad, args[0]), zero);
               linalg::YieldOp::create(nb, l, addf(nb, l, args[2], contrib));
             })
      .getResult(0);
}

namespace {
struct Conv2dGradLowering : ConvConversionPattern<Conv2dGradOp> {
  using ConvConversionPattern::ConvConversionPattern;
  LogicalResult
  matchAndRewrite(Conv2dGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    if (!hasStaticShapes({op.getInput(), op.getGrad()}))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    Location loc = op.getLoc();
    ConvGradGeometry g(op);
    bool useIm2col = g.groups == 1 && im2col;
    bool blocked = op->hasAttr(kPoolBlockedAttr);
    if (blocked && !useIm2col)
      return rewriter.notifyMatchFailure(op, "blocked pixels need im2col");

    Value db = buildReassocSum(rewriter, loc, a.getGrad(), {0, 2, 3},
                               op.getBiasGrad().getType());
    Value xpad = a.getInput();
    if (llvm::any_of(g.pads, [](int64_t p) { return p != 0; }))
      xpad = padConstant(
          rewriter, loc, RankedTensorType::get({g.n, g.c, g.hp, g.wp}, g.elt),
          xpad, {0, 0, g.pads[0], g.pads[1]}, {0, 0, g.pads[2], g.pads[3]},
          floatConst(rewriter, loc, g.elt, 0.0));
    Value dx, dw;
    if (useIm2col) {
      std::tie(dx, dw) =
          im2colConvGrad(rewriter, loc, op, a.getGrad(), a.getWeight(), xpad, g,
                         blocked, threads);
    } else {
      dw = groupedWeightGrad(rewriter, loc, op, a.getGrad(), xpad, g);
      dx = groupedInputGrad(rewriter, loc, a.getGrad(), a.getWeight(), g);
    }
    MLIRContext *ctx = rewriter.getContext();
    if (g.hp != g.h || g.wp != g.w)
      dx = tensor::ExtractSliceOp::create(
          rewriter, loc, g.xType, dx,
          getAsIndexOpFoldResult(ctx, {0, 0, g.pads[0], g.pads[1]}),
          getAsIndexOpFoldResult(ctx, {g.n, g.c, g.h, g.w}),
          getAsIndexOpFoldResult(ctx, {1, 1, 1, 1}));
    rewriter.replaceOp(op, {dx, dw, db});
    return success();
  }
};
} // namespace

void lowering::populateConv2dGradPatterns(RewritePatternSet &patterns,
                                          bool im2col, int64_t threads) {
  patterns.add<Conv2dGradLowering>(patterns.getContext(), im2col, threads);
}

//===- PoolGradPatterns.cpp - max_pool2d and avg_pool2d gradients ---------===//
//
// Each backward op follows PyTorch's autograd formula for its forward op.
// The scatter of a window's output gradient to its inputs is written as a
// gather: every input element sums the output gradients of the windows
// that read it.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

using IT = utils::IteratorType;

namespace {
/// The static geometry of a max_pool2d_grad: input [N, C, H, W], output
/// gradient [N, C, OH, OW], the window's kernel, strides, dilation and pads.
struct PoolGradGeometry {
  explicit PoolGradGeometry(MaxPool2dGradOp op)
      : elt(cast<RankedTensorType>(op.getInput().getType()).getElementType()),
        k(op.getKernelSize()), s(op.getStridesOrDefault()),
        dil(op.getDilation()), pads(op.getPads()) {
    auto xType = cast<RankedTensorType>(op.getInput().getType());
    auto dyType = cast<RankedTensorType>(op.getGrad().getType());
    n = xType.getDimSize(0), c = xType.getDimSize(1);
    h = xType.getDimSize(2), w = xType.getDimSize(3);
    oh = dyType.getDimSize(2), ow = dyType.getDimSize(3);
  }
  Type elt;
  ArrayRef<int64_t> k;
  SmallVector<int64_t, 2> s;
  ArrayRef<int64_t> dil;
  SmallVector<int64_t, 4> pads;
  int64_t n, c, h, w, oh, ow;
};
} // namespace

/// dx of a 2x2 stride-2 max-pool whose input is in blocked pixel order
/// (kPoolBlockedAttr), as [N, C, H * W]: plane (ky, kx) is dy where the
/// argmax is (ky, kx), every read and write contiguous along ow; `0 + term`
/// keeps the gather's +0 for -0.
static Value blockedMaxPoolGrad(OpBuilder &b, Location loc, Value argIdx,
                                Value dy, const PoolGradGeometry &g) {
  MLIRContext *ctx = b.getContext();
  Type elt = g.elt;
  int64_t kw = g.k[1];
  SmallVector<AffineExpr> e(6);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  auto planesType = RankedTensorType::get({g.n, g.c, 2, 2, g.oh, g.ow}, elt);
  AffineMap window = AffineMap::get(6, 0, {e[0], e[1], e[4], e[5]}, ctx);
  auto gen = linalg::GenericOp::create(
      b, loc, TypeRange{planesType}, ValueRange{argIdx, dy},
      ValueRange{tensor::EmptyOp::create(b, loc, planesType.getShape(), elt)},
      SmallVector<AffineMap>{window, window,
                             AffineMap::getMultiDimIdentityMap(6, ctx)},
      SmallVector<IT>(6, IT::parallel),
      [&](OpBuilder &nb, Location l, ValueRange v) {
        Value pos = windowPosition(nb, l, linalg::IndexOp::create(nb, l, 2),
                                   linalg::IndexOp::create(nb, l, 3), kw);
        Value chosen =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, v[0], pos);
        Value zero = floatConst(nb, l, elt, 0.0);
        linalg::YieldOp::create(
            nb, l,
            addf(nb, l, zero,
                 arith::SelectOp::create(nb, l, chosen, v[1], zero)));
      });
  Value flat = tensor::CollapseShapeOp::create(
      b, loc, gen.getResult(0),
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4, 5}});
  if (4 * g.oh * g.ow == g.h * g.w)
    return flat;
  // The pixels after the planes are in no window: zero gradient. Only they
  // are filled (qat-compute-into-slices then writes the planes in place).
  auto tailType =
      RankedTensorType::get({g.n, g.c, g.h * g.w - 4 * g.oh * g.ow}, elt);
  return joinPixelPieces(b, loc,
                         {flat, filledTensor(b, loc, tailType, {}, 0.0)}, 2);
}

/// True if no two windows overlap (the usual stride >= kernel, no dilation)
/// and the flat pixel index of the padded input fits in i32.
static bool windowsAreDisjoint(const PoolGradGeometry &g) {
  return g.dil[0] == 1 && g.dil[1] == 1 && g.s[0] >= g.k[0] &&
         g.s[1] >= g.k[1] &&
         g.h * g.w + g.pads[0] * g.w + g.pads[1] < (int64_t(1) << 31);
}

/// The body of disjointMaxPoolGrad at flat pixel y * W + x (i32 arithmetic,
/// which vectorizes): the one window reading the pixel, (py / s, px / s) at
/// offset (py % s, px % s) in padded coordinates, if any, and its dy where
/// that is the window's argmax.
static Value disjointMaxPoolGradTerm(OpBuilder &b, Location l, Value argIdx,
                                     Value dy, const PoolGradGeometry &g) {
  auto i32 = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(b, l, b.getI32IntegerAttr(v));
  };
  Value flat = arith::IndexCastUIOp::create(b, l, b.getI32Type(),
                                            linalg::IndexOp::create(b, l, 2));
  SmallVector<Value> yx = {arith::DivUIOp::create(b, l, flat, i32(g.w)),
                           arith::RemUIOp::create(b, l, flat, i32(g.w))};
  SmallVector<Value> o, off;
  Value valid;
  for (int i = 0; i < 2; ++i) {
    Value p = arith::AddIOp::create(b, l, yx[i], i32(g.pads[i]));
    Value q = arith::DivUIOp::create(b, l, p, i32(g.s[i]));
    Value r = arith::RemUIOp::create(b, l, p, i32(g.s[i]));
    Value ok = arith::AndIOp::create(
        b, l,
        arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, r, i32(g.k[i])),
        arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, q,
                              i32(i == 0 ? g.oh : g.ow)));
    valid = valid ? arith::AndIOp::create(b, l, valid, ok) : ok;
    o.push_back(q);
    off.push_back(r);
  }
  for (Value &q : o)
    q = arith::IndexCastUIOp::create(
        b, l, b.getIndexType(),
        arith::SelectOp::create(b, l, valid, q, i32(0)));
  SmallVector<Value> where = {linalg::IndexOp::create(b, l, 0),
                              linalg::IndexOp::create(b, l, 1), o[0], o[1]};
  Value which = tensor::ExtractOp::create(b, l, argIdx, where);
  Value pos = windowPosition(b, l, off[0], off[1], g.k[1]);
  Value chosen = arith::AndIOp::create(
      b, l, valid,
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, which, pos));
  Value grad = tensor::ExtractOp::create(b, l, dy, where);
  Value zero = floatConst(b, l, g.elt, 0.0);
  Value term = arith::SelectOp::create(b, l, chosen, grad, zero);
  return addf(b, l, zero, term);
}

/// dx of a max-pool whose windows do not overlap (windowsAreDisjoint), as
/// [N, C, H * W]: input (y, x) is read by at most one window, so the sum
/// over windows has at most one term; `0 + term` keeps the gather's +0 for
/// -0. The loop runs over y * W + x: rows of W alone are too short for the
/// vector loop, and the reductions that consume dx (batch norm's) fuse into
/// this op.
static Value disjointMaxPoolGrad(OpBuilder &b, Location loc, Value argIdx,
                                 Value dy, const PoolGradGeometry &g) {
  MLIRContext *ctx = b.getContext();
  auto flatType = RankedTensorType::get({g.n, g.c, g.h * g.w}, g.elt);
  AffineMap id = AffineMap::getMultiDimIdentityMap(3, ctx);
  auto gen = linalg::GenericOp::create(
      b, loc, TypeRange{flatType}, ValueRange{},
      ValueRange{tensor::EmptyOp::create(b, loc, flatType.getShape(), g.elt)},
      SmallVector<AffineMap>{id}, SmallVector<IT>(3, IT::parallel),
      [&](OpBuilder &nb, Location l, ValueRange) {
        linalg::YieldOp::create(nb, l,
                                disjointMaxPoolGradTerm(nb, l, argIdx, dy, g));
      });
  return gen.getResult(0);
}

namespace {
struct MaxPoolGradLowering : OpConversionPattern<MaxPool2dGradOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2dGradOp op, OpAdaptor a,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    // The windows' argmax is built on static shapes (its inits have no
    // dynamic extents to read).
    if (!hasStaticShapes({op.getInput(), op.getGrad()}))
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    PoolGradGeometry g(op);
    Type elt = g.elt;
    // Pad with -inf so that padding never wins.
    Value xpad = padForWindow(
        rewriter, loc, a.getInput(), {g.oh, g.ow}, g.k, g.s, g.pads, g.dil,
        floatConst(rewriter, loc, elt,
                   -std::numeric_limits<double>::infinity()));
    // argmax (first maximum, row-major in the window) of every window.
    bool blocked = op->hasAttr(kPoolBlockedAttr);
    Value argIdx = buildMaxPoolArgmax(rewriter, loc, xpad, g.k, g.s, g.dil,
                                      {g.oh, g.ow}, blocked)
                       .second;
    // dx[n, c, y, x] = sum over windows (ky, kx) reading (y, x) of dy where
    // that window's argmax is (ky, kx).
    Value dy = a.getGrad();
    if (blocked || windowsAreDisjoint(g)) {
      Value flat = blocked ? blockedMaxPoolGrad(rewriter, loc, argIdx, dy, g)
                           : disjointMaxPoolGrad(rewriter, loc, argIdx, dy, g);
      rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
          op, cast<RankedTensorType>(op.getInput().getType()).clone(elt), flat,
          SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
      return success();
    }
    int64_t kw = g.k[1];
    Value dx = buildWindowGather(
        rewriter, loc, RankedTensorType::get({g.n, g.c, g.h, g.w}, elt), g.k,
        g.s, g.dil, {g.pads[0], g.pads[1]}, {g.oh, g.ow},
        [&](OpBuilder &b, Location l, const WindowIndex &w) -> Value {
          Value which = tensor::ExtractOp::create(
              b, l, argIdx, ValueRange{w.n, w.c, w.sy, w.sx});
          Value pos = windowPosition(b, l, w.ky, w.kx, kw);
          Value chosen =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, which, pos);
          Value grad = tensor::ExtractOp::create(
              b, l, dy, ValueRange{w.n, w.c, w.sy, w.sx});
          return arith::SelectOp::create(b, l, chosen, grad,
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
    Value div = avgPoolDivisor(rewriter, loc, elt, {h, w}, {oh, ow}, k, s, pads,
                               op.getCountIncludePad());
    Value dy = a.getGrad();
    Value dx = buildWindowGather(
        rewriter, loc, RankedTensorType::get({n, c, h, w}, elt), k, s, {1, 1},
        {pads[0], pads[1]}, {oh, ow},
        [&](OpBuilder &b, Location l, const WindowIndex &w) -> Value {
          Value g = tensor::ExtractOp::create(b, l, dy,
                                              ValueRange{w.n, w.c, w.sy, w.sx});
          Value dv =
              tensor::ExtractOp::create(b, l, div, ValueRange{w.sy, w.sx});
          return arith::DivFOp::create(b, l, g, dv);
        });
    rewriter.replaceOp(op, dx);
    return success();
  }
};
} // namespace

void lowering::populatePoolGradPatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolGradLowering, AvgPoolGradLowering>(patterns.getContext());
}

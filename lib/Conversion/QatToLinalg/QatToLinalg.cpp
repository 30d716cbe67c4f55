//===- QatToLinalg.cpp - convert-qat-to-linalg pass -----------------------===//
//
// Lowers qat model ops to destination-style linalg on tensors and the
// module-level parameters to ml_program globals.
//
//===----------------------------------------------------------------------===//

#include "qat/Conversion/Passes.h"

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir::qat {
#define GEN_PASS_DEF_CONVERTQATTOLINALG
#include "qat/Conversion/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

Value lowering::emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                          Value like) {
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dyn.push_back(tensor::DimOp::create(b, loc, like, d));
  return tensor::EmptyOp::create(b, loc, type, dyn);
}

Value lowering::emptyTensorBroadcast(OpBuilder &b, Location loc,
                                    RankedTensorType type, ValueRange likes) {
  SmallVector<Value> dyn;
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value size;
    for (Value like : likes) {
      auto t = cast<RankedTensorType>(like.getType());
      int64_t ld = d - (rank - t.getRank());
      if (ld >= 0 && t.isDynamicDim(ld)) {
        size = tensor::DimOp::create(b, loc, like, ld);
        break;
      }
    }
    assert(size && "verifier guarantees a dynamic source extent");
    dyn.push_back(size);
  }
  return tensor::EmptyOp::create(b, loc, type, dyn);
}

Value lowering::floatConst(OpBuilder &b, Location loc, Type type, double value) {
  Type elt = getElementTypeOrSelf(type);
  return arith::ConstantOp::create(b, loc, elt, b.getFloatAttr(elt, value));
}

Value lowering::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                           Value like, double value) {
  Value empty = emptyTensor(b, loc, type, like);
  Value v = floatConst(b, loc, type, value);
  return linalg::FillOp::create(b, loc, v, empty).getResult(0);
}

Value lowering::buildElementwise(OpBuilder &b, Location loc,
                               RankedTensorType resultType, ValueRange inputs,
                               Value like, BodyBuilder body) {
  Value init = emptyTensor(b, loc, resultType, like);
  return buildElementwiseInto(b, loc, init, inputs, body);
}

Value lowering::buildElementwiseInto(OpBuilder &b, Location loc, Value init,
                                     ValueRange inputs, BodyBuilder body) {
  auto resultType = cast<RankedTensorType>(init.getType());
  int64_t rank = resultType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs) {
    auto t = cast<RankedTensorType>(in.getType());
    SmallVector<AffineExpr> exprs;
    int64_t offset = rank - t.getRank();
    for (int64_t d = 0; d < t.getRank(); ++d) {
      int64_t r = d + offset;
      if (t.getDimSize(d) == 1 && resultType.getDimSize(r) != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(r, ctx));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value lowering::buildReduction(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  return buildReductions(
      b, loc, input, axes, init,
      [&](OpBuilder &nb, Location l, Value e, ValueRange acc) {
        return SmallVector<Value>{combine(nb, l, e, acc[0])};
      })[0];
}

SmallVector<Value> lowering::buildReductions(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
    ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        combine) {
  auto t = cast<RankedTensorType>(input.getType());
  int64_t rank = t.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iters.push_back(reduced ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
    if (!reduced)
      outExprs.push_back(getAffineDimExpr(d, ctx));
  }
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
  maps.append(inits.size(), AffineMap::get(rank, 0, outExprs, ctx));
  auto generic = linalg::GenericOp::create(
      b, loc, inits.getTypes(), ValueRange{input}, inits, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, combine(nb, nloc, args[0], args.drop_front()));
      });
  return SmallVector<Value>(generic.getResults());
}

Value lowering::buildTranspose(OpBuilder &b, Location loc, Value x,
                               ArrayRef<int64_t> permutation) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  for (int64_t d : permutation)
    shape.push_back(t.getDimSize(d));
  Value empty = tensor::EmptyOp::create(b, loc, shape, t.getElementType());
  return linalg::TransposeOp::create(b, loc, x, empty, permutation)
      .getResult()[0];
}

Value lowering::padConstant(OpBuilder &b, Location loc, RankedTensorType type,
                          Value x, ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                          Value padValue) {
  MLIRContext *ctx = b.getContext();
  return tensor::PadOp::create(b, loc, type, x, getAsIndexOpFoldResult(ctx, lo),
                               getAsIndexOpFoldResult(ctx, hi), padValue);
}

Value lowering::clampScalar(OpBuilder &b, Location loc, Value v, double lo,
                            double hi) {
  Value low = floatConst(b, loc, v.getType(), lo);
  Value high = floatConst(b, loc, v.getType(), hi);
  Value m = arith::MaximumFOp::create(b, loc, v, low);
  return arith::MinimumFOp::create(b, loc, m, high);
}

/// Reshape by collapsing to 1-D and expanding to the result shape; a
/// dynamic result extent is the element count over the static ones.
Value lowering::reshapeTo(OpBuilder &b, Location loc, Value x,
                          RankedTensorType type) {
  auto t = cast<RankedTensorType>(x.getType());
  // 0-d <-> all-ones shapes: reassociations with no groups.
  if (t.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, type, x,
                                         ArrayRef<ReassociationIndices>{});
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, x,
                                           ArrayRef<ReassociationIndices>{});
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, t.getRank()))};
  Value flat = x;
  if (t.getRank() != 1)
    flat = tensor::CollapseShapeOp::create(b, loc, x, all);
  if (type.getRank() == 1)
    return tensor::CastOp::create(b, loc, type, flat);
  SmallVector<ReassociationIndices> out = {
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))};
  SmallVector<OpFoldResult> shape;
  int64_t known = 1;
  for (int64_t d : type.getShape())
    if (!ShapedType::isDynamic(d))
      known *= d;
  for (int64_t d : type.getShape()) {
    if (!ShapedType::isDynamic(d)) {
      shape.push_back(b.getIndexAttr(d));
      continue;
    }
    Value total = tensor::DimOp::create(b, loc, flat, 0);
    shape.push_back(
        arith::DivUIOp::create(b, loc, total,
                               arith::ConstantIndexOp::create(b, loc, known))
            .getResult());
  }
  return tensor::ExpandShapeOp::create(b, loc, type, flat, out, shape);
}

Value lowering::channelSumF64(
    OpBuilder &b, Location loc, ValueRange full, ValueRange perChannel,
    int64_t channels,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange)> term) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = cast<RankedTensorType>(full.front().getType()).getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap chan = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
  SmallVector<AffineMap> maps(full.size(), id);
  maps.append(perChannel.size(), chan);
  maps.push_back(chan);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::reduction);
  iters[1] = utils::IteratorType::parallel;
  auto f64 = b.getF64Type();
  auto type = RankedTensorType::get({channels}, f64);
  Value init = filledTensor(b, loc, type, {}, 0.0);
  SmallVector<Value> inputs(full);
  llvm::append_range(inputs, perChannel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value t = term(nb, l, a.take_front(full.size()),
                              a.slice(full.size(), perChannel.size()));
               // Terms in any order (`reassoc`): training statistics
               // keep no order, and LLVM vectorizes only with the flag.
               linalg::YieldOp::create(
                   nb, l,
                   Value(arith::AddFOp::create(nb, l, a.back(), t,
                                               arith::FastMathFlags::reassoc)));
             })
      .getResult(0);
}

Value lowering::castFloat(OpBuilder &b, Location loc, Value v, Type type) {
  auto from = cast<FloatType>(v.getType());
  auto to = cast<FloatType>(type);
  if (from == to)
    return v;
  if (from.getWidth() < to.getWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

BatchStats lowering::computeBatchStats(OpBuilder &b, Location loc, Value x) {
  auto t = cast<RankedTensorType>(x.getType());
  int64_t rank = t.getRank(), channels = t.getDimSize(1);
  Type elt = t.getElementType();
  auto f64 = b.getF64Type();
  SmallVector<int64_t> axes = {0};
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  BatchStats s;
  s.count64 = countAlong(b, loc, x, axes, f64);
  Value sum = channelSumF64(b, loc, {x}, {}, channels,
                            [&](OpBuilder &nb, Location l, ValueRange f,
                                ValueRange) { return castFloat(nb, l, f[0], f64); });
  auto type64 = RankedTensorType::get({channels}, f64);
  s.mean64 = buildElementwise(b, loc, type64, {sum}, {},
                              [&](OpBuilder &nb, Location l, ValueRange a) {
                                return Value(arith::DivFOp::create(
                                    nb, l, a[0], s.count64));
                              });
  // One pass: the sum of squares in f64 alongside the sum (both fuse into
  // x's producer), and sum((x - mean)^2) = sum(x^2) - sum * mean. A float32
  // square is exact in f64 and the sums are off by at most count * 2^-53
  // of sum(x^2): for 43k terms and a mean^2 up to 1000 times the variance
  // the result still has more than float32's 24 bits. PyTorch's second
  // pass over x (the centered sum) would cost a full read of it.
  Value sumSq = channelSumF64(
      b, loc, {x}, {}, channels,
      [&](OpBuilder &nb, Location l, ValueRange f, ValueRange) -> Value {
        Value v = castFloat(nb, l, f[0], f64);
        return arith::MulFOp::create(nb, l, v, v);
      });
  s.squares64 = buildElementwise(
      b, loc, type64, {sumSq, sum, s.mean64}, {},
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value d = arith::SubFOp::create(
            nb, l, a[0], arith::MulFOp::create(nb, l, a[1], a[2]));
        return arith::MaximumFOp::create(nb, l, d, floatConst(nb, l, f64, 0.0));
      });
  auto chanType = RankedTensorType::get({channels}, elt);
  s.mean = buildElementwise(b, loc, chanType, {s.mean64}, {},
                            [&](OpBuilder &nb, Location l, ValueRange a) {
                              return castFloat(nb, l, a[0], elt);
                            });
  s.var = buildElementwise(
      b, loc, chanType, {s.squares64}, {},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        return castFloat(nb, l, arith::DivFOp::create(nb, l, a[0], s.count64),
                         elt);
      });
  return s;
}

SmallVector<PixelPiece, 3> lowering::blockedPixelPieces(int64_t oh,
                                                        int64_t ow) {
  int64_t qh = oh / 2, qw = ow / 2;
  SmallVector<PixelPiece, 3> pieces = {{true, 0, 0, qh, qw}};
  if (ow % 2)
    pieces.push_back({false, 0, ow - 1, 2 * qh, 1});
  if (oh % 2)
    pieces.push_back({false, oh - 1, 0, 1, ow});
  return pieces;
}

Value lowering::joinPixelPieces(OpBuilder &b, Location loc,
                                ArrayRef<Value> parts, unsigned axis) {
  if (parts.size() == 1)
    return parts.front();
  auto type = cast<RankedTensorType>(parts.front().getType());
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = 0;
  for (Value part : parts)
    shape[axis] += cast<RankedTensorType>(part.getType()).getDimSize(axis);
  Value all = tensor::EmptyOp::create(b, loc, shape, type.getElementType());
  MLIRContext *ctx = b.getContext();
  SmallVector<int64_t> offsets(shape.size(), 0), strides(shape.size(), 1);
  for (Value part : parts) {
    ArrayRef<int64_t> sizes = cast<RankedTensorType>(part.getType()).getShape();
    all = tensor::InsertSliceOp::create(
        b, loc, part, all, getAsIndexOpFoldResult(ctx, offsets),
        getAsIndexOpFoldResult(ctx, sizes),
        getAsIndexOpFoldResult(ctx, strides));
    offsets[axis] += sizes[axis];
  }
  return all;
}

/// The column matrix as a gather: axes (n, c, kh, kw, oh, ow), or
/// (n, oh, ow, c, kh, kw) with `pixelsFirst`, collapsed to [N, C*KH*KW,
/// OH*OW] or [N, OH*OW, C*KH*KW]. With `blocked` the pixels are in blocked
/// order: one gather per PixelPiece, concatenated.
static Value buildIm2colLayout(OpBuilder &b, Location loc, Value xpad,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> dilation,
                               ArrayRef<int64_t> outHW, bool pixelsFirst,
                               bool blocked) {
  MLIRContext *ctx = b.getContext();
  auto t = cast<RankedTensorType>(xpad.getType());
  int64_t n = t.getDimSize(0), c = t.getDimSize(1);
  Type elt = t.getElementType();
  auto gather = [&](const PixelPiece &piece) -> Value {
    SmallVector<int64_t, 4> pixShape = piece.shape();
    int64_t rank = 4 + pixShape.size();
    SmallVector<AffineExpr> e(rank);
    bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
    // Axes: batch, then the window (c, kh, kw) and the pixel axes, in the
    // order of the layout.
    unsigned pix = pixelsFirst ? 1 : 4, win = pixelsFirst ? rank - 3 : 1;
    auto [oh, ow] =
        piece.position(ArrayRef<AffineExpr>(e).slice(pix, pixShape.size()));
    SmallVector<int64_t> winShape = {c, kernel[0], kernel[1]};
    SmallVector<int64_t> shape = {n};
    auto seq = [](int64_t lo, int64_t count) {
      return llvm::to_vector_of<int64_t>(llvm::seq<int64_t>(lo, lo + count));
    };
    ReassociationIndices pixAxes = seq(pix, pixShape.size()),
                         winAxes = seq(win, 3);
    SmallVector<ReassociationIndices> merge = {{0}};
    if (pixelsFirst) {
      llvm::append_range(shape, pixShape);
      llvm::append_range(shape, winShape);
      merge.append({pixAxes, winAxes});
    } else {
      llvm::append_range(shape, winShape);
      llvm::append_range(shape, pixShape);
      merge.append({winAxes, pixAxes});
    }
    auto colType = RankedTensorType::get(shape, elt);
    AffineMap in = AffineMap::get(
        rank, 0,
        {e[0], e[win], oh * strides[0] + e[win + 1] * dilation[0],
         ow * strides[1] + e[win + 2] * dilation[1]},
        ctx);
    Value col =
        linalg::GenericOp::create(
            b, loc, TypeRange{colType}, ValueRange{xpad},
            ValueRange{
                tensor::EmptyOp::create(b, loc, colType.getShape(), elt)},
            SmallVector<AffineMap>{
                in, AffineMap::getMultiDimIdentityMap(rank, ctx)},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [](OpBuilder &nb, Location l, ValueRange a) {
              linalg::YieldOp::create(nb, l, a[0]);
            })
            .getResult(0);
    return tensor::CollapseShapeOp::create(b, loc, col, merge);
  };
  if (!blocked)
    return gather({false, 0, 0, outHW[0], outHW[1]});
  SmallVector<Value> parts;
  for (const PixelPiece &piece : blockedPixelPieces(outHW[0], outHW[1]))
    parts.push_back(gather(piece));
  return joinPixelPieces(b, loc, parts, pixelsFirst ? 1 : 2);
}

Value lowering::buildIm2col(OpBuilder &b, Location loc, Value xpad,
                            ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> dilation,
                            ArrayRef<int64_t> outHW, bool blocked) {
  return buildIm2colLayout(b, loc, xpad, kernel, strides, dilation, outHW,
                           /*pixelsFirst=*/false, blocked);
}

Value lowering::buildIm2colRows(OpBuilder &b, Location loc, Value xpad,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dilation,
                                ArrayRef<int64_t> outHW, bool blocked) {
  return buildIm2colLayout(b, loc, xpad, kernel, strides, dilation, outHW,
                           /*pixelsFirst=*/true, blocked);
}

Value lowering::blockedPlanes(OpBuilder &b, Location loc, Value x) {
  auto t = cast<RankedTensorType>(x.getType());
  int64_t n = t.getDimSize(0), c = t.getDimSize(1);
  int64_t qh = t.getDimSize(2) / 2, qw = t.getDimSize(3) / 2;
  Value flat = tensor::CollapseShapeOp::create(
      b, loc, x, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  if (4 * qh * qw != t.getDimSize(2) * t.getDimSize(3))
    flat = tensor::ExtractSliceOp::create(
        b, loc, flat, getAsIndexOpFoldResult(b.getContext(), {0, 0, 0}),
        getAsIndexOpFoldResult(b.getContext(), {n, c, 4 * qh * qw}),
        getAsIndexOpFoldResult(b.getContext(), {1, 1, 1}));
  return tensor::ExpandShapeOp::create(
      b, loc,
      RankedTensorType::get({n, c, 2, 2, qh, qw}, t.getElementType()), flat,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4, 5}});
}

//===----------------------------------------------------------------------===//
// Register-tiled f32 GEMM
//===----------------------------------------------------------------------===//

namespace {
/// Emits the loops of one buildTiledGemm on 1-D (collapsed) tensors. The
/// kernel stays on tensors (C is carried through the loops and updated with
/// vector.transfer_write) so that one-shot bufferization sees every read and
/// write where it happens; a memref kernel behind bufferization.to_buffer
/// would hide its reads from the analysis (and CSE merges to_buffer ops).
class GemmEmitter {
public:
  /// Lanes per vector, rows and vectors of a register tile: 4 x 4 vector
  /// accumulators leave half of the 32 zmm registers for B rows, the A
  /// broadcasts and the products.
  static constexpr int64_t kLanes = 16, kRows = 4, kVecs = 4;
  /// Reduction terms per cache block: a panel of B (kBlock rows by one
  /// register tile's kLanes * kVecs columns, 32 KiB) stays in L1 while
  /// every row tile of A sweeps it.
  static constexpr int64_t kBlock = 128;
  /// Innermost reduction axes of at most this many terms are unrolled.
  static constexpr int64_t kUnrollTerms = 16;

  GemmEmitter(const GemmLayout &g, Value a, Value bm, Value initSplat)
      : g(g), a(a), bm(bm), initSplat(initSplat) {}

  /// Returns C after the GEMM, starting from `c` (init, or anything when
  /// the init is a splat).
  Value emit(OpBuilder &b, Location loc, Value c) {
    if (g.batch == 1)
      return emitBatch(b, loc, idx(b, loc, 0), c);
    return loop(b, loc, 0, g.batch, 1, c,
                [&](OpBuilder &nb, Location l, Value bi, Value cur) {
                  return emitBatch(nb, l, bi, cur);
                });
  }

private:
  const GemmLayout &g;
  Value a, bm, initSplat;

  using LoopBody = function_ref<Value(OpBuilder &, Location, Value, Value)>;

  /// scf.for over [lo, hi) carrying the C tensor.
  static Value loop(OpBuilder &b, Location loc, Value lo, Value hi,
                    int64_t step, Value c, LoopBody body) {
    return scf::ForOp::create(
               b, loc, lo, hi, idx(b, loc, step), ValueRange{c},
               [&](OpBuilder &nb, Location l, Value iv, ValueRange cur) {
                 scf::YieldOp::create(nb, l, body(nb, l, iv, cur[0]));
               })
        .getResult(0);
  }
  static Value loop(OpBuilder &b, Location loc, int64_t lo, int64_t hi,
                    int64_t step, Value c, LoopBody body) {
    return loop(b, loc, idx(b, loc, lo), idx(b, loc, hi), step, c, body);
  }
  /// base + v * s (base may be null for 0).
  static Value addScaled(OpBuilder &b, Location l, Value base, Value v,
                         int64_t s) {
    if (s == 0)
      return base ? base : idx(b, l, 0);
    Value t = s == 1 ? v : arith::MulIOp::create(b, l, v, idx(b, l, s));
    return base ? arith::AddIOp::create(b, l, base, t).getResult() : t;
  }
  static Value addConst(OpBuilder &b, Location l, Value v, int64_t c) {
    return c == 0 ? v : arith::AddIOp::create(b, l, v, idx(b, l, c));
  }
  /// A vector of 16 elements of 1-D `t` from `off` (masked when `mask`).
  static Value read(OpBuilder &b, Location l, Value t, Value off, Value mask) {
    MLIRContext *ctx = b.getContext();
    auto vt = VectorType::get({kLanes}, b.getF32Type());
    Value pad = arith::ConstantOp::create(b, l, b.getF32FloatAttr(0.0f));
    return vector::TransferReadOp::create(
        b, l, vt, t, ValueRange{off}, AffineMap::getMinorIdentityMap(1, 1, ctx),
        pad, mask, b.getBoolArrayAttr({true}));
  }
  static Value write(OpBuilder &b, Location l, Value v, Value t, Value off,
                     Value mask) {
    return vector::TransferWriteOp::create(
               b, l, t.getType(), v, t, ValueRange{off},
               AffineMap::getMinorIdentityMap(1, 1, b.getContext()), mask,
               b.getBoolArrayAttr({true}))
        .getResult();
  }

  /// Column panels (one register tile wide) outermost, then cache blocks
  /// of the reduction, then row tiles: a panel's block of B is read from
  /// L2 once and from L1 by every row tile. (Row tiles outside the column
  /// loop re-read a block of all of B's columns from L2 for every row
  /// tile.) The order of the terms of each element does not change.
  Value emitBatch(OpBuilder &b, Location loc, Value bi, Value c) {
    int64_t width = kLanes * kVecs;
    int64_t full = g.cols / width * width;
    if (full > 0)
      c = loop(b, loc, 0, full, width, c,
               [&](OpBuilder &nb, Location l, Value j0, Value cur) {
                 return emitPanel(nb, l, bi, j0, kVecs, 0, cur);
               });
    int64_t rest = g.cols - full;
    if (rest != 0)
      c = emitPanel(b, loc, bi, idx(b, loc, full),
                    (rest + kLanes - 1) / kLanes, rest % kLanes, c);
    return c;
  }

  /// The outermost reduction axis is split into cache blocks; the first
  /// block starts the accumulators from init, the others from C.
  Value emitPanel(OpBuilder &b, Location loc, Value bi, Value j0, int64_t nv,
                  int64_t tail, Value c) {
    int64_t outer = g.reductions.front().extent;
    int64_t inner = 1;
    for (const GemmReduction &r : ArrayRef(g.reductions).drop_front())
      inner *= r.extent;
    int64_t step = std::max<int64_t>(1, kBlock / inner);
    int64_t first = std::min(step, outer);
    c = emitBlock(b, loc, bi, j0, nv, tail, idx(b, loc, 0),
                  idx(b, loc, first), true, c);
    if (outer <= step)
      return c;
    Value end = idx(b, loc, outer);
    return loop(b, loc, idx(b, loc, step), end, step, c,
                [&](OpBuilder &nb, Location l, Value r0, Value cur) {
                  Value hi = arith::MinSIOp::create(
                      nb, l, addConst(nb, l, r0, step), end);
                  return emitBlock(nb, l, bi, j0, nv, tail, r0, hi, false,
                                   cur);
                });
  }

  Value emitBlock(OpBuilder &b, Location loc, Value bi, Value j0, int64_t nv,
                  int64_t tail, Value rLo, Value rHi, bool first, Value c) {
    // A narrow panel (fewer than kVecs vectors: a GEMM of few columns, as
    // the 9 of a 3x3 single-channel conv's weight gradient) takes more
    // rows, so that the tile still has kRows * kVecs independent
    // accumulators to hide the FMA latency.
    int64_t mr = std::max(kRows, kRows * kVecs / nv);
    int64_t full = g.rows / mr * mr;
    if (full > 0)
      c = loop(b, loc, 0, full, mr, c,
               [&](OpBuilder &nb, Location l, Value i0, Value cur) {
                 return emitTile(nb, l, bi, i0, mr, j0, nv, tail, rLo, rHi,
                                 first, cur);
               });
    if (g.rows != full)
      c = emitTile(b, loc, bi, idx(b, loc, full), g.rows - full, j0, nv, tail,
                   rLo, rHi, first, c);
    return c;
  }

  /// Rows [i0, i0 + mr) by `nv` vectors of columns from j0, the last one
  /// masked to `tail` lanes when tail != 0; reduction block [rLo, rHi) of
  /// the outermost axis and all of the inner ones.
  Value emitTile(OpBuilder &b, Location loc, Value bi, Value i0, int64_t mr,
                 Value j0, int64_t nv, int64_t tail, Value rLo, Value rHi,
                 bool first, Value c) {
    Value mask;
    if (tail != 0)
      mask = vector::ConstantMaskOp::create(
          b, loc, VectorType::get({kLanes}, b.getI1Type()),
          ArrayRef<int64_t>{tail});
    auto maskOf = [&](int64_t v) { return v == nv - 1 ? mask : Value(); };

    Value cBase = addScaled(b, loc, nullptr, bi, g.rows * g.cols);
    cBase = addScaled(b, loc, cBase, i0, g.cols);
    cBase = arith::AddIOp::create(b, loc, cBase, j0);
    SmallVector<Value> acc;
    for (int64_t i = 0; i < mr; ++i)
      for (int64_t v = 0; v < nv; ++v) {
        if (first && initSplat) {
          acc.push_back(initSplat);
          continue;
        }
        Value off = addConst(b, loc, cBase, i * g.cols + v * kLanes);
        acc.push_back(read(b, loc, c, off, maskOf(v)));
      }

    Value aBase =
        addScaled(b, loc, addScaled(b, loc, nullptr, bi, g.aBatch), i0, g.aRow);
    Value bBase = addScaled(b, loc, nullptr, bi, g.bBatch);
    bBase = arith::AddIOp::create(b, loc, bBase, j0);
    SmallVector<Value> result =
        emitReduction(b, loc, 0, rLo, rHi, aBase, bBase, acc, mr, nv, mask);

    for (int64_t i = 0; i < mr; ++i)
      for (int64_t v = 0; v < nv; ++v) {
        Value off = addConst(b, loc, cBase, i * g.cols + v * kLanes);
        c = write(b, loc, result[i * nv + v], c, off, maskOf(v));
      }
    return c;
  }

  /// The loop over reduction axis `d` (and, nested, the inner ones),
  /// carrying the accumulators: acc = fma(A scalar (broadcast), B row, acc),
  /// one rounding per term (the separate multiply and add of a linalg
  /// contraction would halve the FMA units' throughput).
  SmallVector<Value> emitReduction(OpBuilder &b, Location loc, size_t d,
                                   Value lo, Value hi, Value aOff, Value bOff,
                                   ValueRange acc, int64_t mr, int64_t nv,
                                   Value mask) {
    const GemmReduction &r = g.reductions[d];
    auto step = [&](OpBuilder &nb, Location l, Value k, ValueRange cur) {
      Value ao = addScaled(nb, l, aOff, k, r.aStride);
      Value bo = addScaled(nb, l, bOff, k, r.bStride);
      SmallVector<Value> next;
      if (d + 1 < g.reductions.size()) {
        next = emitReduction(nb, l, d + 1, idx(nb, l, 0),
                             idx(nb, l, g.reductions[d + 1].extent), ao, bo,
                             cur, mr, nv, mask);
      } else {
        next.assign(cur.begin(), cur.end());
        SmallVector<Value> rowsB;
        for (int64_t v = 0; v < nv; ++v)
          rowsB.push_back(read(nb, l, bm, addConst(nb, l, bo, v * kLanes),
                               v == nv - 1 ? mask : Value()));
        auto vt = cast<VectorType>(rowsB.front().getType());
        for (int64_t i = 0; i < mr; ++i) {
          Value s = tensor::ExtractOp::create(
              nb, l, a, ValueRange{addConst(nb, l, ao, i * g.aRow)});
          Value sv = vector::BroadcastOp::create(nb, l, vt, s);
          for (int64_t v = 0; v < nv; ++v)
            next[i * nv + v] = math::FmaOp::create(nb, l, sv, rowsB[v],
                                                     next[i * nv + v]);
        }
      }
      return next;
    };
    // A short innermost axis (a window row of a weight gradient, 11 terms)
    // is unrolled here: as a loop, LLVM unrolls it by two and peels the odd
    // term, and the loop overhead and exit branch cost a third of the FMA
    // throughput. The terms keep their order.
    if (d > 0 && d + 1 == g.reductions.size() && r.extent <= kUnrollTerms) {
      SmallVector<Value> cur(acc.begin(), acc.end());
      for (int64_t k = 0; k < r.extent; ++k)
        cur = step(b, loc, idx(b, loc, k), cur);
      return cur;
    }
    auto forOp = scf::ForOp::create(
        b, loc, lo, hi, idx(b, loc, 1), acc,
        [&](OpBuilder &nb, Location l, Value k, ValueRange cur) {
          scf::YieldOp::create(nb, l, step(nb, l, k, cur));
        });
    return SmallVector<Value>(forOp.getResults());
  }
};
} // namespace

/// `t` collapsed to one dimension.
static Value flatten(OpBuilder &b, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  if (type.getRank() == 1)
    return t;
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))};
  return tensor::CollapseShapeOp::create(b, loc, t, all);
}

Value lowering::buildTiledGemm(OpBuilder &b, Location loc,
                               RankedTensorType type, Value a, Value bm,
                               Value init, const GemmLayout &layout) {
  assert(type.hasStaticShape() && type.getElementType().isF32() &&
         type.getNumElements() == layout.batch * layout.rows * layout.cols &&
         !layout.reductions.empty() && "static f32 GEMM");
  // A constant init (the zeros of a weight gradient) is splatted into the
  // accumulators instead of being materialized and read; otherwise C is
  // computed in the init tensor's buffer.
  Value initSplat, src = init;
  while (auto collapse = src.getDefiningOp<tensor::CollapseShapeOp>())
    src = collapse.getSrc();
  if (auto fill = src.getDefiningOp<linalg::FillOp>()) {
    if (auto cst = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>())
      initSplat = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(
              VectorType::get({GemmEmitter::kLanes}, type.getElementType()),
              cst.getValue()));
  }
  Value c0 = initSplat ? tensor::EmptyOp::create(
                             b, loc, ArrayRef<int64_t>{type.getNumElements()},
                             type.getElementType())
                             .getResult()
                       : flatten(b, loc, init);
  Value c =
      GemmEmitter(layout, flatten(b, loc, a), flatten(b, loc, bm), initSplat)
          .emit(b, loc, c0);
  if (type.getRank() == 1)
    return c;
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))};
  return tensor::ExpandShapeOp::create(b, loc, type, c, all);
}

Value lowering::windowPosition(OpBuilder &b, Location loc, Value ky, Value kx,
                               int64_t kw) {
  Type t = ky.getType();
  Value width = t.isIndex() ? idx(b, loc, kw)
                            : arith::ConstantOp::create(
                                  b, loc, b.getIntegerAttr(t, kw))
                                  .getResult();
  Value pos = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, ky, width), kx);
  if (!t.isIndex())
    return pos;
  return arith::IndexCastOp::create(b, loc, b.getI32Type(), pos);
}

SmallVector<Value> lowering::buildBlockedPoolMax(
    OpBuilder &b, Location loc, Value planes, TypeRange resultTypes,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ArrayRef<Value>)>
        body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> e(4);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  SmallVector<AffineMap> maps;
  SmallVector<Value> inputs;
  for (int64_t kh = 0; kh < 2; ++kh)
    for (int64_t kw = 0; kw < 2; ++kw) {
      inputs.push_back(planes);
      maps.push_back(AffineMap::get(
          4, 0,
          {e[0], e[1], getAffineConstantExpr(kh, ctx),
           getAffineConstantExpr(kw, ctx), e[2], e[3]},
          ctx));
    }
  SmallVector<Value> inits;
  for (Type t : resultTypes) {
    inits.push_back(emptyTensor(b, loc, cast<RankedTensorType>(t), planes));
    maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
  }
  auto op = linalg::GenericOp::create(
      b, loc, resultTypes, inputs, inits, maps,
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange v) {
        SmallVector<Value> planeValues(v.take_front(4));
        linalg::YieldOp::create(nb, l, body(nb, l, planeValues));
      });
  return SmallVector<Value>(op.getResults());
}

std::pair<Value, Value> lowering::buildMaxPoolArgmax(
    OpBuilder &b, Location loc, Value xpad, ArrayRef<int64_t> k,
    ArrayRef<int64_t> s, ArrayRef<int64_t> dil, ArrayRef<int64_t> outHW,
    bool blocked) {
  using IT = utils::IteratorType;
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(xpad.getType());
  Type elt = xType.getElementType();
  SmallVector<int64_t> shape = {xType.getDimSize(0), xType.getDimSize(1),
                                outHW[0], outHW[1]};
  SmallVector<AffineExpr> e(6);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  auto map6 = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(6, 0, r, ctx);
  };
  auto outType = RankedTensorType::get(shape, elt);
  // i32 positions: the same lane width as f32, so the gradient's gather of
  // them vectorizes with 16 lanes (64-bit `index` lanes halve it).
  Type i32 = b.getI32Type();
  auto idxType = RankedTensorType::get(shape, i32);
  if (blocked) {
    assert((k == ArrayRef<int64_t>{2, 2} && s == ArrayRef<int64_t>{2, 2}) &&
           "blocked pixels are for 2x2 windows of stride 2");
    // Element-wise over the four planes, the same comparisons in the same
    // order as the reduction below from (-inf, 0), which needs no filled
    // outputs (the first plane always replaces -inf, or leaves -inf and
    // position 0 as they were).
    // The positions are defined outside the body, so that the forward's
    // and the gradient's argmax are identical ops for CSE.
    SmallVector<Value> positions;
    for (int32_t i = 0; i < 4; ++i)
      positions.push_back(
          arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(i)));
    SmallVector<Value> r = buildBlockedPoolMax(
        b, loc, blockedPlanes(b, loc, xpad), TypeRange{outType, idxType},
        [&](OpBuilder &nb, Location l, ArrayRef<Value> planes) {
          Value m = planes[0], at = positions[0];
          for (int64_t i = 1; i < 4; ++i) {
            Value v = planes[i];
            Value better = arith::OrIOp::create(
                nb, l,
                arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, v, m),
                arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, v, v));
            m = arith::SelectOp::create(nb, l, better, v, m);
            at = arith::SelectOp::create(nb, l, better, positions[i], at);
          }
          return SmallVector<Value>{m, at};
        });
    return {r[0], r[1]};
  }
  Value maxInit = filledTensor(b, loc, outType, {},
                               -std::numeric_limits<double>::infinity());
  Value idxInit =
      linalg::FillOp::create(
          b, loc,
          ValueRange{arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0))},
          ValueRange{tensor::EmptyOp::create(b, loc, shape, i32)})
          .getResult(0);
  int64_t kw = k[1];
  Value windowShape = tensor::EmptyOp::create(b, loc, k, elt);
  // Window element (kh, kw) of output (oh, ow).
  AffineMap in = map6({e[0], e[1], e[2] * s[0] + e[4] * dil[0],
                       e[3] * s[1] + e[5] * dil[1]});
  auto argmax = linalg::GenericOp::create(
      b, loc, TypeRange{outType, idxType}, ValueRange{xpad, windowShape},
      ValueRange{maxInit, idxInit},
      SmallVector<AffineMap>{in, map6({e[4], e[5]}),
                             map6({e[0], e[1], e[2], e[3]}),
                             map6({e[0], e[1], e[2], e[3]})},
      SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel, IT::parallel,
                      IT::reduction, IT::reduction},
      [&](OpBuilder &nb, Location l, ValueRange v) {
        Value pos = windowPosition(nb, l, linalg::IndexOp::create(nb, l, 4),
                                   linalg::IndexOp::create(nb, l, 5), kw);
        // Strictly greater: the first maximum wins. `ugt` alone would also
        // let a number replace a NaN maximum.
        Value better = arith::OrIOp::create(
            nb, l,
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, v[0], v[2]),
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, v[0], v[0]));
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, better, v[0], v[2]),
                       arith::SelectOp::create(nb, l, better, pos, v[3])});
      });
  return {argmax.getResult(0), argmax.getResult(1)};
}

Value lowering::padForWindow(OpBuilder &b, Location loc, Value x,
                             ArrayRef<int64_t> outHW, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilation, Value padValue) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> lo = {0, 0, pads[0], pads[1]};
  SmallVector<int64_t> hi = {0, 0, pads[2], pads[3]};
  SmallVector<int64_t> shape(t.getShape());
  for (int i = 0; i < 2; ++i) {
    int64_t in = t.getDimSize(2 + i);
    int64_t needed =
        (outHW[i] - 1) * strides[i] + dilation[i] * (kernel[i] - 1) + 1;
    hi[2 + i] = std::max(hi[2 + i], needed - in - lo[2 + i]);
    shape[2 + i] = in + lo[2 + i] + hi[2 + i];
  }
  if (llvm::all_of(lo, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(hi, [](int64_t v) { return v == 0; }))
    return x;
  auto padType = RankedTensorType::get(shape, t.getElementType());
  return padConstant(b, loc, padType, x, lo, hi, padValue);
}

Value lowering::avgPoolDivisor(OpBuilder &b, Location loc, Type elt,
                               ArrayRef<int64_t> inHW, ArrayRef<int64_t> outHW,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads, bool countIncludePad) {
  // PyTorch counts the window clipped to the explicitly padded input
  // (count_include_pad) or to the input itself.
  auto extent = [&](int64_t o, int64_t axis) {
    int64_t in = inHW[axis];
    int64_t start = o * strides[axis] - pads[axis];
    int64_t end = std::min(start + kernel[axis], in + pads[axis + 2]);
    if (!countIncludePad)
      return std::min(end, in) - std::max<int64_t>(start, 0);
    return end - start;
  };
  SmallVector<Attribute> divisor;
  for (int64_t i = 0; i < outHW[0]; ++i)
    for (int64_t j = 0; j < outHW[1]; ++j)
      divisor.push_back(
          b.getFloatAttr(elt, double(extent(i, 0) * extent(j, 1))));
  auto type = RankedTensorType::get({outHW[0], outHW[1]}, elt);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, divisor));
}

Value lowering::countAlong(OpBuilder &b, Location loc, Value value,
                         ArrayRef<int64_t> axes, Type floatType) {
  auto t = cast<RankedTensorType>(value.getType());
  int64_t staticCount = 1;
  Value dynCount;
  for (int64_t d : axes) {
    if (!t.isDynamicDim(d)) {
      staticCount *= t.getDimSize(d);
      continue;
    }
    Value dim = tensor::DimOp::create(b, loc, value, d);
    dynCount = dynCount ? arith::MulIOp::create(b, loc, dynCount, dim) : dim;
  }
  if (!dynCount)
    return floatConst(b, loc, floatType, static_cast<double>(staticCount));
  Value total = arith::MulIOp::create(
      b, loc, dynCount, arith::ConstantIndexOp::create(b, loc, staticCount));
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), total);
  return arith::UIToFPOp::create(b, loc, floatType, i64);
}

//===----------------------------------------------------------------------===//
// Parameters: qat.param/load/store -> memref globals
//===----------------------------------------------------------------------===//
//
// ml_program globals would be the natural target, but the bufferization of
// ml_program.global_store in MLIR 22 declares that it does not read its
// operand, so when one-shot-bufferize copies that operand out of place it
// elides the copy and stores uninitialized memory. We lower to memref
// globals directly: loads are `to_tensor restrict` views (copied first when
// the function also stores that global, for value semantics), stores are
// `materialize_in_destination` into the global.

namespace {
static MemRefType memrefTypeFor(RankedTensorType t) {
  return MemRefType::get(t.getShape(), t.getElementType());
}

struct ParamLowering : OpConversionPattern<ParamOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ParamOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Public, mutable and 64-byte aligned: a training step updates it in
    // place, and the JIT reads trained values back by symbol name.
    rewriter.replaceOpWithNewOp<memref::GlobalOp>(
        op, op.getSymNameAttr(), /*sym_visibility=*/StringAttr(),
        TypeAttr::get(memrefTypeFor(op.getType())), op.getInitialValue(),
        /*constant=*/UnitAttr(), rewriter.getI64IntegerAttr(64));
    return success();
  }
};

/// True if a load of `name` must be snapshotted: a store to `name` in the
/// same block comes after the load and before a use of the loaded value (or
/// of a view of it). Otherwise the load can read the global in place, as
/// the weights of a training step do (their update is stored last).
static bool needsSnapshot(LoadOp load) {
  Block *block = load->getBlock();
  SmallVector<Operation *> stores;
  for (Operation &op : *block)
    if (auto store = dyn_cast<StoreOp>(op))
      if (store.getNameAttr() == load.getNameAttr() &&
          load->isBeforeInBlock(store))
        stores.push_back(store);
  if (stores.empty())
    return false;
  // Uses through ops that lower to views of the same memory.
  SmallVector<Value> worklist = {load.getResult()};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      Operation *top = block->findAncestorOpInBlock(*user);
      if (!top)
        return true;
      for (Operation *store : stores)
        if (store->isBeforeInBlock(top))
          return true;
      if (isa<ReshapeOp, FlattenOp, QuantStubOp, DequantStubOp>(user))
        worklist.push_back(user->getResult(0));
    }
  }
  return false;
}

struct LoadLowering : OpConversionPattern<LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LoadOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value global = memref::GetGlobalOp::create(rewriter, loc,
                                               memrefTypeFor(type),
                                               op.getNameAttr().getValue());
    Value view = bufferization::ToTensorOp::create(
        rewriter, loc, type, global, /*restrict=*/true, /*writable=*/false);
    if (needsSnapshot(op)) {
      // Snapshot the value here: a later store must not change it.
      Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                            type.getElementType());
      view = linalg::CopyOp::create(rewriter, loc, view, empty).getResult(0);
    }
    rewriter.replaceOp(op, view);
    return success();
  }
};

struct StoreLowering : OpConversionPattern<StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getValue().getType());
    Value global = memref::GetGlobalOp::create(rewriter, op.getLoc(),
                                               memrefTypeFor(type),
                                               op.getNameAttr().getValue());
    rewriter.replaceOpWithNewOp<bufferization::MaterializeInDestinationOp>(
        op, TypeRange{}, adaptor.getValue(), global, /*restrict=*/true,
        /*writable=*/true);
    return success();
  }
};
} // namespace

void mlir::qat::populateQatToLinalgConversionPatterns(
    RewritePatternSet &patterns, bool im2col) {
  patterns.add<ParamLowering, LoadLowering, StoreLowering>(
      patterns.getContext());
  populateLayerPatterns(patterns, im2col);
  populateElementwisePatterns(patterns);
  populatePoolAndShapePatterns(patterns);
  populateLossPatterns(patterns);
  populateQuantPatterns(patterns);
  populateTrainPatterns(patterns, im2col);
}

namespace {
struct ConvertQatToLinalgPass
    : qat::impl::ConvertQatToLinalgBase<ConvertQatToLinalgPass> {
  using ConvertQatToLinalgBase::ConvertQatToLinalgBase;
  /// The tiled GEMMs (buildTiledGemm) are scf loops over vector ops.
  void getDependentDialects(DialectRegistry &registry) const override {
    ConvertQatToLinalgBase::getDependentDialects(registry);
    registry.insert<scf::SCFDialect, vector::VectorDialect>();
  }
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<QatDialect>();
    // Kernel building blocks (--qat-lower-x86) lower after bufferization.
    target.addLegalOp<DotAccumulateOp, MmlaAccumulateOp>();
    target.addLegalDialect<
        arith::ArithDialect, bufferization::BufferizationDialect,
        linalg::LinalgDialect, math::MathDialect, memref::MemRefDialect,
        tensor::TensorDialect, func::FuncDialect, scf::SCFDialect,
        vector::VectorDialect>();
    target.addLegalOp<ModuleOp>();
    target.addIllegalDialect<quant::QuantDialect>();
    TypeConverter converter;
    addQuantTypeConversions(converter);
    if (blockPools)
      getOperation()->walk(
          [&](func::FuncOp f) { markPoolBlockedPixels(f, im2col); });
    RewritePatternSet patterns(ctx);
    populateQatToLinalgConversionPatterns(patterns, im2col);
    populateIntPatterns(patterns, converter);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

//===- Im2col.cpp - im2col and the blocked pixel order --------------------===//

#include "qat/Codegen/Im2col.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

#include "qat/Codegen/Builders.h"

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
    all = tensor::InsertSliceOp::create(b, loc, part, all,
                                        getAsIndexOpFoldResult(ctx, offsets),
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
                               bool blocked, bool channelsLast = false) {
  MLIRContext *ctx = b.getContext();
  auto t = cast<RankedTensorType>(xpad.getType());
  int64_t n = t.getDimSize(0), c = t.getDimSize(channelsLast ? 3 : 1);
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
    if (channelsLast)
      winShape = {kernel[0], kernel[1], c};
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
    // The window's axes are (c, kh, kw), or (kh, kw, c) on NHWC input.
    unsigned kh = channelsLast ? win : win + 1;
    AffineExpr h = oh * strides[0] + e[kh] * dilation[0];
    AffineExpr w = ow * strides[1] + e[kh + 1] * dilation[1];
    SmallVector<AffineExpr, 4> at = {e[0], e[win], h, w};
    if (channelsLast)
      at = {e[0], h, w, e[win + 2]};
    AffineMap in = AffineMap::get(rank, 0, at, ctx);
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
                            ArrayRef<int64_t> dilation, ArrayRef<int64_t> outHW,
                            bool blocked) {
  return buildIm2colLayout(b, loc, xpad, kernel, strides, dilation, outHW,
                           /*pixelsFirst=*/false, blocked);
}

Value lowering::buildIm2colRows(OpBuilder &b, Location loc, Value xpad,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> dilation,
                                ArrayRef<int64_t> outHW, bool blocked,
                                bool channelsLast) {
  return buildIm2colLayout(b, loc, xpad, kernel, strides, dilation, outHW,
                           /*pixelsFirst=*/true, blocked, channelsLast);
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
      b, loc, RankedTensorType::get({n, c, 2, 2, qh, qw}, t.getElementType()),
      flat, SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4, 5}});
}

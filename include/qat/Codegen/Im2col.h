//===- Im2col.h - im2col and the blocked pixel order ------------*- C++ -*-===//
//
// The column matrices of convolutions lowered to GEMMs, in standard or
// blocked pixel order (the four planes of 2x2 pooling windows first).
//
//===----------------------------------------------------------------------===//

#ifndef QAT_CODEGEN_IM2COL_H
#define QAT_CODEGEN_IM2COL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::qat::lowering {

/// A run of consecutive pixels of the blocked order: the four planes
/// (oh, ow) = (2 * qh + ph, 2 * qw + pw), axes (ph, pw, qh, qw) of extents
/// (2, 2, rows, cols); or the rectangle (h0 + i, w0 + j), axes (i, j) of
/// extents (rows, cols).
struct PixelPiece {
  bool planes;
  int64_t h0, w0, rows, cols;
  int64_t count() const { return (planes ? 4 : 1) * rows * cols; }
  SmallVector<int64_t, 4> shape() const {
    if (planes)
      return {2, 2, rows, cols};
    return {rows, cols};
  }
  /// The output pixel (oh, ow) at the piece's pixel axes `dims` (one per
  /// extent of shape()).
  std::pair<AffineExpr, AffineExpr> position(ArrayRef<AffineExpr> dims) const {
    if (planes)
      return {dims[2] * 2 + dims[0], dims[3] * 2 + dims[1]};
    return {dims[0] + h0, dims[1] + w0};
  }
};

/// The blocked order of an OH x OW image: the planes of the OH / 2 x OW / 2
/// windows, then column OW - 1 above row 2 * (OH / 2) when OW is odd, then
/// row OH - 1 when OH is odd.
SmallVector<PixelPiece, 3> blockedPixelPieces(int64_t oh, int64_t ow);

/// `parts` (the pieces of blocked order, in order, each with its pixels along
/// `axis`) concatenated along `axis`.
Value joinPixelPieces(OpBuilder &b, Location loc, ArrayRef<Value> parts,
                      unsigned axis);

/// im2col of a padded NCHW tensor: [N, C * KH * KW, OH * OW], where column
/// (c, kh, kw) of output position (oh, ow) reads
/// xpad[n, c, oh * s + kh * d, ow * s + kw * d]; with `blocked`, the output
/// positions are in blocked pixel order (kPoolBlockedAttr).
Value buildIm2col(OpBuilder &b, Location loc, Value xpad,
                  ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                  ArrayRef<int64_t> dilation, ArrayRef<int64_t> outHW,
                  bool blocked = false);

/// The transposed im2col of buildIm2col, [N, OH * OW, C * KH * KW]: one
/// contiguous row of window values per output position. With
/// `channelsLast`, `xpad` is NHWC and a row orders the window (kh, kw, c),
/// so that each (kh, kw) is a contiguous run of C values.
Value buildIm2colRows(OpBuilder &b, Location loc, Value xpad,
                      ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> dilation, ArrayRef<int64_t> outHW,
                      bool blocked = false, bool channelsLast = false);

/// The planes of `x` [N, C, H, W] in blocked pixel order,
/// [N, C, 2, 2, H / 2, W / 2] (window row, window column, then the window).
Value blockedPlanes(OpBuilder &b, Location loc, Value x);

} // namespace mlir::qat::lowering

#endif // QAT_CODEGEN_IM2COL_H

//===- PatternUtils.h - shared helpers of the qat lowering ------*- C++ -*-===//

#ifndef QAT_LIB_CONVERSION_QATTOLINALG_PATTERNUTILS_H
#define QAT_LIB_CONVERSION_QATTOLINALG_PATTERNUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "qat/Codegen/Builders.h"
#include "qat/Codegen/Im2col.h"
#include "qat/Codegen/Requant.h"
#include "qat/Codegen/TiledGemm.h"

namespace mlir::qat::lowering {

/// Pattern groups, one per source file.
void populateParamPatterns(RewritePatternSet &patterns);
void populateLayerPatterns(RewritePatternSet &patterns, bool im2col,
                           int64_t threads);
void populateElementwisePatterns(RewritePatternSet &patterns);
void populatePoolAndShapePatterns(RewritePatternSet &patterns);
void populateLossPatterns(RewritePatternSet &patterns);
void populateQuantPatterns(RewritePatternSet &patterns);
void populateLayerGradPatterns(RewritePatternSet &patterns, int64_t threads);
void populateConv2dGradPatterns(RewritePatternSet &patterns, bool im2col,
                                int64_t threads);
void populatePoolGradPatterns(RewritePatternSet &patterns);
void populateLossGradPatterns(RewritePatternSet &patterns);
void populateOptimizerPatterns(RewritePatternSet &patterns);
void populateIntPatterns(RewritePatternSet &patterns,
                         const TypeConverter &converter);
void populateIntLayerPatterns(RewritePatternSet &patterns,
                              const TypeConverter &converter);
/// Quantized tensors become tensors of their storage type.
void addQuantTypeConversions(TypeConverter &converter);

/// A conversion pattern whose f32 GEMMs are split over the pass's
/// `threads` (buildTiledGemm).
template <typename OpTy>
struct GemmConversionPattern : OpConversionPattern<OpTy> {
  GemmConversionPattern(MLIRContext *ctx, int64_t threads)
      : OpConversionPattern<OpTy>(ctx), threads(threads) {}
  int64_t threads;
};

/// A conversion pattern of a convolution that the pass's `im2col` option
/// steers (the GEMM form, or linalg's convolution ops).
template <typename OpTy>
struct ConvConversionPattern : GemmConversionPattern<OpTy> {
  ConvConversionPattern(MLIRContext *ctx, bool im2col, int64_t threads)
      : GemmConversionPattern<OpTy>(ctx, threads), im2col(im2col) {}
  bool im2col;
};

/// Float arithmetic of the gradient and optimizer bodies.
inline Value addf(OpBuilder &b, Location l, Value x, Value y) {
  return arith::AddFOp::create(b, l, x, y);
}
inline Value mulf(OpBuilder &b, Location l, Value x, Value y) {
  return arith::MulFOp::create(b, l, x, y);
}
inline Value subf(OpBuilder &b, Location l, Value x, Value y) {
  return arith::SubFOp::create(b, l, x, y);
}

/// A tensor of `type` reduced along `axis`: the type without that axis, and
/// the indexing map from `type`'s loops to it.
struct AxisReduction {
  RankedTensorType type;
  AffineMap map;
};
AxisReduction reduceAlong(RankedTensorType type, int64_t axis);

/// The maximum of `x` along `axis` into `init` (filled with -inf): the
/// shift of softmax and of the cross-entropy's log-sum-exp.
Value buildMaxAlong(OpBuilder &b, Location loc, Value x, int64_t axis,
                    Value init);

/// exp(x - max), `max` (buildMaxAlong) read through `maxMap`.
Value buildShiftedExp(OpBuilder &b, Location loc, Value x, Value max,
                      AffineMap maxMap);

/// True if every value of `values` has a static shape.
inline bool hasStaticShapes(ValueRange values) {
  return llvm::all_of(values, [](Value v) {
    return cast<ShapedType>(v.getType()).hasStaticShape();
  });
}

/// Name of the unit attribute that markPoolBlockedPixels puts on the conv2d,
/// conv2d_grad, max_pool2d and max_pool2d_grad ops whose spatial tensors are
/// stored in blocked pixel order (blockedPixelPieces): the four positions
/// of every 2x2 pooling window in four contiguous planes, then the pixels
/// that no window reads (the last column and row of an odd extent).
constexpr llvm::StringLiteral kPoolBlockedAttr = "qat.pool_blocked";

/// Marks the ops of every region of `func` that can store its pixels in
/// blocked order (see kPoolBlockedAttr): a conv2d whose output reaches 2x2
/// stride-2 max-pools, and their gradients, only through ops that never
/// look at pixel positions (element-wise ops with per-channel or scalar
/// operands, batch norm, fake-quant, observers and their gradients).
/// Without `im2col` no conv2d is lowered in a form that can produce it.
void markPoolBlockedPixels(Operation *func, bool im2col);

/// Pads the spatial axes of an NCHW tensor with `padValue` by the window's
/// padding ([top, left, bottom, right]) plus the extra high padding that
/// ceil_mode needs so that the last of the `outHW` windows fits.
Value padForWindow(OpBuilder &b, Location loc, Value x, ArrayRef<int64_t> outHW,
                   ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                   ArrayRef<int64_t> pads, ArrayRef<int64_t> dilation,
                   Value padValue);

/// The i32 position ky * kw + kx of a window element (from index operands,
/// or i32 ones).
Value windowPosition(OpBuilder &b, Location loc, Value ky, Value kx,
                     int64_t kw);

/// Every window's first maximum (row-major in the window; a NaN wins and
/// stays, as PyTorch's `val > max || isnan(val)`) and its windowPosition,
/// as [N, C, OH, OW] values and i32 positions, over `xpad` (padded by
/// padForWindow). Max-pool and its gradient build it identically, so in a
/// training step CSE computes it once. With `blocked`, `xpad` is an
/// unpadded 2x2 stride-2 pool's input in blocked pixel order
/// (kPoolBlockedAttr) and the windows are read from its four planes.
std::pair<Value, Value> buildMaxPoolArgmax(OpBuilder &b, Location loc,
                                           Value xpad, ArrayRef<int64_t> kernel,
                                           ArrayRef<int64_t> strides,
                                           ArrayRef<int64_t> dilation,
                                           ArrayRef<int64_t> outHW,
                                           bool blocked = false);

/// An all-parallel linalg.generic over the windows [N, C, OH, OW] of 2x2
/// planes [N, C, 2, 2, OH, OW] (blockedPlanes) with results of
/// `resultTypes`: `body` gets the window's four values in row-major window
/// order and returns the results.
SmallVector<Value> buildBlockedPoolMax(
    OpBuilder &b, Location loc, Value planes, TypeRange resultTypes,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ArrayRef<Value>)>
        body);

/// For an input position `p` (in padded coordinates) and a window offset
/// `k`, the output position `o` with `o * stride + k * dilation == p`
/// (0 where there is none), and whether it exists in [0, outSize).
std::pair<Value, Value> windowSource(OpBuilder &b, Location l, Value p, Value k,
                                     int64_t stride, int64_t dilation,
                                     int64_t outSize);

/// Window index of a gather: the batch and channel of the input element,
/// the window offset (ky, kx) and the source output position (sy, sx).
struct WindowIndex {
  Value n, c, ky, kx, sy, sx;
};

/// out[n, c, y, x] = sum over the window offsets (ky, kx) of `term` for the
/// output position (sy, sx) whose window reads input (y + padLo[0],
/// x + padLo[1]) at that offset (0 where there is none): the gather form of
/// a scatter from a windowed op's outputs back to its input.
Value buildWindowGather(
    OpBuilder &b, Location loc, RankedTensorType outType,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> dilation, ArrayRef<int64_t> padLo,
    ArrayRef<int64_t> outHW,
    function_ref<Value(OpBuilder &, Location, const WindowIndex &)> term);

/// The divisor of every avg_pool2d output position ([OH, OW] constant),
/// PyTorch's: the window clipped to the padded input, or with
/// `countIncludePad = false` to the input itself. Pads are
/// [top, left, bottom, right].
Value avgPoolDivisor(OpBuilder &b, Location loc, Type elt,
                     ArrayRef<int64_t> inHW, ArrayRef<int64_t> outHW,
                     ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                     ArrayRef<int64_t> pads, bool countIncludePad);

} // namespace mlir::qat::lowering

#endif // QAT_LIB_CONVERSION_QATTOLINALG_PATTERNUTILS_H

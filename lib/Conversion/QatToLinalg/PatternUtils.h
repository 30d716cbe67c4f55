//===- PatternUtils.h - shared helpers of the qat lowering ------*- C++ -*-===//

#ifndef QAT_LIB_CONVERSION_QATTOLINALG_PATTERNUTILS_H
#define QAT_LIB_CONVERSION_QATTOLINALG_PATTERNUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"
#include "qat/Numerics/IntReference.h"

namespace mlir::qat::lowering {

/// Pattern groups, one per source file.
void populateLayerPatterns(RewritePatternSet &patterns, bool im2col);
void populateElementwisePatterns(RewritePatternSet &patterns);
void populatePoolAndShapePatterns(RewritePatternSet &patterns);
void populateLossPatterns(RewritePatternSet &patterns);
void populateQuantPatterns(RewritePatternSet &patterns);
void populateTrainPatterns(RewritePatternSet &patterns, bool im2col);
void populateIntPatterns(RewritePatternSet &patterns,
                         const TypeConverter &converter);
/// Quantized tensors become tensors of their storage type.
void addQuantTypeConversions(TypeConverter &converter);

using BodyBuilder = function_ref<Value(OpBuilder &, Location, ValueRange)>;

/// tensor.empty of `type`; dynamic extents are read from the same axis of
/// `like` (the batch axis, in practice).
Value emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                  Value like);

/// tensor.empty of `type` whose dynamic extents come from the first of
/// `likes` (trailing-aligned, as in broadcasting) that is dynamic there.
Value emptyTensorBroadcast(OpBuilder &b, Location loc, RankedTensorType type,
                           ValueRange likes);

/// A float constant of `type`'s element type (or of `type` if scalar).
Value floatConst(OpBuilder &b, Location loc, Type type, double value);

/// An index constant.
inline Value idx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// linalg.fill of a new tensor of `type` with `value`.
Value filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                   Value like, double value);

/// Element-wise linalg.generic over the shape of `resultType` with NumPy
/// broadcasting of `inputs` (trailing-aligned; extents of 1 broadcast).
Value buildElementwise(OpBuilder &b, Location loc, RankedTensorType resultType,
                       ValueRange inputs, Value like, BodyBuilder body);

/// As above, with the result's extents taken from `init`.
Value buildElementwiseInto(OpBuilder &b, Location loc, Value init,
                           ValueRange inputs, BodyBuilder body);

/// Reduction of `input` over `axes` into a tensor holding the remaining axes
/// in order, starting from `init` (a filled tensor of that shape).
Value buildReduction(OpBuilder &b, Location loc, Value input,
                     ArrayRef<int64_t> axes, Value init,
                     function_ref<Value(OpBuilder &, Location, Value, Value)>
                         combine);

/// Several reductions of `input` over `axes` in one pass (one linalg.generic
/// with a result per init): `combine` gets an element and the accumulators
/// and returns the new accumulators.
SmallVector<Value> buildReductions(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
    ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        combine);

/// linalg.transpose of a static-shape tensor by `permutation` (result
/// dimension i is input dimension permutation[i]).
Value buildTranspose(OpBuilder &b, Location loc, Value x,
                     ArrayRef<int64_t> permutation);

/// tensor.pad of `x` to `type` with static low/high amounts and a constant.
Value padConstant(OpBuilder &b, Location loc, RankedTensorType type, Value x,
                  ArrayRef<int64_t> lo, ArrayRef<int64_t> hi, Value padValue);

/// The per-channel float32 requant multipliers `s_x * s_w[c] / s_y` of an
/// int8 linear/conv layer, read from its quantized types (NUMERICS.md).
SmallVector<float> requantMultipliers(Type xType, Type wType, Type yType,
                                      int64_t channels);

/// TFLite's (multiplier, shift) of each output channel of an int8
/// linear/conv layer: QuantizeMultiplier(double(s_x) * double(s_w[c]) /
/// double(s_y)), read from its quantized types.
SmallVector<runtime::FixedPointMultiplier>
fixedPointMultipliers(Type xType, Type wType, Type yType, int64_t channels);

/// TFLite's MultiplyByQuantizedMultiplier (runtime::
/// multiplyByQuantizedMultiplier) on i32 or vector<N x i32> values, the
/// doubling high multiply in i64 lanes; `leftShift` = max(shift, 0) and
/// `rightShift` = max(-shift, 0) are values of x's type. One emitter for the
/// generic lowering and the int8 kernels' vector epilogue.
Value buildMultiplyByQuantizedMultiplier(OpBuilder &b, Location loc, Value x,
                                         Value multiplier, Value leftShift,
                                         Value rightShift);

/// clamp(MultiplyByQuantizedMultiplier(acc) + zpY, lo, hi) (the addition
/// wrapping) truncated to the element type `storage`.
Value buildFixedPointRequant(OpBuilder &b, Location loc, Value acc,
                             Value multiplier, Value leftShift,
                             Value rightShift, int64_t zpY, int64_t lo,
                             int64_t hi, Type storage);

/// An NCHW storage tensor padded spatially by `pads` ([top, left, bottom,
/// right]) with the zero point `zp` (the real value 0); `x` itself when
/// there is no padding.
Value padWithZeroPoint(OpBuilder &b, Location loc, Value x, int64_t zp,
                       ArrayRef<int64_t> pads);

/// Clamps to [lo, hi] with maximumf/minimumf, which propagate NaN as
/// PyTorch's clamp does.
Value clampScalar(OpBuilder &b, Location loc, Value v, double lo, double hi);

/// Row-major reshape of `x` to `type` (collapse to 1-D, expand); a
/// dynamic result extent is the element count over the static ones.
Value reshapeTo(OpBuilder &b, Location loc, Value x, RankedTensorType type);

/// Per-channel (axis 1) sum over every other axis of `term`, accumulated in
/// f64 as PyTorch's CPU batch-norm kernels do (acc_type<float> is double):
/// `full` operands are indexed like the input, `perChannel` ones by channel;
/// `term` returns the f64 value to add. Returns a tensor<C x f64>.
Value channelSumF64(
    OpBuilder &b, Location loc, ValueRange full, ValueRange perChannel,
    int64_t channels,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange)> term);

/// A float scalar converted to `type` (extended or truncated), or as is.
Value castFloat(OpBuilder &b, Location loc, Value v, Type type);

/// Per-channel (axis 1) batch statistics of `x` ([N, C, ...]), accumulated
/// in f64 and rounded once to the element type.
struct BatchStats {
  Value count64;   ///< N * H * W ..., f64 scalar.
  Value mean64;    ///< tensor<C x f64>
  Value squares64; ///< sum of squared deviations from the mean, f64
  Value mean;      ///< tensor<C x elt>
  Value var;       ///< biased variance, tensor<C x elt>
};
BatchStats computeBatchStats(OpBuilder &b, Location loc, Value x);

/// Name of the unit attribute that markPoolBlockedPixels puts on the conv2d,
/// conv2d_grad, max_pool2d and max_pool2d_grad ops whose spatial tensors are
/// stored in blocked pixel order (blockedPixelPieces): the four positions
/// of every 2x2 pooling window in four contiguous planes, then the pixels
/// that no window reads (the last column and row of an odd extent).
constexpr llvm::StringLiteral kPoolBlockedAttr = "qat.pool_blocked";

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

/// Marks the ops of every region of `func` that can store its pixels in
/// blocked order (see kPoolBlockedAttr): a conv2d whose output reaches 2x2
/// stride-2 max-pools, and their gradients, only through ops that never
/// look at pixel positions (element-wise ops with per-channel or scalar
/// operands, batch norm, fake-quant, observers and their gradients).
/// Without `im2col` no conv2d is lowered in a form that can produce it.
void markPoolBlockedPixels(Operation *func, bool im2col);

/// im2col of a padded NCHW tensor: [N, C * KH * KW, OH * OW], where column
/// (c, kh, kw) of output position (oh, ow) reads
/// xpad[n, c, oh * s + kh * d, ow * s + kw * d]; with `blocked`, the output
/// positions are in blocked pixel order (kPoolBlockedAttr).
Value buildIm2col(OpBuilder &b, Location loc, Value xpad,
                  ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                  ArrayRef<int64_t> dilation, ArrayRef<int64_t> outHW,
                  bool blocked = false);

/// The transposed im2col of buildIm2col, [N, OH * OW, C * KH * KW]: one
/// contiguous row of window values per output position.
Value buildIm2colRows(OpBuilder &b, Location loc, Value xpad,
                      ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> dilation, ArrayRef<int64_t> outHW,
                      bool blocked = false);

/// A reduction axis of a tiled GEMM: its extent and the element strides of
/// the A and B operands along it.
struct GemmReduction {
  int64_t extent, aStride, bStride;
};

/// Layout of a batched GEMM C[batch][rows][cols] = init + sum A * B over
/// `reductions` (outermost first). Element (b, i, r...) of A is at
/// `b * aBatch + i * aRow + sum r_d * aStride_d` of A's row-major storage,
/// element (b, r..., j) of B at `b * bBatch + sum r_d * bStride_d + j`
/// (B's rows are contiguous), and C is dense.
struct GemmLayout {
  int64_t batch, rows, cols;
  int64_t aBatch, aRow, bBatch;
  SmallVector<GemmReduction, 2> reductions;
};

/// The GEMM of `layout` on static-shape f32 tensors, returning a tensor of
/// `type` (batch * rows * cols elements). `init` is a tensor of `type` or a
/// linalg.fill of it. Every element is accumulated from init with one fused
/// multiply-add per term, terms in lexicographic order of the reduction
/// axes (deterministic; it differs from a linalg contraction's separate
/// multiply and add by the rounding of the product). Register tiles of
/// vector<16xf32> accumulators are kept over a cache block of the
/// reduction, where the generic loop nest loads and stores the output
/// element in every iteration.
Value buildTiledGemm(OpBuilder &b, Location loc, RankedTensorType type, Value a,
                     Value bm, Value init, const GemmLayout &layout);

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

/// The planes of `x` [N, C, H, W] in blocked pixel order,
/// [N, C, 2, 2, H / 2, W / 2] (window row, window column, then the window).
Value blockedPlanes(OpBuilder &b, Location loc, Value x);

/// The divisor of every avg_pool2d output position ([OH, OW] constant),
/// PyTorch's: the window clipped to the padded input, or with
/// `countIncludePad = false` to the input itself. Pads are
/// [top, left, bottom, right].
Value avgPoolDivisor(OpBuilder &b, Location loc, Type elt,
                     ArrayRef<int64_t> inHW, ArrayRef<int64_t> outHW,
                     ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                     ArrayRef<int64_t> pads, bool countIncludePad);

/// Number of elements of `value` along `axes`, as a float of `floatType`
/// (reads dynamic extents at run time).
Value countAlong(OpBuilder &b, Location loc, Value value,
                 ArrayRef<int64_t> axes, Type floatType);

} // namespace mlir::qat::lowering

#endif // QAT_LIB_CONVERSION_QATTOLINALG_PATTERNUTILS_H

//===- IntReference.h - reference semantics of the int8 graph ---*- C++ -*-===//
//
// docs/numerics.md#one-integer-reference: the int8 graph has ONE reference
// semantics, this scalar implementation. Every lowering of the integer ops
// (generic, x86, ARM) must reproduce it bit-exactly on every element; tests
// compare them.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_NUMERICS_INTREFERENCE_H
#define QAT_NUMERICS_INTREFERENCE_H

#include <cstdint>

namespace mlir::qat::runtime {

/// q = clamp(nearbyint(x * (1.0f / s)) + zp, qmin, qmax), in float32; NaN
/// quantizes to qmin.
int32_t quantizeValue(float x, float scale, int32_t zeroPoint, int64_t qmin,
                      int64_t qmax);

/// (q - zp) * s in float32.
float dequantizeValue(int32_t q, float scale, int32_t zeroPoint);

/// M = float(s_x) * float(s_w) / float(s_y), in that order, in float32.
float requantMultiplier(float sx, float sw, float sy);

/// clamp(nearbyint(float(acc) * m) + zp, lo, hi), in float32, then to int.
int32_t requantize(int32_t acc, float m, int32_t zeroPoint, int64_t lo,
                   int64_t hi);

/// Which requantization an integer op uses (its `#qat.requant`
/// attribute): docs/numerics.md's float32 single rounding, or TensorFlow Lite's
/// fixed-point multiplier and shift.
enum class Requant { Float, FixedPoint };

/// TFLite's quantized multiplier: M ~= multiplier * 2^(shift - 31), with
/// multiplier in [2^30, 2^31) (or 0 for M = 0 and for M < ~2^-32).
struct FixedPointMultiplier {
  int32_t multiplier = 0;
  int shift = 0;
  /// The split MultiplyByQuantizedMultiplier applies: x * 2^leftShift()
  /// before the high multiply, a rounding divide by 2^rightShift() after.
  int leftShift() const { return shift > 0 ? shift : 0; }
  int rightShift() const { return shift > 0 ? 0 : -shift; }
};

/// TFLite's QuantizeMultiplier (tensorflow/lite/kernels/internal/
/// quantization_util.cc, without TFLITE_EMULATE_FLOAT and without
/// TFLITE_SINGLE_ROUNDING): q = frexp(M, &shift), multiplier =
/// std::round(q * 2^31) (ties away from zero); a multiplier of 2^31 becomes
/// 2^30 with shift + 1; shift < -31 flushes to (0, 0). Requires M >= 0 and
/// finite.
FixedPointMultiplier quantizeMultiplier(double m);

/// gemmlowp's SaturatingRoundingDoublingHighMul: the high 32 bits of 2 * a *
/// b rounded half away from zero, INT32_MAX for a = b = INT32_MIN.
int32_t saturatingRoundingDoublingHighMul(int32_t a, int32_t b);

/// gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from
/// zero, for 0 <= exponent <= 31.
int32_t roundingDivideByPOT(int32_t x, int exponent);

/// TFLite's MultiplyByQuantizedMultiplier (kernels/internal/common.h, the
/// classic double-rounding variant): RoundingDivideByPOT(
/// SaturatingRoundingDoublingHighMul(x * 2^max(shift, 0), multiplier),
/// max(-shift, 0)). `x * 2^left` wraps modulo 2^32 (TFLite's int32 product
/// overflows there too). Requires shift <= 30.
int32_t multiplyByQuantizedMultiplier(int32_t x, int32_t multiplier, int shift);
inline int32_t multiplyByQuantizedMultiplier(int32_t x,
                                             FixedPointMultiplier m) {
  return multiplyByQuantizedMultiplier(x, m.multiplier, m.shift);
}

/// The real multiplier TFLite's conv and fully connected kernels quantize:
/// double(sx) * double(sw) / double(sy), in that order, in double (TFLite
/// keeps its scales in float32 and converts each to double first).
double fixedPointRealMultiplier(float sx, float sw, float sy);

/// clamp(multiplyByQuantizedMultiplier(acc, m) + zp, lo, hi), the int32
/// addition wrapping as TFLite's does.
int32_t requantizeFixedPoint(int32_t acc, FixedPointMultiplier m,
                             int32_t zeroPoint, int64_t lo, int64_t hi);

/// The three multipliers of TFLite's int8 add (kernels/add.cc, Prepare):
/// left_shift = 20, twice_max = 2 * max(sA, sB) (a float32 product),
/// input multipliers sA / twice_max and sB / twice_max, output multiplier
/// twice_max / ((1 << 20) * sY) (that product in float32 too), in double.
struct QAddFixedPoint {
  static constexpr int kLeftShift = 20;
  FixedPointMultiplier a, b, y;
};
QAddFixedPoint qaddFixedPointMultipliers(float scaleA, float scaleB,
                                         float scaleY);

/// qlinear: y[n, c] = requantize(sum_k (x[n, k] - zpX) * w[c, k] + bias[c],
/// M[c], zpY, lo, hi). Integer values are passed widened to int32; `scalesW`
/// has one scale per output channel (per-tensor: all equal). With
/// Requant::FixedPoint: requantizeFixedPoint(acc, quantizeMultiplier(
/// fixedPointRealMultiplier(sX, sW[c], sY)), zpY, lo, hi).
void qlinearReference(const int32_t *x, int64_t n, int64_t k, int32_t zpX,
                      float scaleX, const int32_t *w, const float *scalesW,
                      int64_t channels, const int32_t *bias, float scaleY,
                      int32_t zpY, int64_t lo, int64_t hi, int32_t *y,
                      Requant mode = Requant::Float);

/// qadd of two values: clamp(nearbyint(float(a - zpA) * (sA / sY) +
/// float(b - zpB) * (sB / sY)) + zpY, lo, hi), all in float32. With
/// Requant::FixedPoint, TFLite's int8 add (reference/integer_ops/add.h):
/// a' = MBQM((a - zpA) << 20, mA), b' likewise, y = clamp(MBQM(a' + b', mY)
/// + zpY, lo, hi) with the multipliers of qaddFixedPointMultipliers.
int32_t qaddValue(int32_t a, float scaleA, int32_t zpA, int32_t b, float scaleB,
                  int32_t zpB, float scaleY, int32_t zpY, int64_t lo,
                  int64_t hi, Requant mode = Requant::Float);

/// qconv2d (NCHW input, OIHW weight [o, c / groups, kh, kw]): padded
/// positions hold zpX; acc = sum_{c', kh, kw} (x - zpX) * w + bias[o] over
/// the c / groups input channels of output channel o's group, then
/// requantize as qlinear (in either mode). `pads` is [top, left, bottom,
/// right].
void qconv2dReference(const int32_t *x, int64_t n, int64_t c, int64_t h,
                      int64_t w, int32_t zpX, float scaleX, const int32_t *wt,
                      int64_t o, int64_t kh, int64_t kw, const float *scalesW,
                      const int32_t *bias, const int64_t strides[2],
                      const int64_t pads[4], const int64_t dilation[2],
                      int64_t groups, int64_t oh, int64_t ow, float scaleY,
                      int32_t zpY, int64_t lo, int64_t hi, int32_t *y,
                      Requant mode = Requant::Float);

/// qmul of two values: requantize((a - zpA) * (b - zpB), M, zpY, lo, hi)
/// with M = requantMultiplier(sA, sB, sY). With Requant::FixedPoint,
/// TFLite's int8 mul: requantizeFixedPoint(acc, quantizeMultiplier(
/// fixedPointRealMultiplier(sA, sB, sY)), zpY, lo, hi).
int32_t qmulValue(int32_t a, float scaleA, int32_t zpA, int32_t b, float scaleB,
                  int32_t zpB, float scaleY, int32_t zpY, int64_t lo,
                  int64_t hi, Requant mode = Requant::Float);

/// PyTorch's avg_pool2d divisor of output position `o` along one axis of
/// extent `in`: the window [o * stride - padLo, + kernel) clipped to the
/// padded input, or to the input itself without countIncludePad.
int64_t avgPoolExtent(int64_t o, int64_t in, int64_t kernel, int64_t stride,
                      int64_t padLo, int64_t padHi, bool countIncludePad);

/// M = float(sX) / float(sY) / float(count), in that order, in float32.
float avgPoolMultiplier(float scaleX, float scaleY, int64_t count);

/// qavg_pool2d (NCHW): acc = sum over the window of (x - zpX) (padding and
/// the ceil-mode overhang add 0), y = requantize(acc, avgPoolMultiplier(sX,
/// sY, count), zpY, lo, hi) with count = the product of the two
/// avgPoolExtent. `pads` is [top, left, bottom, right]. With
/// Requant::FixedPoint, avgPoolFixedPoint(acc, count, quantizeMultiplier(
/// double(sX) / double(sY)), zpY, lo, hi).
void qavgPool2dReference(const int32_t *x, int64_t n, int64_t c, int64_t h,
                         int64_t w, int32_t zpX, float scaleX,
                         const int64_t kernel[2], const int64_t strides[2],
                         const int64_t pads[4], bool countIncludePad,
                         int64_t oh, int64_t ow, float scaleY, int32_t zpY,
                         int64_t lo, int64_t hi, int32_t *y,
                         Requant mode = Requant::Float);

/// TFLite's int8 mean (reference/integer_ops/mean.h) of one window: r =
/// multiplyByQuantizedMultiplier(acc, m), then r / count rounded half away
/// from zero as `r > 0 ? (r + count / 2) / count : (r - count / 2) /
/// count` (C division), then clamp(that + zp, lo, hi).
int32_t avgPoolFixedPoint(int32_t acc, int32_t count, FixedPointMultiplier m,
                          int32_t zeroPoint, int64_t lo, int64_t hi);

} // namespace mlir::qat::runtime

#endif // QAT_NUMERICS_INTREFERENCE_H

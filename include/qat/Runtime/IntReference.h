//===- IntReference.h - the reference semantics of the int8 graph -*- C++ -*-===//
//
// NUMERICS.md promise 2: the int8 graph has ONE reference semantics, this
// scalar implementation. Every lowering of the integer ops (generic, x86,
// ARM) must reproduce it bit-exactly on every element; tests compare them.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_RUNTIME_INTREFERENCE_H
#define QAT_RUNTIME_INTREFERENCE_H

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

/// qlinear: y[n, c] = requantize(sum_k (x[n, k] - zpX) * w[c, k] + bias[c],
/// M[c], zpY, lo, hi). Integer values are passed widened to int32; `scalesW`
/// has one scale per output channel (per-tensor: all equal).
void qlinearReference(const int32_t *x, int64_t n, int64_t k, int32_t zpX,
                      float scaleX, const int32_t *w, const float *scalesW,
                      int64_t channels, const int32_t *bias, float scaleY,
                      int32_t zpY, int64_t lo, int64_t hi, int32_t *y);

/// qadd of two values: clamp(nearbyint(float(a - zpA) * (sA / sY) +
/// float(b - zpB) * (sB / sY)) + zpY, lo, hi), all in float32.
int32_t qaddValue(int32_t a, float scaleA, int32_t zpA, int32_t b,
                  float scaleB, int32_t zpB, float scaleY, int32_t zpY,
                  int64_t lo, int64_t hi);

/// qconv2d (NCHW input, OIHW weight [o, c / groups, kh, kw]): padded
/// positions hold zpX; acc = sum_{c', kh, kw} (x - zpX) * w + bias[o] over
/// the c / groups input channels of output channel o's group, then
/// requantize as qlinear. `pads` is [top, left, bottom, right].
void qconv2dReference(const int32_t *x, int64_t n, int64_t c, int64_t h,
                      int64_t w, int32_t zpX, float scaleX, const int32_t *wt,
                      int64_t o, int64_t kh, int64_t kw, const float *scalesW,
                      const int32_t *bias, const int64_t strides[2],
                      const int64_t pads[4], const int64_t dilation[2],
                      int64_t groups, int64_t oh, int64_t ow, float scaleY,
                      int32_t zpY, int64_t lo, int64_t hi, int32_t *y);

/// qmul of two values: requantize((a - zpA) * (b - zpB), M, zpY, lo, hi)
/// with M = requantMultiplier(sA, sB, sY).
int32_t qmulValue(int32_t a, float scaleA, int32_t zpA, int32_t b, float scaleB,
                  int32_t zpB, float scaleY, int32_t zpY, int64_t lo,
                  int64_t hi);

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
/// avgPoolExtent. `pads` is [top, left, bottom, right].
void qavgPool2dReference(const int32_t *x, int64_t n, int64_t c, int64_t h,
                         int64_t w, int32_t zpX, float scaleX,
                         const int64_t kernel[2], const int64_t strides[2],
                         const int64_t pads[4], bool countIncludePad,
                         int64_t oh, int64_t ow, float scaleY, int32_t zpY,
                         int64_t lo, int64_t hi, int32_t *y);

} // namespace mlir::qat::runtime

#endif // QAT_RUNTIME_INTREFERENCE_H

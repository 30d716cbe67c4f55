//===- IntReference.cpp - the reference semantics of the int8 graph -------===//

#include "qat/Numerics/IntReference.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

using namespace mlir::qat::runtime;

int32_t mlir::qat::runtime::quantizeValue(float x, float scale,
                                          int32_t zeroPoint, int64_t qmin,
                                          int64_t qmax) {
  float inv = 1.0f / scale;
  float q = std::nearbyint(x * inv) + static_cast<float>(zeroPoint);
  // fmax/fmin return the number when the other operand is NaN.
  q = std::fmin(std::fmax(q, static_cast<float>(qmin)),
                static_cast<float>(qmax));
  return static_cast<int32_t>(q);
}

float mlir::qat::runtime::dequantizeValue(int32_t q, float scale,
                                          int32_t zeroPoint) {
  return static_cast<float>(q - zeroPoint) * scale;
}

float mlir::qat::runtime::requantMultiplier(float sx, float sw, float sy) {
  float p = sx * sw;
  return p / sy;
}

int32_t mlir::qat::runtime::requantize(int32_t acc, float m, int32_t zeroPoint,
                                       int64_t lo, int64_t hi) {
  float v = static_cast<float>(acc) * m;
  float q = std::nearbyint(v) + static_cast<float>(zeroPoint);
  q = std::fmin(std::fmax(q, static_cast<float>(lo)), static_cast<float>(hi));
  return static_cast<int32_t>(q);
}

//===----------------------------------------------------------------------===//
// TFLite's fixed-point requant
//===----------------------------------------------------------------------===//

FixedPointMultiplier mlir::qat::runtime::quantizeMultiplier(double m) {
  assert(m >= 0.0 && std::isfinite(m) && "a finite non-negative multiplier");
  FixedPointMultiplier r;
  if (m == 0.0)
    return r;
  int shift;
  const double q = std::frexp(m, &shift);
  // TfLiteRound is std::round: ties away from zero.
  auto qFixed = static_cast<int64_t>(std::round(q * (1LL << 31)));
  assert(qFixed <= (1LL << 31));
  if (qFixed == (1LL << 31)) {
    qFixed /= 2;
    ++shift;
  }
  // TFLite: a shift below -31 would shift every bit out; it is flushed to a
  // zero multiplier instead (M < ~2^-32).
  if (shift < -31) {
    shift = 0;
    qFixed = 0;
  }
  r.multiplier = static_cast<int32_t>(qFixed);
  r.shift = shift;
  return r;
}

int32_t mlir::qat::runtime::saturatingRoundingDoublingHighMul(int32_t a,
                                                              int32_t b) {
  bool overflow = a == b && a == std::numeric_limits<int32_t>::min();
  int64_t ab = static_cast<int64_t>(a) * static_cast<int64_t>(b);
  int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
  // C++ division truncates toward zero, as gemmlowp relies on.
  auto high = static_cast<int32_t>((ab + nudge) / (1LL << 31));
  return overflow ? std::numeric_limits<int32_t>::max() : high;
}

int32_t mlir::qat::runtime::roundingDivideByPOT(int32_t x, int exponent) {
  assert(exponent >= 0 && exponent <= 31);
  const auto mask = static_cast<int32_t>((1LL << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

int32_t mlir::qat::runtime::multiplyByQuantizedMultiplier(int32_t x,
                                                          int32_t multiplier,
                                                          int shift) {
  assert(shift <= 30 && "x * (1 << shift) needs shift <= 30");
  FixedPointMultiplier m{multiplier, shift};
  // x * (1 << left) in int32, wrapping (modulo 2^32) where TFLite's signed
  // product would overflow.
  auto shifted =
      static_cast<int32_t>(static_cast<uint32_t>(x) << m.leftShift());
  return roundingDivideByPOT(
      saturatingRoundingDoublingHighMul(shifted, multiplier), m.rightShift());
}

double mlir::qat::runtime::fixedPointRealMultiplier(float sx, float sw,
                                                    float sy) {
  double p = static_cast<double>(sx) * static_cast<double>(sw);
  return p / static_cast<double>(sy);
}

/// a + b in int32, wrapping like the generated code.
static int32_t addWrap(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) +
                              static_cast<uint32_t>(b));
}

static int32_t clampTo(int32_t v, int64_t lo, int64_t hi) {
  return static_cast<int32_t>(std::clamp<int64_t>(v, lo, hi));
}

int32_t mlir::qat::runtime::requantizeFixedPoint(int32_t acc,
                                                 FixedPointMultiplier m,
                                                 int32_t zeroPoint, int64_t lo,
                                                 int64_t hi) {
  return clampTo(addWrap(multiplyByQuantizedMultiplier(acc, m), zeroPoint), lo,
                 hi);
}

QAddFixedPoint mlir::qat::runtime::qaddFixedPointMultipliers(float scaleA,
                                                             float scaleB,
                                                             float scaleY) {
  // add.cc: `2 * std::max(float, float)` and `(1 << left_shift) * float` are
  // float32 products (exact: powers of two), the quotients are double.
  const float twiceMaxF = 2 * std::max(scaleA, scaleB);
  const double twiceMax = twiceMaxF;
  const float outDenom =
      static_cast<float>(1 << QAddFixedPoint::kLeftShift) * scaleY;
  QAddFixedPoint r;
  r.a = quantizeMultiplier(static_cast<double>(scaleA) / twiceMax);
  r.b = quantizeMultiplier(static_cast<double>(scaleB) / twiceMax);
  r.y = quantizeMultiplier(twiceMax / static_cast<double>(outDenom));
  return r;
}

int32_t mlir::qat::runtime::avgPoolFixedPoint(int32_t acc, int32_t count,
                                              FixedPointMultiplier m,
                                              int32_t zeroPoint, int64_t lo,
                                              int64_t hi) {
  int32_t r = multiplyByQuantizedMultiplier(acc, m);
  int32_t half = count / 2;
  int32_t q = r > 0 ? addWrap(r, half) / count : addWrap(r, -half) / count;
  return clampTo(addWrap(q, zeroPoint), lo, hi);
}

//===----------------------------------------------------------------------===//
// The integer ops
//===----------------------------------------------------------------------===//

/// The requant of qlinear/qconv2d output channel `c` in either mode.
static int32_t requantLayer(int32_t acc, float sx, float sw, float sy,
                            int32_t zpY, int64_t lo, int64_t hi, Requant mode) {
  if (mode == Requant::FixedPoint)
    return requantizeFixedPoint(
        acc, quantizeMultiplier(fixedPointRealMultiplier(sx, sw, sy)), zpY, lo,
        hi);
  return requantize(acc, requantMultiplier(sx, sw, sy), zpY, lo, hi);
}

void mlir::qat::runtime::qlinearReference(
    const int32_t *x, int64_t n, int64_t k, int32_t zpX, float scaleX,
    const int32_t *w, const float *scalesW, int64_t channels,
    const int32_t *bias, float scaleY, int32_t zpY, int64_t lo, int64_t hi,
    int32_t *y, Requant mode) {
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < channels; ++c) {
      // int32 arithmetic wraps like the generated code (convert checks that
      // the sum cannot overflow).
      uint32_t acc = static_cast<uint32_t>(bias[c]);
      for (int64_t j = 0; j < k; ++j)
        acc += static_cast<uint32_t>((x[i * k + j] - zpX) * w[c * k + j]);
      y[i * channels + c] = requantLayer(static_cast<int32_t>(acc), scaleX,
                                         scalesW[c], scaleY, zpY, lo, hi, mode);
    }
}

void mlir::qat::runtime::qconv2dReference(
    const int32_t *x, int64_t n, int64_t c, int64_t h, int64_t w, int32_t zpX,
    float scaleX, const int32_t *wt, int64_t o, int64_t kh, int64_t kw,
    const float *scalesW, const int32_t *bias, const int64_t strides[2],
    const int64_t pads[4], const int64_t dilation[2], int64_t groups,
    int64_t oh, int64_t ow, float scaleY, int32_t zpY, int64_t lo, int64_t hi,
    int32_t *y, Requant mode) {
  int64_t cg = c / groups, og = o / groups;
  for (int64_t b = 0; b < n; ++b)
    for (int64_t f = 0; f < o; ++f)
      for (int64_t i = 0; i < oh; ++i)
        for (int64_t j = 0; j < ow; ++j) {
          uint32_t acc = static_cast<uint32_t>(bias[f]);
          int64_t first = (f / og) * cg; // the group's first input channel
          for (int64_t cc = 0; cc < cg; ++cc)
            for (int64_t p = 0; p < kh; ++p)
              for (int64_t q = 0; q < kw; ++q) {
                int64_t yy = i * strides[0] + p * dilation[0] - pads[0];
                int64_t xx = j * strides[1] + q * dilation[1] - pads[1];
                int32_t v = (yy < 0 || yy >= h || xx < 0 || xx >= w)
                                ? zpX
                                : x[((b * c + first + cc) * h + yy) * w + xx];
                acc += static_cast<uint32_t>(
                    (v - zpX) * wt[((f * cg + cc) * kh + p) * kw + q]);
              }
          y[((b * o + f) * oh + i) * ow + j] =
              requantLayer(static_cast<int32_t>(acc), scaleX, scalesW[f],
                           scaleY, zpY, lo, hi, mode);
        }
}

int32_t mlir::qat::runtime::qaddValue(int32_t a, float scaleA, int32_t zpA,
                                      int32_t b, float scaleB, int32_t zpB,
                                      float scaleY, int32_t zpY, int64_t lo,
                                      int64_t hi, Requant mode) {
  if (mode == Requant::FixedPoint) {
    // TFLite's AddElementwise (reference/integer_ops/add.h).
    QAddFixedPoint p = qaddFixedPointMultipliers(scaleA, scaleB, scaleY);
    auto shifted = [](int32_t v) {
      return static_cast<int32_t>(static_cast<uint32_t>(v)
                                  << QAddFixedPoint::kLeftShift);
    };
    int32_t ra = multiplyByQuantizedMultiplier(shifted(a - zpA), p.a);
    int32_t rb = multiplyByQuantizedMultiplier(shifted(b - zpB), p.b);
    return requantizeFixedPoint(addWrap(ra, rb), p.y, zpY, lo, hi);
  }
  float ma = scaleA / scaleY, mb = scaleB / scaleY;
  float pa = static_cast<float>(a - zpA) * ma;
  float pb = static_cast<float>(b - zpB) * mb;
  float sum = pa + pb;
  float q = std::nearbyint(sum) + static_cast<float>(zpY);
  q = std::fmin(std::fmax(q, static_cast<float>(lo)), static_cast<float>(hi));
  return static_cast<int32_t>(q);
}

int32_t mlir::qat::runtime::qmulValue(int32_t a, float scaleA, int32_t zpA,
                                      int32_t b, float scaleB, int32_t zpB,
                                      float scaleY, int32_t zpY, int64_t lo,
                                      int64_t hi, Requant mode) {
  return requantLayer((a - zpA) * (b - zpB), scaleA, scaleB, scaleY, zpY, lo,
                      hi, mode);
}

int64_t mlir::qat::runtime::avgPoolExtent(int64_t o, int64_t in, int64_t kernel,
                                          int64_t stride, int64_t padLo,
                                          int64_t padHi, bool countIncludePad) {
  int64_t start = o * stride - padLo;
  int64_t end = std::min(start + kernel, in + padHi);
  if (!countIncludePad)
    return std::min(end, in) - std::max<int64_t>(start, 0);
  return end - start;
}

float mlir::qat::runtime::avgPoolMultiplier(float scaleX, float scaleY,
                                            int64_t count) {
  float r = scaleX / scaleY;
  return r / static_cast<float>(count);
}

void mlir::qat::runtime::qavgPool2dReference(
    const int32_t *x, int64_t n, int64_t c, int64_t h, int64_t w, int32_t zpX,
    float scaleX, const int64_t kernel[2], const int64_t strides[2],
    const int64_t pads[4], bool countIncludePad, int64_t oh, int64_t ow,
    float scaleY, int32_t zpY, int64_t lo, int64_t hi, int32_t *y,
    Requant mode) {
  FixedPointMultiplier fixed;
  if (mode == Requant::FixedPoint)
    fixed = quantizeMultiplier(static_cast<double>(scaleX) /
                               static_cast<double>(scaleY));
  for (int64_t nc = 0; nc < n * c; ++nc)
    for (int64_t i = 0; i < oh; ++i)
      for (int64_t j = 0; j < ow; ++j) {
        int32_t acc = 0;
        for (int64_t p = 0; p < kernel[0]; ++p)
          for (int64_t q = 0; q < kernel[1]; ++q) {
            int64_t yy = i * strides[0] + p - pads[0];
            int64_t xx = j * strides[1] + q - pads[1];
            if (yy >= 0 && yy < h && xx >= 0 && xx < w)
              acc += x[(nc * h + yy) * w + xx] - zpX;
          }
        int64_t count = avgPoolExtent(i, h, kernel[0], strides[0], pads[0],
                                      pads[2], countIncludePad) *
                        avgPoolExtent(j, w, kernel[1], strides[1], pads[1],
                                      pads[3], countIncludePad);
        y[(nc * oh + i) * ow + j] =
            mode == Requant::FixedPoint
                ? avgPoolFixedPoint(acc, static_cast<int32_t>(count), fixed,
                                    zpY, lo, hi)
                : requantize(acc, avgPoolMultiplier(scaleX, scaleY, count), zpY,
                             lo, hi);
      }
}

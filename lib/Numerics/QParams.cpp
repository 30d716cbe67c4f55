//===- QParams.cpp - the one quantization-parameter function --------------===//

#include "qat/Numerics/QParams.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

using namespace mlir::qat::runtime;

int32_t mlir::qat::runtime::getSymmetricZeroPoint(const QRange &range) {
  if (!range.isUnsigned)
    return 0;
  if (range.qmin == 0 && range.qmax == 255)
    return 128;
  return static_cast<int32_t>((range.qmin + range.qmax) / 2);
}

QParams mlir::qat::runtime::chooseQParams(float minVal, float maxVal,
                                          const QRange &range) {
  int32_t emptyZeroPoint = range.symmetric ? getSymmetricZeroPoint(range)
                                           : static_cast<int32_t>(range.qmin);
  // `!(a <= b)` is also true for NaN.
  if (!(minVal <= maxVal))
    return {1.0f, emptyZeroPoint};
  float minNeg = std::min(minVal, 0.0f);
  float maxPos = std::max(maxVal, 0.0f);
  if (minNeg == 0.0f && maxPos == 0.0f)
    return {1.0f, emptyZeroPoint};

  // Every step is a float32 operation, in PyTorch's order; the divisors are
  // exact in float32 for any int8/int16 range.
  if (range.symmetric) {
    float bound = std::max(-minNeg, maxPos);
    float half = static_cast<float>(range.qmax - range.qmin) / 2.0f;
    float scale = std::max(bound / half, FLT_EPSILON);
    return {scale, getSymmetricZeroPoint(range)};
  }
  float scale = (maxPos - minNeg) / static_cast<float>(range.qmax - range.qmin);
  scale = std::max(scale, FLT_EPSILON);
  // torch.round is round-half-to-even, as nearbyint in the default mode.
  float shift = std::nearbyint(minNeg / scale);
  int64_t zp = range.qmin - static_cast<int64_t>(shift);
  zp = std::clamp<int64_t>(zp, range.qmin, range.qmax);
  return {scale, static_cast<int32_t>(zp)};
}

static QRange rangeFromFlags(int64_t qmin, int64_t qmax, int32_t flags) {
  return {qmin, qmax, (flags & kQParamsSymmetric) != 0,
          (flags & kQParamsUnsigned) != 0};
}

extern "C" float qat_rt_qparams_scale(float minVal, float maxVal, int64_t qmin,
                                      int64_t qmax, int32_t flags) {
  return chooseQParams(minVal, maxVal, rangeFromFlags(qmin, qmax, flags)).scale;
}

extern "C" int32_t qat_rt_qparams_zero_point(float minVal, float maxVal,
                                             int64_t qmin, int64_t qmax,
                                             int32_t flags) {
  return chooseQParams(minVal, maxVal, rangeFromFlags(qmin, qmax, flags))
      .zeroPoint;
}

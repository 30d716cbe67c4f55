//===- IntReference.cpp - the reference semantics of the int8 graph -------===//

#include "qat/Runtime/IntReference.h"

#include <cmath>

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

void mlir::qat::runtime::qlinearReference(
    const int32_t *x, int64_t n, int64_t k, int32_t zpX, float scaleX,
    const int32_t *w, const float *scalesW, int64_t channels,
    const int32_t *bias, float scaleY, int32_t zpY, int64_t lo, int64_t hi,
    int32_t *y) {
  for (int64_t i = 0; i < n; ++i)
    for (int64_t c = 0; c < channels; ++c) {
      // int32 arithmetic wraps like the generated code (convert checks that
      // the sum cannot overflow).
      uint32_t acc = static_cast<uint32_t>(bias[c]);
      for (int64_t j = 0; j < k; ++j)
        acc += static_cast<uint32_t>((x[i * k + j] - zpX) * w[c * k + j]);
      float m = requantMultiplier(scaleX, scalesW[c], scaleY);
      y[i * channels + c] =
          requantize(static_cast<int32_t>(acc), m, zpY, lo, hi);
    }
}

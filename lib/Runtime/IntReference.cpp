//===- IntReference.cpp - the reference semantics of the int8 graph -------===//

#include "qat/Runtime/IntReference.h"

#include <algorithm>
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

void mlir::qat::runtime::qconv2dReference(
    const int32_t *x, int64_t n, int64_t c, int64_t h, int64_t w, int32_t zpX,
    float scaleX, const int32_t *wt, int64_t o, int64_t kh, int64_t kw,
    const float *scalesW, const int32_t *bias, const int64_t strides[2],
    const int64_t pads[4], const int64_t dilation[2], int64_t groups,
    int64_t oh, int64_t ow, float scaleY, int32_t zpY, int64_t lo, int64_t hi,
    int32_t *y) {
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
          float m = requantMultiplier(scaleX, scalesW[f], scaleY);
          y[((b * o + f) * oh + i) * ow + j] =
              requantize(static_cast<int32_t>(acc), m, zpY, lo, hi);
        }
}

int32_t mlir::qat::runtime::qaddValue(int32_t a, float scaleA, int32_t zpA,
                                      int32_t b, float scaleB, int32_t zpB,
                                      float scaleY, int32_t zpY, int64_t lo,
                                      int64_t hi) {
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
                                      int64_t hi) {
  float m = requantMultiplier(scaleA, scaleB, scaleY);
  return requantize((a - zpA) * (b - zpB), m, zpY, lo, hi);
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
    float scaleY, int32_t zpY, int64_t lo, int64_t hi, int32_t *y) {
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
        y[(nc * oh + i) * ow + j] = requantize(
            acc, avgPoolMultiplier(scaleX, scaleY, count), zpY, lo, hi);
      }
}

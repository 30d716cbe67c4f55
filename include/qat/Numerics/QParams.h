//===- QParams.h - the one quantization-parameter function ------*- C++ -*-===//
//
// docs/numerics.md#one-qparams-function: the qparams used in training are the
// qparams written by convert, bit for bit. This file is the single
// implementation: convert calls chooseQParams directly, and code generated for
// training-mode observers calls it through the C entry points below (the JIT
// resolves them), so both use the same function, float types and order of
// operations.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_NUMERICS_QPARAMS_H
#define QAT_NUMERICS_QPARAMS_H

#include <cstdint>

namespace mlir::qat::runtime {

struct QParams {
  float scale;
  int32_t zeroPoint;
};

/// How a value range maps to integers.
struct QRange {
  int64_t qmin;
  int64_t qmax;
  bool symmetric;
  bool isUnsigned; ///< Storage type is unsigned (uint8): symmetric zp is mid.
};

/// Zero point of a symmetric range: 0 for signed types, 128 for the full
/// uint8 range, the rounded-down midpoint of a customized unsigned range.
int32_t getSymmetricZeroPoint(const QRange &range);

/// PyTorch's Python observer formula (torch.ao.quantization.observer,
/// _calculate_qparams, 1.13), in float32:
///   min' = min(min, 0), max' = max(max, 0)
///   symmetric: s = max(-min', max') / ((qmax - qmin) / 2), zp as above
///   affine:    s = (max' - min') / (qmax - qmin),
///              zp = clamp(qmin - roundeven(min' / s), qmin, qmax)
///   s = max(s, FLT_EPSILON)
/// An empty range (min > max: an observer that saw nothing, or NaN) and
/// min' == max' == 0 give scale 1.0 and the symmetric zero point or qmin.
QParams chooseQParams(float minVal, float maxVal, const QRange &range);

/// Flags of the C entry points.
enum : int32_t { kQParamsSymmetric = 1, kQParamsUnsigned = 2 };

} // namespace mlir::qat::runtime

extern "C" {
/// C entry points for generated code (one call per channel).
float qat_rt_qparams_scale(float minVal, float maxVal, int64_t qmin,
                           int64_t qmax, int32_t flags);
int32_t qat_rt_qparams_zero_point(float minVal, float maxVal, int64_t qmin,
                                  int64_t qmax, int32_t flags);
}

#endif // QAT_NUMERICS_QPARAMS_H

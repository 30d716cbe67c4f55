//===- Requant.h - requantization of int32 accumulators ---------*- C++ -*-===//
//
// The two requantizations of docs/numerics.md, each emitted by one function
// on scalars or vectors, for the generic lowering and the int8 kernels.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_CODEGEN_REQUANT_H
#define QAT_CODEGEN_REQUANT_H

#include "mlir/IR/Builders.h"
#include "qat/Numerics/IntReference.h"

namespace mlir::qat::lowering {

/// clamp(v, lo, hi) of a float32 value or vector (maxnumf/minnumf: NaN
/// gives lo), converted to int32 and truncated to the element type
/// `storage`.
Value buildClampToStorage(OpBuilder &b, Location loc, Value v, int64_t lo,
                          int64_t hi, Type storage);

/// docs/numerics.md's float32 requant of an i32 accumulator (or vector of
/// them) by the multiplier `m` (f32, shaped like `acc`):
/// clamp(roundeven(float(acc) * m) + zpY, lo, hi) in the element type
/// `storage`.
Value buildFloatRequant(OpBuilder &b, Location loc, Value acc, Value m,
                        int64_t zpY, int64_t lo, int64_t hi, Type storage);

/// clamp(roundeven(v) + zp, lo, hi) of a float32 value or vector already
/// scaled to the output (quantize, and the tail of every float32 requant),
/// in the element type `storage`.
Value buildRoundToStorage(OpBuilder &b, Location loc, Value v, int64_t zp,
                          int64_t lo, int64_t hi, Type storage);

/// clamp(v + zp, lo, hi) of an int32 value or vector (the addition wraps),
/// truncated to the element type `storage`.
Value buildAddZeroPointAndClamp(OpBuilder &b, Location loc, Value v, int64_t zp,
                                int64_t lo, int64_t hi, Type storage);

/// MultiplyByQuantizedMultiplier(x, m) by a compile-time multiplier.
Value buildMultiplyByQuantizedMultiplier(OpBuilder &b, Location loc, Value x,
                                         runtime::FixedPointMultiplier m);

/// The fixed-point requant of `acc` by a compile-time (m, shift).
Value buildFixedPointRequant(OpBuilder &b, Location loc, Value acc,
                             runtime::FixedPointMultiplier m, int64_t zpY,
                             int64_t lo, int64_t hi, Type storage);

/// The per-channel float32 requant multipliers `s_x * s_w[c] / s_y` of an
/// int8 linear/conv layer, read from its quantized types (docs/numerics.md).
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

} // namespace mlir::qat::lowering

#endif // QAT_CODEGEN_REQUANT_H

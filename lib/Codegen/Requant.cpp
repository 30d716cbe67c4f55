//===- Requant.cpp - requantization of int32 accumulators -----------------===//
//
// docs/numerics.md's float32 requant and TFLite's fixed-point one, written
// once for scalars and vectors: the generic lowering (IntPatterns.cpp,
// IntLayerPatterns.cpp) applies them per element, the int8 kernels to whole
// accumulator vectors.
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/Requant.h"
#include "qat/Codegen/Builders.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

/// A float32 constant shaped like `type` (a scalar or a splat vector).
static Value f32Like(OpBuilder &b, Location l, Type type, double v) {
  Type f32 = b.getF32Type();
  if (auto vt = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(
        b, l, DenseElementsAttr::get(vt.clone(f32), b.getFloatAttr(f32, v)));
  return arith::ConstantOp::create(b, l, b.getFloatAttr(f32, v));
}

/// `type` (a scalar or vector type) with element type `elt`.
static Type withElement(Type type, Type elt) {
  if (auto vt = dyn_cast<VectorType>(type))
    return vt.clone(elt);
  return elt;
}

Value lowering::buildClampToStorage(OpBuilder &b, Location l, Value v,
                                    int64_t lo, int64_t hi, Type storage) {
  Type t = v.getType();
  Value m = arith::MaxNumFOp::create(b, l, v, f32Like(b, l, t, double(lo)));
  m = arith::MinNumFOp::create(b, l, m, f32Like(b, l, t, double(hi)));
  Value i = arith::FPToSIOp::create(b, l, withElement(t, b.getI32Type()), m);
  return arith::TruncIOp::create(b, l, withElement(t, storage), i);
}

Value lowering::buildFloatRequant(OpBuilder &b, Location l, Value acc, Value m,
                                  int64_t zpY, int64_t lo, int64_t hi,
                                  Type storage) {
  Type ft = withElement(acc.getType(), b.getF32Type());
  Value f = arith::SIToFPOp::create(b, l, ft, acc);
  return buildRoundToStorage(b, l, arith::MulFOp::create(b, l, f, m), zpY, lo,
                             hi, storage);
}

Value lowering::buildRoundToStorage(OpBuilder &b, Location l, Value v,
                                    int64_t zp, int64_t lo, int64_t hi,
                                    Type storage) {
  // Locals, not nested calls: the IR's op order must not depend on the
  // host compiler's argument evaluation order.
  Value rounded = math::RoundEvenOp::create(b, l, v);
  Value zpValue = f32Like(b, l, v.getType(), double(zp));
  Value r = arith::AddFOp::create(b, l, rounded, zpValue);
  return buildClampToStorage(b, l, r, lo, hi, storage);
}

/// `type` (i32 or vector<N x i32>) with i64 elements.
static Type withI64(Type type) {
  Type i64 = IntegerType::get(type.getContext(), 64);
  if (auto vt = dyn_cast<VectorType>(type))
    return vt.clone(i64);
  return i64;
}

Value lowering::buildMultiplyByQuantizedMultiplier(OpBuilder &b, Location l,
                                                   Value x, Value multiplier,
                                                   Value leftShift,
                                                   Value rightShift) {
  Type t = x.getType(), t64 = withI64(t);
  // x * 2^left, wrapping modulo 2^32 as the reference does.
  Value shifted = arith::ShLIOp::create(b, l, x, leftShift);
  // SaturatingRoundingDoublingHighMul(shifted, m): the multipliers are
  // QuantizeMultiplier results in [0, 2^31), never INT32_MIN, so gemmlowp's
  // saturation case (both operands INT32_MIN) cannot occur.
  Value ab =
      arith::MulIOp::create(b, l, arith::ExtSIOp::create(b, l, t64, shifted),
                            arith::ExtSIOp::create(b, l, t64, multiplier));
  Value nonNeg = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, ab,
                                       intConst(b, l, t64, 0));
  Value nudge = arith::SelectOp::create(
      b, l, nonNeg, intConst(b, l, t64, int64_t(1) << 30),
      intConst(b, l, t64, 1 - (int64_t(1) << 30)));
  // (ab + nudge) / 2^31, truncating toward zero as C++ division does.
  Value high = arith::TruncIOp::create(
      b, l, t,
      arith::DivSIOp::create(b, l, arith::AddIOp::create(b, l, ab, nudge),
                             intConst(b, l, t64, int64_t(1) << 31)));
  // RoundingDivideByPOT(high, right), 0 <= right <= 31: mask = 2^right - 1
  // (wrapping to INT32_MAX for right = 31).
  Value one = intConst(b, l, t, 1);
  Value mask = arith::SubIOp::create(
      b, l, arith::ShLIOp::create(b, l, one, rightShift), one);
  Value remainder = arith::AndIOp::create(b, l, high, mask);
  Value negative = arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, high,
                                         intConst(b, l, t, 0));
  Value threshold =
      arith::AddIOp::create(b, l, arith::ShRSIOp::create(b, l, mask, one),
                            arith::ExtUIOp::create(b, l, t, negative));
  Value roundUp = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt,
                                        remainder, threshold);
  return arith::AddIOp::create(b, l,
                               arith::ShRSIOp::create(b, l, high, rightShift),
                               arith::ExtUIOp::create(b, l, t, roundUp));
}

/// clamp(v + zp, lo, hi) of an int32 value (the addition wraps), truncated
/// to `storage` (element type; `v` may be a vector).
Value lowering::buildAddZeroPointAndClamp(OpBuilder &b, Location l, Value v,
                                          int64_t zp, int64_t lo, int64_t hi,
                                          Type storage) {
  Type t = v.getType();
  Value r = arith::AddIOp::create(b, l, v, intConst(b, l, t, zp));
  r = arith::MaxSIOp::create(b, l, r, intConst(b, l, t, lo));
  r = arith::MinSIOp::create(b, l, r, intConst(b, l, t, hi));
  Type out = storage;
  if (auto vt = dyn_cast<VectorType>(t))
    out = vt.clone(storage);
  return arith::TruncIOp::create(b, l, out, r);
}

Value lowering::buildFixedPointRequant(OpBuilder &b, Location l, Value acc,
                                       Value multiplier, Value leftShift,
                                       Value rightShift, int64_t zpY,
                                       int64_t lo, int64_t hi, Type storage) {
  return buildAddZeroPointAndClamp(
      b, l,
      buildMultiplyByQuantizedMultiplier(b, l, acc, multiplier, leftShift,
                                         rightShift),
      zpY, lo, hi, storage);
}

Value lowering::buildMultiplyByQuantizedMultiplier(
    OpBuilder &b, Location l, Value x, runtime::FixedPointMultiplier m) {
  Type t = x.getType();
  return lowering::buildMultiplyByQuantizedMultiplier(
      b, l, x, intConst(b, l, t, m.multiplier),
      intConst(b, l, t, m.leftShift()), intConst(b, l, t, m.rightShift()));
}

Value lowering::buildFixedPointRequant(OpBuilder &b, Location l, Value acc,
                                       runtime::FixedPointMultiplier m,
                                       int64_t zpY, int64_t lo, int64_t hi,
                                       Type storage) {
  return buildAddZeroPointAndClamp(
      b, l, buildMultiplyByQuantizedMultiplier(b, l, acc, m), zpY, lo, hi,
      storage);
}

/// f(s_x, s_w[c], s_y) for every output channel c, the scales as the
/// float32 values docs/numerics.md and TFLite start from.
template <typename F>
static auto perChannelScales(Type xType, Type wType, Type yType,
                             int64_t channels, F f) {
  auto sx = static_cast<float>(getPerTensorType(xType).getScale());
  auto sy = static_cast<float>(getPerTensorType(yType).getScale());
  SmallVector<decltype(f(0.f, 0.f, 0.f))> out;
  for (int64_t c = 0; c < channels; ++c)
    out.push_back(f(sx, getWeightScale(wType, c), sy));
  return out;
}

SmallVector<float> lowering::requantMultipliers(Type xType, Type wType,
                                                Type yType, int64_t channels) {
  return perChannelScales(xType, wType, yType, channels,
                          runtime::requantMultiplier);
}

SmallVector<runtime::FixedPointMultiplier>
lowering::fixedPointMultipliers(Type xType, Type wType, Type yType,
                                int64_t channels) {
  return perChannelScales(xType, wType, yType, channels,
                          [](float sx, float sw, float sy) {
                            return runtime::quantizeMultiplier(
                                runtime::fixedPointRealMultiplier(sx, sw, sy));
                          });
}

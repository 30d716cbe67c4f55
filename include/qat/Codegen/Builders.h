//===- Builders.h - linalg/tensor builders of the lowering ------*- C++ -*-===//
//
// Small builders of destination-style linalg on tensors that every lowering
// of qat shares: empty/filled tensors, element-wise ops with broadcasting,
// reductions, reshapes, padding, batch statistics.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_CODEGEN_BUILDERS_H
#define QAT_CODEGEN_BUILDERS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::qat::lowering {

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

/// An integer constant of `type` (a scalar or a splat vector).
Value intConst(OpBuilder &b, Location loc, Type type, int64_t v);

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
Value buildReduction(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine);

/// Several reductions of `input` over `axes` in one pass (one linalg.generic
/// with a result per init): `combine` gets an element and the accumulators
/// and returns the new accumulators.
SmallVector<Value> buildReductions(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
    ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        combine);

/// Sum of `v` over `axes` into a zero-filled tensor of `type` (the
/// remaining axes in order). The order of the terms is free (`reassoc`): a
/// gradient sum has no order to keep, and LLVM vectorizes the reduction
/// only with that flag.
Value buildReassocSum(OpBuilder &b, Location loc, Value v,
                      ArrayRef<int64_t> axes, RankedTensorType type);

/// A contraction as one linalg.generic: init + the sum over the reduction
/// dims of lhs * rhs (mulf, then addf into the accumulator), with `maps`
/// for (lhs, rhs, init) and `iters`.
Value buildContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                       Value init, ArrayRef<AffineMap> maps,
                       ArrayRef<utils::IteratorType> iters);

/// linalg.fill of a new i32 tensor of static `shape` with 0.
Value zerosI32(OpBuilder &b, Location loc, ArrayRef<int64_t> shape);

/// An integer storage value (i8 bits) extended to i32, signed or unsigned.
Value extendToI32(OpBuilder &b, Location loc, Value v, bool isSigned);

/// linalg.transpose of a static-shape tensor by `permutation` (result
/// dimension i is input dimension permutation[i]).
Value buildTranspose(OpBuilder &b, Location loc, Value x,
                     ArrayRef<int64_t> permutation);

/// tensor.pad of `x` to `type` with static low/high amounts and a constant.
Value padConstant(OpBuilder &b, Location loc, RankedTensorType type, Value x,
                  ArrayRef<int64_t> lo, ArrayRef<int64_t> hi, Value padValue);

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

/// Number of elements of `value` along `axes`, as a float of `floatType`
/// (reads dynamic extents at run time).
Value countAlong(OpBuilder &b, Location loc, Value value,
                 ArrayRef<int64_t> axes, Type floatType);

} // namespace mlir::qat::lowering

#endif // QAT_CODEGEN_BUILDERS_H

//===- QatVerifyUtils.h - checks shared by the op verifiers -----*- C++ -*-===//
//
// Internal to the dialect library: the shape and window checks that the
// verifiers of QatOps.td, QatTrainOps.td and QatIntOps.td share (defined in
// QatOps.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DIALECT_QAT_IR_QATVERIFYUTILS_H
#define QAT_DIALECT_QAT_IR_QATVERIFYUTILS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <optional>
#include <string>

namespace mlir::qat {

/// `[2, ?, 4]`: a shape for diagnostics.
std::string shapeStr(ArrayRef<int64_t> shape);

/// Checks that `type` (named `what` in the diagnostic) has the rank of
/// `expected` and agrees with it wherever neither extent is dynamic.
LogicalResult checkShape(Operation *op, StringRef what, ShapedType type,
                         ArrayRef<int64_t> expected);

/// Checks that operands 0 and 1 of `op` broadcast (NumPy style) to the
/// shape of its result.
LogicalResult checkBroadcastResult(Operation *op);

/// Checks the 2-element positive attribute arrays and the padding of a
/// window op.
LogicalResult checkWindowAttrs(Operation *op,
                               std::optional<ArrayRef<int64_t>> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> padding,
                               ArrayRef<int64_t> dilation);

/// Checks the spatial output extents of a window op.
LogicalResult checkWindowResult(Operation *op, RankedTensorType in,
                                RankedTensorType out, int64_t outC,
                                ArrayRef<int64_t> kernel,
                                ArrayRef<int64_t> strides,
                                ArrayRef<int64_t> pads,
                                ArrayRef<int64_t> dilation, bool ceil);

/// The strides of a pool op; PyTorch's default is the kernel size.
template <typename PoolOp> SmallVector<int64_t, 2> poolStrides(PoolOp op) {
  if (auto s = op.getStrides())
    return SmallVector<int64_t, 2>(s->begin(), s->end());
  return SmallVector<int64_t, 2>(op.getKernelSize());
}

} // namespace mlir::qat

#endif // QAT_DIALECT_QAT_IR_QATVERIFYUTILS_H

//===- TrainStep.h - C++ entry points of the training passes ----*- C++ -*-===//

#ifndef QAT_QUANT_TRAINSTEP_H
#define QAT_QUANT_TRAINSTEP_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::qat {

/// Clones the model function `entry` into `name` in evaluation mode: batch
/// norms use their running statistics, observers are frozen, and nothing is
/// stored. Fails (with a diagnostic) if `entry` is missing.
FailureOr<func::FuncOp> createEvalFunction(ModuleOp module, StringRef entry,
                                           StringRef name);

/// Clones the model function `entry` into `name` for calibration
/// (post-training quantization): batch norms use their running statistics,
/// observers update their state and store it, nothing else is stored.
/// Fails (with a diagnostic) if `entry` is missing.
FailureOr<func::FuncOp>
createCalibrationFunction(ModuleOp module, StringRef entry, StringRef name);

} // namespace mlir::qat

#endif // QAT_QUANT_TRAINSTEP_H

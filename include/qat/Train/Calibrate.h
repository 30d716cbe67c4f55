//===- Calibrate.h - post-training quantization (calibration) ---*- C++ -*-===//
//
// PyTorch's static quantization (post-training, PTQ) for a prepared model:
// batch norm folded into its conv (--qat-fold-bn), then the forward pass on
// batches of data with the observers updating and nothing else changing.
// The calibrated model converts with --qat-convert as a trained one does.
// The tool parses the options and prints what this reports.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TRAIN_CALIBRATE_H
#define QAT_TRAIN_CALIBRATE_H

#include "qat/Data/Dataset.h"
#include "qat/JIT/JitModule.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir::qat {

/// The options of a calibration run (qat-run calibrate's flags).
struct CalibrateOptions {
  /// Batches to run, from the first record on in order (negative: every
  /// full batch of the data).
  int64_t batches = -1;
  /// Re-batch the model to this many records per batch first
  /// (--qat-set-batch; 0 keeps the model's batch).
  int64_t batch = 0;
  /// How the JIT compiles the calibration function.
  JitOptions jit;
};

/// What a calibration run did.
struct CalibrationResult {
  /// The calibrated model: the input with its ConvBn groups folded and its
  /// observers' state updated.
  OwningOpRef<ModuleOp> model;
  int64_t batches = 0;
  int64_t records = 0;
  /// Batch norms folded into their convs.
  int64_t foldedBatchNorms = 0;
};

/// Calibrates `base` (a prepared model, not modified) on `data`. Fails on a
/// model that is not prepared (no observers) or is an int8 model, on data
/// that does not fit the model or gives no full batch, and on a
/// non-positive `options.batches`.
llvm::Expected<CalibrationResult>
calibrateModel(ModuleOp base, const runtime::Dataset &data,
               const CalibrateOptions &options);

} // namespace mlir::qat

#endif // QAT_TRAIN_CALIBRATE_H

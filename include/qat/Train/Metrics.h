//===- Metrics.h - per-epoch metrics (JSONL) and curves ---------*- C++ -*-===//

#ifndef QAT_TRAIN_METRICS_H
#define QAT_TRAIN_METRICS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>

namespace mlir::qat {

/// The metrics of one training epoch. The test values are NaN when the
/// epoch had no test evaluation.
struct EpochRecord {
  int epoch; ///< 1-based.
  double lr;
  double trainLoss, trainAccuracy;
  double testLoss, testAccuracy;
  int64_t testRecords;
  double seconds;
  /// The test values are the float simulation of a fake-quant model (the
  /// training step's @eval_step), not the integer semantics `qat-run eval`
  /// reports (docs/numerics.md#fake-quant-eval-equals-int8).
  bool testFloatSimulation = false;
};

/// Appends one JSON object per epoch to a file (JSON Lines).
class MetricsWriter {
public:
  /// Opens `path` for appending.
  static llvm::Expected<MetricsWriter> open(llvm::StringRef path);

  /// Writes `record` as {"epoch": 1, "lr": ..., "train_loss": ...,
  /// "train_accuracy": ..., "test_loss": ..., "test_accuracy": ...,
  /// "seconds": ...}; NaN and infinite values (the test values of an
  /// epoch without a test evaluation) are written as null: JSON has
  /// neither.
  void write(const EpochRecord &record);

private:
  explicit MetricsWriter(std::unique_ptr<llvm::raw_fd_ostream> os)
      : os(std::move(os)) {}
  std::unique_ptr<llvm::raw_fd_ostream> os;
};

/// One training step, for the curves.
struct StepRecord {
  /// Where the step ends, in epochs: 0.5 is half-way through the first.
  double epoch;
  /// The step's mean loss and its batch's accuracy.
  double loss, accuracy;
};

/// Draws the loss and accuracy curves to the PNG `png` with gnuplot
/// (Debian's gnuplot-nox): the training values per step (averaged over
/// windows of steps when there are more than 200), the test values of the
/// `epochs` that have them at the end of each epoch, the legend below the
/// plots. One epoch, or one step, draws a readable figure.
llvm::Error plotCurves(llvm::ArrayRef<EpochRecord> epochs,
                       llvm::ArrayRef<StepRecord> steps, llvm::StringRef png);

} // namespace mlir::qat

#endif // QAT_TRAIN_METRICS_H

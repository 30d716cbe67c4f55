//===- Trainer.h - the fine-tuning loop around @train_step ------*- C++ -*-===//
//
// Fine-tunes a qat model (float or prepared) with the step
// --qat-generate-train-step generates: shuffled epochs, learning-rate
// schedules, batch-norm and observer freeze schedules, per-epoch test
// evaluation, metrics and curves, and the trained model written back
// atomically. The tool parses the options and prints what the loop
// reports.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TRAIN_TRAINER_H
#define QAT_TRAIN_TRAINER_H

#include "qat/Data/Dataset.h"
#include "qat/JIT/JitModule.h"
#include "qat/Train/Evaluate.h"
#include "qat/Train/Metrics.h"
#include "qat/Train/Schedule.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir::qat {

/// The options of a training run (qat-run train's flags).
struct TrainOptions {
  /// --qat-generate-train-step's optimizer ("sgd", "adam" or "adamw"),
  /// SGD momentum (ignored by Adam) and weight decay.
  std::string optimizer = "sgd";
  double momentum = 0.9;
  double weightDecay = 0.0;
  LRSchedule schedule;
  int epochs = 1;
  /// The shuffling seed.
  uint64_t seed = 0;
  /// Freeze batch-norm statistics / observers from this 0-based epoch on
  /// (negative: never).
  int freezeBnAfter = -1;
  int freezeObserversAfter = -1;
  /// Stop each epoch after this many steps (negative: a whole epoch).
  int64_t maxSteps = -1;
  /// Re-batch the model to this many records per step before generating the
  /// step (--qat-set-batch; 0 keeps the model's batch).
  int64_t batch = 0;
  /// Evaluate on at most this many test records (negative: all, 0: none).
  int64_t maxEval = -1;
  /// How the JIT compiles the steps (int8 kernels, threads).
  JitOptions jit;
  /// Append per-epoch metrics here (JSONL), draw curves here (PNG), write
  /// the trained model here; each optional (empty).
  std::string metricsPath, plotPath, outputPath;
};

/// One training step's statistics over the batch of this worker.
struct StepStatistics {
  double loss;     ///< The step's mean loss.
  int64_t correct; ///< Correct predictions in the batch.
};

/// The points where the epoch loop lets data-parallel workers (the MPI
/// ranks of the distributed-training issue) agree on what they computed.
/// The default implementation is a single process: it reduces nothing and
/// is the main worker, which leaves a run exactly as without hooks.
///
/// Where each hook is called, and what it reduces:
/// - reduceStepStatistics: once per step, right after the @train_step call
///   returns and before the loss is checked for NaN/Inf and accumulated
///   into the epoch's loss and accuracy. It reduces the step's mean loss
///   and correct count (an allreduce SUM, then the loss divided by the
///   number of workers), so that every worker reports, and stops on, the
///   same values.
/// - reduceEvaluation: once per evaluation (per epoch with test data),
///   after the last batch and before the sums are divided by the count: it
///   reduces the loss sum, the correct count and the record count (SUM).
/// - Gradients: @train_step computes the gradients AND applies the
///   optimizer update (SGD/Adam, in place on the parameters) in one JIT
///   call, so no point of the loop sits between the two today. A gradient
///   allreduce needs the step split in two functions (gradients, then the
///   update: --qat-generate-train-step's gradients-only mode already emits
///   the first); the reduction then goes in the loop's runStep, between
///   the two calls, as a new hook here taking every trainable parameter's
///   gradient in one flat buffer (summed, then divided by the global batch).
/// - isMainWorker: only the main worker reports progress and writes the
///   metrics, the curves and the trained model.
class TrainHooks {
public:
  virtual ~TrainHooks();
  virtual bool isMainWorker() const { return true; }
  virtual llvm::Error reduceStepStatistics(StepStatistics &stats) {
    return llvm::Error::success();
  }
  /// `sums` holds sums: the loss, the correct predictions (as accuracy) and
  /// the records (count).
  virtual llvm::Error reduceEvaluation(EvalResult &sums) {
    return llvm::Error::success();
  }
};

/// The progress of the running epoch after a step.
struct StepProgress {
  int epoch;        ///< 0-based.
  int64_t step;     ///< Steps done in this epoch.
  int64_t numSteps; ///< Steps of the epoch.
  int64_t batch;    ///< Records per step.
  double lossSum;   ///< Sum of the steps' mean losses so far.
  int64_t correct;  ///< Correct predictions so far.
  double seconds;   ///< Since the epoch started.
};

/// What the loop reports as it goes; the tool prints it. Called on the
/// main worker only.
class TrainReporter {
public:
  virtual ~TrainReporter();
  /// After each step.
  virtual void onStep(const StepProgress &progress) {}
  /// At the start of 0-based `epoch`, when the freeze modes changed.
  virtual void onFreeze(int epoch, bool bnFrozen, bool observersFrozen) {}
  /// At the end of each epoch; `tested` says whether the test values are
  /// set.
  virtual void onEpoch(const EpochRecord &record, bool tested) {}
  /// After writing the curves or the trained model to `path`.
  virtual void onWrote(llvm::StringRef path) {}
  /// Before training, when it resumes from the model at `path`.
  virtual void onResume(llvm::StringRef path) {}
};

/// Trains `base` (a float or prepared model, not modified) on `train`,
/// evaluating on `test` (if any) after each epoch. Fails on the first
/// error: data that does not fit the model, a NaN/Inf loss, an unwritable
/// output.
llvm::Error trainModel(ModuleOp base, const runtime::Dataset &train,
                       const runtime::Dataset *test,
                       const TrainOptions &options, TrainHooks &hooks,
                       TrainReporter &reporter);

/// What a training run reads besides its model (qat-run train's --data,
/// --test-data, --resume and --reset-optimizer).
struct TrainSources {
  /// The training data (runtime::openDataset); the test data is
  /// runtime::getTestDataSpec(data, testData).
  std::string data = "fashion-mnist";
  std::string testData;
  /// Continue from the model at TrainOptions::outputPath if it exists.
  bool resume = false;
  /// Start with fresh optimizer state, as a new torch.optim optimizer does,
  /// instead of the state stored in the model.
  bool resetOptimizer = false;
};

/// Opens the datasets of `sources`, resumes or resets the optimizer state
/// as they say (modifying `base` for a reset), and runs trainModel.
llvm::Error trainFromSources(ModuleOp base, const TrainSources &sources,
                             const TrainOptions &options, TrainHooks &hooks,
                             TrainReporter &reporter);

} // namespace mlir::qat

#endif // QAT_TRAIN_TRAINER_H

//===- Checkpoint.h - trained models in and out -----------------*- C++ -*-===//
//
// A trained model is one self-contained qat module: the JIT's current
// parameter values (weights, observer and batch-norm state, optimizer
// state) written back into it as the params' initial values, saved
// atomically, and read again to resume. A checkpoint, written during
// training, is such a model with the run's position (TrainState) as a
// module attribute.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TRAIN_CHECKPOINT_H
#define QAT_TRAIN_CHECKPOINT_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <optional>

namespace mlir::qat {
class JitModule;

/// The suffixes of the optimizer-state params that --qat-generate-train-step
/// adds next to each trainable param (`qat.param state @<param><suffix>`):
/// the SGD momentum buffer and Adam's two moments. They must match the
/// names lib/Transforms/GenerateTrainStep.cpp creates; this is the
/// trainer's only copy.
inline constexpr llvm::StringLiteral kOptimizerStateSuffixes[] = {
    ".momentum_buffer", ".exp_avg", ".exp_avg_sq"};

/// Erases the optimizer state (momentum buffers, Adam moments) from
/// `module`, so that training starts with fresh state as a new torch.optim
/// optimizer does.
void eraseOptimizerState(ModuleOp module);

/// Copies every parameter's current value out of `jit` (which compiled
/// `module`) into the param's initial value in `module`.
llvm::Error readBackParams(ModuleOp module, JitModule &jit);

/// Where a training run stands: what a checkpoint records besides the
/// parameters, so that a resumed run continues exactly where the
/// interrupted one was.
struct TrainState {
  /// The 0-based epoch under way and the steps of it that are done (0 at
  /// the end of the previous epoch). The learning rate and the freeze
  /// modes follow from the epoch.
  int epoch = 0;
  int64_t step = 0;
  /// Steps done since the run started (Adam's step count).
  int64_t stepsDone = 0;
  /// The epoch's sums so far: of the steps' mean losses, and of the
  /// correct predictions.
  double lossSum = 0;
  int64_t correct = 0;
  /// The shuffling seed and the number of training records: the shuffle
  /// order of the epochs is replayed from them. The records per step.
  uint64_t seed = 0;
  int64_t records = 0;
  int64_t batch = 0;
};

/// The module attribute that holds a checkpoint's TrainState.
inline constexpr llvm::StringLiteral kCheckpointAttrName = "qat.checkpoint";

/// The TrainState of the checkpoint `module` (none for a finished model);
/// an error naming `path` when the attribute is malformed.
llvm::Expected<std::optional<TrainState>> getTrainState(ModuleOp module,
                                                        llvm::StringRef path);

/// Writes `module` without the generated @train_step and @eval_step to
/// `path`, with `state` as its checkpoint attribute (or none: a finished
/// model), atomically: to a temporary file next to `path` (`path.tmp-*`),
/// flushed to the disk (fsync) and then renamed over `path`, so a crash at
/// any point leaves either the previous file or the new one.
llvm::Error writeModel(ModuleOp module, llvm::StringRef path,
                       const TrainState *state = nullptr);

/// Writes checkpoints of the parameters of a JIT (which compiled `module`)
/// without copying them into attributes, which the MLIRContext would keep
/// until exit (a run that checkpoints every few steps would grow by the
/// model's size each time): in the written clone of `module`, each
/// param's initial value is a dense_resource whose blob views the JIT's
/// buffer, and the resource is reused from one checkpoint to the next.
class CheckpointWriter {
public:
  /// Writes `module` (as writeModel) with the current parameter values of
  /// `jit` and the run's `state`.
  llvm::Error write(ModuleOp module, JitModule &jit, llvm::StringRef path,
                    const TrainState &state);

private:
  llvm::StringMap<DenseResourceElementsHandle> resources;
};

/// Removes the temporary files (`path.tmp-*`) that writes of `path` killed
/// midway left behind; returns how many.
llvm::Expected<int> removeStaleTemporaries(llvm::StringRef path);

/// Fails unless writeModel could write `path` (its directory takes a new
/// file, and `path` is not a directory): a run checks its outputs before
/// it trains, not after.
llvm::Error checkWritable(llvm::StringRef path);

/// Reads the model an earlier run wrote to `path` (to resume from it): a
/// null module if `path` does not exist, failure (with diagnostics) if it
/// cannot be parsed.
FailureOr<OwningOpRef<ModuleOp>> readCheckpoint(llvm::StringRef path,
                                                MLIRContext *context);

} // namespace mlir::qat

#endif // QAT_TRAIN_CHECKPOINT_H

//===- Checkpoint.h - trained models in and out -----------------*- C++ -*-===//
//
// A trained model is one self-contained qat module: the JIT's current
// parameter values (weights, observer and batch-norm state, optimizer
// state) written back into it as the params' initial values, saved
// atomically, and read again to resume.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TRAIN_CHECKPOINT_H
#define QAT_TRAIN_CHECKPOINT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

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

/// Writes `module` without the generated @train_step and @eval_step to
/// `path`, atomically: through a temporary file next to `path` renamed over
/// it, so an interrupted write leaves the previous file intact.
llvm::Error writeModel(ModuleOp module, llvm::StringRef path);

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

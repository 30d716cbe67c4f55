//===- Schedule.h - learning-rate schedules, optimizer scalars --*- C++ -*-===//

#ifndef QAT_TRAIN_SCHEDULE_H
#define QAT_TRAIN_SCHEDULE_H

#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace mlir::qat {

/// A per-epoch learning-rate schedule, as torch.optim.lr_scheduler's
/// StepLR and CosineAnnealingLR (T_max = epochs, eta_min = 0).
struct LRSchedule {
  enum class Kind { Constant, Step, Cosine };
  Kind kind = Kind::Constant;
  /// The initial learning rate.
  double lr = 0.01;
  /// Step: epochs per decay (values below 1 count as 1), and the decay.
  int stepEpochs = 1;
  double gamma = 0.1;
  /// Cosine: the number of epochs of the run.
  int epochs = 1;

  /// The kind called `name` ("constant", "step" or "cosine").
  static std::optional<Kind> parseKind(llvm::StringRef name);

  /// The learning rate of 0-based `epoch`.
  double getLearningRate(int epoch) const;
};

/// The scalars @train_step takes for Adam/AdamW at 1-based `step` with
/// learning rate `lr`: the step size lr / (1 - beta1^step) and
/// sqrt(1 - beta2^step), computed in double as PyTorch does, then rounded
/// to float.
struct AdamScalars {
  float stepSize;
  float biasCorrection2Sqrt;
};
AdamScalars getAdamScalars(double lr, int64_t step);

} // namespace mlir::qat

#endif // QAT_TRAIN_SCHEDULE_H

//===- Schedule.cpp - learning-rate schedules and optimizer scalars -------===//

#include "qat/Train/Schedule.h"

#include <algorithm>
#include <cmath>

using namespace mlir::qat;

/// Adam's betas: the defaults of --qat-generate-train-step (and torch.optim).
static constexpr double kAdamBeta1 = 0.9;
static constexpr double kAdamBeta2 = 0.999;

std::optional<LRSchedule::Kind> LRSchedule::parseKind(llvm::StringRef name) {
  if (name == "constant")
    return Kind::Constant;
  if (name == "step")
    return Kind::Step;
  if (name == "cosine")
    return Kind::Cosine;
  return std::nullopt;
}

double LRSchedule::getLearningRate(int epoch) const {
  switch (kind) {
  case Kind::Step:
    return lr * std::pow(gamma, epoch / std::max(1, stepEpochs));
  case Kind::Cosine:
    return 0.5 * lr * (1.0 + std::cos(M_PI * epoch / epochs));
  case Kind::Constant:
    break;
  }
  return lr;
}

AdamScalars mlir::qat::getAdamScalars(double lr, int64_t step) {
  double bc1 = 1.0 - std::pow(kAdamBeta1, double(step));
  double bc2 = 1.0 - std::pow(kAdamBeta2, double(step));
  return {static_cast<float>(lr / bc1), static_cast<float>(std::sqrt(bc2))};
}

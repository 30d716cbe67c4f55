//===- GradCheck.h - generated gradients vs finite differences --*- C++ -*-===//
//
// Checks the backward pass --qat-generate-train-step generates against
// central finite differences: for every element of every float model input
// and trainable parameter, (L(x + h) - L(x - h)) / 2h against the analytic
// gradient, with torch.autograd.gradcheck's criterion |a - n| <= atol +
// rtol * |n|. Meant for small float64 models, one per op and attribute
// combination.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TRAIN_GRADCHECK_H
#define QAT_TRAIN_GRADCHECK_H

#include "qat/JIT/JitModule.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/FunctionExtras.h"
#include "llvm/Support/Error.h"

#include <string>

namespace mlir::qat {

struct GradCheckOptions {
  /// The loss: "mse" or "cross_entropy".
  std::string loss = "mse";
  /// Seed of the random inputs (N(0, 1)) and labels.
  uint64_t seed = 0;
  /// Finite-difference step; 0 picks it by the dtype of the tensor it
  /// perturbs (getDefaultStep).
  double step = 0;
  /// Tolerances.
  double atol = 1e-5, rtol = 1e-3;
  /// cross_entropy: labels are drawn from [0, classes).
  unsigned classes = 2;
  /// Batch norms on batch statistics.
  bool trainMode = true;
  /// How the JIT compiles the steps (int8 kernels, threads).
  JitOptions jit;
};

/// The finite-difference step for a tensor of `dtype`: 1e-6 for f64, 1e-2
/// for f32. A central difference errs by about h^2 (truncation) plus
/// eps * |L| / h (rounding the loss); for f32 (eps 1.2e-7) the sum is
/// smallest near h = eps^(1/3) = 5e-3, and at f64's 1e-6 the rounding term
/// alone is 0.1 * |L|, which failed every float32 model.
double getDefaultStep(runtime::DType dtype);

/// The check of one tensor's gradient.
struct GradCheckResult {
  std::string what; ///< "input 0" or "@fc.weight".
  int64_t numElements;
  double maxAbsError;
  int64_t numOutside; ///< Elements outside the tolerance.
};

/// Checks every gradient of `model`'s @forward. Each tensor's check goes to
/// `report` as soon as it is done, or the error of its JIT calls (then the
/// check goes on with the next tensor). Returns whether every gradient is
/// within tolerance.
llvm::Expected<bool>
runGradCheck(ModuleOp model, const GradCheckOptions &options,
             llvm::function_ref<void(llvm::Expected<GradCheckResult>)> report);

} // namespace mlir::qat

#endif // QAT_TRAIN_GRADCHECK_H

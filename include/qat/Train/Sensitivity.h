//===- Sensitivity.h - per-layer sensitivity to low-bit weights -*- C++ -*-===//
//
// Which layers of a trained or calibrated model tolerate low-bit weights:
// the test accuracy when one layer alone has its weights at `bits` bits
// (its observer's range, requantized by the one qparams function), for
// each layer in turn, against the model as it is (as NNCF's and AIMET's
// per-layer sensitivity analyses). The tool parses options and prints.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TRAIN_SENSITIVITY_H
#define QAT_TRAIN_SENSITIVITY_H

#include "qat/Data/Dataset.h"
#include "qat/Train/Evaluate.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace mlir::qat {

struct SensitivityOptions {
  /// The weight bit width each layer is tried at, 2 to 8.
  unsigned bits = 4;
  /// How each model is evaluated (integer semantics unless
  /// floatFakeQuant, records, batch, JIT).
  EvalOptions eval;
};

/// One layer's result.
struct LayerSensitivity {
  /// The layer's name (its weight parameter's prefix) and op kind.
  std::string name, kind;
  /// Weight elements.
  int64_t weights = 0;
  /// Test accuracy with this layer's weights at `bits` bits, and the drop
  /// from the baseline (positive: worse).
  double accuracy = 0, drop = 0;
  /// Why the layer was not tried (learnable or given weight qparams,
  /// which have no range to requantize), or empty.
  std::string skipped;
};

struct SensitivityReport {
  EvalResult baseline;
  std::vector<LayerSensitivity> layers;
  /// The evaluation note (see buildEvaluationModule).
  std::string note;
};

/// Evaluates `model` (a trained or calibrated fake-quant model) on `data`,
/// then once per linear/conv2d layer with that layer's weights alone at
/// `options.bits` bits.
llvm::Expected<SensitivityReport>
analyzeSensitivity(ModuleOp model, const runtime::Dataset &data,
                   const SensitivityOptions &options);

} // namespace mlir::qat

#endif // QAT_TRAIN_SENSITIVITY_H

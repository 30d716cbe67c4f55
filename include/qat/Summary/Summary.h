//===- Summary.h - a layer-by-layer summary of a model ----------*- C++ -*-===//
//
// What PyTorch's print(prepared_model) and Keras' model.summary() show, for
// a qat model in any form (float, prepared or trained fake-quant, int8):
// one row per layer (a fused group is one layer) with its output shape,
// parameter count, and how its weight and its output are quantized, with
// the observer state and the qparams it gives. `qat-run summary` prints it.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_SUMMARY_SUMMARY_H
#define QAT_SUMMARY_SUMMARY_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace mlir::qat {

/// How one tensor is quantized.
struct QuantSummary {
  /// Storage type and clamp range: "i8", "ui8", "ui8[0,127]" (a range that
  /// is not the type's full one).
  std::string dtype;
  /// The channel axis of a per-channel quantization.
  std::optional<int64_t> axis;
  bool symmetric = false;
  /// The observer kind (minmax, moving_average, ema, none), "learnable"
  /// (LSQ), or "converted" (the fixed qparams of an int8 type).
  std::string observer;
  /// False while the observer has seen no data (its state is +inf/-inf).
  bool observed = false;
  /// The qparams (one per channel) when observed.
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  /// A pass-through op (max pool, flatten, reshape) keeps its input's
  /// qparams: the fields above describe the input's.
  bool sameAsInput = false;
};

/// One layer: an op on the data path, or a fused group.
struct LayerSummary {
  /// The location name, else the prefix of the weight parameter (`fc1` for
  /// `@fc1.weight`), else `<op>_<n>`; "input" for a model argument.
  std::string name;
  /// The op kind, or the fused kinds joined by '+' ("conv2d+batch_norm+relu").
  std::string op;
  SmallVector<int64_t> shape;
  /// Elements of the trainable parameters the layer loads.
  int64_t params = 0;
  std::optional<QuantSummary> weight, activation;
};

/// What kind of model a summary describes.
enum class ModelKind { Float, FakeQuant, Int8 };

struct ModelSummary {
  std::string entry;
  ModelKind kind = ModelKind::Float;
  std::vector<LayerSummary> layers;
  /// Trainable parameter elements and their bytes in the model's types.
  int64_t params = 0, paramBytes = 0;
  /// Elements of `state` parameters: batch-norm statistics, observer state,
  /// optimizer state.
  int64_t stateElements = 0;
  /// Fake-quant observers, and how many of them have seen data.
  int64_t observers = 0, observedObservers = 0;
};

/// Summarizes function `entry` of `module`; an error (emitted at the module)
/// if there is no such function.
FailureOr<ModelSummary> summarizeModel(ModuleOp module, StringRef entry);

/// Prints `summary` as a table, then its totals.
void printModelSummary(const ModelSummary &summary, llvm::raw_ostream &os);

} // namespace mlir::qat

#endif // QAT_SUMMARY_SUMMARY_H

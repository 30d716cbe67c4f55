//===- Evaluate.h - test loss, accuracy and model agreement -----*- C++ -*-===//

#ifndef QAT_TRAIN_EVALUATE_H
#define QAT_TRAIN_EVALUATE_H

#include "qat/Data/Dataset.h"
#include "qat/JIT/JitModule.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <optional>
#include <string>

namespace mlir::qat {
class JitModule;
class TrainHooks;
struct TensorSpec;

/// Loss and accuracy over `count` records.
struct EvalResult {
  double loss = 0;
  double accuracy = 0;
  int64_t count = 0;
};

/// How evaluate/evaluateModel/compareModels compile and run a model.
struct EvalOptions {
  /// Evaluate fake-quant models with the float simulation (the training
  /// forward with frozen observers) instead of their integer semantics.
  bool floatFakeQuant = false;
  /// At most this many records (negative: all).
  int64_t maxRecords = -1;
  /// Re-batch @forward to this batch before compiling (--qat-set-batch; 0
  /// keeps the model's).
  int64_t batch = 0;
  /// How the JIT compiles the steps (int8 kernels, threads).
  JitOptions jit;
};

/// Checks `data` against the model's input `input` and its `classes`
/// outputs: the features per record and the label range.
llvm::Error checkData(const runtime::Dataset &data, const TensorSpec &input,
                      int64_t classes);

/// Runs `entry` (images -> logits) of `jit` over the first `limit` records
/// of `data` (all if negative), and computes the cross-entropy loss and the
/// accuracy on the host, in double, over the real records only (the last
/// batch is zero-padded). `hooks` (if any) reduces the sums across workers.
llvm::Expected<EvalResult> evaluate(JitModule &jit, llvm::StringRef entry,
                                    const runtime::Dataset &data, int64_t limit,
                                    TrainHooks *hooks = nullptr);

/// The module that evaluates `module`'s @forward, re-batched to
/// `options.batch` if set: docs/numerics.md#fake-quant-eval-equals-int8 -- a
/// fake-quant model in evaluation mode has the integer semantics, so it is
/// evaluated through --qat-convert unless `options.floatFakeQuant`. `note` is
/// set to " [integer semantics, via qat-convert]" when it was converted, else
/// cleared.
llvm::Expected<OwningOpRef<ModuleOp>>
buildEvaluationModule(ModuleOp module, const EvalOptions &options,
                      std::string &note);

/// Test loss and accuracy of `module`'s @forward on `data`; `note` as in
/// buildEvaluationModule.
llvm::Expected<EvalResult> evaluateModel(ModuleOp module,
                                         const runtime::Dataset &data,
                                         const EvalOptions &options,
                                         std::string &note);

/// Element-by-element agreement of two models' outputs.
struct ModelComparison {
  int64_t elements = 0, different = 0;
  int64_t records = 0, argmaxAgree = 0;
  double maxDifference = 0;
  /// The output scale of the int8 model, when one ends in qat.dequantize.
  std::optional<double> outputScale;
  /// The first model's evaluation note (see buildEvaluationModule).
  std::string note;
};

/// Runs the @forward of `a` and `b` on the same records of `data` and
/// compares their outputs.
llvm::Expected<ModelComparison> compareModels(ModuleOp a, ModuleOp b,
                                              const runtime::Dataset &data,
                                              const EvalOptions &options);

} // namespace mlir::qat

#endif // QAT_TRAIN_EVALUATE_H

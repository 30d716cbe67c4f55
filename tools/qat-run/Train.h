//===- Train.h - qat-run subcommands ----------------------------*- C++ -*-===//

#ifndef QAT_TOOLS_QAT_RUN_TRAIN_H
#define QAT_TOOLS_QAT_RUN_TRAIN_H

#include "qat/JIT/JitModule.h"
#include "qat/Train/Evaluate.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

namespace mlir::qat {
extern llvm::cl::SubCommand trainCommand;
extern llvm::cl::SubCommand evalCommand;
extern llvm::cl::SubCommand gradcheckCommand;
extern llvm::cl::SubCommand compareCommand;
extern llvm::cl::SubCommand summaryCommand;
extern llvm::cl::SubCommand calibrateCommand;
extern llvm::cl::SubCommand sensitivityCommand;
/// --isa and --threads: how every subcommand's JIT compiles.
JitOptions jitOptions();

/// Prints "qat-run: error: MSG"; returns 1 (the exit code).
int fail(const llvm::Twine &msg);
/// Prints `error` the same way, unless it was already reported as MLIR
/// diagnostics (a DiagnosedError); returns 1.
int fail(llvm::Error error);

/// `qat-run compare A B`: element-by-element agreement of two models.
int runCompare(ModuleOp model);

/// `qat-run summary`: prints the model's layers.
int runSummary(ModuleOp model);

/// The model path given to `qat-run gradcheck`.
std::string getGradcheckModelPath();
/// `qat-run gradcheck`: generated gradients vs finite differences.
int runGradcheck(ModuleOp model);

/// The model path given to the active subcommand.
std::string getModelPathOfSubcommand();
/// --data of the subcommand; `given` says whether it was on the command
/// line (else the default).
std::string getDataSpec(bool &given);
/// --batch of the subcommand (0: the model's).
int64_t getBatch();
/// Checks --batch; prints the error and returns false if it is out of range.
bool checkBatch();
/// --split of eval, compare and sensitivity.
std::string getEvalSplit();
/// The evaluation options of eval, compare and sensitivity (--max-eval,
/// --batch, --float-fake-quant, --isa, --threads).
const EvalOptions &getEvalOptions();
/// `qat-run sensitivity`: per-layer accuracy with low-bit weights.
int runSensitivity(ModuleOp model);
/// `qat-run calibrate`: calibrates a prepared model and writes it.
int runCalibrate(ModuleOp model);
/// `qat-run train`: fine-tunes `model` and writes the trained model.
int runTrain(ModuleOp model);
/// `qat-run eval`: test loss and accuracy of `model`'s @forward.
int runEval(ModuleOp model);
} // namespace mlir::qat

#endif // QAT_TOOLS_QAT_RUN_TRAIN_H

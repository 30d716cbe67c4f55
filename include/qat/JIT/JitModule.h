//===- JitModule.h - compile and call a qat module in-process ---*- C++ -*-===//
//
// Lowers a qat module with the qat-to-llvm pipeline, JIT-compiles it with the
// MLIR ExecutionEngine for the host CPU at -O3, and calls an entry function
// on runtime tensors through its C interface (memref descriptors, results as
// caller-owned out-parameters).
//
//===----------------------------------------------------------------------===//

#ifndef QAT_JIT_JITMODULE_H
#define QAT_JIT_JITMODULE_H

#include "qat/Data/Tensor.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace mlir::qat {

/// What an entry function takes or returns: a static-shaped tensor.
struct TensorSpec {
  std::string name; ///< "argument 0 ('images')" style, for messages.
  runtime::DType dtype;
  SmallVector<int64_t> shape;
  std::string typeStr; ///< The MLIR type, e.g. "tensor<4x10xf32>".
};

/// The signature of one callable entry function.
struct EntrySpec {
  std::string name;
  SmallVector<TensorSpec> inputs;
  SmallVector<TensorSpec> outputs;
};

/// How the JIT compiles a module.
struct JitOptions {
  /// The int8 kernels (qat/Target/Target.h): host, generic, or an ISA of
  /// this host's architecture that this CPU runs.
  std::string isa = "host";
  /// Threads the int8 GEMMs and large loops are split over (OpenMP; the
  /// JIT then loads LLVM's libomp). 1: one thread, no OpenMP.
  int64_t threads = 1;
};

/// The JIT runs what it compiles here: fails unless `isa` (JitOptions)
/// names kernels of this host's architecture whose features this CPU has
/// (the message names --isa). JitModule::compile checks it too; a tool
/// checks it as it parses its options.
llvm::Error checkHostRuns(StringRef isa);

class JitModule {
public:
  ~JitModule();

  /// Compiles `module` (consumed: it is lowered in place) to machine code
  /// (nothing is left to compile on the first call) and prepares to call
  /// the functions `entries` (the first is the default). Errors
  /// (pipeline failures with their locations, an entry that does not exist
  /// or has unsupported types, an ISA or thread count this host cannot
  /// run, a symbol the code needs and nothing defines) come back as
  /// llvm::Error.
  static llvm::Expected<std::unique_ptr<JitModule>>
  compile(OwningOpRef<ModuleOp> module, ArrayRef<std::string> entries,
          const JitOptions &options = {});

  ArrayRef<TensorSpec> getInputs() const { return entries.front().inputs; }
  ArrayRef<TensorSpec> getOutputs() const { return entries.front().outputs; }
  /// The entry called `name`, or null.
  const EntrySpec *getEntry(StringRef name) const;

  /// Checks `args` against the entry's signature (naming the argument on a
  /// mismatch), allocates the outputs and calls the entry function. When
  /// the entry cannot allocate a temporary, the error names the model and
  /// the size; the entry allocates before it computes, so it has freed
  /// what it got and changed nothing (no parameter of a training step),
  /// and the module can be called again.
  llvm::Expected<std::vector<runtime::Tensor>>
  run(StringRef entry, ArrayRef<const runtime::Tensor *> args);
  llvm::Expected<std::vector<runtime::Tensor>>
  run(ArrayRef<const runtime::Tensor *> args) {
    return run(entries.front().name, args);
  }

  /// Address of the module-level global (a qat.param) called `name`.
  llvm::Expected<void *> lookupGlobal(StringRef name) const;

private:
  JitModule() = default;
  /// The error for `entry` returning the nonzero `status`.
  llvm::Error entryFailure(StringRef entry, int32_t status);

  std::unique_ptr<ExecutionEngine> engine;
  std::vector<EntrySpec> entries;
  /// The file the module was read from (or "the model"), for messages.
  std::string modelName;
};

/// Maps an MLIR element type to a runtime dtype, if there is one.
std::optional<runtime::DType> getDTypeFor(Type elementType);

} // namespace mlir::qat

#endif // QAT_JIT_JITMODULE_H

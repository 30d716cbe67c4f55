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

#include "qat/Runtime/Tensor.h"

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

class JitModule {
public:
  ~JitModule();

  /// Compiles `module` (consumed: it is lowered in place) and prepares to
  /// call `entry`. Errors (pipeline failures with their locations, an entry
  /// that does not exist or has unsupported types) come back as llvm::Error.
  static llvm::Expected<std::unique_ptr<JitModule>>
  compile(OwningOpRef<ModuleOp> module, StringRef entry);

  ArrayRef<TensorSpec> getInputs() const { return inputs; }
  ArrayRef<TensorSpec> getOutputs() const { return outputs; }

  /// Checks `args` against the entry signature (naming the argument on a
  /// mismatch), allocates the outputs and calls the entry function.
  llvm::Expected<std::vector<runtime::Tensor>>
  run(ArrayRef<const runtime::Tensor *> args);

private:
  JitModule() = default;
  std::unique_ptr<ExecutionEngine> engine;
  std::string entryName;
  SmallVector<TensorSpec> inputs;
  SmallVector<TensorSpec> outputs;
};

/// Maps an MLIR element type to a runtime dtype, if there is one.
std::optional<runtime::DType> getDTypeFor(Type elementType);

} // namespace mlir::qat

#endif // QAT_JIT_JITMODULE_H

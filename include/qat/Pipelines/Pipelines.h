//===- Pipelines.h - qat pass pipelines -------------------------*- C++ -*-===//
//
// Pipelines are built by C++ functions shared by qat-opt (where they are
// registered by name), qat-run and qat-compile.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_PIPELINES_PIPELINES_H
#define QAT_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir::qat {

struct QatToLLVMPipelineOptions
    : public PassPipelineOptions<QatToLLVMPipelineOptions> {
  PassOptions::Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Fuse element-wise linalg ops before bufferization"),
      llvm::cl::init(true)};
};

/// qat (float model ops on tensors) -> linalg on tensors -> bufferized
/// loops with destination-passing entry functions -> LLVM dialect, with a
/// C-interface wrapper (`_mlir_ciface_<name>`) for each public function.
void buildQatToLLVMPipeline(OpPassManager &pm,
                            const QatToLLVMPipelineOptions &options);

/// Registers the pipelines above under their names (`qat-to-llvm`).
void registerQatPipelines();

} // namespace mlir::qat

#endif // QAT_PIPELINES_PIPELINES_H

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
  PassOptions::Option<std::string> isa{
      *this, "isa",
      llvm::cl::desc("Kernels for the int8 layers: host, avx512vnni, "
                     "avxvnni, avx2 (--qat-lower-x86), i8mm, dotprod, neon "
                     "(--qat-lower-arm), or generic"),
      llvm::cl::init("host")};
  PassOptions::Option<int64_t> threads{
      *this, "threads",
      llvm::cl::desc("Threads to split the int8 GEMMs and large loops over "
                     "(OpenMP: the code then calls libomp); 1: one thread"),
      llvm::cl::init(1)};
  PassOptions::Option<bool> workspace{
      *this, "workspace",
      llvm::cl::desc("Serve each function's temporaries from one allocation "
                     "per call (--qat-plan-workspace)"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> barePtrCallConv{
      *this, "bare-ptr-call-conv",
      llvm::cl::desc("Pass static-shape memrefs across function boundaries as "
                     "bare pointers (the C ABI of qat-compile's objects) "
                     "instead of C-interface descriptor wrappers"),
      llvm::cl::init(false)};
};

/// qat (float model ops on tensors) -> linalg on tensors -> bufferized
/// loops with destination-passing entry functions -> LLVM dialect, with a
/// C-interface wrapper (`_mlir_ciface_<name>`) for each public function,
/// or with `bare-ptr-call-conv`, plain `void f(const T *in..., T *out...)`.
void buildQatToLLVMPipeline(OpPassManager &pm,
                            const QatToLLVMPipelineOptions &options);

/// Removes the `qat.*` argument and result attributes (names, boundary
/// qparams) of every function: they served diagnostics and the C header,
/// and LLVM translation would warn about each one.
void dropQatArgumentAttributes(Operation *module);

/// Registers the pipelines above under their names (`qat-to-llvm`).
void registerQatPipelines();

} // namespace mlir::qat

#endif // QAT_PIPELINES_PIPELINES_H

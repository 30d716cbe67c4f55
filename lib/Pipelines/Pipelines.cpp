//===- Pipelines.cpp - qat pass pipelines ---------------------------------===//

#include "qat/Pipelines/Pipelines.h"

#include "qat/Codegen/Passes.h"
#include "qat/Conversion/Passes.h"
#include "qat/Target/Target.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace mlir::qat {
/// The int8 kernels of `options.isa` (none for generic); whether they are
/// Arm's.
static bool addInt8KernelPasses(OpPassManager &pm,
                                const qat::QatToLLVMPipelineOptions &options) {
  // Kernel ISAs name their architecture; "host" is the x86 host's best.
  std::optional<const target::Isa *> kernels =
      target::parseKernelIsa(options.isa);
  bool arm = kernels && *kernels && (*kernels)->arch == target::Arch::AArch64;
  if (arm) {
    LowerArmOptions armOptions;
    armOptions.isa = options.isa;
    armOptions.threads = options.threads;
    pm.addPass(createLowerArm(armOptions));
  } else if (options.isa != "generic") {
    LowerX86Options x86;
    x86.isa = options.isa;
    x86.threads = options.threads;
    pm.addPass(createLowerX86(x86));
  }
  return arm;
}

/// qat to linalg on tensors, fused and shaped for the loops.
static void addLinalgPasses(OpPassManager &pm,
                            const qat::QatToLLVMPipelineOptions &options) {
  ConvertQatToLinalgOptions linalg;
  linalg.threads = options.threads;
  pm.addPass(createConvertQatToLinalg(linalg));
  // Merge what forward and backward lowered identically (a max-pool's
  // argmax) before canonicalization drops the forward's unused results
  // and makes the two differ.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  if (options.fuseElementwise)
    pm.addPass(qat::createFuseElementwise());
  pm.addPass(createCSEPass());
  // Long, contiguous innermost loops for LLVM's vectorizer.
  pm.addPass(qat::createCollapseLoops());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(qat::createWriteGlobalsInPlace());
  pm.addPass(qat::createComputeIntoSlices());
}

/// One-shot bufferization with destination-passing entry functions.
static void
addBufferizationPasses(OpPassManager &pm,
                       const qat::QatToLLVMPipelineOptions &options) {
  // Functions take and return identity-layout memrefs; results become
  // caller-owned out-parameters, so neither the JIT nor an AOT caller has
  // to free anything the model allocated.
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.hoistStaticAllocs = true;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  // An insert_slice of a piece computed into its own slice copies a view of
  // the destination into an identical view (collapse(expand(subview)) folds
  // to the subview): CSE makes the two views one value and the copy folds.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  if (options.workspace)
    pm.addPass(qat::createPlanWorkspace());
  bufferization::BufferDeallocationPipelineOptions dealloc;
  bufferization::buildBufferDeallocationPipeline(pm, dealloc);
}

/// Loops (split over threads), then the LLVM dialect.
static void addLoopAndLLVMPasses(OpPassManager &pm,
                                 const qat::QatToLLVMPipelineOptions &options,
                                 bool arm) {
  pm.addPass(qat::createStridedCopyToLoops());
  if (options.threads > 1) {
    // The f32 GEMMs' scf.forall (on memrefs now) joins the scf.parallel
    // loops that become OpenMP loops below.
    pm.addPass(createForallToParallelLoopPass());
    qat::ParallelizeLoopsOptions parallel;
    parallel.threads = options.threads;
    pm.addPass(qat::createParallelizeLoops(parallel));
  }
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  if (options.threads > 1) {
    // The kernels' scf.parallel loops become OpenMP work-sharing loops of
    // `threads` threads; the canonicalizer inlines the memref.alloca_scope
    // that wraps each body (scf-to-cf could not lower it).
    ConvertSCFToOpenMPPassOptions omp;
    omp.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(omp));
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  if (!options.barePtrCallConv)
    pm.addPass(qat::createEmitCInterface());
  ConvertQatDotToLLVMOptions dot;
  dot.arch =
      target::archName(arm ? target::Arch::AArch64 : target::Arch::X86_64)
          .str();
  pm.addPass(createConvertQatDotToLLVM(dot));
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  // aligned_alloc rather than malloc plus pointer arithmetic: LLVM then
  // knows that every temporary is a distinct object (the rounded-up
  // pointer of the malloc path goes through inttoptr, which hides that),
  // so loops over them vectorize without run-time alias checks and
  // loop-invariant loads (a scale, a per-channel constant) are hoisted.
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useAlignedAlloc = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  ConvertFuncToLLVMPassOptions funcToLLVM;
  funcToLLVM.useBarePtrCallConv = options.barePtrCallConv;
  pm.addPass(createConvertFuncToLLVMPass(funcToLLVM));
  pm.addPass(createConvertControlFlowToLLVMPass());
  if (options.threads > 1)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
}

} // namespace mlir::qat

void qat::buildQatToLLVMPipeline(OpPassManager &pm,
                                 const QatToLLVMPipelineOptions &options) {
  bool arm = addInt8KernelPasses(pm, options);
  addLinalgPasses(pm, options);
  addBufferizationPasses(pm, options);
  addLoopAndLLVMPasses(pm, options, arm);
}

void qat::dropQatArgumentAttributes(Operation *module) {
  module->walk([](FunctionOpInterface f) {
    auto drop = [](DictionaryAttr attrs, auto remove) {
      if (!attrs)
        return;
      for (NamedAttribute a : attrs.getValue())
        if (a.getName().strref().starts_with("qat."))
          remove(a.getName());
    };
    for (unsigned i = 0; i < f.getNumArguments(); ++i)
      drop(f.getArgAttrDict(i), [&](StringAttr n) { f.removeArgAttr(i, n); });
    for (unsigned i = 0; i < f.getNumResults(); ++i)
      drop(f.getResultAttrDict(i),
           [&](StringAttr n) { f.removeResultAttr(i, n); });
  });
}

void qat::registerQatPipelines() {
  PassPipelineRegistration<QatToLLVMPipelineOptions>(
      "qat-to-llvm",
      "Lower a float qat module to the LLVM dialect (linalg, bufferization, "
      "loops, C-interface entry points)",
      buildQatToLLVMPipeline);
}

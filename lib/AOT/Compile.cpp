//===- Compile.cpp - a qat model to an object file ------------------------===//

#include "qat/AOT/Compile.h"

#include "qat/Codegen/Passes.h"
#include "qat/Pipelines/Pipelines.h"
#include "qat/Quant/Passes.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/LegacyPassManager.h"

using namespace mlir;
using namespace mlir::qat;

static llvm::Error aotError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

FailureOr<SmallVector<AotEntry>> qat::exportAotEntries(ModuleOp module,
                                                       StringRef entry,
                                                       StringRef prefix,
                                                       int64_t batch) {
  PassManager pm(module.getContext());
  if (batch != 0) {
    SetBatchOptions batchOpts;
    batchOpts.entry = entry.str();
    batchOpts.batch = batch;
    pm.addPass(createSetBatch(batchOpts));
  }
  AotEntriesOptions opts;
  opts.entry = entry.str();
  opts.prefix = prefix.str();
  pm.addPass(createAotEntries(opts));
  if (failed(pm.run(module)))
    return failure();
  return collectAotEntries(module);
}

LogicalResult qat::lowerAotModule(ModuleOp module, const AotTarget &target) {
  // The header has the boundary qparams now.
  dropQatArgumentAttributes(module);
  PassManager pm(module.getContext());
  QatToLLVMPipelineOptions opts;
  opts.barePtrCallConv = true;
  opts.workspace = true;
  // The int8 kernels follow --isa; x86-64 builds use the generic lowering.
  opts.isa = target.getKernelIsa();
  opts.threads = target.threads;
  buildQatToLLVMPipeline(pm, opts);
  return pm.run(module);
}

llvm::Expected<std::unique_ptr<llvm::Module>>
qat::translateAotModule(ModuleOp module, const AotTarget &target,
                        ArrayRef<AotEntry> entries, StringRef name,
                        StringRef sourceFile, llvm::LLVMContext &context) {
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, context, name);
  if (!llvmModule)
    return aotError("translation to LLVM IR failed");
  llvmModule->setTargetTriple(target.triple);
  llvmModule->setDataLayout(target.machine->createDataLayout());
  llvmModule->setSourceFileName(sourceFile);

  // Export exactly the entry points: parameters become internal, so the
  // optimizer sees they are never written (constants) and two models link
  // into one program.
  llvm::StringSet<> exported;
  for (const AotEntry &e : entries)
    exported.insert(e.name);
  for (llvm::GlobalValue &g : llvmModule->global_values())
    if (!g.isDeclaration() && !exported.contains(g.getName()))
      g.setLinkage(llvm::GlobalValue::InternalLinkage);

  if (auto e = makeOptimizingTransformer(3, 0, target.machine.get())(
          llvmModule.get()))
    return aotError("LLVM optimization failed: " +
                    llvm::toString(std::move(e)));
  if (llvm::Error e =
          checkAotLibraryCalls(*llvmModule, /*openMP=*/target.threads > 1))
    return std::move(e);
  return std::move(llvmModule);
}

llvm::Error qat::checkAotLibraryCalls(llvm::Module &module, bool openMP) {
  // No run-time library: only libc/libm symbols may remain undefined.
  static const StringRef allowed[] = {
      "malloc", "free",    "aligned_alloc", "posix_memalign", "memcpy",
      "memset", "memmove", "roundevenf",    "roundeven",      "expf",
      "logf",   "exp",     "log",           "fmaxf",          "fminf",
      "tanhf",  "sqrtf"};
  for (llvm::Function &fn : module)
    if (fn.isDeclaration() && !fn.isIntrinsic() && !fn.use_empty() &&
        !llvm::is_contained(allowed, fn.getName()) &&
        !(openMP && fn.getName().starts_with("__kmpc_")))
      return aotError("the generated code calls '" + fn.getName() +
                      "', which is not in libc/libm; an AOT object must not "
                      "need a run-time library");
  return llvm::Error::success();
}

llvm::Error qat::emitAotCode(llvm::Module &module, const AotTarget &target,
                             AotFileType type, llvm::raw_pwrite_stream &os) {
  if (type == AotFileType::LLVMIR) {
    module.print(os, nullptr);
    return llvm::Error::success();
  }
  llvm::legacy::PassManager codegen;
  if (target.machine->addPassesToEmitFile(
          codegen, os, nullptr,
          type == AotFileType::Object ? llvm::CodeGenFileType::ObjectFile
                                      : llvm::CodeGenFileType::AssemblyFile))
    return aotError("the target cannot emit this file type");
  codegen.run(module);
  return llvm::Error::success();
}

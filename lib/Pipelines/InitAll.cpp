//===- InitAll.cpp - register everything qat tools need -------------------===//

#include "qat/InitAll.h"

#include "Qat/IR/QatDialect.h"
#include "qat/Autodiff/GradientInterfaceImpl.h"
#include "qat/Codegen/Passes.h"
#include "qat/Conversion/Passes.h"
#include "qat/Pipelines/Pipelines.h"
#include "qat/Quant/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

void qat::registerQatDialects(DialectRegistry &registry) {
  registry.insert<qat::QatDialect>();
  qat::registerGradientInterfaceExternalModels(registry);
  // The pipelines touch many upstream dialects and rely on their external
  // models (bufferization of arith/linalg/tensor/ml_program, LLVM
  // translation); registering all of them keeps qat-opt, qat-run and
  // qat-compile in step with each other.
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
}

void qat::registerQatPassesAndPipelines() {
  registerAllPasses();
  qat::registerQatConversionPasses();
  qat::registerQatQuantPasses();
  qat::registerQatCodegenPasses();
  qat::registerQatPipelines();
}

void qat::hideLibraryOptions() {
  // Everything registered so far comes from the libraries' static
  // initializers: LLVM's code generators (amdgpu, bpf, polly, ...), which a
  // qat tool never configures. Hidden options still parse (--help-hidden
  // lists them).
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    StringRef name = entry.first;
    if (name.starts_with("help") || name == "version")
      continue;
    entry.second->setHiddenFlag(llvm::cl::Hidden);
  }
}

std::string qat::getQatOptOverview() {
  struct Group {
    StringRef title;
    ArrayRef<StringRef> passes;
  };
  static const StringRef quant[] = {
      "qat-fuse",    "qat-prepare", "qat-generate-train-step",
      "qat-fold-bn", "qat-convert", "qat-set-batch"};
  static const StringRef lowering[] = {"qat-to-llvm", "convert-qat-to-linalg",
                                       "qat-lower-x86", "qat-lower-arm",
                                       "convert-qat-dot-to-llvm"};
  static const StringRef codegen[] = {
      "qat-fuse-elementwise",      "qat-collapse-loops",
      "qat-compute-into-slices",   "qat-write-globals-in-place",
      "qat-plan-workspace",        "qat-parallelize-loops",
      "qat-strided-copy-to-loops", "qat-aot-entries",
      "qat-check-allocations",     "qat-emit-c-interface"};
  static const Group groups[] = {
      {"Quantization-aware training (PyTorch's fuse_modules_qat -> "
       "prepare_qat -> train -> convert)",
       quant},
      {"Lowering (--qat-to-llvm is the whole pipeline)", lowering},
      {"Codegen steps of --qat-to-llvm", codegen}};
  std::string text =
      "qat-opt: mlir-opt with the qat dialect, passes and pipelines\n\n"
      "The qat passes (their options are listed under each in the pass list "
      "below, e.g. --qat-prepare=\"preset=x86 override=name=fc2:skip\"):\n";
  for (const Group &g : groups) {
    text += "\n  " + g.title.str() + ":\n";
    for (StringRef pass : g.passes) {
      StringRef desc = "(not registered)";
      if (const PassInfo *info = PassInfo::lookup(pass))
        desc = info->getPassDescription();
      else if (const PassPipelineInfo *p = PassPipelineInfo::lookup(pass))
        desc = p->getPassDescription();
      text += "    --" + pass.str() +
              std::string(pass.size() < 28 ? 28 - pass.size() : 1, ' ') +
              desc.str() + "\n";
    }
  }
  return text;
}

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

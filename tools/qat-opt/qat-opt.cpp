//===- qat-opt.cpp - qat optimizer driver ---------------------------------===//

#include "qat/Data/InputFile.h"
#include "qat/InitAll.h"
#include "qat/Pipelines/ModelFile.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  mlir::qat::registerQatDialects(registry);
  mlir::qat::registerQatPassesAndPipelines();
  // MlirOptMain registers its own options below: only the libraries'
  // (LLVM's back-end flags) are hidden.
  mlir::qat::hideLibraryOptions();
  std::string overview = mlir::qat::getQatOptOverview();
  auto [inputPath, outputPath] =
      mlir::registerAndParseCLIOptions(argc, argv, overview, registry);
  auto config = mlir::MlirOptMainConfig::createFromCLOptions();

  // MlirOptMain's own reading would take /dev/zero or an endless pipe until
  // memory runs out: the input is read with a bound instead.
  std::unique_ptr<llvm::MemoryBuffer> input;
  if (config.shouldShowDialects() || config.shouldListPasses()) {
    input = llvm::MemoryBuffer::getMemBuffer("");
  } else {
    auto file = mlir::qat::runtime::readInputFile(
        inputPath, mlir::qat::runtime::kMaxTextFileBytes,
        /*allowStdin=*/true);
    if (!file) {
      llvm::WithColor::error(llvm::errs(), "qat-opt")
          << llvm::toString(file.takeError()) << "\n";
      return 1;
    }
    input = std::move(*file);
    // A truncated model is one located error, not the parser's echo of a
    // megabyte-long line. (Diagnostic tests check what the parser says.)
    if (!config.shouldVerifyDiagnostics() &&
        failed(mlir::qat::checkModelFileComplete(*input, llvm::errs())))
      return 1;
  }
  std::string err;
  auto output = mlir::openOutputFile(outputPath, &err);
  if (!output) {
    llvm::WithColor::error(llvm::errs(), "qat-opt") << err << "\n";
    return 1;
  }
  if (failed(
          mlir::MlirOptMain(output->os(), std::move(input), registry, config)))
    return 1;
  output->keep();
  return 0;
}

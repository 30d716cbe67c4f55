//===- qat-opt.cpp - qat optimizer driver ---------------------------------===//

#include "qat/Data/InputFile.h"
#include "qat/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  mlir::DialectRegistry registry;
  mlir::qat::registerQatDialects(registry);
  mlir::qat::registerQatPassesAndPipelines();
  auto [inputPath, outputPath] = mlir::registerAndParseCLIOptions(
      argc, argv, "qat optimizer driver\n", registry);
  auto config = mlir::MlirOptMainConfig::createFromCLOptions();

  // MlirOptMain's own input reading would take /dev/zero or an endless pipe
  // until memory runs out: read the input with a bound instead.
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

//===- qat-opt.cpp - qat optimizer driver ---------------------------------===//

#include "qat/InitAll.h"
#include "qat/Pipelines/ModelFile.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/MemoryBuffer.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::qat::registerQatDialects(registry);
  mlir::qat::registerQatPassesAndPipelines();
  // MlirOptMain registers its own options below: only the libraries'
  // (LLVM's back-end flags) are hidden.
  mlir::qat::hideLibraryOptions();
  std::string overview = mlir::qat::getQatOptOverview();
  auto [input, output] =
      mlir::registerAndParseCLIOptions(argc, argv, overview, registry);
  // A truncated model is one located error, not the parser's echo of a
  // megabyte-long line. (Diagnostic tests check what the parser says.)
  if (input != "-" &&
      !mlir::MlirOptMainConfig::createFromCLOptions().shouldVerifyDiagnostics())
    if (auto file = mlir::openInputFile(input))
      if (failed(mlir::qat::checkModelFileComplete(*file, llvm::errs())))
        return 1;
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, input, output, registry));
}

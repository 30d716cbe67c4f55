//===- qat-opt.cpp - qat optimizer driver ---------------------------------===//

#include "qat/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::qat::registerQatDialects(registry);
  mlir::qat::registerQatPassesAndPipelines();
  // MlirOptMain registers its own options when it runs: only the libraries'
  // (LLVM's back-end flags) are hidden.
  mlir::qat::hideLibraryOptions();
  std::string overview = mlir::qat::getQatOptOverview();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, overview, registry));
}

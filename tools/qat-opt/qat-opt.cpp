//===- qat-opt.cpp - qat optimizer driver ---------------------------------===//

#include "qat/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::qat::registerQatDialects(registry);
  mlir::qat::registerQatPassesAndPipelines();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "qat optimizer driver\n", registry));
}

//===- QatDialect.cpp - qat dialect registration --------------------------===//

#include "Qat/IR/QatDialect.h"
#include "Qat/IR/QatAttrs.h"
#include "Qat/IR/QatOps.h"

#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qat;

#include "Qat/IR/QatDialect.cpp.inc"

void QatDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Qat/IR/QatOps.cpp.inc"
      >();
  registerAttributes();
}

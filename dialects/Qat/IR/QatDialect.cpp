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

LogicalResult QatDialect::verifyOperationAttribute(Operation *op,
                                                   NamedAttribute attr) {
  if (attr.getName() != kRequantAttrName)
    return success();
  if (!isa<ModuleOp>(op))
    return op->emitError() << "'" << kRequantAttrName
                           << "' is a module attribute";
  if (!isa<RequantKindAttr>(attr.getValue()))
    return op->emitError() << "'" << kRequantAttrName
                           << "' must be a #qat.requant attribute, got "
                           << attr.getValue();
  return success();
}

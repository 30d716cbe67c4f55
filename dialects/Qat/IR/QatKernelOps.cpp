//===- QatKernelOps.cpp - verifiers of the kernel ops ---------------------===//

#include "Qat/IR/QatOps.h"

using namespace mlir;
using namespace mlir::qat;

LogicalResult DotAccumulateOp::verify() {
  auto acc = getAcc().getType();
  auto lhs = getLhs().getType();
  bool bytes = lhs.getElementType().isInteger(8);
  if (getLhsSigned() && !bytes)
    return emitOpError() << "lhs_signed applies to byte operands only";
  int64_t group = bytes ? 4 : 2;
  if (lhs.getDimSize(0) != acc.getDimSize(0) * group)
    return emitOpError() << "needs " << group << " operand elements per lane: "
                         << acc.getDimSize(0) * group << ", not "
                         << lhs.getDimSize(0);
  return success();
}

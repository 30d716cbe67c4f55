//===- QatKernelOps.cpp - verifiers of the kernel ops ---------------------===//

#include "Qat/IR/QatOps.h"

using namespace mlir;
using namespace mlir::qat;

LogicalResult DotAccumulateOp::verify() {
  auto acc = getAcc().getType();
  auto lhs = getLhs().getType();
  int64_t group = lhs.getElementType().isInteger(8) ? 4 : 2;
  if (lhs.getDimSize(0) != acc.getDimSize(0) * group)
    return emitOpError() << "needs " << group << " operand elements per lane: "
                         << acc.getDimSize(0) * group << ", not "
                         << lhs.getDimSize(0);
  return success();
}

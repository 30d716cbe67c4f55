//===- QatTrainOps.cpp - backward and optimizer ops (QatTrainOps.td) ------===//

#include "Qat/IR/QatOps.h"
#include "QatVerifyUtils.h"

#include "mlir/Dialect/Traits.h"

using namespace mlir;
using namespace mlir::qat;

SmallVector<int64_t, 2> MaxPool2dGradOp::getStridesOrDefault() {
  return poolStrides(*this);
}
SmallVector<int64_t, 4> MaxPool2dGradOp::getPads() {
  return normalizePads(getPadding());
}
SmallVector<int64_t, 2> AvgPool2dGradOp::getStridesOrDefault() {
  return poolStrides(*this);
}
SmallVector<int64_t, 4> AvgPool2dGradOp::getPads() {
  return normalizePads(getPadding());
}

LogicalResult SumToShapeOp::verify() {
  auto x = getInput().getType();
  auto y = getType();
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(x.getShape(), y.getShape(), shape) ||
      ArrayRef<int64_t>(shape) != x.getShape())
    return emitOpError("result shape ")
           << shapeStr(y.getShape())
           << " does not broadcast to the input shape "
           << shapeStr(x.getShape());
  return success();
}

//===- QatInterfaces.cpp - qat op interfaces ------------------------------===//

#include "Qat/IR/QatInterfaces.h"

using namespace mlir;
using namespace mlir::qat;

GradientContext::~GradientContext() = default;

#include "Qat/IR/QatInterfaces.cpp.inc"

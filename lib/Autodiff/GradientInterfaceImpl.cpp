//===- GradientInterfaceImpl.cpp - register the backward rules ------------===//

#include "qat/Autodiff/GradientInterfaceImpl.h"
#include "GradientModel.h"

#include "Qat/IR/QatDialect.h"

using namespace mlir;
using namespace mlir::qat;

void mlir::qat::registerGradientInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, QatDialect *) {
    detail::attachLayerGradients(*ctx);
    detail::attachElementwiseGradients(*ctx);
    detail::attachPoolGradients(*ctx);
    detail::attachQuantGradients(*ctx);
  });
}

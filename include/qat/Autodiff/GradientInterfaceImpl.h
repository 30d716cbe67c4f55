//===- GradientInterfaceImpl.h - backward rules of the qat ops --*- C++ -*-===//
//
// The backward rules of the differentiable qat ops, as external models of
// GradientOpInterface (Qat/IR/QatInterfaces.td), grouped by op family in
// lib/Autodiff.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_AUTODIFF_GRADIENTINTERFACEIMPL_H
#define QAT_AUTODIFF_GRADIENTINTERFACEIMPL_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::qat {

/// Attaches GradientOpInterface to every differentiable qat op once the qat
/// dialect is loaded.
void registerGradientInterfaceExternalModels(DialectRegistry &registry);

} // namespace mlir::qat

#endif // QAT_AUTODIFF_GRADIENTINTERFACEIMPL_H

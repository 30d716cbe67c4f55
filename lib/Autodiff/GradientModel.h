//===- GradientModel.h - backward rules as interface models -----*- C++ -*-===//
//
// Internal to lib/Autodiff: turns a backward rule, a function of the op and
// the gradient of its result, into an external model of
// GradientOpInterface, and declares each op family's registration.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_LIB_AUTODIFF_GRADIENTMODEL_H
#define QAT_LIB_AUTODIFF_GRADIENTMODEL_H

#include "Qat/IR/QatInterfaces.h"

namespace mlir::qat::detail {

/// The GradientOpInterface model of `OpT` whose backward rule is `Rule`.
/// Every rule here differentiates the op's first result (the others, such
/// as batch norm's updated running statistics, carry no gradient).
template <typename OpT, void (*Rule)(OpT, Value, GradientContext &)>
struct GradientModel
    : GradientOpInterface::ExternalModel<GradientModel<OpT, Rule>, OpT> {
  LogicalResult emitGradient(Operation *op, GradientContext &context,
                             ArrayRef<Value> resultGrads) const {
    Rule(cast<OpT>(op), resultGrads.front(), context);
    return success();
  }
};

/// Attaches `Rule` to `OpT` as its GradientOpInterface.
template <typename OpT, void (*Rule)(OpT, Value, GradientContext &)>
void attachGradient(MLIRContext &ctx) {
  OpT::template attachInterface<GradientModel<OpT, Rule>>(ctx);
}

/// linear, conv2d, batch_norm (LayerGradients.cpp).
void attachLayerGradients(MLIRContext &ctx);
/// relu, relu6, clamp, add, sub, mul, div (ElementwiseGradients.cpp).
void attachElementwiseGradients(MLIRContext &ctx);
/// Pooling, shape ops and softmax (PoolGradients.cpp).
void attachPoolGradients(MLIRContext &ctx);
/// fake_quant, the quant stubs, observe, bn_scale_factor and the parameter
/// loads (QuantGradients.cpp).
void attachQuantGradients(MLIRContext &ctx);

} // namespace mlir::qat::detail

#endif // QAT_LIB_AUTODIFF_GRADIENTMODEL_H

//===- QatInterfaces.h - qat op interfaces ----------------------*- C++ -*-===//

#ifndef QAT_DIALECT_QAT_IR_QATINTERFACES_H
#define QAT_DIALECT_QAT_IR_QATINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

namespace mlir::qat {

/// What a backward rule (GradientOpInterface::emitGradient) may use besides
/// the op: the builder and the gradient bookkeeping of the training step
/// being generated (--qat-generate-train-step implements it).
class GradientContext {
public:
  virtual ~GradientContext();

  /// The builder, at the end of the backward pass emitted so far.
  virtual OpBuilder &getBuilder() = 0;

  /// Adds `grad` to the gradient of `value`, first summed to the shape of
  /// `value` if the forward op broadcast it. Does nothing for a null `grad`
  /// or a `value` that is not a float tensor.
  virtual void accumulate(Location loc, Value value, Value grad) = 0;

  /// Adds `grad` to the gradient of the trainable parameter `name` (the
  /// gradients of all its loads are summed).
  virtual void accumulateParam(Location loc, StringRef name, Value grad) = 0;

  /// A float constant of `type` with every element `value`.
  virtual Value createSplat(RankedTensorType type, double value) = 0;
};

} // namespace mlir::qat

#include "Qat/IR/QatInterfaces.h.inc"

#endif // QAT_DIALECT_QAT_IR_QATINTERFACES_H

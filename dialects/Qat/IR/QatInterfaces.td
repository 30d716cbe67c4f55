//===- QatInterfaces.td - qat op interfaces ----------------*- tablegen -*-===//

#ifndef QAT_DIALECT_QATINTERFACES_TD
#define QAT_DIALECT_QATINTERFACES_TD

include "mlir/IR/OpBase.td"

def Qat_GradientOpInterface : OpInterface<"GradientOpInterface"> {
  let cppNamespace = "::mlir::qat";
  let description = [{
    The backward rule of a differentiable op, which
    `--qat-generate-train-step` asks while it walks the model function in
    reverse: given the gradients of the op's results, the op emits the ops
    that compute the gradients of its operands (PyTorch's autograd formula
    for it) and hands them to the `GradientContext`, which sums them per
    value. The rules are external models, attached by
    `registerGradientInterfaceExternalModels` (qat/Autodiff), so the dialect
    does not depend on them; an op without one cannot be differentiated.
  }];
  let methods = [
    InterfaceMethod<[{
        Emits the backward of this op at the context's builder.
        `resultGrads` holds one gradient per result, null where a result
        has none; the caller asks only when the first result has one.
      }],
      "::llvm::LogicalResult", "emitGradient",
      (ins "::mlir::qat::GradientContext &":$context,
           "::llvm::ArrayRef<::mlir::Value>":$resultGrads)>
  ];
}

#endif // QAT_DIALECT_QATINTERFACES_TD

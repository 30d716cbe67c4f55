//===- QatBase.td - qat dialect definition -----------------*- tablegen -*-===//
//
// The quant-training dialect: float model ops with PyTorch/ONNX layouts,
// named module-level parameters and state, and fake-quant ops.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DIALECT_QATBASE_TD
#define QAT_DIALECT_QATBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Qat_Dialect : Dialect {
  let name = "qat";
  let cppNamespace = "::mlir::qat";
  let summary = "Quantization-aware training dialect";
  let description = [{
    The `qat` dialect captures neural network models for quantization-aware
    training. Model ops work on ranked tensors in PyTorch/ONNX layouts (NCHW
    activations, OIHW conv weights, `[out, in]` linear weights). Parameters
    (trainable) and state (running statistics, observer ranges, optimizer
    moments) are named module-level `qat.param` ops with their initial values
    inside the module, so a model is one self-contained file; functions read
    them with `qat.load` and update them in place with `qat.store`.

    ```mlir
    qat.param @fc.weight = dense<0.5> : tensor<20x10xf32>
    qat.param @fc.bias = dense<0.0> : tensor<20xf32>
    func.func @forward(%x: tensor<4x10xf32>) -> tensor<4x20xf32> {
      %w = qat.load @fc.weight : tensor<20x10xf32>
      %b = qat.load @fc.bias : tensor<20xf32>
      %y = qat.linear %x, %w, %b
          : (tensor<4x10xf32>, tensor<20x10xf32>, tensor<20xf32>)
          -> tensor<4x20xf32>
      %r = qat.relu %y : tensor<4x20xf32>
      return %r : tensor<4x20xf32>
    }
    ```
  }];
  let useDefaultAttributePrinterParser = 1;
  // Checks the discardable `qat.requant` module attribute.
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    /// Registers the attributes (defined in QatAttrs.cpp, where their
    /// storage classes are complete).
    void registerAttributes();
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::quant::QuantDialect"];
}

class Qat_Op<string mnemonic, list<Trait> traits = []>
    : Op<Qat_Dialect, mnemonic, traits>;

class Qat_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Qat_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // QAT_DIALECT_QATBASE_TD

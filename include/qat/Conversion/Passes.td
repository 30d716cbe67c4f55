//===- Passes.td - qat conversion passes -------------------*- tablegen -*-===//

#ifndef QAT_CONVERSION_PASSES_TD
#define QAT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQatToLinalg : Pass<"convert-qat-to-linalg", "ModuleOp"> {
  let summary = "Lower qat model ops to linalg, tensor, arith and math";
  let description = [{
    Lowers every float model op of the `qat` dialect (layers, element-wise
    ops, pooling, shape ops, losses, fake_quant and the stubs) to
    destination-style linalg ops on tensors, and the module-level
    `qat.param` / `qat.load` / `qat.store` to public `memref.global`s that
    keep their symbol names (so a JIT can read trained values back by name),
    read through `bufferization.to_tensor` and written with
    `bufferization.materialize_in_destination`.

    Example:

    ```mlir
    %y = qat.relu %x : tensor<4x20xf32>
    ```
    becomes a `linalg.generic` computing `arith.maximumf(%in, 0.0)`.
  }];
  let options = [
    Option<"im2col", "im2col", "bool", /*default=*/"true",
           "Lower ungrouped static-shape conv2d (and its gradient) as im2col "
           "+ a GEMM whose innermost loop is contiguous, instead of the named "
           "linalg convolution">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // QAT_CONVERSION_PASSES_TD

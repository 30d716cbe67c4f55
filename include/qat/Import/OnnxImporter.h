//===- OnnxImporter.h - ONNX model to qat dialect ---------------*- C++ -*-===//
//
// Imports an ONNX model (a serialized onnx.ModelProto, opsets 11-17) as a
// qat module: initializers become named `qat.param`s, the graph becomes
// `func.func @forward` with the graph's input and output names in its
// `qat.input_names` / `qat.output_names` attributes, and
// QuantizeLinear/DequantizeLinear pairs become `qat.fake_quant` with observers
// whose state reproduces the model's qparams exactly (a prepared model, ready
// for QAT).
//
//===----------------------------------------------------------------------===//

#ifndef QAT_IMPORT_ONNXIMPORTER_H
#define QAT_IMPORT_ONNXIMPORTER_H

#include "Qat/IR/QatAttrs.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>

namespace mlir::qat {

/// Options of importOnnxModel.
struct OnnxImportOptions {
  /// Fixes a symbolic (dynamic) batch dimension (dimension 0 of the graph
  /// inputs) to this size. Without it a symbolic batch is an error.
  std::optional<int64_t> batch;
  /// Observer of the fake-quant ops made from Q/DQ pairs: `moving_average`
  /// (the default, PyTorch's QAT observer: QAT keeps refining the imported
  /// ranges), `minmax`, or `none` (the imported qparams stay frozen).
  ObserverKind qdqObserver = ObserverKind::moving_average;
};

/// Imports the serialized ONNX model in `bytes`; `fileName` names it in
/// diagnostics and locations. Every problem is reported as an error
/// diagnostic on `context` (located at the ONNX node it concerns) and
/// yields a null module; the returned module is verified.
OwningOpRef<ModuleOp> importOnnxModel(llvm::StringRef bytes,
                                      llvm::StringRef fileName,
                                      MLIRContext *context,
                                      const OnnxImportOptions &options = {});

} // namespace mlir::qat

#endif // QAT_IMPORT_ONNXIMPORTER_H

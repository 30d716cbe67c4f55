//===- OnnxExporter.h - qat model to ONNX -----------------------*- C++ -*-===//
//
// Exports a qat model as an ONNX model (opset 13) for ONNX Runtime and
// other ONNX runtimes: `@forward` becomes the graph, the parameters it
// reads become initializers under their names.
//
// - An int8 model (--qat-convert's output) is written in QDQ form:
//   `qat.qconv2d` becomes DequantizeLinear of the uint8/int8 input, of the
//   int8 weight (per channel, axis 0) and of the int32 bias (scale s_x *
//   s_w) -> Conv -> QuantizeLinear, and likewise for qlinear (Gemm), qadd,
//   qmul and qavg_pool2d; max pools, reshapes and concats move the 8-bit
//   values as they are.
// - A fake-quant model (prepared and trained) is written at inference:
//   each `qat.fake_quant` becomes QuantizeLinear -> DequantizeLinear with
//   its frozen qparams (observer state through the one qparams function),
//   weights stay float, batch norms of ConvBn groups are folded into their
//   conv as --qat-convert folds them.
// - Where the integer range is narrower than the 8-bit storage (uint8
//   [0, 127] of reduce_range, a fused ReLU's clamp, narrow-range weights), a
//   Clip on the quantized tensor follows the QuantizeLinear.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_EXPORT_ONNXEXPORTER_H
#define QAT_EXPORT_ONNXEXPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace mlir::qat {

/// Options of exportOnnxModel.
struct OnnxExportOptions {
  /// The model function that becomes the ONNX graph.
  std::string entry = "forward";
  /// Write the model in protobuf text format (for reading and tests)
  /// instead of the binary .onnx encoding.
  bool text = false;
};

/// Exports `module` as a serialized onnx.ModelProto into `bytes`. Every
/// problem (an op with no ONNX form, a parameter without data, untrained
/// observers) is reported as an error diagnostic located at the op, and
/// yields failure.
LogicalResult exportOnnxModel(ModuleOp module, std::string &bytes,
                              const OnnxExportOptions &options = {});

} // namespace mlir::qat

#endif // QAT_EXPORT_ONNXEXPORTER_H

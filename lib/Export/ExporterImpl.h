//===- ExporterImpl.h - ONNX exporter internals -----------------*- C++ -*-===//
//
// Shared by the exporter's sources: the exporter state (the ONNX graph being
// built, the tensor of each MLIR value, initializers), the table of op
// exporters keyed by op name, and the QDQ helpers. The exporters live in
// one file per op group (Layers, Elementwise, Shape, QDQ), as the
// importer's converters do, and register through populate*Exporters.
//
// Nodes are emitted on demand, from the returned values back: an op is
// exported when a later node (or the graph output) reads its result, so the
// graph is in topological order and ops whose results only observers or
// stores read (training bookkeeping) are left out.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_LIB_EXPORT_EXPORTERIMPL_H
#define QAT_LIB_EXPORT_EXPORTERIMPL_H

#include "qat/Export/OnnxExporter.h"
#include "qat/Quant/Freeze.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include "onnx/onnx_pb.h"

#include <optional>
#include <string>

namespace mlir::qat::exporter {

/// The default-domain opset the exporter writes (per-axis QuantizeLinear /
/// DequantizeLinear, Clip on 8-bit integers) and the IR version it needs.
constexpr int64_t kOpset = 13;
constexpr int64_t kIrVersion = 7;

/// Qparams of a Q or DQ node: one scale and zero point, or one per channel
/// along `axis`; the storage type (INT8/UINT8; INT32 has no zero point).
struct QDQParams {
  SmallVector<float> scales;
  SmallVector<int64_t> zeroPoints;
  int32_t dtype = onnx::TensorProto::UINT8;
  std::optional<int64_t> axis;
};

/// A ConvBn group to export as one Conv: its conv2d, the weight fake_quant
/// and the ops --qat-fuse made.
struct ConvBnExport {
  Conv2dOp conv;
  FakeQuantOp weightFq;
  ConvBnGroup group;
};

class Exporter;

/// Exports one op: emits its nodes (reading operands through
/// Exporter::get) and binds its results; errors are located at the op.
using OpExporter = LogicalResult (*)(Exporter &ex, Operation *op);
/// Op name -> its exporter. Its keys are the ops qat-export supports.
using OpExporterTable = llvm::StringMap<OpExporter>;

class Exporter {
public:
  Exporter(ModuleOp module, func::FuncOp func, onnx::GraphProto &graph);

  /// Builds the graph: inputs, nodes, initializers, outputs.
  LogicalResult run();

  /// The ONNX tensor of `v`, exporting its defining op first if needed.
  FailureOr<std::string> get(Value v);
  /// Binds `v` to the ONNX tensor `name`.
  void bind(Value v, StringRef name) { tensors[v] = name.str(); }
  /// An unused tensor name: `hint`, or `hint` with a numeric suffix.
  std::string fresh(StringRef hint);

  /// Appends a node reading `inputs` with one output named after `hint`;
  /// returns the node (for attributes).
  onnx::NodeProto &addNode(StringRef opType, ArrayRef<std::string> inputs,
                           StringRef hint);
  /// The output name of `node`.
  static const std::string &out(const onnx::NodeProto &node) {
    return node.output(0);
  }

  /// An initializer of `dtype` and `shape` holding `raw` (little-endian
  /// elements); its name.
  std::string addInitializer(StringRef hint, int32_t dtype,
                             ArrayRef<int64_t> shape, StringRef raw);
  std::string addFloats(StringRef hint, ArrayRef<float> values,
                        ArrayRef<int64_t> shape);
  std::string addInt64s(StringRef hint, ArrayRef<int64_t> values,
                        ArrayRef<int64_t> shape);
  /// The initializer of the parameter `load` reads (added once).
  FailureOr<std::string> getParam(LoadOp load);

  /// DequantizeLinear of the 8-bit (or int32 bias) tensor `q` with `p`.
  std::string dequantize(StringRef q, const QDQParams &p, StringRef hint);
  /// QuantizeLinear of the float tensor `x` with `p`, then a Clip to
  /// [lo, hi] when that is narrower than the storage type's range.
  std::string quantize(StringRef x, const QDQParams &p, int64_t lo, int64_t hi,
                       StringRef hint);
  /// The float tensor of `v`, a value of the int8 graph (a uniform
  /// quantized tensor), dequantized once for all its readers.
  FailureOr<std::string> getDequantized(Value v, Operation *user);

  FrozenModelReader &getReader() { return reader; }
  /// The ConvBn group that ends at `bn`, if one does.
  const ConvBnExport *getConvBn(Operation *bn) const {
    auto it = convBnGroups.find(bn);
    return it == convBnGroups.end() ? nullptr : &it->second;
  }

private:
  LogicalResult exportOp(Operation *op);
  LogicalResult addGraphInputs();
  LogicalResult addGraphOutputs();
  LogicalResult findConvBnGroups();

  func::FuncOp func;
  onnx::GraphProto &graph;
  SymbolTable symbols;
  FrozenModelReader reader;
  OpExporterTable table;
  llvm::DenseMap<Value, std::string> tensors;
  llvm::DenseMap<Value, std::string> dequantized;
  llvm::StringMap<std::string> params;
  llvm::StringSet<> names;
  llvm::DenseMap<Operation *, ConvBnExport> convBnGroups;
  /// Small initializers by content (dtype, shape, bytes), shared.
  llvm::StringMap<std::string> constants;
};

//===----------------------------------------------------------------------===//
// Helpers (OnnxExporter.cpp)
//===----------------------------------------------------------------------===//

/// The ONNX element type of an MLIR element type (f32, i8, ui8, i32, i64,
/// and the storage of 8-bit quantized types), or nullopt.
std::optional<int32_t> getOnnxElementType(Type type);
void setIntAttr(onnx::NodeProto &node, StringRef name, int64_t value);
void setFloatAttr(onnx::NodeProto &node, StringRef name, float value);
void setIntsAttr(onnx::NodeProto &node, StringRef name,
                 ArrayRef<int64_t> values);
/// A readable tensor name for the output of a layer: its weight
/// parameter's name without ".weight"/".weight_q" (through fake_quant, the
/// ConvBn weight scaling and quant.scast), or `fallback`.
std::string getLayerName(Value weight, StringRef fallback);
/// The qparams of a uniform quantized type (per tensor or per axis); fails
/// with an error at `op` for types ONNX cannot store (not 8-bit storage, a
/// non-f32 expressed type).
FailureOr<QDQParams> getQDQParams(Type elementType, Operation *op);

//===----------------------------------------------------------------------===//
// Op exporters
//===----------------------------------------------------------------------===//

/// linear, conv2d (ConvBn groups folded), batch_norm, max_pool2d,
/// avg_pool2d, global_avg_pool.
void populateLayerExporters(OpExporterTable &table);
/// relu, relu6, clamp, add, sub, mul, div, softmax, the stubs.
void populateElementwiseExporters(OpExporterTable &table);
/// flatten, reshape, concat, load.
void populateShapeExporters(OpExporterTable &table);
/// fake_quant, quantize, dequantize, quant.scast, qlinear, qconv2d, qadd,
/// qmul, qavg_pool2d.
void populateQdqExporters(OpExporterTable &table);

/// The fake quantization of the float tensor `x` with the frozen qparams
/// `f` (QuantizeLinear, a Clip where [qmin, qmax] is narrower than the
/// storage, DequantizeLinear); fails at `op` for a spec ONNX cannot store.
FailureOr<std::string> fakeQuantize(Exporter &ex, StringRef x,
                                    const FrozenQParams &f, Operation *op);
/// A ConvBn group as one Conv whose weight and bias have the batch norm
/// folded in (--qat-convert's values), the weight fake-quantized.
LogicalResult exportConvBn(Exporter &ex, const ConvBnExport &g);

/// A Conv node with qat's conv2d attributes (pads as [top, left, bottom,
/// right], ONNX's order too).
onnx::NodeProto &addConvNode(Exporter &ex, ArrayRef<std::string> inputs,
                             ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilation, int64_t groups,
                             StringRef hint);
/// Pool attributes shared by the float and int8 pools: kernel_shape,
/// strides, pads, dilations (none for average pools), and ceil_mode where
/// it changes the output size; returns whether it does.
bool setPoolAttrs(onnx::NodeProto &node, Operation *op,
                  ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                  ArrayRef<int64_t> pads, ArrayRef<int64_t> dilation,
                  bool ceilMode);
/// Fails at the average pool `op` when ceil_mode adds a partial window
/// whose divisor counts padding.
LogicalResult checkAvgPoolCeil(Operation *op, bool ceilUsed,
                               bool countIncludePad);

} // namespace mlir::qat::exporter

#endif // QAT_LIB_EXPORT_EXPORTERIMPL_H

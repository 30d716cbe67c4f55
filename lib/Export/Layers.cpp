//===- Layers.cpp - ONNX Gemm, Conv, BatchNormalization, pools ------------===//
//
// The float layers and pools (of float models and fake-quant models), the
// ConvBn groups of fake-quant models folded into one Conv, and the
// attributes the int8 conv and pools share with them.
//
//===----------------------------------------------------------------------===//

#include "ExporterImpl.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::exporter;

/// The ONNX tensors of `op`'s operands.
static FailureOr<SmallVector<std::string>> getOperands(Exporter &ex,
                                                       Operation *op) {
  SmallVector<std::string> names;
  for (Value v : op->getOperands()) {
    FailureOr<std::string> t = ex.get(v);
    if (failed(t))
      return failure();
    names.push_back(*t);
  }
  return names;
}

onnx::NodeProto &
exporter::addConvNode(Exporter &ex, ArrayRef<std::string> inputs,
                      ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                      ArrayRef<int64_t> pads, ArrayRef<int64_t> dilation,
                      int64_t groups, StringRef hint) {
  onnx::NodeProto &node = ex.addNode("Conv", inputs, hint);
  setIntsAttr(node, "kernel_shape", kernel);
  setIntsAttr(node, "strides", strides);
  setIntsAttr(node, "pads", pads);
  setIntsAttr(node, "dilations", dilation);
  setIntAttr(node, "group", groups);
  return node;
}

bool exporter::setPoolAttrs(onnx::NodeProto &node, Operation *op,
                            ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                            ArrayRef<int64_t> pads, ArrayRef<int64_t> dilation,
                            bool ceilMode) {
  // The verifiers admit PyTorch's sizes only: the floor size, or with
  // ceil_mode the ceil size when its last window starts inside the input
  // or the leading padding (else one less, the floor size), and the ceil
  // size is ONNX's.
  auto in = cast<ShapedType>(op->getOperand(0).getType());
  auto res = cast<ShapedType>(op->getResult(0).getType());
  bool ceilUsed = false;
  for (int i = 0; i < 2; ++i) {
    int64_t d = dilation.empty() ? 1 : dilation[i];
    int64_t span = (kernel[i] - 1) * d + 1;
    int64_t room = in.getDimSize(2 + i) + pads[i] + pads[i + 2] - span;
    ceilUsed |= ceilMode && res.getDimSize(2 + i) != room / strides[i] + 1;
  }
  setIntsAttr(node, "kernel_shape", kernel);
  setIntsAttr(node, "strides", strides);
  setIntsAttr(node, "pads", pads);
  if (!dilation.empty())
    setIntsAttr(node, "dilations", dilation);
  if (ceilUsed)
    setIntAttr(node, "ceil_mode", 1);
  return ceilUsed;
}

LogicalResult exporter::checkAvgPoolCeil(Operation *op, bool ceilUsed,
                                         bool countIncludePad) {
  // Without padding in the divisor both count the window's input elements.
  if (!ceilUsed || !countIncludePad)
    return success();
  return op->emitOpError(
      "has a partial last window (ceil_mode) with count_include_pad, whose "
      "divisor ONNX runtimes count differently from PyTorch; qat-export does "
      "not write it");
}

static LogicalResult exportLinear(Exporter &ex, Operation *op) {
  auto linear = cast<LinearOp>(op);
  FailureOr<SmallVector<std::string>> in = getOperands(ex, op);
  if (failed(in))
    return failure();
  onnx::NodeProto &node =
      ex.addNode("Gemm", *in, getLayerName(linear.getWeight(), "linear"));
  setIntAttr(node, "transB", 1);
  ex.bind(linear.getResult(), Exporter::out(node));
  return success();
}

static LogicalResult exportConv2d(Exporter &ex, Operation *op) {
  auto conv = cast<Conv2dOp>(op);
  FailureOr<SmallVector<std::string>> in = getOperands(ex, op);
  if (failed(in))
    return failure();
  auto w = conv.getWeight().getType();
  onnx::NodeProto &node =
      addConvNode(ex, *in, {w.getDimSize(2), w.getDimSize(3)},
                  conv.getStrides(), conv.getPads(), conv.getDilation(),
                  conv.getGroups(), getLayerName(conv.getWeight(), "conv"));
  ex.bind(conv.getResult(), Exporter::out(node));
  return success();
}

LogicalResult exporter::exportConvBn(Exporter &ex, const ConvBnExport &g) {
  Conv2dOp conv = g.conv;
  FrozenModelReader &reader = ex.getReader();
  FailureOr<FrozenQParams> fw = reader.freeze(g.weightFq);
  SmallVector<float> weights, bias;
  if (failed(fw) ||
      failed(reader.getLayerValues(conv, g.weightFq, g.group, weights, bias)))
    return failure();
  FailureOr<std::string> x = ex.get(conv.getInput());
  if (failed(x))
    return failure();
  auto wType = conv.getWeight().getType();
  std::string name = getLayerName(conv.getWeight(), "conv");
  std::string w = ex.addFloats(name + ".weight", weights, wType.getShape());
  std::string b = ex.addFloats(name + ".bias", bias, {wType.getDimSize(0)});
  FailureOr<std::string> wq = fakeQuantize(ex, w, *fw, g.weightFq);
  if (failed(wq))
    return failure();
  onnx::NodeProto &node =
      addConvNode(ex, {*x, *wq, b}, {wType.getDimSize(2), wType.getDimSize(3)},
                  conv.getStrides(), conv.getPads(), conv.getDilation(),
                  conv.getGroups(), name);
  BatchNormOp bn = g.group.bn;
  ex.bind(bn.getResult(), Exporter::out(node));
  return success();
}

static LogicalResult exportBatchNorm(Exporter &ex, Operation *op) {
  auto bn = cast<BatchNormOp>(op);
  FailureOr<SmallVector<std::string>> in = getOperands(ex, op);
  if (failed(in))
    return failure();
  // Inference: the running statistics, whatever mode training used.
  onnx::NodeProto &node =
      ex.addNode("BatchNormalization", *in, getLayerName(bn.getWeight(), "bn"));
  setFloatAttr(node, "epsilon",
               static_cast<float>(bn.getEps().convertToDouble()));
  ex.bind(bn.getResult(), Exporter::out(node));
  return success();
}

static LogicalResult exportMaxPool(Exporter &ex, Operation *op) {
  auto pool = cast<MaxPool2dOp>(op);
  FailureOr<std::string> x = ex.get(pool.getInput());
  if (failed(x))
    return failure();
  // On the 8-bit values of the int8 graph too: the max keeps the qparams.
  onnx::NodeProto &node = ex.addNode("MaxPool", {*x}, "maxpool");
  setPoolAttrs(node, op, pool.getKernelSize(), pool.getStridesOrDefault(),
               pool.getPads(), pool.getDilation(), pool.getCeilMode());
  ex.bind(pool.getResult(), Exporter::out(node));
  return success();
}

static LogicalResult exportAvgPool(Exporter &ex, Operation *op) {
  auto pool = cast<AvgPool2dOp>(op);
  FailureOr<std::string> x = ex.get(pool.getInput());
  if (failed(x))
    return failure();
  onnx::NodeProto &node = ex.addNode("AveragePool", {*x}, "avgpool");
  bool ceil =
      setPoolAttrs(node, op, pool.getKernelSize(), pool.getStridesOrDefault(),
                   pool.getPads(), {}, pool.getCeilMode());
  if (failed(checkAvgPoolCeil(op, ceil, pool.getCountIncludePad())))
    return failure();
  setIntAttr(node, "count_include_pad", pool.getCountIncludePad() ? 1 : 0);
  ex.bind(pool.getResult(), Exporter::out(node));
  return success();
}

static LogicalResult exportGlobalAvgPool(Exporter &ex, Operation *op) {
  auto pool = cast<GlobalAvgPoolOp>(op);
  FailureOr<std::string> x = ex.get(pool.getInput());
  if (failed(x))
    return failure();
  ex.bind(pool.getResult(),
          Exporter::out(ex.addNode("GlobalAveragePool", {*x}, "gap")));
  return success();
}

void exporter::populateLayerExporters(OpExporterTable &table) {
  table[LinearOp::getOperationName()] = exportLinear;
  table[Conv2dOp::getOperationName()] = exportConv2d;
  table[BatchNormOp::getOperationName()] = exportBatchNorm;
  table[MaxPool2dOp::getOperationName()] = exportMaxPool;
  table[AvgPool2dOp::getOperationName()] = exportAvgPool;
  table[GlobalAvgPoolOp::getOperationName()] = exportGlobalAvgPool;
}

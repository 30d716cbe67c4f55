//===- Elementwise.cpp - ONNX Relu, Clip, Add/Sub/Mul/Div, Softmax --------===//
//
// The float element-wise ops and the stubs, which pass their input through.
//
//===----------------------------------------------------------------------===//

#include "ExporterImpl.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::exporter;

/// `op` (one result) as the ONNX node `opType` of its operands.
template <const char *OpType>
static LogicalResult exportSame(Exporter &ex, Operation *op) {
  SmallVector<std::string> in;
  for (Value v : op->getOperands()) {
    FailureOr<std::string> t = ex.get(v);
    if (failed(t))
      return failure();
    in.push_back(*t);
  }
  // A unary op's output is named after its input ("fc1_relu").
  std::string hint = StringRef(OpType).lower();
  if (in.size() == 1)
    hint = in[0] + "_" + hint;
  ex.bind(op->getResult(0), Exporter::out(ex.addNode(OpType, in, hint)));
  return success();
}

static constexpr char kRelu[] = "Relu", kAdd[] = "Add", kSub[] = "Sub",
                      kMul[] = "Mul", kDiv[] = "Div";

/// Clip to [lo, hi] (float bounds, 0-d initializers), named after its
/// input and `what`.
static LogicalResult exportClip(Exporter &ex, Operation *op, float lo, float hi,
                                StringRef what) {
  FailureOr<std::string> x = ex.get(op->getOperand(0));
  if (failed(x))
    return failure();
  std::string mn = ex.addFloats("clip_min", {lo}, {});
  std::string mx = ex.addFloats("clip_max", {hi}, {});
  ex.bind(op->getResult(0), Exporter::out(ex.addNode("Clip", {*x, mn, mx},
                                                     *x + "_" + what.str())));
  return success();
}

static LogicalResult exportRelu6(Exporter &ex, Operation *op) {
  return exportClip(ex, op, 0.0f, 6.0f, "relu6");
}

static LogicalResult exportClamp(Exporter &ex, Operation *op) {
  auto clamp = cast<ClampOp>(op);
  return exportClip(
      ex, op, static_cast<float>(clamp.getMin().convertToDouble()),
      static_cast<float>(clamp.getMax().convertToDouble()), "clamp");
}

static LogicalResult exportSoftmax(Exporter &ex, Operation *op) {
  auto softmax = cast<SoftmaxOp>(op);
  FailureOr<std::string> x = ex.get(softmax.getInput());
  if (failed(x))
    return failure();
  // Opset 13's Softmax normalizes along one axis, as qat.softmax does.
  onnx::NodeProto &node = ex.addNode("Softmax", {*x}, "softmax");
  setIntAttr(node, "axis", softmax.getAxis());
  ex.bind(softmax.getResult(), Exporter::out(node));
  return success();
}

/// quant_stub, dequant_stub: the input itself.
static LogicalResult exportStub(Exporter &ex, Operation *op) {
  FailureOr<std::string> x = ex.get(op->getOperand(0));
  if (failed(x))
    return failure();
  ex.bind(op->getResult(0), *x);
  return success();
}

void exporter::populateElementwiseExporters(OpExporterTable &table) {
  table[ReluOp::getOperationName()] = exportSame<kRelu>;
  table[Relu6Op::getOperationName()] = exportRelu6;
  table[ClampOp::getOperationName()] = exportClamp;
  table[AddOp::getOperationName()] = exportSame<kAdd>;
  table[SubOp::getOperationName()] = exportSame<kSub>;
  table[MulOp::getOperationName()] = exportSame<kMul>;
  table[DivOp::getOperationName()] = exportSame<kDiv>;
  table[SoftmaxOp::getOperationName()] = exportSoftmax;
  table[QuantStubOp::getOperationName()] = exportStub;
  table[DequantStubOp::getOperationName()] = exportStub;
}

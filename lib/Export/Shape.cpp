//===- Shape.cpp - ONNX Reshape (also for flatten), Concat; parameters ----===//
//
// Ops that move values without computing on them: they take float tensors
// and the 8-bit tensors of the int8 graph alike (ONNX's Reshape and Concat
// accept every element type). Loaded parameters become
// initializers.
//
//===----------------------------------------------------------------------===//

#include "ExporterImpl.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::exporter;

static LogicalResult exportLoad(Exporter &ex, Operation *op) {
  auto load = cast<LoadOp>(op);
  FailureOr<std::string> init = ex.getParam(load);
  if (failed(init))
    return failure();
  ex.bind(load.getResult(), *init);
  return success();
}

/// Reshape to the result's static shape; flatten too: ONNX Runtime moves a
/// DequantizeLinear across a Reshape (not across a Flatten), so the layer
/// after a fake-quantized, flattened activation still fuses into an integer
/// kernel.
static LogicalResult exportReshape(Exporter &ex, Operation *op) {
  FailureOr<std::string> x = ex.get(op->getOperand(0));
  if (failed(x))
    return failure();
  auto type = cast<ShapedType>(op->getResult(0).getType());
  std::string shape = ex.addInt64s("shape", type.getShape(), {type.getRank()});
  ex.bind(op->getResult(0),
          Exporter::out(ex.addNode("Reshape", {*x, shape}, "reshape")));
  return success();
}

static LogicalResult exportConcat(Exporter &ex, Operation *op) {
  auto concat = cast<ConcatOp>(op);
  SmallVector<std::string> in;
  for (Value v : concat.getInputs()) {
    FailureOr<std::string> t = ex.get(v);
    if (failed(t))
      return failure();
    in.push_back(*t);
  }
  // In the int8 graph, --qat-convert gave every input the result's qparams.
  onnx::NodeProto &node = ex.addNode("Concat", in, "concat");
  setIntAttr(node, "axis", concat.getAxis());
  ex.bind(concat.getResult(), Exporter::out(node));
  return success();
}

void exporter::populateShapeExporters(OpExporterTable &table) {
  table[LoadOp::getOperationName()] = exportLoad;
  table[ReshapeOp::getOperationName()] = exportReshape;
  table[FlattenOp::getOperationName()] = exportReshape;
  table[ConcatOp::getOperationName()] = exportConcat;
}

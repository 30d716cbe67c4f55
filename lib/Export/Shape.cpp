//===- Shape.cpp - ONNX Flatten, Reshape, Concat; parameters --------------===//
//
// Ops that move values without computing on them: they take float tensors
// and the 8-bit tensors of the int8 graph alike (ONNX's Flatten, Reshape
// and Concat accept every element type). Loaded parameters become
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

/// Reshape to the result's static shape.
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

/// torch.flatten(start, end) is ONNX's Flatten(axis = start) when the
/// result is the 2-D [prod(dims before), prod(dims from start)]; otherwise
/// a Reshape.
static LogicalResult exportFlatten(Exporter &ex, Operation *op) {
  auto flatten = cast<FlattenOp>(op);
  auto in = cast<ShapedType>(flatten.getInput().getType());
  auto res = cast<ShapedType>(flatten.getResult().getType());
  int64_t axis = flatten.getStartDim();
  if (axis < 0)
    axis += in.getRank();
  bool isOnnxFlatten = axis > 0 && res.getRank() == 2 &&
                       res.getDimSize(0) == ShapedType::getNumElements(
                                                in.getShape().take_front(axis));
  if (!isOnnxFlatten)
    return exportReshape(ex, op);
  FailureOr<std::string> x = ex.get(flatten.getInput());
  if (failed(x))
    return failure();
  onnx::NodeProto &node = ex.addNode("Flatten", {*x}, "flatten");
  setIntAttr(node, "axis", axis);
  ex.bind(flatten.getResult(), Exporter::out(node));
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
  table[FlattenOp::getOperationName()] = exportFlatten;
  table[ConcatOp::getOperationName()] = exportConcat;
}

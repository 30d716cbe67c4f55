//===- Elementwise.cpp - ONNX element-wise ops and activations ------------===//
//
// Add, Sub, Mul, Div (folded when both operands are constants: the shape
// arithmetic of torch.onnx.export), Relu, Clip (ReLU6 and clamps), Softmax,
// and the ops that pass their input through: Identity and inference-mode
// Dropout.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "Qat/IR/QatOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::importer;

//===----------------------------------------------------------------------===//
// Add, Sub, Mul, Div
//===----------------------------------------------------------------------===//

/// The binary op `op` of two constants, broadcast (float when either is).
static LogicalResult foldBinary(Importer &im, const onnx::NodeProto &n,
                                Location loc, const Const &a, const Const &c) {
  StringRef op = n.op_type();
  auto shape = broadcast(a.shape, c.shape);
  if (failed(shape))
    return emitError(loc) << "operand shapes " << shapeStr(a.shape) << " and "
                          << shapeStr(c.shape)
                          << " are not broadcast-compatible";
  Const r;
  r.shape = *shape;
  if (failed(im.reserveFolded(r.shape, loc)))
    return failure();
  bool isFloat = a.isFloat() || c.isFloat();
  r.dtype = isFloat ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64;
  int64_t numel = r.numel();
  SmallVector<int64_t> idx(r.shape.size(), 0);
  for (int64_t k = 0; k < numel; ++k) {
    double x = a.at(broadcastIndex(a.shape, r.shape, idx));
    double y = c.at(broadcastIndex(c.shape, r.shape, idx));
    if (isFloat) {
      float fx = x, fy = y;
      r.f.push_back(op == "Add"   ? fx + fy
                    : op == "Sub" ? fx - fy
                    : op == "Mul" ? fx * fy
                                  : fx / fy);
    } else {
      int64_t ix = x, iy = y;
      if (op == "Div" && iy == 0)
        return emitError(loc) << "integer division by zero";
      r.i.push_back(op == "Add"   ? ix + iy
                    : op == "Sub" ? ix - iy
                    : op == "Mul" ? ix * iy
                                  : ix / iy);
    }
    nextIndex(idx, r.shape);
  }
  im.defineConst(n, std::move(r));
  return success();
}

/// MatMul + Add of a constant [out] row: the bias of the qat.linear `a`, when
/// nothing else reads the linear. Whether it fused.
static bool fuseLinearBias(Importer &im, const onnx::NodeProto &n, Value a,
                           const Const *cb, Location loc) {
  if (n.op_type() != "Add" || !cb || !cb->isFloat() || cb->shape.size() != 1)
    return false;
  auto lin = a.getDefiningOp<LinearOp>();
  if (!lin || lin.getBias() || !a.use_empty() ||
      im.getUseCount(n.input(0)) != 1 ||
      typeOf(a).getDimSize(1) != cb->shape[0])
    return false;
  OpBuilder &b = im.builder();
  Value bias = im.materialize(n.input(1), *cb, loc, /*state=*/false);
  b.setInsertionPoint(lin);
  auto fused = LinearOp::create(b, lin.getLoc(), lin.getType(), lin.getInput(),
                                lin.getWeight(), bias);
  b.setInsertionPointToEnd(lin->getBlock());
  lin.replaceAllUsesWith(fused.getResult());
  lin.erase();
  // The bias load must dominate the new linear.
  bias.getDefiningOp()->moveBefore(fused);
  im.define(n, fused);
  return true;
}

static LogicalResult convertBinary(Importer &im, const onnx::NodeProto &n,
                                   Location loc) {
  if (failed(needInputs(n, loc, 2, 2)))
    return failure();
  StringRef op = n.op_type();
  const Const *ca = im.getConst(n.input(0)), *cb = im.getConst(n.input(1));
  if (ca && cb)
    return foldBinary(im, n, loc, *ca, *cb);

  FailureOr<Value> a = im.getValue(n.input(0), loc);
  if (failed(a))
    return failure();
  if (fuseLinearBias(im, n, *a, cb, loc))
    return success();
  FailureOr<Value> c = im.getValue(n.input(1), loc);
  if (failed(c))
    return failure();
  auto shape = broadcast(typeOf(*a).getShape(), typeOf(*c).getShape());
  if (failed(shape))
    return emitError(loc) << "operand shapes "
                          << shapeStr(typeOf(*a).getShape()) << " and "
                          << shapeStr(typeOf(*c).getShape())
                          << " are not broadcast-compatible";
  OpBuilder &b = im.builder();
  auto rt = im.f32(*shape);
  Value r;
  if (op == "Add")
    r = AddOp::create(b, loc, rt, *a, *c);
  else if (op == "Sub")
    r = SubOp::create(b, loc, rt, *a, *c);
  else if (op == "Mul")
    r = MulOp::create(b, loc, rt, *a, *c);
  else
    r = DivOp::create(b, loc, rt, *a, *c);
  im.define(n, r);
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

static LogicalResult convertRelu(Importer &im, const onnx::NodeProto &n,
                                 Location loc) {
  FailureOr<Value> x = im.inputValue(n, loc, 1, 1);
  if (failed(x))
    return failure();
  im.define(n, ReluOp::create(im.builder(), loc, *x));
  return success();
}

static LogicalResult convertClip(Importer &im, const onnx::NodeProto &n,
                                 Location loc) {
  if (failed(needInputs(n, loc, 1, 3)))
    return failure();
  if (const Quantized *q = im.getQuantized(n.input(0)))
    return convertQuantizedClip(im, n, loc, *q);
  FailureOr<Value> x = im.getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  double lo = -std::numeric_limits<float>::max();
  double hi = std::numeric_limits<float>::max();
  for (int i = 1; i <= 2; ++i) {
    StringRef name = input(n, i);
    if (name.empty())
      continue;
    const Const *c = im.getConst(name);
    if (!c || c->numel() != 1)
      return emitError(loc)
             << (i == 1 ? "min" : "max") << " must be a constant scalar";
    (i == 1 ? lo : hi) = c->at(0);
  }
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    return emitError(loc) << "invalid clip range [" << lo << ", " << hi << "]";
  OpBuilder &b = im.builder();
  if (lo == 0.0 && hi == 6.0) {
    // torch.onnx writes ReLU6 as Relu followed by Clip(0, 6).
    auto relu = x->getDefiningOp<ReluOp>();
    if (relu && x->use_empty() && im.getUseCount(n.input(0)) == 1) {
      Value in = relu.getInput();
      relu.erase();
      x = in;
    }
    im.define(n, Relu6Op::create(b, loc, *x));
  } else if (lo == 0.0 && hi == std::numeric_limits<float>::max())
    im.define(n, ReluOp::create(b, loc, *x));
  else
    im.define(n, ClampOp::create(b, loc, *x, b.getF64FloatAttr(lo),
                                 b.getF64FloatAttr(hi)));
  return success();
}

static LogicalResult convertSoftmax(Importer &im, const onnx::NodeProto &n,
                                    Location loc) {
  FailureOr<Value> x = im.inputValue(n, loc, 1, 1);
  if (failed(x))
    return failure();
  int64_t opset = im.getOpset();
  int64_t rank = typeOf(*x).getRank();
  auto axis = normAxis(intAttr(n, "axis", opset >= 13 ? -1 : 1), rank, loc);
  if (failed(axis))
    return failure();
  // Before opset 13 Softmax normalizes over all axes from `axis` on.
  if (opset < 13 && *axis != rank - 1)
    return emitError(loc) << "opset " << opset << " Softmax over axes " << *axis
                          << ".." << rank - 1
                          << " is not supported (only the last axis)";
  OpBuilder &b = im.builder();
  im.define(n, SoftmaxOp::create(b, loc, *x, b.getI64IntegerAttr(*axis)));
  return success();
}

//===----------------------------------------------------------------------===//
// Identity, Dropout
//===----------------------------------------------------------------------===//

/// Identity, and Dropout (at inference, the identity): the input, whether a
/// value, a constant or a QuantizeLinear output.
static LogicalResult convertIdentity(Importer &im, const onnx::NodeProto &n,
                                     Location loc) {
  bool dropout = n.op_type() == "Dropout";
  if (failed(needInputs(n, loc, 1, dropout ? 3 : 1)))
    return failure();
  if (dropout && failed(im.onlyFirstOutputUsed(n, loc)))
    return failure();
  if (const Const *c = im.getConst(n.input(0))) {
    if (failed(im.reserveFolded(c->shape, loc)))
      return failure();
    Const copy = *c;
    copy.isInitializer = false;
    im.defineConst(n, std::move(copy));
    return success();
  }
  if (const Quantized *q = im.getQuantized(n.input(0))) {
    im.defineQuantized(n, *q);
    return success();
  }
  FailureOr<Value> x = im.getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  im.define(n, *x);
  return success();
}

void importer::populateElementwiseConverters(OpConverterTable &table) {
  for (StringRef op : {"Add", "Sub", "Mul", "Div"})
    table[op] = convertBinary;
  table["Relu"] = convertRelu;
  table["Clip"] = convertClip;
  table["Softmax"] = convertSoftmax;
  table["Identity"] = convertIdentity;
  table["Dropout"] = convertIdentity;
}

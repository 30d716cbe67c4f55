//===- QDQ.cpp - fake_quant and the int8 graph as ONNX QDQ ----------------===//
//
// A fake_quant becomes QuantizeLinear -> [Clip] -> DequantizeLinear with
// its frozen qparams. An int8 op becomes its float ONNX op between
// DequantizeLinear of its inputs (the int32 bias at scale s_x * s_w[c],
// as --qat-convert quantized it) and QuantizeLinear of its output, which
// ONNX Runtime fuses back into integer kernels (QLinearConv, QGemm, ...).
// The Clip after a QuantizeLinear narrows the 8-bit storage to the range
// qat clamps to: uint8 [0, 127] (reduce_range), a fused ReLU's zero point,
// narrow-range weights.
//
//===----------------------------------------------------------------------===//

#include "ExporterImpl.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::exporter;

/// The range an ONNX 8-bit tensor type holds.
static std::pair<int64_t, int64_t> getStorageRange(int32_t dtype) {
  if (dtype == onnx::TensorProto::UINT8)
    return {0, 255};
  return {-128, 127};
}

/// Scalar or per-axis 8-bit initializer of `values`.
static std::string addInt8s(Exporter &ex, StringRef hint, int32_t dtype,
                            ArrayRef<int64_t> values, bool perAxis) {
  std::string raw;
  for (int64_t v : values)
    raw.push_back(static_cast<char>(static_cast<uint8_t>(v)));
  SmallVector<int64_t> shape;
  if (perAxis)
    shape.push_back(values.size());
  return ex.addInitializer(hint, dtype, shape, raw);
}

/// The scale and (for 8-bit types) zero point inputs of a Q or DQ node.
static SmallVector<std::string> getQDQInputs(Exporter &ex, StringRef x,
                                             const QDQParams &p) {
  SmallVector<int64_t> shape;
  if (p.axis)
    shape.push_back(p.scales.size());
  SmallVector<std::string> in{x.str(), ex.addFloats("scale", p.scales, shape)};
  if (p.dtype != onnx::TensorProto::INT32)
    in.push_back(
        addInt8s(ex, "zero_point", p.dtype, p.zeroPoints, p.axis.has_value()));
  return in;
}

std::string Exporter::dequantize(StringRef q, const QDQParams &p,
                                 StringRef hint) {
  onnx::NodeProto &node =
      addNode("DequantizeLinear", getQDQInputs(*this, q, p), hint);
  if (p.axis)
    setIntAttr(node, "axis", *p.axis);
  return out(node);
}

std::string Exporter::quantize(StringRef x, const QDQParams &p, int64_t lo,
                               int64_t hi, StringRef hint) {
  onnx::NodeProto &node =
      addNode("QuantizeLinear", getQDQInputs(*this, x, p), hint);
  if (p.axis)
    setIntAttr(node, "axis", *p.axis);
  std::string q = out(node);
  auto [smin, smax] = getStorageRange(p.dtype);
  if (lo <= smin && hi >= smax)
    return q;
  // Opset 13's Clip takes 8-bit integers: the clamp stays exact.
  std::string mn = addInt8s(*this, "clip_min", p.dtype, {lo}, false);
  std::string mx = addInt8s(*this, "clip_max", p.dtype, {hi}, false);
  return out(addNode("Clip", {q, mn, mx}, q + "_clip"));
}

FailureOr<std::string> exporter::fakeQuantize(Exporter &ex, StringRef x,
                                              const FrozenQParams &f,
                                              Operation *op) {
  QSpecAttr spec = f.spec;
  // Below 8 bits: 8-bit storage, the Clip of quantize keeps the range.
  if (spec.getDtype().getWidth() > 8)
    return op->emitOpError("quantizes to ")
           << spec.getDtype()
           << ", which ONNX's QuantizeLinear (opset 13) cannot store (int8 "
              "or uint8 only)";
  QDQParams p;
  p.dtype =
      spec.isUnsigned() ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  p.scales = f.scales;
  p.zeroPoints.assign(f.zeroPoints.begin(), f.zeroPoints.end());
  p.axis = spec.getAxis();
  std::string q =
      ex.quantize(x, p, spec.getQmin(), spec.getQmax(), (x + "_q").str());
  return ex.dequantize(q, p, (x + "_fq").str());
}

static LogicalResult exportFakeQuant(Exporter &ex, Operation *op) {
  auto fq = cast<FakeQuantOp>(op);
  FailureOr<FrozenQParams> f = ex.getReader().freeze(fq);
  if (failed(f))
    return failure();
  FailureOr<std::string> x = ex.get(fq.getInput());
  if (failed(x))
    return failure();
  FailureOr<std::string> y = fakeQuantize(ex, *x, *f, op);
  if (failed(y))
    return failure();
  ex.bind(fq.getResult(), *y);
  return success();
}

static Type getElementType(Value v) {
  return cast<ShapedType>(v.getType()).getElementType();
}

static LogicalResult exportQuantize(Exporter &ex, Operation *op) {
  auto quantize = cast<QuantizeOp>(op);
  FailureOr<std::string> x = ex.get(quantize.getInput());
  if (failed(x))
    return failure();
  Type elt = getElementType(quantize.getResult());
  FailureOr<QDQParams> p = getQDQParams(elt, op);
  if (failed(p))
    return failure();
  auto qt = cast<quant::QuantizedType>(elt);
  ex.bind(quantize.getResult(), ex.quantize(*x, *p, qt.getStorageTypeMin(),
                                            qt.getStorageTypeMax(), *x + "_q"));
  return success();
}

static LogicalResult exportDequantize(Exporter &ex, Operation *op) {
  auto dequantize = cast<DequantizeOp>(op);
  FailureOr<std::string> y = ex.getDequantized(dequantize.getInput(), op);
  if (failed(y))
    return failure();
  ex.bind(dequantize.getResult(), *y);
  return success();
}

/// quant.scast reinterprets the stored integers: the same ONNX tensor.
static LogicalResult exportStorageCast(Exporter &ex, Operation *op) {
  FailureOr<std::string> x = ex.get(op->getOperand(0));
  if (failed(x))
    return failure();
  ex.bind(op->getResult(0), *x);
  return success();
}

/// ONNX has only the float requant; a fixed-point op is written with it.
static void warnIfFixedPoint(Operation *op, RequantKind requant) {
  if (requant == RequantKind::FixedPoint)
    op->emitWarning("requantizes in TFLite's fixed point, which ONNX cannot "
                    "express: ONNX runtimes requantize it in float "
                    "(docs/numerics.md), which can differ by one step");
}

/// The dequantized input, weight and bias of a qlinear/qconv2d.
static FailureOr<SmallVector<std::string>>
getLayerInputs(Exporter &ex, Operation *op, Value input, Value weight,
               Value bias) {
  FailureOr<std::string> x = ex.getDequantized(input, op);
  FailureOr<std::string> w = ex.getDequantized(weight, op);
  FailureOr<std::string> b = ex.get(bias);
  if (failed(x) || failed(w) || failed(b))
    return failure();
  FailureOr<QDQParams> px = getQDQParams(getElementType(input), op);
  FailureOr<QDQParams> pw = getQDQParams(getElementType(weight), op);
  if (failed(px) || failed(pw))
    return failure();
  // The bias was quantized at scale float(s_x) * float(s_w[c]).
  QDQParams pb;
  pb.dtype = onnx::TensorProto::INT32;
  for (float sw : pw->scales)
    pb.scales.push_back(px->scales[0] * sw);
  pb.zeroPoints.assign(pb.scales.size(), 0);
  if (pw->axis)
    pb.axis = 0;
  return SmallVector<std::string>{*x, *w, ex.dequantize(*b, pb, *b + "_dq")};
}

/// QuantizeLinear (+ Clip to [lo, hi]) of the float `y` into `result`'s
/// type, bound to `result`.
static LogicalResult quantizeResult(Exporter &ex, Operation *op, StringRef y,
                                    Value result, int64_t lo, int64_t hi) {
  FailureOr<QDQParams> p = getQDQParams(getElementType(result), op);
  if (failed(p))
    return failure();
  ex.bind(result, ex.quantize(y, *p, lo, hi, (y + "_q").str()));
  return success();
}

static LogicalResult exportQLinear(Exporter &ex, Operation *op) {
  auto linear = cast<QLinearOp>(op);
  warnIfFixedPoint(op, linear.getRequant());
  FailureOr<SmallVector<std::string>> in = getLayerInputs(
      ex, op, linear.getInput(), linear.getWeight(), linear.getBias());
  if (failed(in))
    return failure();
  onnx::NodeProto &node =
      ex.addNode("Gemm", *in, getLayerName(linear.getWeight(), "linear"));
  setIntAttr(node, "transB", 1);
  return quantizeResult(ex, op, Exporter::out(node), linear.getResult(),
                        linear.getClampMin(), linear.getClampMax());
}

static LogicalResult exportQConv2d(Exporter &ex, Operation *op) {
  auto conv = cast<QConv2dOp>(op);
  warnIfFixedPoint(op, conv.getRequant());
  FailureOr<SmallVector<std::string>> in =
      getLayerInputs(ex, op, conv.getInput(), conv.getWeight(), conv.getBias());
  if (failed(in))
    return failure();
  auto w = cast<ShapedType>(conv.getWeight().getType());
  onnx::NodeProto &node = addConvNode(
      ex, *in, {w.getDimSize(2), w.getDimSize(3)}, conv.getStrides(),
      normalizePads(conv.getPadding()), conv.getDilation(), conv.getGroups(),
      getLayerName(conv.getWeight(), "conv"));
  return quantizeResult(ex, op, Exporter::out(node), conv.getResult(),
                        conv.getClampMin(), conv.getClampMax());
}

/// qadd, qmul: Add/Mul of the dequantized operands.
template <typename OpT>
static LogicalResult exportQBinary(Exporter &ex, Operation *op) {
  auto binary = cast<OpT>(op);
  warnIfFixedPoint(op, binary.getRequant());
  FailureOr<std::string> a = ex.getDequantized(binary.getLhs(), op);
  FailureOr<std::string> b = ex.getDequantized(binary.getRhs(), op);
  if (failed(a) || failed(b))
    return failure();
  bool isAdd = std::is_same_v<OpT, QAddOp>;
  std::string y = Exporter::out(
      ex.addNode(isAdd ? "Add" : "Mul", {*a, *b}, isAdd ? "add" : "mul"));
  return quantizeResult(ex, op, y, binary.getResult(), binary.getClampMin(),
                        binary.getClampMax());
}

static LogicalResult exportQAvgPool(Exporter &ex, Operation *op) {
  auto pool = cast<QAvgPool2dOp>(op);
  warnIfFixedPoint(op, pool.getRequant());
  FailureOr<std::string> x = ex.getDequantized(pool.getInput(), op);
  if (failed(x))
    return failure();
  onnx::NodeProto &node = ex.addNode("AveragePool", {*x}, "avgpool");
  bool ceil =
      setPoolAttrs(node, op, pool.getKernelSize(), pool.getStridesOrDefault(),
                   pool.getPads(), {}, pool.getCeilMode());
  if (failed(checkAvgPoolCeil(op, ceil, pool.getCountIncludePad())))
    return failure();
  setIntAttr(node, "count_include_pad", pool.getCountIncludePad() ? 1 : 0);
  return quantizeResult(ex, op, Exporter::out(node), pool.getResult(),
                        pool.getClampMin(), pool.getClampMax());
}

void exporter::populateQdqExporters(OpExporterTable &table) {
  table[FakeQuantOp::getOperationName()] = exportFakeQuant;
  table[QuantizeOp::getOperationName()] = exportQuantize;
  table[DequantizeOp::getOperationName()] = exportDequantize;
  table[quant::StorageCastOp::getOperationName()] = exportStorageCast;
  table[QLinearOp::getOperationName()] = exportQLinear;
  table[QConv2dOp::getOperationName()] = exportQConv2d;
  table[QAddOp::getOperationName()] = exportQBinary<QAddOp>;
  table[QMulOp::getOperationName()] = exportQBinary<QMulOp>;
  table[QAvgPool2dOp::getOperationName()] = exportQAvgPool;
}

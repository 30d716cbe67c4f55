//===- QDQ.cpp - ONNX QuantizeLinear / DequantizeLinear -------------------===//
//
// A QuantizeLinear -> DequantizeLinear pair with matching qparams (and a
// Clip of the quantized values in between, torch.onnx's reduce_range)
// becomes a qat.fake_quant with exactly those qparams, held as state; a
// DequantizeLinear of a stored int8/uint8 tensor (ONNX Runtime's QDQ format)
// becomes the float weight and its fake quantization; of a stored int32
// tensor, the float bias (qat-convert quantizes biases itself).
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "Qat/IR/QatOps.h"
#include "qat/Numerics/QParams.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::importer;

/// Reads scale and zero point of a Q or DQ node.
static LogicalResult readQParams(Importer &im, const onnx::NodeProto &n,
                                 Location loc, Quantized &q) {
  const Const *scale = im.getConst(n.input(1));
  const Const *zp = input(n, 2).empty() ? nullptr : im.getConst(n.input(2));
  if (!input(n, 2).empty() && !zp)
    return emitError(loc) << "the zero point must be a constant";
  if (!scale || !scale->isFloat())
    return emitError(loc) << "the scale must be a float constant";
  if (scale->shape.size() > 1)
    return emitError(loc) << "the scale must be a scalar or 1-D";
  q.scale = scale->f;
  for (float s : q.scale)
    if (!(s > 0.0f) || !std::isfinite(s) || !std::isfinite(1.0f / s))
      return emitError(loc) << "scale " << s
                            << " must be positive and finite, with a finite "
                               "float32 inverse";
  if (zp) {
    if (zp->dtype != onnx::TensorProto::UINT8 &&
        zp->dtype != onnx::TensorProto::INT8 &&
        zp->dtype != onnx::TensorProto::INT32)
      return emitError(loc) << "the zero point is " << dtypeName(zp->dtype)
                            << "; expected uint8, int8 or int32";
    if (zp->numel() != static_cast<int64_t>(q.scale.size()))
      return emitError(loc) << "has " << q.scale.size() << " scales but "
                            << zp->numel() << " zero points";
    q.zeroPoint = zp->i;
    q.isUnsigned = zp->dtype == onnx::TensorProto::UINT8;
  } else {
    q.zeroPoint.assign(q.scale.size(), 0);
    q.isUnsigned = true;
  }
  q.qmin = q.isUnsigned ? 0 : -128;
  q.qmax = q.isUnsigned ? 255 : 127;
  q.axis = intAttr(n, "axis", 1);
  return success();
}

/// The range whose qparams are (`s`, `zp`) up to rounding: where a
/// re-observing observer starts from.
static std::pair<float, float> startRange(float s, int64_t zp,
                                          const runtime::QRange &range) {
  if (range.symmetric) {
    float hi = s * (static_cast<float>(range.qmax - range.qmin) / 2.0f);
    return {-hi, hi};
  }
  return {static_cast<float>(range.qmin - zp) * s,
          static_cast<float>(range.qmax - zp) * s};
}

/// `v` fake-quantized with exactly the qparams of `q`, held as state named
/// after `base` (`<base>_fq.scale`, `<base>_fq.zero_point`); with an
/// observer kind other than none, an observer (state `<base>_fq.min/max`)
/// starts from their range and takes over when it first updates.
static FailureOr<Value> insertFakeQuant(Importer &im, Value v,
                                        const Quantized &q, bool isWeight,
                                        StringRef base, Location loc) {
  auto type = typeOf(v);
  int64_t channels = q.scale.size();
  std::optional<int64_t> axis;
  if (channels > 1) {
    auto na = normAxis(q.axis, type.getRank(), loc);
    if (failed(na))
      return failure();
    if (type.getDimSize(*na) != channels)
      return emitError(loc) << "has " << channels << " scales for dimension "
                            << *na << " of " << shapeStr(type.getShape());
    axis = *na;
  }
  int64_t qmin = q.qmin, qmax = q.qmax;
  for (int64_t z : q.zeroPoint)
    if (z < qmin || z > qmax)
      return emitError(loc) << "zero point " << z << " is outside [" << qmin
                            << ", " << qmax << "]";
  // Weights whose zero points are the symmetric one are symmetric.
  runtime::QRange range{qmin, qmax, false, q.isUnsigned};
  int64_t symZp =
      runtime::getSymmetricZeroPoint({qmin, qmax, true, q.isUnsigned});
  range.symmetric = isWeight && llvm::all_of(q.zeroPoint, [&](int64_t z) {
                      return z == symZp;
                    });

  OpBuilder &b = im.builder();
  MLIRContext *ctx = im.getContext();
  ObserverKind kind = im.getOptions().qdqObserver;
  FloatAttr avg;
  if (kind == ObserverKind::moving_average || kind == ObserverKind::ema)
    avg = b.getF64FloatAttr(0.01);
  IntegerType dtype = IntegerType::get(
      ctx, 8, q.isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  auto spec = QSpecAttr::get(ctx, dtype, qmin, qmax, range.symmetric, axis,
                             /*narrowRange=*/false, kind, avg,
                             /*learnable=*/false, /*gradScaling=*/false,
                             /*tfSte=*/false);
  auto stateType = im.f32({channels});
  auto zpType = RankedTensorType::get({channels}, b.getI32Type());
  auto makeState = [&](StringRef suffix, DenseElementsAttr init) {
    StringRef name =
        im.createParam((base + "_fq" + suffix).str(), init, /*state=*/true);
    return std::make_pair(
        name, LoadOp::create(b, loc, init.getType(), name).getResult());
  };
  SmallVector<int32_t> zps(q.zeroPoint.begin(), q.zeroPoint.end());
  auto [scaleName, s] =
      makeState(".scale", DenseElementsAttr::get(stateType, ArrayRef(q.scale)));
  auto [zpName, z] =
      makeState(".zero_point", DenseElementsAttr::get(zpType, ArrayRef(zps)));
  if (kind == ObserverKind::none)
    return FakeQuantOp::create(b, loc, type, v, s, z, spec).getResult();

  std::vector<float> mins, maxs;
  for (int64_t c = 0; c < channels; ++c) {
    auto [lo, hi] = startRange(q.scale[c], q.zeroPoint[c], range);
    mins.push_back(lo);
    maxs.push_back(hi);
  }
  auto [minName, mn] =
      makeState(".min", DenseElementsAttr::get(stateType, ArrayRef(mins)));
  auto [maxName, mx] =
      makeState(".max", DenseElementsAttr::get(stateType, ArrayRef(maxs)));
  auto obs = ObserveOp::create(
      b, loc, TypeRange{stateType, zpType, stateType, stateType}, v, mn, mx, s,
      z, spec, b.getUnitAttr());
  StoreOp::create(b, loc, obs.getNewMin(), minName);
  StoreOp::create(b, loc, obs.getNewMax(), maxName);
  StoreOp::create(b, loc, obs.getScale(), scaleName);
  StoreOp::create(b, loc, obs.getZeroPoint(), zpName);
  return FakeQuantOp::create(b, loc, type, v, obs.getScale(),
                             obs.getZeroPoint(), spec)
      .getResult();
}

LogicalResult importer::convertQuantizedClip(Importer &im,
                                             const onnx::NodeProto &n,
                                             Location loc, const Quantized &q) {
  if (failed(needInputs(n, loc, 1, 3)))
    return failure();
  Quantized clipped = q;
  for (int i = 1; i <= 2; ++i) {
    StringRef name = input(n, i);
    if (name.empty())
      continue;
    const Const *c = im.getConst(name);
    if (!c || c->numel() != 1 || c->isFloat())
      return emitError(loc)
             << "clips a quantized tensor: its " << (i == 1 ? "min" : "max")
             << " must be an integer constant scalar";
    int64_t bound = c->i[0];
    if (i == 1)
      clipped.qmin = std::max(clipped.qmin, bound);
    else
      clipped.qmax = std::min(clipped.qmax, bound);
  }
  if (clipped.qmin >= clipped.qmax)
    return emitError(loc) << "clips a quantized tensor to [" << clipped.qmin
                          << ", " << clipped.qmax
                          << "]; at least two integers must remain";
  im.defineQuantized(n, std::move(clipped));
  return success();
}

/// torch.onnx names the constants it folds "onnx::<Op>_<n>"; such a
/// fake-quantized weight (a ConvBn module's w * sf) is named after its
/// fake-quant module instead: "/conv1/weight_fake_quant/QuantizeLinear"
/// quantizes "conv1.weight".
static std::optional<std::string> moduleParamName(const onnx::NodeProto &n) {
  StringRef source = n.input(0), node = n.name();
  if (!source.starts_with("onnx::") || !node.consume_front("/") ||
      !node.consume_back("/QuantizeLinear") ||
      !node.consume_back("_fake_quant") || node.empty())
    return std::nullopt;
  std::string name = node.str();
  std::replace(name.begin(), name.end(), '/', '.');
  return name;
}

static LogicalResult convertQuantize(Importer &im, const onnx::NodeProto &n,
                                     Location loc) {
  if (failed(needInputs(n, loc, 2, 3)))
    return failure();
  if (!im.getConst(n.input(0)) && !im.isValue(n.input(0))) {
    (void)im.getValue(n.input(0), loc); // Reports why it is undefined.
    return failure();
  }
  if (const Const *c = im.getConst(n.input(0)); c && !c->isFloat())
    return emitError(loc) << "quantizes a tensor of type "
                          << dtypeName(c->dtype);
  Quantized q;
  q.source = q.name = n.input(0);
  if (failed(readQParams(im, n, loc, q)))
    return failure();
  if (std::optional<std::string> name = moduleParamName(n)) {
    q.name = *name;
    im.setAlias(q.source, q.name);
  }
  im.defineQuantized(n, std::move(q));
  return success();
}

/// DequantizeLinear of a QuantizeLinear output: the fake quantization of the
/// Q's input.
static LogicalResult convertQdqPair(Importer &im, const onnx::NodeProto &n,
                                    Location loc, const Quantized &q,
                                    const Quantized &dq) {
  if (q.scale != dq.scale || q.zeroPoint != dq.zeroPoint ||
      q.isUnsigned != dq.isUnsigned ||
      (q.scale.size() > 1 && q.axis != dq.axis))
    return emitError(loc) << "dequantizes with other qparams than its "
                             "QuantizeLinear; only matching Q/DQ pairs (fake "
                             "quantization) are supported";
  bool isWeight = im.getConst(q.source) != nullptr;
  FailureOr<Value> x = im.getValue(q.source, loc);
  if (failed(x))
    return failure();
  FailureOr<Value> fq = insertFakeQuant(im, *x, q, isWeight, q.name, loc);
  if (failed(fq))
    return failure();
  im.define(n, *fq);
  return success();
}

/// DequantizeLinear of a stored quantized tensor `c` (ONNX Runtime's QDQ
/// format): its float value, as a fake-quantized weight or a float bias.
static LogicalResult dequantizeConst(Importer &im, const onnx::NodeProto &n,
                                     Location loc, const Const &c,
                                     Quantized dq) {
  int64_t numel = c.numel();
  int64_t channels = dq.scale.size();
  int64_t axis = 0, inner = 1;
  if (channels > 1) {
    auto na = normAxis(dq.axis, c.shape.size(), loc);
    if (failed(na))
      return failure();
    axis = *na;
    if (c.shape[axis] != channels)
      return emitError(loc) << "has " << channels << " scales for dimension "
                            << axis << " of size " << c.shape[axis];
    for (size_t k = axis + 1; k < c.shape.size(); ++k)
      inner *= c.shape[k];
  }
  if (failed(im.reserveFolded(c.shape, loc)))
    return failure();
  Const r;
  r.shape = c.shape;
  r.isInitializer = c.isInitializer;
  r.f.resize(numel);
  for (int64_t e = 0; e < numel; ++e) {
    int64_t ch = channels > 1 ? (e / inner) % channels : 0;
    r.f[e] = static_cast<float>(c.i[e] - dq.zeroPoint[ch]) * dq.scale[ch];
  }
  // Parameter names without ONNX Runtime's suffix.
  StringRef base = n.input(0);
  base.consume_back("_quantized");
  if (c.dtype == onnx::TensorProto::INT32) {
    // A bias: qat-convert quantizes biases itself.
    im.defineConst(n, std::move(r));
    im.setAlias(n.output(0), base);
    return success();
  }
  // `c` may be the constant `base` that this replaces.
  const Const &weight = im.setConst(base, std::move(r));
  Value w = im.materialize(base, weight, loc, /*state=*/false);
  dq.axis = axis;
  FailureOr<Value> fq =
      insertFakeQuant(im, w, dq, /*isWeight=*/true, base, loc);
  if (failed(fq))
    return failure();
  im.define(n, *fq);
  return success();
}

static LogicalResult convertDequantize(Importer &im, const onnx::NodeProto &n,
                                       Location loc) {
  if (failed(needInputs(n, loc, 2, 3)))
    return failure();
  Quantized dq;
  if (failed(readQParams(im, n, loc, dq)))
    return failure();
  if (const Quantized *q = im.getQuantized(n.input(0)))
    return convertQdqPair(im, n, loc, *q, dq);
  const Const *c = im.getConst(n.input(0));
  if (!c) {
    if (im.isValue(n.input(0)))
      return emitError(loc)
             << "dequantizes the float tensor '" << n.input(0) << "'";
    (void)im.getValue(n.input(0), loc); // Reports why it is undefined.
    return failure();
  }
  if (c->isFloat() || c->dtype == onnx::TensorProto::INT64)
    return emitError(loc) << "dequantizes a tensor of type "
                          << dtypeName(c->dtype)
                          << "; expected int8, uint8 or int32";
  return dequantizeConst(im, n, loc, *c, std::move(dq));
}

void importer::populateQdqConverters(OpConverterTable &table) {
  table["QuantizeLinear"] = convertQuantize;
  table["DequantizeLinear"] = convertDequantize;
}

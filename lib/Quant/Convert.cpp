//===- Convert.cpp - fake-quant model to the int8 graph (convert) ---------===//

#include "qat/Quant/Passes.h"

#include "Qat/IR/QatOps.h"
#include "qat/Numerics/IntReference.h"
#include "qat/Numerics/QParams.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <limits>

namespace mlir::qat {
#define GEN_PASS_DEF_CONVERT
#include "qat/Quant/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
/// Frozen qparams of one fake_quant.
struct Frozen {
  SmallVector<float> scales;
  SmallVector<int32_t> zeroPoints;
  QSpecAttr spec;
};

class Converter {
public:
  Converter(ModuleOp module, RequantKind requant)
      : module(module), symbols(module), requant(requant) {}
  LogicalResult run(func::FuncOp func);

private:
  FailureOr<Frozen> freeze(FakeQuantOp fq);
  FailureOr<SmallVector<float>> paramValues(Value v, Operation *user);
  Type quantType(const Frozen &f, int64_t axis);
  LogicalResult convertLayer(OpBuilder &b, Operation *layer,
                             DenseMap<Value, Value> &quantized);
  FailureOr<std::tuple<FakeQuantOp, Type, IntegerAttr, IntegerAttr>>
  requantOutput(OpBuilder &b, Operation *op);
  ParamOp addParam(StringRef name, DenseElementsAttr value) {
    return createModuleParam(module, symbols, name, value, /*state=*/false);
  }

  /// Records the requant on a new integer op (absent means float) and, for
  /// the fixed-point one, checks TFLite's multiplier ranges now, so that
  /// the pass fails at the op rather than leaving invalid IR.
  LogicalResult setRequant(Value intResult);

  ModuleOp module;
  SymbolTable symbols;
  RequantKind requant;
};
} // namespace

LogicalResult Converter::setRequant(Value intResult) {
  if (requant == RequantKind::Float)
    return success();
  Operation *op = intResult.getDefiningOp();
  llvm::TypeSwitch<Operation *>(op)
      .Case<QLinearOp, QConv2dOp, QAddOp, QMulOp, QAvgPool2dOp>(
          [&](auto intOp) { intOp.setRequant(requant); });
  return verify(op, /*verifyRecursively=*/false);
}

/// The float32 values of a tensor loaded from a parameter (the trained
/// value written into the model).
FailureOr<SmallVector<float>> Converter::paramValues(Value v, Operation *user) {
  auto load = v.getDefiningOp<LoadOp>();
  if (!load) {
    user->emitOpError("qat-convert needs this operand to be a qat.load of a "
                      "parameter (the frozen value)");
    return failure();
  }
  auto param = symbols.lookup<ParamOp>(load.getName());
  auto attr = dyn_cast<DenseElementsAttr>(param.getInitialValue());
  if (!attr || !attr.getElementType().isF32()) {
    param.emitOpError("qat-convert reads f32 dense values only");
    return failure();
  }
  return llvm::to_vector(attr.getValues<float>());
}

FailureOr<Frozen> Converter::freeze(FakeQuantOp fq) {
  Frozen f;
  f.spec = fq.getSpec();
  runtime::QRange range{f.spec.getQmin(), f.spec.getQmax(),
                        f.spec.getSymmetric(), f.spec.isUnsigned()};
  if (auto obs = fq.getScale().getDefiningOp<ObserveOp>()) {
    // Observer state -> qparams through the one function training used.
    auto mins = paramValues(obs.getMin(), obs);
    auto maxs = paramValues(obs.getMax(), obs);
    if (failed(mins) || failed(maxs))
      return failure();
    for (auto [lo, hi] : llvm::zip(*mins, *maxs)) {
      if (!(lo <= hi))
        return fq.emitOpError("has an observer that saw no data; train (or "
                              "calibrate) the model before qat-convert");
      runtime::QParams q = runtime::chooseQParams(lo, hi, range);
      f.scales.push_back(q.scale);
      f.zeroPoints.push_back(q.zeroPoint);
    }
    return f;
  }
  // Learnable (LSQ) or given qparams: parameters.
  auto scales = paramValues(fq.getScale(), fq);
  if (failed(scales))
    return failure();
  f.scales = *scales;
  if (fq.getZeroPoint().getDefiningOp<LoadOp>()) {
    auto values = paramValues(fq.getZeroPoint(), fq);
    if (failed(values))
      return failure();
    // PyTorch's forward rounding of a learnable zero point.
    for (float v : *values)
      f.zeroPoints.push_back(static_cast<int32_t>(std::clamp<float>(
          std::nearbyint(v), f.spec.getQmin(), f.spec.getQmax())));
    return f;
  }
  return fq.emitOpError("qat-convert cannot freeze these qparams");
}

Type Converter::quantType(const Frozen &f, int64_t axis) {
  MLIRContext *ctx = module.getContext();
  unsigned flags = f.spec.isUnsigned() ? 0 : quant::QuantizationFlags::Signed;
  auto storage = IntegerType::get(ctx, f.spec.getDtype().getWidth());
  auto f32 = Float32Type::get(ctx);
  if (f.scales.size() == 1 && !f.spec.isPerChannel())
    return quant::UniformQuantizedType::get(flags, storage, f32, f.scales[0],
                                            f.zeroPoints[0], f.spec.getQmin(),
                                            f.spec.getQmax());
  SmallVector<double> scales(f.scales.begin(), f.scales.end());
  SmallVector<int64_t> zps(f.zeroPoints.begin(), f.zeroPoints.end());
  return quant::UniformQuantizedPerAxisType::get(flags, storage, f32, scales,
                                                 zps, axis, f.spec.getQmin(),
                                                 f.spec.getQmax());
}

/// Users of `v` that compute with it (observers only watch).
static SmallVector<Operation *> realUsers(Value v) {
  SmallVector<Operation *> users;
  for (Operation *u : v.getUsers())
    if (!isa<ObserveOp>(u))
      users.push_back(u);
  return users;
}

/// The fake_quant of `out`, directly or after a fused ReLU/ReLU6 (returned
/// in `act`), or null.
static FakeQuantOp findOutputFakeQuant(Value out, Operation *&act) {
  act = nullptr;
  SmallVector<Operation *> users = realUsers(out);
  if (users.size() == 1 && isa<ReluOp, Relu6Op>(users.front())) {
    act = users.front();
    users = realUsers(act->getResult(0));
  }
  return users.size() == 1 ? dyn_cast<FakeQuantOp>(users.front())
                           : FakeQuantOp();
}

/// The output clamp of an integer op: the storage range of `qy`, narrowed
/// by a fused ReLU (from the zero point) or ReLU6 (up to quantized 6).
static std::pair<int64_t, int64_t>
getOutputClamp(quant::UniformQuantizedType qy, Operation *act) {
  int64_t lo = qy.getStorageTypeMin(), hi = qy.getStorageTypeMax();
  if (act) {
    lo = std::max<int64_t>(lo, qy.getZeroPoint());
    if (isa<Relu6Op>(act))
      hi = std::min<int64_t>(
          hi, runtime::quantizeValue(6.0f, static_cast<float>(qy.getScale()),
                                     qy.getZeroPoint(), lo, hi));
  }
  return {lo, hi};
}

/// The output of a requantizing op with no weights (add, mul, pools): the
/// fake_quant that gives its qparams, the quantized result type and the
/// clamp of a fused ReLU/ReLU6.
FailureOr<std::tuple<FakeQuantOp, Type, IntegerAttr, IntegerAttr>>
Converter::requantOutput(OpBuilder &b, Operation *op) {
  Operation *act = nullptr;
  FakeQuantOp ofq = findOutputFakeQuant(op->getResult(0), act);
  if (!ofq)
    return op->emitOpError("qat-convert: the output must be fake-quantized");
  FailureOr<Frozen> fo = freeze(ofq);
  if (failed(fo))
    return failure();
  if (fo->spec.isPerChannel())
    return ofq.emitOpError("qat-convert: activations must be per tensor");
  auto qy = cast<quant::UniformQuantizedType>(quantType(*fo, 0));
  auto [lo, hi] = getOutputClamp(qy, act);
  auto type = cast<RankedTensorType>(op->getResult(0).getType()).clone(qy);
  return std::make_tuple(ofq, Type(type), b.getI64IntegerAttr(lo),
                         b.getI64IntegerAttr(hi));
}

/// linear or conv2d (plain, or PyTorch's ConvBn QAT group, whose batch norm
/// is folded here as torch.ao.nn.intrinsic's fuse_conv_bn_weights does),
/// with an optional fused ReLU/ReLU6, to qat.qlinear / qat.qconv2d.
LogicalResult Converter::convertLayer(OpBuilder &b, Operation *layer,
                                      DenseMap<Value, Value> &quantized) {
  Location loc = layer->getLoc();
  Value xq = quantized.lookup(layer->getOperand(0));
  auto wfq = layer->getOperand(1).getDefiningOp<FakeQuantOp>();
  if (!xq || !wfq)
    return layer->emitOpError("qat-convert: input and weight must be "
                              "fake-quantized (run --qat-prepare)");
  auto conv = dyn_cast<Conv2dOp>(layer);
  auto wType = cast<RankedTensorType>(layer->getOperand(1).getType());
  int64_t c = wType.getDimSize(0);
  int64_t k = wType.getNumElements() / c;

  // Walk the fused chain to the output fake_quant.
  Operation *act = nullptr;
  BatchNormOp bn;
  Value convBias;
  Value out = layer->getResult(0);
  SmallVector<Operation *> users = realUsers(out);
  auto mulW = wfq.getInput().getDefiningOp<MulOp>();
  bool convBn = mulW && mulW->hasAttr(kBnFoldedWeightAttrName);
  if (convBn) {
    // conv -> div(sf) -> [add(bias)] -> batch_norm
    if (users.size() != 1 || !isa<DivOp>(users[0]))
      return layer->emitOpError("qat-convert: unexpected ConvBn pattern");
    out = users[0]->getResult(0);
    users = realUsers(out);
    if (users.size() == 1 && isa<AddOp>(users[0])) {
      if (auto r = users[0]->getOperand(1).getDefiningOp<ReshapeOp>())
        convBias = r.getInput();
      out = users[0]->getResult(0);
      users = realUsers(out);
    }
    if (users.size() != 1 || !isa<BatchNormOp>(users[0]))
      return layer->emitOpError("qat-convert: unexpected ConvBn pattern");
    bn = cast<BatchNormOp>(users[0]);
    out = bn.getResult();
  }
  FakeQuantOp ofq = findOutputFakeQuant(out, act);
  if (!ofq)
    return layer->emitOpError("qat-convert: the output must be fake-quantized "
                              "(directly or after a fused ReLU)");
  FailureOr<Frozen> fw = freeze(wfq);
  FailureOr<Frozen> fo = freeze(ofq);
  if (failed(fw) || failed(fo))
    return failure();
  if (!fw->spec.getSymmetric() || fw->spec.isUnsigned())
    return wfq.emitOpError("qat-convert: weights must be signed symmetric");

  // Float weights and bias (folded with the batch norm if any).
  SmallVector<float> wValues, bValues(c, 0.0f);
  if (convBn) {
    auto w = paramValues(mulW.getLhs(), layer);
    auto g = paramValues(bn.getWeight(), layer);
    auto beta = paramValues(bn.getBias(), layer);
    auto rm = paramValues(bn.getRunningMean(), layer);
    auto rv = paramValues(bn.getRunningVar(), layer);
    if (failed(w) || failed(g) || failed(beta) || failed(rm) || failed(rv))
      return failure();
    float eps = static_cast<float>(bn.getEps().convertToDouble());
    SmallVector<float> cb(c, 0.0f);
    if (convBias) {
      auto cbv = paramValues(convBias, layer);
      if (failed(cbv))
        return failure();
      cb = *cbv;
    }
    wValues.resize(c * k);
    for (int64_t i = 0; i < c; ++i) {
      // As the training graph: sf = gamma / sqrt(var + eps), w * sf.
      float sf = (*g)[i] / std::sqrt((*rv)[i] + eps);
      for (int64_t j = 0; j < k; ++j)
        wValues[i * k + j] = (*w)[i * k + j] * sf;
      float rsqrt = 1.0f / std::sqrt((*rv)[i] + eps);
      bValues[i] = (cb[i] - (*rm)[i]) * rsqrt * (*g)[i] + (*beta)[i];
    }
  } else {
    auto w = paramValues(wfq.getInput(), layer);
    if (failed(w))
      return failure();
    wValues = *w;
    if (layer->getNumOperands() > 2) { // the optional bias
      auto bv = paramValues(layer->getOperand(2), layer);
      if (failed(bv))
        return failure();
      bValues = *bv;
    }
  }

  auto qx = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(xq.getType()).getElementType());
  SmallVector<int8_t> wq(c * k);
  int64_t wmax = 0;
  for (int64_t i = 0; i < c; ++i) {
    float sc = fw->scales[fw->scales.size() == 1 ? 0 : i];
    for (int64_t j = 0; j < k; ++j) {
      int32_t q = runtime::quantizeValue(
          wValues[i * k + j], sc, 0, fw->spec.getQmin(), fw->spec.getQmax());
      wq[i * k + j] = static_cast<int8_t>(q);
      wmax = std::max<int64_t>(wmax, std::abs(q));
    }
  }
  float sx = static_cast<float>(qx.getScale());
  SmallVector<int32_t> bq(c);
  for (int64_t i = 0; i < c; ++i) {
    float denom = sx * fw->scales[fw->scales.size() == 1 ? 0 : i];
    bq[i] = static_cast<int32_t>(std::nearbyint(bValues[i] / denom));
  }
  // docs/numerics.md: the int32 accumulator must not overflow.
  int64_t xWidth =
      std::max<int64_t>(qx.getZeroPoint() - qx.getStorageTypeMin(),
                        qx.getStorageTypeMax() - qx.getZeroPoint());
  double worst = double(k) * double(xWidth) * double(wmax);
  if (worst > double(std::numeric_limits<int32_t>::max()))
    return layer->emitOpError("int32 accumulator may overflow: K = ")
           << k << " products of up to " << xWidth << " * " << wmax << " reach "
           << static_cast<int64_t>(worst) << " > 2^31 - 1";

  std::string base = conv ? "conv" : "linear";
  Value wLoadV = convBn ? mulW.getLhs() : wfq.getInput();
  if (auto load = wLoadV.getDefiningOp<LoadOp>()) {
    StringRef nm = load.getName();
    base = nm.ends_with(".weight") ? nm.drop_back(7).str() : nm.str();
  }
  auto i8 = IntegerType::get(b.getContext(), 8);
  auto wParam =
      addParam(base + ".weight_q",
               DenseElementsAttr::get(
                   RankedTensorType::get(wType.getShape(), i8), ArrayRef(wq)));
  auto bParam =
      addParam(base + ".bias_q",
               DenseElementsAttr::get(
                   RankedTensorType::get({c}, b.getI32Type()), ArrayRef(bq)));
  Value wl = LoadOp::create(b, loc, wParam.getType(), wParam.getSymName());
  auto wqType = RankedTensorType::get(wType.getShape(), quantType(*fw, 0));
  Value wcast = quant::StorageCastOp::create(b, loc, wqType, wl);
  Value bl = LoadOp::create(b, loc, bParam.getType(), bParam.getSymName());
  Type qy = quantType(*fo, 0);
  auto [lo, hi] = getOutputClamp(cast<quant::UniformQuantizedType>(qy), act);
  auto resultType = RankedTensorType::get(ofq.getType().getShape(), qy);
  Value y;
  if (conv)
    y = QConv2dOp::create(
        b, loc, resultType, xq, wcast, bl, conv.getStridesAttr(),
        b.getDenseI64ArrayAttr(conv.getPads()), conv.getDilationAttr(),
        conv.getGroupsAttr(), b.getI64IntegerAttr(lo), b.getI64IntegerAttr(hi));
  else
    y = QLinearOp::create(b, loc, resultType, xq, wcast, bl,
                          b.getI64IntegerAttr(lo), b.getI64IntegerAttr(hi));
  if (failed(setRequant(y)))
    return failure();
  quantized[ofq.getResult()] = y;
  return success();
}

LogicalResult Converter::run(func::FuncOp func) {
  Block &body = func.getBody().front();
  // Quantized value of each float value that a fake_quant quantized.
  DenseMap<Value, Value> quantized;
  OpBuilder b(func.getContext());
  SmallVector<Operation *> toErase;
  auto f32Of = [](Type t) {
    return cast<RankedTensorType>(t).clone(Float32Type::get(t.getContext()));
  };

  for (Operation &opRef : llvm::make_early_inc_range(body)) {
    Operation *op = &opRef;
    b.setInsertionPoint(op);
    if (isa<LoadOp, ObserveOp, StoreOp>(op))
      continue;
    if (auto fq = dyn_cast<FakeQuantOp>(op)) {
      // Weights are handled by their layer.
      Operation *def = fq.getInput().getDefiningOp();
      if (def && (isa<LoadOp>(def) || def->hasAttr(kBnFoldedWeightAttrName)))
        continue;
      if (quantized.count(fq.getResult()))
        continue;
      FailureOr<Frozen> f = freeze(fq);
      if (failed(f))
        return failure();
      if (f->spec.isPerChannel())
        return fq.emitOpError("qat-convert: activations must be per tensor");
      auto t = cast<RankedTensorType>(fq.getType());
      auto qt = RankedTensorType::get(t.getShape(), quantType(*f, 0));
      Value q = QuantizeOp::create(b, fq.getLoc(), qt, fq.getInput());
      quantized[fq.getResult()] = q;
      continue;
    }
    if (isa<LinearOp, Conv2dOp>(op)) {
      if (failed(convertLayer(b, op, quantized)))
        return failure();
      continue;
    }
    if (isa<AddOp, MulOp>(op)) {
      Value qa = quantized.lookup(op->getOperand(0));
      Value qb = quantized.lookup(op->getOperand(1));
      if (qa && qb) {
        // Both operands broadcast NumPy style, as in the float op.
        FailureOr<std::tuple<FakeQuantOp, Type, IntegerAttr, IntegerAttr>> out =
            requantOutput(b, op);
        if (failed(out))
          return failure();
        auto [ofq, yType, lo, hi] = *out;
        Value y =
            isa<AddOp>(op)
                ? Value(QAddOp::create(b, op->getLoc(), yType, qa, qb, lo, hi))
                : Value(QMulOp::create(b, op->getLoc(), yType, qa, qb, lo, hi));
        if (failed(setRequant(y)))
          return failure();
        quantized[ofq.getResult()] = y;
        continue;
      }
      if ((qa || qb) && !op->hasAttr(kFusedAttrName) &&
          !op->hasAttr(kBnFoldedWeightAttrName))
        return op->emitOpError("qat-convert: both operands must be quantized "
                               "activations (an operand computed from "
                               "parameters alone is not fake-quantized by "
                               "--qat-prepare)");
    }
    if (isa<AvgPool2dOp, GlobalAvgPoolOp>(op)) {
      if (Value q = quantized.lookup(op->getOperand(0))) {
        FailureOr<std::tuple<FakeQuantOp, Type, IntegerAttr, IntegerAttr>> out =
            requantOutput(b, op);
        if (failed(out))
          return failure();
        auto [ofq, yType, lo, hi] = *out;
        Value y;
        if (auto pool = dyn_cast<AvgPool2dOp>(op)) {
          y = QAvgPool2dOp::create(
              b, op->getLoc(), yType, q, pool.getKernelSizeAttr(),
              pool.getStridesAttr(), pool.getPaddingAttr(),
              pool.getCeilModeAttr(), pool.getCountIncludePadAttr(), lo, hi);
        } else {
          // The mean over [H, W] is one window of that size.
          auto xt = cast<RankedTensorType>(q.getType());
          y = QAvgPool2dOp::create(
              b, op->getLoc(), yType, q,
              b.getDenseI64ArrayAttr({xt.getDimSize(2), xt.getDimSize(3)}),
              /*strides=*/nullptr, b.getDenseI64ArrayAttr({0, 0, 0, 0}),
              /*ceil_mode=*/nullptr, b.getBoolAttr(true), lo, hi);
        }
        if (failed(setRequant(y)))
          return failure();
        quantized[ofq.getResult()] = y;
        continue;
      }
    }
    if (auto cat = dyn_cast<ConcatOp>(op)) {
      SmallVector<Value> qs;
      for (Value in : cat.getInputs())
        if (Value q = quantized.lookup(in))
          qs.push_back(q);
      if (qs.size() == cat.getInputs().size()) {
        Type elt =
            cast<RankedTensorType>(qs.front().getType()).getElementType();
        if (llvm::any_of(qs, [&](Value q) {
              return cast<RankedTensorType>(q.getType()).getElementType() !=
                     elt;
            }))
          return cat.emitOpError("qat-convert: concat inputs must share "
                                 "their qparams (run --qat-prepare)");
        Value r = ConcatOp::create(b, cat.getLoc(), cat.getType().clone(elt),
                                   qs, cat.getAxisAttr());
        quantized[cat.getResult()] = r;
        continue;
      }
    }
    if (auto pool = dyn_cast<MaxPool2dOp>(op)) {
      Value q = quantized.lookup(pool.getInput());
      if (!q)
        continue;
      auto qt = pool.getType().clone(
          cast<RankedTensorType>(q.getType()).getElementType());
      Value r =
          MaxPool2dOp::create(b, pool.getLoc(), qt, q, pool.getKernelSizeAttr(),
                              pool.getStridesAttr(), pool.getPaddingAttr(),
                              pool.getDilationAttr(), pool.getCeilModeAttr());
      quantized[pool.getResult()] = r;
      continue;
    }
    if (isa<FlattenOp, ReshapeOp, QuantStubOp>(op)) {
      Value q = quantized.lookup(op->getOperand(0));
      if (!q)
        continue; // float region: unchanged
      auto t = cast<RankedTensorType>(op->getResult(0).getType());
      auto qt = t.clone(cast<RankedTensorType>(q.getType()).getElementType());
      Value r;
      if (isa<QuantStubOp>(op))
        r = q;
      else if (auto fl = dyn_cast<FlattenOp>(op))
        r = FlattenOp::create(b, op->getLoc(), qt, q, fl.getStartDimAttr(),
                              fl.getEndDimAttr());
      else
        r = ReshapeOp::create(b, op->getLoc(), qt, q);
      quantized[op->getResult(0)] = r;
      continue;
    }
    if (isa<ReluOp, Relu6Op, DequantStubOp, func::ReturnOp, BatchNormOp, DivOp,
            AddOp, MulOp, ReshapeOp, BnScaleFactorOp>(op) &&
        (isa<ReluOp, Relu6Op, DequantStubOp, func::ReturnOp>(op) ||
         op->hasAttr(kFusedAttrName) || op->hasAttr(kBnFoldedWeightAttrName) ||
         isa<BatchNormOp>(op))) {
      // Fused activations were consumed by their layer; float uses of
      // quantized values get a dequantize.
      for (OpOperand &use : op->getOpOperands()) {
        Value q = quantized.lookup(use.get());
        if (!q)
          continue;
        Value d = DequantizeOp::create(b, op->getLoc(), f32Of(q.getType()), q);
        use.set(d);
      }
      continue;
    }
    bool touchesQuantized = llvm::any_of(
        op->getOperands(), [&](Value v) { return quantized.count(v) != 0; });
    if (touchesQuantized && isa<SoftmaxOp, SubOp, DivOp>(op)) {
      // Ops the legality report names stay float: dequantize their inputs;
      // the fake_quant prepare put on their output becomes a quantize.
      for (OpOperand &use : op->getOpOperands())
        if (Value q = quantized.lookup(use.get()))
          use.set(DequantizeOp::create(b, op->getLoc(), f32Of(q.getType()), q));
      continue;
    }
    if (touchesQuantized)
      return op->emitOpError("is not supported by qat-convert yet (supported: "
                             "linear, conv2d (+batch_norm, groups), add, mul, "
                             "concat, relu, relu6, max_pool2d, avg_pool2d, "
                             "global_avg_pool, flatten, reshape, stubs; "
                             "softmax, sub and div stay float)");
  }
  // The float graph is dead now: return values were rewired above.
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body))) {
      if (isa<func::ReturnOp>(op))
        continue;
      bool dead =
          llvm::all_of(op.getResults(), [](Value v) { return v.use_empty(); });
      if (isa<StoreOp>(op) ||
          (dead && (isMemoryEffectFree(&op) || isa<LoadOp>(op)))) {
        op.erase();
        changed = true;
      }
    }
  }
  return success();
}

namespace {
struct ConvertPass : qat::impl::ConvertBase<ConvertPass> {
  using ConvertBase::ConvertBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal()) {
      module.emitError("qat-convert: no function @") << entry;
      return signalPassFailure();
    }
    RequantKind kind = RequantKind::Float;
    if (requant == "auto") {
      // The preset's choice, recorded by --qat-prepare.
      if (auto a = module->getAttrOfType<RequantKindAttr>(kRequantAttrName))
        kind = a.getValue();
    } else if (requant == "fixed-point") {
      kind = RequantKind::FixedPoint;
    } else if (requant != "float") {
      module.emitError("qat-convert: unknown requant '")
          << requant << "' (known: auto, float, fixed-point)";
      return signalPassFailure();
    }
    Converter converter(module, kind);
    if (failed(converter.run(func)))
      return signalPassFailure();
    // The integer ops record the requant now.
    module->removeAttr(kRequantAttrName);
    // Drop the parameters only the fake-quant graph used.
    for (auto param : llvm::make_early_inc_range(module.getOps<ParamOp>()))
      if (SymbolTable::symbolKnownUseEmpty(param, module))
        param.erase();
  }
};
} // namespace

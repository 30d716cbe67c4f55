//===- Convert.cpp - fake-quant model to the int8 graph (convert) ---------===//

#include "qat/Quant/Passes.h"

#include "qat/Quant/Freeze.h"

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
#include "llvm/Support/Format.h"

#include <cmath>
#include <limits>

namespace mlir::qat {
#define GEN_PASS_DEF_CONVERT
#include "qat/Quant/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
using Frozen = FrozenQParams;

/// A linear/conv2d and the ops fused after it, up to its output fake_quant.
struct LayerChain {
  FakeQuantOp weightFq, outputFq;
  /// PyTorch's ConvBn QAT group, if the layer is one.
  std::optional<ConvBnGroup> convBn;
  /// The fused ReLU/ReLU6, or null.
  Operation *act = nullptr;
};

class Converter {
public:
  Converter(ModuleOp module, RequantKind requant)
      : module(module), symbols(module), reader(symbols, "qat-convert"),
        requant(requant) {}
  LogicalResult run(func::FuncOp func);

private:
  /// One conversion rule of convertOp: true if it converted `op` (or left
  /// it as it is for good), false to leave it to the next rule.
  using Rule = FailureOr<bool> (Converter::*)(OpBuilder &b, Operation *op);

  FailureOr<Frozen> freeze(FakeQuantOp fq) { return reader.freeze(fq); }
  Type quantType(const Frozen &f, int64_t axis);
  /// Converts `op`, inserting at `b`'s insertion point (before `op`).
  LogicalResult convertOp(OpBuilder &b, Operation *op);
  /// An activation fake_quant becomes a quantize.
  LogicalResult convertFakeQuant(OpBuilder &b, FakeQuantOp fq);
  LogicalResult convertLayer(OpBuilder &b, Operation *layer);
  /// Creates the qlinear/qconv2d of `layer` and its int8 weight and int32
  /// bias params.
  Value createIntLayer(OpBuilder &b, Operation *layer, LayerChain chain,
                       Value xq, const Frozen &fw, const Frozen &fo,
                       ArrayRef<int8_t> wq, ArrayRef<int32_t> bq);
  FailureOr<bool> convertBinary(OpBuilder &b, Operation *op);
  FailureOr<bool> convertAvgPool(OpBuilder &b, Operation *op);
  FailureOr<bool> convertConcat(OpBuilder &b, Operation *op);
  FailureOr<bool> convertPassThrough(OpBuilder &b, Operation *op);
  FailureOr<bool> dequantizeFloatUses(OpBuilder &b, Operation *op);
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
  FrozenModelReader reader;
  RequantKind requant;
  /// Quantized value of each float value that a fake_quant quantized.
  DenseMap<Value, Value> quantized;
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

Type Converter::quantType(const Frozen &f, int64_t axis) {
  MLIRContext *ctx = module.getContext();
  unsigned flags = f.spec.isUnsigned() ? 0 : quant::QuantizationFlags::Signed;
  // Below 8 bits the values are stored in 8 bits, confined to [qmin, qmax]
  // by the type, so the int8 kernels run them unchanged
  // (docs/numerics.md#low-bit-widths).
  auto storage =
      IntegerType::get(ctx, std::max(8u, f.spec.getDtype().getWidth()));
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

/// The fake_quant of `out`, directly or after a fused ReLU/ReLU6 (returned
/// in `act`), or null.
static FakeQuantOp findOutputFakeQuant(Value out, Operation *&act) {
  act = nullptr;
  SmallVector<Operation *> users = getComputingUsers(out);
  if (users.size() == 1 && isa<ReluOp, Relu6Op>(users.front())) {
    act = users.front();
    users = getComputingUsers(act->getResult(0));
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

/// Walks from `layer` (whose weights `wfq` fake-quantizes) through a ConvBn
/// group (conv -> div(sf) -> [add(bias)] -> batch_norm) and a fused
/// ReLU/ReLU6 to the output fake_quant.
static FailureOr<LayerChain> matchLayerChain(Operation *layer,
                                             FakeQuantOp wfq) {
  LayerChain chain;
  chain.weightFq = wfq;
  FailureOr<std::optional<ConvBnGroup>> group =
      matchConvBnGroup(layer, wfq, "qat-convert");
  if (failed(group))
    return failure();
  chain.convBn = *group;
  Value out =
      chain.convBn ? Value(chain.convBn->bn.getResult()) : layer->getResult(0);
  chain.outputFq = findOutputFakeQuant(out, chain.act);
  if (!chain.outputFq)
    return layer->emitOpError("qat-convert: the output must be fake-quantized "
                              "(directly or after a fused ReLU)");
  return chain;
}

/// Quantizes the float weights [C, K] (int8, per `fw`) and bias [C] (int32,
/// at scale s_x * s_w) of `layer`; fails if the int32 accumulator may
/// overflow.
static LogicalResult
quantizeLayerValues(Operation *layer, quant::UniformQuantizedType qx,
                    const Frozen &fw, int64_t c, int64_t k,
                    ArrayRef<float> wValues, ArrayRef<float> bValues,
                    SmallVector<int8_t> &wq, SmallVector<int32_t> &bq) {
  wq.resize(c * k);
  int64_t wmax = 0;
  for (int64_t i = 0; i < c; ++i) {
    float sc = fw.scales[fw.scales.size() == 1 ? 0 : i];
    for (int64_t j = 0; j < k; ++j) {
      int32_t q = runtime::quantizeValue(wValues[i * k + j], sc, 0,
                                         fw.spec.getQmin(), fw.spec.getQmax());
      wq[i * k + j] = static_cast<int8_t>(q);
      wmax = std::max<int64_t>(wmax, std::abs(q));
    }
  }
  float sx = static_cast<float>(qx.getScale());
  bq.resize(c);
  for (int64_t i = 0; i < c; ++i) {
    float denom = sx * fw.scales[fw.scales.size() == 1 ? 0 : i];
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
  return success();
}

Value Converter::createIntLayer(OpBuilder &b, Operation *layer,
                                LayerChain chain, Value xq, const Frozen &fw,
                                const Frozen &fo, ArrayRef<int8_t> wq,
                                ArrayRef<int32_t> bq) {
  Location loc = layer->getLoc();
  auto conv = dyn_cast<Conv2dOp>(layer);
  auto wType = cast<RankedTensorType>(layer->getOperand(1).getType());
  int64_t c = wType.getDimSize(0);
  std::string base = conv ? "conv" : "linear";
  Value wLoadV = chain.convBn ? Value(chain.convBn->bnWeight.getLhs())
                              : Value(chain.weightFq.getInput());
  if (auto load = wLoadV.getDefiningOp<LoadOp>()) {
    StringRef nm = load.getName();
    base = nm.ends_with(".weight") ? nm.drop_back(7).str() : nm.str();
  }
  auto i8 = IntegerType::get(b.getContext(), 8);
  auto wParam = addParam(
      base + ".weight_q",
      DenseElementsAttr::get(RankedTensorType::get(wType.getShape(), i8), wq));
  auto bParam = addParam(
      base + ".bias_q",
      DenseElementsAttr::get(RankedTensorType::get({c}, b.getI32Type()), bq));
  Value wl = LoadOp::create(b, loc, wParam.getType(), wParam.getSymName());
  auto wqType = RankedTensorType::get(wType.getShape(), quantType(fw, 0));
  Value wcast = quant::StorageCastOp::create(b, loc, wqType, wl);
  Value bl = LoadOp::create(b, loc, bParam.getType(), bParam.getSymName());
  Type qy = quantType(fo, 0);
  auto [lo, hi] =
      getOutputClamp(cast<quant::UniformQuantizedType>(qy), chain.act);
  auto resultType =
      RankedTensorType::get(chain.outputFq.getType().getShape(), qy);
  if (conv)
    return QConv2dOp::create(
        b, loc, resultType, xq, wcast, bl, conv.getStridesAttr(),
        b.getDenseI64ArrayAttr(conv.getPads()), conv.getDilationAttr(),
        conv.getGroupsAttr(), b.getI64IntegerAttr(lo), b.getI64IntegerAttr(hi));
  return QLinearOp::create(b, loc, resultType, xq, wcast, bl,
                           b.getI64IntegerAttr(lo), b.getI64IntegerAttr(hi));
}

/// linear or conv2d (plain, or PyTorch's ConvBn QAT group, whose batch norm
/// is folded here as torch.ao.nn.intrinsic's fuse_conv_bn_weights does),
/// with an optional fused ReLU/ReLU6, to qat.qlinear / qat.qconv2d.
LogicalResult Converter::convertLayer(OpBuilder &b, Operation *layer) {
  Value xq = quantized.lookup(layer->getOperand(0));
  auto wfq = layer->getOperand(1).getDefiningOp<FakeQuantOp>();
  if (!xq || !wfq)
    return layer->emitOpError("qat-convert: input and weight must be "
                              "fake-quantized (run --qat-prepare)");
  FailureOr<LayerChain> chain = matchLayerChain(layer, wfq);
  if (failed(chain))
    return failure();
  FailureOr<Frozen> fw = freeze(wfq);
  FailureOr<Frozen> fo = freeze(chain->outputFq);
  if (failed(fw) || failed(fo))
    return failure();
  if (!fw->spec.getSymmetric() || fw->spec.isUnsigned())
    return wfq.emitOpError("qat-convert: weights must be signed symmetric");

  auto wType = cast<RankedTensorType>(layer->getOperand(1).getType());
  int64_t c = wType.getDimSize(0);
  int64_t k = wType.getNumElements() / c;
  SmallVector<float> wValues, bValues;
  if (failed(
          reader.getLayerValues(layer, wfq, chain->convBn, wValues, bValues)))
    return failure();
  auto qx = cast<quant::UniformQuantizedType>(
      cast<RankedTensorType>(xq.getType()).getElementType());
  SmallVector<int8_t> wq;
  SmallVector<int32_t> bq;
  if (failed(
          quantizeLayerValues(layer, qx, *fw, c, k, wValues, bValues, wq, bq)))
    return failure();
  Value y = createIntLayer(b, layer, *chain, xq, *fw, *fo, wq, bq);
  if (failed(setRequant(y)))
    return failure();
  quantized[chain->outputFq.getResult()] = y;
  return success();
}

LogicalResult Converter::convertFakeQuant(OpBuilder &b, FakeQuantOp fq) {
  // Weights are handled by their layer.
  Operation *def = fq.getInput().getDefiningOp();
  if (def && (isa<LoadOp>(def) || def->hasAttr(kBnFoldedWeightAttrName)))
    return success();
  if (quantized.count(fq.getResult()))
    return success();
  FailureOr<Frozen> f = freeze(fq);
  if (failed(f))
    return failure();
  if (f->spec.isPerChannel())
    return fq.emitOpError("qat-convert: activations must be per tensor");
  auto t = cast<RankedTensorType>(fq.getType());
  auto qt = RankedTensorType::get(t.getShape(), quantType(*f, 0));
  Value q = QuantizeOp::create(b, fq.getLoc(), qt, fq.getInput());
  quantized[fq.getResult()] = q;
  return success();
}

/// add/mul of two quantized operands to qadd/qmul.
FailureOr<bool> Converter::convertBinary(OpBuilder &b, Operation *op) {
  if (!isa<AddOp, MulOp>(op))
    return false;
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
    return true;
  }
  if ((qa || qb) && !op->hasAttr(kFusedAttrName) &&
      !op->hasAttr(kBnFoldedWeightAttrName))
    return op->emitOpError("qat-convert: both operands must be quantized "
                           "activations (an operand computed from "
                           "parameters alone is not fake-quantized by "
                           "--qat-prepare)");
  return false;
}

/// avg_pool2d/global_avg_pool of a quantized input to qavg_pool2d.
FailureOr<bool> Converter::convertAvgPool(OpBuilder &b, Operation *op) {
  if (!isa<AvgPool2dOp, GlobalAvgPoolOp>(op))
    return false;
  Value q = quantized.lookup(op->getOperand(0));
  if (!q)
    return false;
  FailureOr<std::tuple<FakeQuantOp, Type, IntegerAttr, IntegerAttr>> out =
      requantOutput(b, op);
  if (failed(out))
    return failure();
  auto [ofq, yType, lo, hi] = *out;
  Value y;
  if (auto pool = dyn_cast<AvgPool2dOp>(op)) {
    y = QAvgPool2dOp::create(b, op->getLoc(), yType, q,
                             pool.getKernelSizeAttr(), pool.getStridesAttr(),
                             pool.getPaddingAttr(), pool.getCeilModeAttr(),
                             pool.getCountIncludePadAttr(), lo, hi);
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
  return true;
}

/// A concat of quantized inputs with one qparams is a concat of them.
FailureOr<bool> Converter::convertConcat(OpBuilder &b, Operation *op) {
  auto cat = dyn_cast<ConcatOp>(op);
  if (!cat)
    return false;
  SmallVector<Value> qs;
  for (Value in : cat.getInputs())
    if (Value q = quantized.lookup(in))
      qs.push_back(q);
  if (qs.size() != cat.getInputs().size())
    return false;
  Type elt = cast<RankedTensorType>(qs.front().getType()).getElementType();
  if (llvm::any_of(qs, [&](Value q) {
        return cast<RankedTensorType>(q.getType()).getElementType() != elt;
      }))
    return cat.emitOpError("qat-convert: concat inputs must share "
                           "their qparams (run --qat-prepare)");
  Value r = ConcatOp::create(b, cat.getLoc(), cat.getType().clone(elt), qs,
                             cat.getAxisAttr());
  quantized[cat.getResult()] = r;
  return true;
}

/// Ops that keep their input's qparams (max_pool2d, flatten, reshape, the
/// quant stub) act on the quantized value; in a float region they stay.
FailureOr<bool> Converter::convertPassThrough(OpBuilder &b, Operation *op) {
  if (auto pool = dyn_cast<MaxPool2dOp>(op)) {
    Value q = quantized.lookup(pool.getInput());
    if (!q)
      return true;
    auto qt = pool.getType().clone(
        cast<RankedTensorType>(q.getType()).getElementType());
    Value r =
        MaxPool2dOp::create(b, pool.getLoc(), qt, q, pool.getKernelSizeAttr(),
                            pool.getStridesAttr(), pool.getPaddingAttr(),
                            pool.getDilationAttr(), pool.getCeilModeAttr());
    quantized[pool.getResult()] = r;
    return true;
  }
  if (!isa<FlattenOp, ReshapeOp, QuantStubOp>(op))
    return false;
  Value q = quantized.lookup(op->getOperand(0));
  if (!q)
    return true; // float region: unchanged
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
  return true;
}

static RankedTensorType getF32TensorType(Type t) {
  return cast<RankedTensorType>(t).clone(Float32Type::get(t.getContext()));
}

/// Float ops that read quantized values get them dequantized: the fused
/// activations and ConvBn ops their layer consumed, the stubs and the
/// return, and the ops the legality report names as staying float (their
/// output's fake_quant becomes a quantize).
FailureOr<bool> Converter::dequantizeFloatUses(OpBuilder &b, Operation *op) {
  bool consumed =
      isa<ReluOp, Relu6Op, DequantStubOp, func::ReturnOp, BatchNormOp, DivOp,
          AddOp, MulOp, ReshapeOp, BnScaleFactorOp>(op) &&
      (isa<ReluOp, Relu6Op, DequantStubOp, func::ReturnOp>(op) ||
       op->hasAttr(kFusedAttrName) || op->hasAttr(kBnFoldedWeightAttrName) ||
       isa<BatchNormOp>(op));
  bool staysFloat = isa<SoftmaxOp, SubOp, DivOp>(op) &&
                    llvm::any_of(op->getOperands(), [&](Value v) {
                      return quantized.count(v) != 0;
                    });
  if (!consumed && !staysFloat)
    return false;
  for (OpOperand &use : op->getOpOperands())
    if (Value q = quantized.lookup(use.get()))
      use.set(DequantizeOp::create(b, op->getLoc(),
                                   getF32TensorType(q.getType()), q));
  return true;
}

LogicalResult Converter::convertOp(OpBuilder &b, Operation *op) {
  if (isa<LoadOp, ObserveOp, StoreOp>(op))
    return success();
  if (auto fq = dyn_cast<FakeQuantOp>(op))
    return convertFakeQuant(b, fq);
  if (isa<LinearOp, Conv2dOp>(op))
    return convertLayer(b, op);
  for (Rule rule : {&Converter::convertBinary, &Converter::convertAvgPool,
                    &Converter::convertConcat, &Converter::convertPassThrough,
                    &Converter::dequantizeFloatUses}) {
    FailureOr<bool> done = (this->*rule)(b, op);
    if (failed(done))
      return failure();
    if (*done)
      return success();
  }
  if (llvm::any_of(op->getOperands(),
                   [&](Value v) { return quantized.count(v) != 0; }))
    return op->emitOpError("is not supported by qat-convert yet (supported: "
                           "linear, conv2d (+batch_norm, groups), add, mul, "
                           "concat, relu, relu6, max_pool2d, avg_pool2d, "
                           "global_avg_pool, flatten, reshape, stubs; "
                           "softmax, sub and div stay float)");
  return success();
}

/// Erases the float graph, dead once its uses were rewired to the integer
/// one, and the stores of the training state.
static void eraseDeadFloatGraph(Block &body) {
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
}

LogicalResult Converter::run(func::FuncOp func) {
  Block &body = func.getBody().front();
  OpBuilder b(func.getContext());
  for (Operation &op : llvm::make_early_inc_range(body)) {
    b.setInsertionPoint(&op);
    if (failed(convertOp(b, &op)))
      return failure();
  }
  eraseDeadFloatGraph(body);
  return success();
}

namespace {
struct ConvertPass : qat::impl::ConvertBase<ConvertPass> {
  using ConvertBase::ConvertBase;

  /// The option is checked before any IR is seen, so a mistyped value is
  /// reported as the option it is, not at the model.
  LogicalResult initialize(MLIRContext *ctx) override {
    if (requant != "auto" && requant != "float" && requant != "fixed-point")
      return emitError(UnknownLoc::get(ctx))
             << "--qat-convert: unknown requant '" << requant
             << "' (known: auto, float, fixed-point)";
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto func = module.lookupSymbol<func::FuncOp>(entry);
    if (!func || func.isExternal()) {
      // At the model, without dumping it.
      emitError(module.getLoc()) << "--qat-convert: no function @" << entry;
      return signalPassFailure();
    }
    RequantKind kind = RequantKind::Float;
    if (requant == "auto") {
      // The preset's choice, recorded by --qat-prepare.
      if (auto a = module->getAttrOfType<RequantKindAttr>(kRequantAttrName))
        kind = a.getValue();
    } else if (requant == "fixed-point") {
      kind = RequantKind::FixedPoint;
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

//===- Convert.cpp - fake-quant model to the int8 graph (convert) ---------===//

#include "qat/Transforms/Passes.h"

#include "Qat/IR/QatOps.h"
#include "qat/Runtime/IntReference.h"
#include "qat/Runtime/QParams.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

#include <cmath>
#include <limits>

namespace mlir::qat {
#define GEN_PASS_DEF_CONVERT
#include "qat/Transforms/Passes.h.inc"
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
  Converter(ModuleOp module) : module(module), symbols(module) {}
  LogicalResult run(func::FuncOp func);

private:
  FailureOr<Frozen> freeze(FakeQuantOp fq);
  FailureOr<SmallVector<float>> paramValues(Value v, Operation *user);
  Type quantType(const Frozen &f, int64_t axis);
  std::string uniqueSymbol(StringRef base);
  ParamOp addParam(StringRef name, DenseElementsAttr value);

  ModuleOp module;
  SymbolTable symbols;
};
} // namespace

std::string Converter::uniqueSymbol(StringRef base) {
  std::string name = base.str();
  for (unsigned i = 1; symbols.lookup(name); ++i)
    name = (base + "_" + Twine(i)).str();
  return name;
}

ParamOp Converter::addParam(StringRef name, DenseElementsAttr value) {
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToStart(module.getBody());
  auto p = ParamOp::create(b, module.getLoc(), b.getStringAttr(uniqueSymbol(name)),
                           value, UnitAttr());
  symbols.insert(p);
  return p;
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
      f.zeroPoints.push_back(static_cast<int32_t>(
          std::clamp<float>(std::nearbyint(v), f.spec.getQmin(),
                            f.spec.getQmax())));
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
      if (fq.getInput().getDefiningOp<LoadOp>())
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
    if (auto lin = dyn_cast<LinearOp>(op)) {
      Value xq = quantized.lookup(lin.getInput());
      auto wfq = lin.getWeight().getDefiningOp<FakeQuantOp>();
      if (!xq || !wfq)
        return lin.emitOpError("qat-convert: input and weight must be "
                               "fake-quantized (run --qat-prepare)");
      // The output fake_quant, possibly after a fused ReLU/ReLU6.
      // (Observers read the same raw value; they are not uses that matter.)
      auto realUsers = [](Value v) {
        SmallVector<Operation *> users;
        for (Operation *u : v.getUsers())
          if (!isa<ObserveOp>(u))
            users.push_back(u);
        return users;
      };
      Operation *act = nullptr;
      Value out = lin.getResult();
      SmallVector<Operation *> users = realUsers(out);
      if (users.size() == 1 && isa<ReluOp, Relu6Op>(users.front())) {
        act = users.front();
        out = act->getResult(0);
        users = realUsers(out);
      }
      auto ofq = users.size() == 1 ? dyn_cast<FakeQuantOp>(users.front())
                                   : FakeQuantOp();
      if (!ofq)
        return lin.emitOpError("qat-convert: the output must be fake-quantized "
                               "(directly or after a fused ReLU)");
      FailureOr<Frozen> fw = freeze(wfq);
      FailureOr<Frozen> fo = freeze(ofq);
      if (failed(fw) || failed(fo))
        return failure();
      if (!fw->spec.getSymmetric() || fw->spec.isUnsigned())
        return wfq.emitOpError("qat-convert: weights must be signed symmetric");
      auto qx = cast<quant::UniformQuantizedType>(
          cast<RankedTensorType>(xq.getType()).getElementType());
      auto wValues = paramValues(wfq.getInput(), lin);
      if (failed(wValues))
        return failure();
      auto wType = lin.getWeight().getType();
      int64_t c = wType.getDimSize(0), k = wType.getDimSize(1);
      // Weights to int8 with the reference quantize; bias to int32 at
      // s_x * s_w[c].
      SmallVector<int8_t> wq(c * k);
      int64_t wmax = 0;
      for (int64_t i = 0; i < c; ++i) {
        float s = fw->scales[fw->scales.size() == 1 ? 0 : i];
        for (int64_t j = 0; j < k; ++j) {
          int32_t q = runtime::quantizeValue((*wValues)[i * k + j], s, 0,
                                             fw->spec.getQmin(),
                                             fw->spec.getQmax());
          wq[i * k + j] = static_cast<int8_t>(q);
          wmax = std::max<int64_t>(wmax, std::abs(q));
        }
      }
      float sx = static_cast<float>(qx.getScale());
      SmallVector<int32_t> bq(c, 0);
      if (Value bias = lin.getBias()) {
        auto bValues = paramValues(bias, lin);
        if (failed(bValues))
          return failure();
        for (int64_t i = 0; i < c; ++i) {
          float denom = sx * fw->scales[fw->scales.size() == 1 ? 0 : i];
          bq[i] = static_cast<int32_t>(std::nearbyint((*bValues)[i] / denom));
        }
      }
      // NUMERICS.md: the int32 accumulator must not overflow.
      int64_t xWidth = std::max<int64_t>(qx.getZeroPoint() - qx.getStorageTypeMin(),
                                         qx.getStorageTypeMax() - qx.getZeroPoint());
      double worst = double(k) * double(xWidth) * double(wmax);
      if (worst > double(std::numeric_limits<int32_t>::max()))
        return lin.emitOpError("int32 accumulator may overflow: K = ")
               << k << " products of up to " << xWidth << " * " << wmax
               << " reach " << static_cast<int64_t>(worst) << " > 2^31 - 1";
      std::string base = "linear";
      if (auto load = wfq.getInput().getDefiningOp<LoadOp>()) {
        StringRef n = load.getName();
        base = n.ends_with(".weight") ? n.drop_back(7).str() : n.str();
      }
      auto i8 = IntegerType::get(b.getContext(), 8);
      auto wParam = addParam(base + ".weight_q",
                             DenseElementsAttr::get(
                                 RankedTensorType::get({c, k}, i8), ArrayRef(wq)));
      auto bParam = addParam(
          base + ".bias_q",
          DenseElementsAttr::get(RankedTensorType::get({c}, b.getI32Type()),
                                 ArrayRef(bq)));
      Value wl = LoadOp::create(b, lin.getLoc(), wParam.getType(),
                                wParam.getSymName());
      auto wqType = RankedTensorType::get({c, k}, quantType(*fw, 0));
      Value wcast = quant::StorageCastOp::create(b, lin.getLoc(), wqType, wl);
      Value bl = LoadOp::create(b, lin.getLoc(), bParam.getType(),
                                bParam.getSymName());
      Type qy = quantType(*fo, 0);
      auto qyT = cast<quant::UniformQuantizedType>(qy);
      int64_t lo = qyT.getStorageTypeMin(), hi = qyT.getStorageTypeMax();
      if (act) {
        lo = std::max<int64_t>(lo, qyT.getZeroPoint());
        if (isa<Relu6Op>(act))
          hi = std::min<int64_t>(
              hi, runtime::quantizeValue(6.0f, static_cast<float>(qyT.getScale()),
                                         qyT.getZeroPoint(), lo, hi));
      }
      Value y = QLinearOp::create(
          b, lin.getLoc(),
          RankedTensorType::get(ofq.getType().getShape(), qy), xq, wcast, bl,
          b.getI64IntegerAttr(lo), b.getI64IntegerAttr(hi));
      quantized[ofq.getResult()] = y;
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
    if (isa<ReluOp, Relu6Op, DequantStubOp, func::ReturnOp>(op)) {
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
    bool touchesQuantized = llvm::any_of(op->getOperands(), [&](Value v) {
      return quantized.count(v) != 0;
    });
    if (touchesQuantized)
      return op->emitOpError("is not supported by qat-convert yet (supported: "
                             "linear, relu, relu6, flatten, reshape, stubs)");
  }
  // The float graph is dead now: return values were rewired above.
  bool changed = true;
  while (changed) {
    changed = false;
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(body))) {
      if (isa<func::ReturnOp>(op))
        continue;
      bool dead = llvm::all_of(op.getResults(),
                               [](Value v) { return v.use_empty(); });
      if (isa<StoreOp>(op) || (dead && (isMemoryEffectFree(&op) ||
                                        isa<LoadOp>(op)))) {
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
    Converter converter(module);
    if (failed(converter.run(func)))
      return signalPassFailure();
    // Drop the parameters only the fake-quant graph used.
    for (auto param : llvm::make_early_inc_range(module.getOps<ParamOp>()))
      if (SymbolTable::symbolKnownUseEmpty(param, module))
        param.erase();
  }
};
} // namespace

//===- Summary.cpp - a layer-by-layer summary of a model ------------------===//
//
// The layers are the ops on the data path (those that depend on the entry's
// arguments) except the ones that only quantize a value (observe,
// fake_quant, quantize, dequantize), whose specs and qparams are reported
// on the layer whose weight or output they quantize. A fused group (each
// member but the last marked qat.fused) is one layer.
//
//===----------------------------------------------------------------------===//

#include "qat/Summary/Summary.h"

#include "qat/Numerics/QParams.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallVectorExtras.h"
#include "llvm/ADT/StringMap.h"

using namespace mlir;
using namespace mlir::qat;

/// "i8", "ui8", with the clamp range when it is not the type's full range.
static std::string formatDType(bool isUnsigned, unsigned width, int64_t qmin,
                               int64_t qmax) {
  std::string s = (isUnsigned ? "ui" : "i") + std::to_string(width);
  int64_t lo = isUnsigned ? 0 : -(int64_t(1) << (width - 1));
  int64_t hi =
      isUnsigned ? (int64_t(1) << width) - 1 : (int64_t(1) << (width - 1)) - 1;
  if (qmin != lo || qmax != hi)
    s += "[" + std::to_string(qmin) + "," + std::to_string(qmax) + "]";
  return s;
}

/// The values of the parameter `v` loads, if it is an f32 one (or i32, such
/// as an imported zero point).
static std::optional<SmallVector<float>> loadedValues(Value v,
                                                      SymbolTable &symbols) {
  auto load = v.getDefiningOp<LoadOp>();
  auto param = load ? symbols.lookup<ParamOp>(load.getName()) : nullptr;
  if (!param)
    return std::nullopt;
  if (std::optional<SmallVector<int32_t>> ints = param.getI32Values())
    return llvm::map_to_vector(*ints,
                               [](int32_t i) { return static_cast<float>(i); });
  return param.getF32Values();
}

/// Observer state -> qparams through the one qparams function
/// (docs/numerics.md#one-qparams-function), as qat-convert freezes them.
static void readObserverQParams(ObserveOp obs, QSpecAttr spec,
                                SymbolTable &symbols, QuantSummary &q) {
  auto mins = loadedValues(obs.getMin(), symbols);
  auto maxs = loadedValues(obs.getMax(), symbols);
  if (!mins || !maxs)
    return;
  runtime::QRange range{spec.getQmin(), spec.getQmax(), spec.getSymmetric(),
                        spec.isUnsigned()};
  for (auto [lo, hi] : llvm::zip(*mins, *maxs)) {
    if (!(lo <= hi))
      return; // an observer that saw nothing (or NaN): no qparams yet
    runtime::QParams p = runtime::chooseQParams(lo, hi, range);
    q.scales.push_back(p.scale);
    q.zeroPoints.push_back(p.zeroPoint);
  }
  q.observed = true;
}

static QuantSummary describeFakeQuant(FakeQuantOp fq, SymbolTable &symbols) {
  QSpecAttr spec = fq.getSpec();
  QuantSummary q;
  q.dtype = formatDType(spec.isUnsigned(), spec.getDtype().getWidth(),
                        spec.getQmin(), spec.getQmax());
  q.axis = spec.getAxis();
  q.symmetric = spec.getSymmetric();
  q.observer = spec.getLearnable()
                   ? "learnable"
                   : stringifyObserverKind(spec.getObserver()).str();
  auto obs = fq.getScale().getDefiningOp<ObserveOp>();
  if (obs && !obs.holdsQParams()) {
    readObserverQParams(obs, spec, symbols, q);
    return q;
  }
  // Learnable, held (as convert reads them) or given qparams are
  // parameters.
  auto scales = loadedValues(obs ? obs.getHeldScale() : fq.getScale(), symbols);
  auto zps =
      loadedValues(obs ? obs.getHeldZeroPoint() : fq.getZeroPoint(), symbols);
  if (!scales)
    return q;
  q.scales = *scales;
  for (size_t i = 0; i < scales->size(); ++i)
    q.zeroPoints.push_back(zps && i < zps->size()
                               ? static_cast<int64_t>(std::nearbyint((*zps)[i]))
                               : 0);
  q.observed = true;
  return q;
}

/// The qparams an int8 graph's quantized element type fixes.
static std::optional<QuantSummary> describeQuantType(Type type) {
  auto t = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(type));
  if (!t)
    return std::nullopt;
  QuantSummary q;
  q.dtype = formatDType(!t.isSigned(), t.getStorageTypeIntegralWidth(),
                        t.getStorageTypeMin(), t.getStorageTypeMax());
  q.observer = "converted";
  q.observed = true;
  if (auto u = dyn_cast<quant::UniformQuantizedType>(t)) {
    q.scales.push_back(u.getScale());
    q.zeroPoints.push_back(u.getZeroPoint());
  } else if (auto a = dyn_cast<quant::UniformQuantizedPerAxisType>(t)) {
    q.axis = a.getQuantizedDimension();
    for (double s : a.getScales())
      q.scales.push_back(s);
    q.zeroPoints.assign(a.getZeroPoints().begin(), a.getZeroPoints().end());
  }
  // Symmetric: the zero point is the middle of the range everywhere.
  int32_t mid = runtime::getSymmetricZeroPoint(
      {t.getStorageTypeMin(), t.getStorageTypeMax(), true, !t.isSigned()});
  q.symmetric = llvm::all_of(q.zeroPoints, [&](int64_t z) { return z == mid; });
  return q;
}

namespace {
/// Builds the summary of one function.
class Summarizer {
public:
  Summarizer(ModuleOp module, func::FuncOp f) : symbols(module), f(f) {}
  ModelSummary run();

private:
  void markDataPath();
  void addInputRows(ModelSummary &s);
  LayerSummary summarizeGroup(ArrayRef<Operation *> group);
  std::string layerName(Operation *head);
  std::optional<QuantSummary> weightQuant(Operation *head);
  std::optional<QuantSummary> outputQuant(Value out, Operation *last);
  int64_t countParams(ArrayRef<Operation *> group);

  SymbolTable symbols;
  func::FuncOp f;
  DenseSet<Value> data;
  llvm::StringMap<unsigned> kindCounts;
};
} // namespace

/// Ops that quantize a value rather than compute a layer.
static bool isQuantizer(Operation *op) {
  return isa<ObserveOp, FakeQuantOp, QuantizeOp, DequantizeOp,
             quant::StorageCastOp, StoreOp, func::ReturnOp>(op);
}

static StringRef kindOf(Operation *op) {
  StringRef name = op->getName().getStringRef();
  return name.drop_until([](char c) { return c == '.'; }).drop_front();
}

void Summarizer::markDataPath() {
  for (BlockArgument arg : f.getArguments())
    data.insert(arg);
  f.walk([&](Operation *op) {
    if (llvm::any_of(op->getOperands(),
                     [&](Value v) { return data.contains(v); }))
      data.insert(op->result_begin(), op->result_end());
  });
}

std::string Summarizer::layerName(Operation *head) {
  if (auto loc = dyn_cast<NameLoc>(head->getLoc()))
    return loc.getName().str();
  if (isa<LinearOp, Conv2dOp, BatchNormOp, QLinearOp, QConv2dOp>(head)) {
    // Through the weight's fake-quant, ConvBn scaling or storage cast.
    Value w = head->getOperand(1);
    while (Operation *def = w.getDefiningOp()) {
      if (isa<FakeQuantOp, quant::StorageCastOp, MulOp>(def))
        w = def->getOperand(0);
      else
        break;
    }
    if (auto load = w.getDefiningOp<LoadOp>()) {
      StringRef sym = load.getName();
      for (StringRef suffix : {".weight_q", ".weight"})
        if (sym.consume_back(suffix))
          break;
      return sym.str();
    }
  }
  StringRef kind = kindOf(head);
  return (kind + "_" + Twine(kindCounts[kind]++)).str();
}

std::optional<QuantSummary> Summarizer::weightQuant(Operation *head) {
  if (!isa<LinearOp, Conv2dOp, QLinearOp, QConv2dOp>(head))
    return std::nullopt;
  Value w = head->getOperand(1);
  if (auto fq = w.getDefiningOp<FakeQuantOp>())
    return describeFakeQuant(fq, symbols);
  return describeQuantType(w.getType());
}

std::optional<QuantSummary> Summarizer::outputQuant(Value out,
                                                    Operation *last) {
  if (auto q = describeQuantType(out.getType()))
    return q;
  for (Operation *user : out.getUsers()) {
    if (auto fq = dyn_cast<FakeQuantOp>(user); fq && fq.getInput() == out)
      return describeFakeQuant(fq, symbols);
    if (auto q = dyn_cast<QuantizeOp>(user))
      return describeQuantType(q.getType());
  }
  // Pass-through ops keep the qparams of their (fake-quantized) input.
  while (last && isa<MaxPool2dOp, FlattenOp, ReshapeOp>(last)) {
    Value in = last->getOperand(0);
    if (auto fq = in.getDefiningOp<FakeQuantOp>()) {
      QuantSummary q = describeFakeQuant(fq, symbols);
      q.sameAsInput = true;
      return q;
    }
    last = in.getDefiningOp();
  }
  return std::nullopt;
}

/// Trainable parameter elements loaded off the data path by the group.
int64_t Summarizer::countParams(ArrayRef<Operation *> group) {
  llvm::SetVector<Operation *> seen;
  SmallVector<Value> work;
  for (Operation *op : group)
    for (Value v : op->getOperands())
      if (!data.contains(v))
        work.push_back(v);
  int64_t n = 0;
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !seen.insert(def))
      continue;
    if (auto load = dyn_cast<LoadOp>(def)) {
      auto param = symbols.lookup<ParamOp>(load.getName());
      if (param && param.isTrainable())
        n += param.getType().getNumElements();
      continue;
    }
    llvm::append_range(work, def->getOperands());
  }
  return n;
}

LayerSummary Summarizer::summarizeGroup(ArrayRef<Operation *> group) {
  Operation *head = group.front(), *last = group.back();
  LayerSummary l;
  l.name = layerName(head);
  l.op = kindOf(head).str();
  // The ConvBn rewrite's helper arithmetic is not a layer of its own.
  for (Operation *op : group.drop_front())
    if (!isa<AddOp, SubOp, MulOp, DivOp>(op))
      l.op += "+" + kindOf(op).str();
  if (auto t = dyn_cast<RankedTensorType>(last->getResult(0).getType()))
    l.shape.assign(t.getShape().begin(), t.getShape().end());
  l.params = countParams(group);
  l.weight = weightQuant(head);
  l.activation = outputQuant(last->getResult(0), last);
  return l;
}

void Summarizer::addInputRows(ModelSummary &s) {
  for (BlockArgument arg : f.getArguments()) {
    LayerSummary l;
    l.name = f.getNumArguments() == 1
                 ? "input"
                 : "input" + std::to_string(arg.getArgNumber());
    l.op = "input";
    if (auto t = dyn_cast<RankedTensorType>(arg.getType()))
      l.shape.assign(t.getShape().begin(), t.getShape().end());
    l.activation = outputQuant(arg, nullptr);
    s.layers.push_back(std::move(l));
  }
}

ModelSummary Summarizer::run() {
  markDataPath();
  ModelSummary s;
  s.entry = f.getName().str();
  addInputRows(s);
  // Group the data-path ops: an op whose data input a fused op made joins
  // that op's group.
  SmallVector<SmallVector<Operation *>> groups;
  DenseMap<Operation *, unsigned> groupOf;
  for (Operation &op : f.getBody().front()) {
    if (isQuantizer(&op) || op.getNumResults() == 0 ||
        llvm::none_of(op.getOperands(),
                      [&](Value v) { return data.contains(v); }))
      continue;
    Operation *def = op.getOperand(0).getDefiningOp();
    if (def && def->hasAttr(kFusedAttrName) && groupOf.count(def)) {
      groupOf[&op] = groupOf[def];
      groups[groupOf[def]].push_back(&op);
      continue;
    }
    groupOf[&op] = groups.size();
    groups.push_back({&op});
  }
  for (ArrayRef<Operation *> g : groups)
    s.layers.push_back(summarizeGroup(g));
  return s;
}

/// Module-wide totals: parameters, state, observers, and the model kind.
static void addTotals(ModuleOp module, func::FuncOp f, ModelSummary &s) {
  for (auto param : module.getOps<ParamOp>()) {
    RankedTensorType t = param.getType();
    if (!param.isTrainable()) {
      s.stateElements += t.getNumElements();
      continue;
    }
    s.params += t.getNumElements();
    s.paramBytes += t.getNumElements() * ((t.getElementTypeBitWidth() + 7) / 8);
  }
  SymbolTable symbols(module);
  f.walk([&](Operation *op) {
    if (auto fq = dyn_cast<FakeQuantOp>(op)) {
      s.kind = ModelKind::FakeQuant;
      if (!fq.getScale().getDefiningOp<ObserveOp>())
        return;
      ++s.observers;
      s.observedObservers += describeFakeQuant(fq, symbols).observed;
    }
    if (isa<QuantizeOp, QLinearOp, QConv2dOp>(op))
      s.kind = ModelKind::Int8;
  });
}

FailureOr<ModelSummary> qat::summarizeModel(ModuleOp module, StringRef entry) {
  auto f = module.lookupSymbol<func::FuncOp>(entry);
  if (!f || f.isExternal())
    return module.emitError() << "no function @" << entry << " with a body";
  ModelSummary s = Summarizer(module, f).run();
  addTotals(module, f, s);
  return s;
}

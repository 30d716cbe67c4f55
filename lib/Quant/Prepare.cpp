//===- Prepare.cpp - insert fake-quant ops and observers (prepare_qat) ----===//

#include "qat/Numerics/QParams.h"
#include "qat/Quant/Passes.h"
#include "qat/Quant/Presets.h"

#include "Qat/IR/QatOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/EquivalenceClasses.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>

namespace mlir::qat {
#define GEN_PASS_DEF_PREPARE
#include "qat/Quant/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
/// One --qat-prepare override: a selector and the settings it applies.
struct Override {
  std::string text;
  std::string name; ///< Selects by op name, if set.
  std::string kind; ///< Selects by op kind ("linear"), if set.
  bool skip = false;
  SmallVector<std::pair<std::string, std::string>> settings;
  bool used = false;
};

/// The module-level symbols behind one fake-quant: observer state, or the
/// trainable qparams of a learnable spec.
struct QuantState {
  std::string min, max;
  std::string scale, zeroPoint;
};

/// What prepare decided for one op.
struct OpConfig {
  bool skip = false;
  QuantSpecConfig act;
  QuantSpecConfig weight;
};

/// What prepare decides for one function before it inserts anything: which
/// float values are quantized, and which of them are fake-quant points (a
/// new quantization of a value) rather than passed through.
struct FunctionPlan {
  DenseSet<Value> quantized;
  /// The points in order, each with its producer (null for an argument).
  SmallVector<std::pair<Value, Operation *>> points;
  /// Pass-through ops map their result to the point they inherit from.
  DenseMap<Value, Value> sourcePoint;
  /// Points that share one observer (the inputs and output of a concat).
  llvm::EquivalenceClasses<void *> groups;
  DenseMap<Value, OpConfig> pointConfig;
  /// The linear and conv2d ops whose weights get a fake-quant.
  SmallVector<std::pair<Operation *, OpConfig>> weightOps;
  /// isParamDerived's answers so far.
  DenseMap<Value, bool> paramDerived;

  /// Values computed from parameters alone (weights, BN factors) are not
  /// activations.
  bool isParamDerived(Value v) {
    auto it = paramDerived.find(v);
    if (it != paramDerived.end())
      return it->second;
    Operation *def = v.getDefiningOp();
    // Constants (no operands) count as parameters too.
    bool result = def && (isa<LoadOp>(def) ||
                          llvm::all_of(def->getOperands(), [&](Value operand) {
                            return isParamDerived(operand);
                          }));
    return paramDerived[v] = result;
  }

  bool isActivation(Value v) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    return t && isa<FloatType>(t.getElementType()) && !isParamDerived(v);
  }

  void addPoint(Value v, Operation *producer, const OpConfig &c) {
    points.push_back({v, producer});
    sourcePoint[v] = v;
    groups.insert(v.getAsOpaquePointer());
    pointConfig[v] = c;
    quantized.insert(v);
  }
};
} // namespace

static StringRef kindOf(Operation *op) {
  if (isa<FunctionOpInterface>(op))
    return "input";
  return op->getName().stripDialect();
}

static FailureOr<bool> parseBool(StringRef v) {
  if (v == "true" || v == "1" || v.empty())
    return true;
  if (v == "false" || v == "0")
    return false;
  return failure();
}

/// Applies `key=value` to a spec config; returns an error message or "".
static std::string applySetting(QuantSpecConfig &c, StringRef key,
                                StringRef value, bool isActivation) {
  if (key == "dtype") {
    // i2..i8 (signed) or ui2..ui8: docs/numerics.md#low-bit-widths.
    StringRef bits = value;
    bool isUnsigned = bits.consume_front("ui");
    unsigned n = 0;
    if ((!isUnsigned && !bits.consume_front("i")) || bits.getAsInteger(10, n) ||
        n < 2 || n > 8)
      return "dtype must be i2 to i8 or ui2 to ui8, got '" + value.str() + "'";
    c.setDtype(isUnsigned, n);
    return "";
  }
  if (key == "observer") {
    std::optional<ObserverKind> k = symbolizeObserverKind(value);
    if (!k || *k == ObserverKind::none)
      return "observer must be minmax, moving_average or ema, got '" +
             value.str() +
             "' (observer none needs given qparams, as an "
             "imported QDQ model has)";
    c.observer = *k;
    return "";
  }
  FailureOr<bool> b = parseBool(value);
  if (failed(b))
    return key.str() + " must be true or false, got '" + value.str() + "'";
  if (key == "per-channel") {
    if (*b && isActivation)
      return "activations are quantized per tensor; per-channel applies to "
             "weights (weight.per-channel)";
    c.perChannel = *b;
  } else if (key == "symmetric")
    c.symmetric = *b;
  else if (key == "learnable")
    c.learnable = *b;
  else if (key == "grad-scaling")
    c.learnable = c.learnable || *b, c.gradScaling = *b;
  else if (key == "reduce-range")
    c.setReduceRange(*b); // PyTorch's reduce_range: e.g. uint8 [0, 127]
  else if (key == "narrow-range")
    c.setNarrowRange(*b);
  else
    return "unknown setting '" + key.str() +
           "' (known: skip, act./weight. dtype, per-channel, symmetric, "
           "observer, learnable, grad-scaling, reduce-range, narrow-range)";
  return "";
}

namespace {
class Preparer {
public:
  Preparer(ModuleOp module, QuantPreset preset, SmallVector<Override> overrides,
           bool training, bool report)
      : module(module), symbols(module), preset(std::move(preset)),
        overrides(std::move(overrides)), training(training), report(report) {}

  LogicalResult run();

private:
  LogicalResult prepareFunction(func::FuncOp func);
  /// Makes the float arguments of a function without quant/dequant stubs
  /// points: the whole graph is quantized.
  LogicalResult planArguments(func::FuncOp func, FunctionPlan &plan);
  /// Decides whether `op` is in a quantized region and what happens to its
  /// results there.
  LogicalResult planOp(Operation *op, FunctionPlan &plan);
  /// planOp for an op inside a quantized region that produces a float
  /// tensor, configured by `config`.
  void planQuantizedOp(Operation *op, const OpConfig &config,
                       FunctionPlan &plan);
  /// Records the weights of a linear/conv2d `op` for a fake-quant.
  void planWeights(Operation *op, const OpConfig &config, FunctionPlan &plan);
  /// Inserts the weight fake-quants the plan records.
  void insertWeightFakeQuants(const FunctionPlan &plan);
  /// Inserts observe + fake_quant at every point, one observer state per
  /// group of points.
  void insertActivationFakeQuants(func::FuncOp func, FunctionPlan &plan);
  std::string getOpName(Operation *op);
  FailureOr<OpConfig> getConfig(Operation *op);
  /// The config of `op`, with the activation spec and skip of the first op
  /// of its fused group: a fused group's output is configured by its head.
  FailureOr<OpConfig> getGroupConfig(Operation *op);
  /// Observer state (+inf/-inf) for a tensor quantized as `spec`.
  QuantState createState(StringRef base, RankedTensorType valueType,
                         QSpecAttr spec);
  /// Inserts observe + fake_quant on `v` at `b`'s insertion point.
  Value insertFakeQuant(OpBuilder &b, Location loc, Value v, QSpecAttr spec,
                        const QuantState &state);
  static std::optional<StringRef> whyFloat(Operation *op);
  void checkOverflow(Operation *op, const OpConfig &config);

  ModuleOp module;
  SymbolTable symbols;
  QuantPreset preset;
  SmallVector<Override> overrides;
  bool training;
  bool report;
  llvm::StringMap<unsigned> nameCounts;
  DenseMap<Operation *, std::string> names;
  /// "name (kind)" of every op an override could select, in order.
  SmallVector<std::string> seenOps;
  llvm::StringSet<> seenSet;
  std::string reportText;
};
} // namespace

/// The user-visible name of an op: its location name, else the prefix of
/// its weight parameter (`fc1` for `@fc1.weight`), else `<kind>_<n>`.
std::string Preparer::getOpName(Operation *op) {
  auto it = names.find(op);
  if (it != names.end())
    return it->second;
  std::string name;
  if (isa<FunctionOpInterface>(op))
    name = "input";
  else if (auto loc = dyn_cast<NameLoc>(op->getLoc()))
    name = loc.getName().str();
  if (name.empty() && isa<LinearOp, Conv2dOp, BatchNormOp>(op)) {
    Value w = op->getOperand(1);
    if (auto mul = w.getDefiningOp<MulOp>())
      if (mul->hasAttr(kBnFoldedWeightAttrName))
        w = mul.getLhs();
    if (auto load = w.getDefiningOp<LoadOp>()) {
      StringRef sym = load.getName();
      name = sym.ends_with(".weight") ? sym.drop_back(7).str() : sym.str();
    }
  }
  if (name.empty())
    name = (kindOf(op) + "_" + Twine(nameCounts[kindOf(op)]++)).str();
  names[op] = name;
  return name;
}

/// The first op of the fused group that ends at `op` (or `op`).
static Operation *getGroupHead(Operation *op) {
  while (op->getNumOperands() > 0) {
    Operation *def = op->getOperand(0).getDefiningOp();
    if (!def || !def->hasAttr(kFusedAttrName))
      break;
    op = def;
  }
  return op;
}

FailureOr<OpConfig> Preparer::getConfig(Operation *op) {
  OpConfig c;
  c.act = preset.activation;
  c.weight = isa<Conv2dOp>(op) ? preset.convWeight : preset.linearWeight;
  std::string name = getOpName(op);
  std::string seen = name + " (" + kindOf(op).str() + ")";
  if (seenSet.insert(seen).second)
    seenOps.push_back(seen);
  for (Override &o : overrides) {
    bool match = (o.name.empty() && o.kind.empty()) ||
                 (!o.name.empty() && o.name == name) ||
                 (!o.kind.empty() && o.kind == kindOf(op));
    if (!match)
      continue;
    o.used = true;
    c.skip |= o.skip;
    for (auto &[key, value] : o.settings) {
      StringRef k = key;
      SmallVector<std::pair<QuantSpecConfig *, bool>> targets;
      if (k.consume_front("act."))
        targets = {{&c.act, true}};
      else if (k.consume_front("weight."))
        targets = {{&c.weight, false}};
      else if (k == "per-channel")
        targets = {{&c.weight, false}};
      else
        targets = {{&c.act, true}, {&c.weight, false}};
      for (auto [t, isAct] : targets) {
        std::string err = applySetting(*t, k, value, isAct);
        if (!err.empty())
          return module.emitError("qat-prepare: override '")
                 << o.text << "': " << err;
      }
    }
  }
  return c;
}

FailureOr<OpConfig> Preparer::getGroupConfig(Operation *op) {
  Operation *head = getGroupHead(op);
  FailureOr<OpConfig> config = getConfig(op);
  if (failed(config))
    return failure();
  if (head != op) {
    FailureOr<OpConfig> headConfig = getConfig(head);
    if (failed(headConfig))
      return failure();
    config->act = headConfig->act;
    config->skip |= headConfig->skip;
  }
  return config;
}

QuantState Preparer::createState(StringRef base, RankedTensorType valueType,
                                 QSpecAttr spec) {
  int64_t channels =
      spec.isPerChannel() ? valueType.getDimSize(*spec.getAxis()) : 1;
  auto stateType =
      RankedTensorType::get({channels}, Float32Type::get(module.getContext()));
  auto add = [&](StringRef suffix, float init, bool state) {
    return createModuleParam(module, symbols, (base + suffix).str(),
                             DenseElementsAttr::get(stateType, init), state)
        .getSymName()
        .str();
  };
  QuantState q;
  if (spec.getLearnable()) {
    // LSQ: scale and zero point are trainable parameters.
    float zp0 =
        spec.getSymmetric()
            ? static_cast<float>(runtime::getSymmetricZeroPoint(
                  {spec.getQmin(), spec.getQmax(), true, spec.isUnsigned()}))
            : static_cast<float>(spec.getQmin());
    q.scale = add(".scale", 1.0f, false);
    q.zeroPoint = add(".zero_point", zp0, false);
    return q;
  }
  float inf = std::numeric_limits<float>::infinity();
  q.min = add(".min", inf, true);
  q.max = add(".max", -inf, true);
  return q;
}

Value Preparer::insertFakeQuant(OpBuilder &b, Location loc, Value v,
                                QSpecAttr spec, const QuantState &state) {
  auto type = cast<RankedTensorType>(v.getType());
  int64_t channels = spec.isPerChannel() ? type.getDimSize(*spec.getAxis()) : 1;
  auto stateType = RankedTensorType::get({channels}, b.getF32Type());
  auto zpType = RankedTensorType::get({channels}, b.getI32Type());
  if (spec.getLearnable()) {
    Value sv = LoadOp::create(b, loc, stateType, state.scale);
    Value zv = LoadOp::create(b, loc, stateType, state.zeroPoint);
    return FakeQuantOp::create(b, loc, type, v, sv, zv, spec);
  }
  Value mn = LoadOp::create(b, loc, stateType, state.min);
  Value mx = LoadOp::create(b, loc, stateType, state.max);
  auto obs = ObserveOp::create(
      b, loc, TypeRange{stateType, zpType, stateType, stateType}, v, mn, mx,
      spec, training ? b.getUnitAttr() : UnitAttr());
  if (training) {
    StoreOp::create(b, loc, obs.getNewMin(), state.min);
    StoreOp::create(b, loc, obs.getNewMax(), state.max);
  }
  return FakeQuantOp::create(b, loc, type, v, obs.getScale(),
                             obs.getZeroPoint(), spec);
}

/// Why `op` stays float on every target qat has int8 kernels for, if it
/// does.
std::optional<StringRef> Preparer::whyFloat(Operation *op) {
  if (isa<SoftmaxOp>(op))
    return StringRef("softmax has no int8 kernel (exp/normalize in float)");
  if (isa<SubOp, DivOp>(op))
    return StringRef("no int8 kernel for element-wise sub/div");
  return std::nullopt;
}

void Preparer::checkOverflow(Operation *op, const OpConfig &c) {
  int64_t k = 0;
  if (auto lin = dyn_cast<LinearOp>(op))
    k = lin.getWeight().getType().getDimSize(1);
  else if (auto conv = dyn_cast<Conv2dOp>(op)) {
    auto w = conv.getWeight().getType();
    k = w.getDimSize(1) * w.getDimSize(2) * w.getDimSize(3);
  }
  if (k <= 0)
    return;
  int64_t actWidth = c.act.qmax - c.act.qmin;
  int64_t wMax = std::max(std::abs(c.weight.qmin), std::abs(c.weight.qmax));
  double worst = double(k) * double(actWidth) * double(wMax);
  if (worst > double(std::numeric_limits<int32_t>::max())) {
    std::string msg;
    llvm::raw_string_ostream os(msg);
    os << "int32 accumulator may overflow: K = " << k << " products of up to "
       << actWidth << " * " << wMax << " reach " << static_cast<int64_t>(worst)
       << " > 2^31 - 1";
    op->emitWarning() << msg;
    reportText += "  " + getOpName(op) + " (" + kindOf(op).str() +
                  "): warning: " + msg + "\n";
  }
}

LogicalResult Preparer::prepareFunction(func::FuncOp func) {
  FunctionPlan plan;
  if (failed(planArguments(func, plan)))
    return failure();
  for (Operation &op : func.getBody().front())
    if (failed(planOp(&op, plan)))
      return failure();
  insertWeightFakeQuants(plan);
  insertActivationFakeQuants(func, plan);
  return success();
}

LogicalResult Preparer::planArguments(func::FuncOp func, FunctionPlan &plan) {
  bool hasStubs = false;
  func.walk([&](QuantStubOp) { hasStubs = true; });
  if (hasStubs)
    return success();
  // Function inputs are configured like an op of kind and name "input".
  FailureOr<OpConfig> inputConfig = getConfig(func);
  if (failed(inputConfig))
    return failure();
  reportText += "  @" + func.getName().str() +
                ": no quant/dequant stubs, the whole graph is quantized\n";
  for (BlockArgument arg : func.getBody().front().getArguments()) {
    // A loss target is not a model input.
    bool feedsModel = llvm::any_of(arg.getUsers(), [](Operation *user) {
      return !isa<CrossEntropyOp, MseOp>(user);
    });
    if (plan.isActivation(arg) && feedsModel)
      plan.addPoint(arg, nullptr, *inputConfig);
  }
  return success();
}

LogicalResult Preparer::planOp(Operation *op, FunctionPlan &plan) {
  if (isa<LoadOp, StoreOp, ObserveOp, FakeQuantOp, func::ReturnOp>(op))
    return success();
  if (auto stub = dyn_cast<QuantStubOp>(op)) {
    if (plan.quantized.contains(stub.getInput()))
      return stub.emitOpError("is inside a quantized region: quant/dequant "
                              "stub pairs must not nest");
    FailureOr<OpConfig> config = getConfig(op);
    if (failed(config))
      return failure();
    plan.addPoint(stub.getResult(), op, *config);
    return success();
  }
  if (auto stub = dyn_cast<DequantStubOp>(op)) {
    if (!plan.quantized.contains(stub.getInput()))
      return stub.emitOpError("has no matching quant_stub: its input is "
                              "not in a quantized region");
    return success();
  }
  if (isa<CrossEntropyOp, MseOp>(op))
    return success();
  // In the region if any activation input is.
  bool anyIn = false, anyOut = false;
  for (Value v : op->getOperands()) {
    if (!plan.isActivation(v))
      continue;
    (plan.quantized.contains(v) ? anyIn : anyOut) = true;
  }
  if (!anyIn)
    return success();
  if (anyOut)
    return op->emitOpError("mixes quantized and float inputs; put a "
                           "qat.quant_stub on the float one");

  if (op->getNumResults() == 0 || !plan.isActivation(op->getResult(0)))
    return op->emitOpError("consumes quantized values but produces no "
                           "float tensor; qat-prepare cannot place it");
  FailureOr<OpConfig> config = getGroupConfig(op);
  if (failed(config))
    return failure();
  planQuantizedOp(op, *config, plan);
  return success();
}

void Preparer::planQuantizedOp(Operation *op, const OpConfig &config,
                               FunctionPlan &plan) {
  std::string name = getOpName(op);
  if (config.skip) {
    reportText += "  " + name + " (" + kindOf(op).str() +
                  "): stays float: skipped by an override\n";
    if (report)
      op->emitRemark() << "stays float: skipped by an override";
    // Its consumers get a fresh quantization of its result.
    for (Value r : op->getResults())
      if (plan.isActivation(r))
        plan.addPoint(r, op, config);
    return;
  }
  if (op->hasAttr(kFusedAttrName)) {
    // Inside a fused group: the group's last op is quantized.
    planWeights(op, config, plan);
    for (Value r : op->getResults())
      plan.quantized.insert(r);
    return;
  }
  if (std::optional<StringRef> why = whyFloat(op)) {
    reportText += "  " + name + " (" + kindOf(op).str() + "): stays float on " +
                  preset.target + ": " + why->str() + "\n";
    if (report)
      op->emitRemark() << "stays float on " << preset.target << ": " << *why;
    if (!op->hasAttr(kFusedAttrName))
      plan.addPoint(op->getResult(0), op, config);
    return;
  }
  planWeights(op, config, plan);
  if (isa<MaxPool2dOp, FlattenOp, ReshapeOp>(op)) {
    // Same qparams as the input.
    plan.sourcePoint[op->getResult(0)] =
        plan.sourcePoint.lookup(op->getOperand(0));
    plan.quantized.insert(op->getResult(0));
    return;
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    // All inputs and the output share one observer.
    Value first = plan.sourcePoint.lookup(concat.getInputs().front());
    for (Value in : concat.getInputs())
      plan.groups.unionSets(first.getAsOpaquePointer(),
                            plan.sourcePoint.lookup(in).getAsOpaquePointer());
    plan.sourcePoint[concat.getResult()] = first;
    plan.quantized.insert(concat.getResult());
    return;
  }
  plan.addPoint(op->getResult(0), op, config);
}

void Preparer::planWeights(Operation *op, const OpConfig &config,
                           FunctionPlan &plan) {
  if (!isa<LinearOp, Conv2dOp>(op))
    return;
  plan.weightOps.push_back({op, config});
  checkOverflow(op, config);
}

void Preparer::insertWeightFakeQuants(const FunctionPlan &plan) {
  MLIRContext *ctx = module.getContext();
  for (auto &[op, config] : plan.weightOps) {
    OpBuilder b(op);
    Value w = op->getOperand(1);
    QSpecAttr spec = config.weight.toAttr(ctx, /*axis=*/0);
    QuantState state = createState(getOpName(op) + ".weight_fq",
                                   cast<RankedTensorType>(w.getType()), spec);
    op->setOperand(1, insertFakeQuant(b, op->getLoc(), w, spec, state));
    reportText += "  " + getOpName(op) + " (" + kindOf(op).str() +
                  "): int8, weight " +
                  (spec.isPerChannel() ? "per-channel" : "per-tensor") + "\n";
  }
}

void Preparer::insertActivationFakeQuants(func::FuncOp func,
                                          FunctionPlan &plan) {
  MLIRContext *ctx = module.getContext();
  DenseMap<void *, QuantState> groupState;
  for (auto &[v, producer] : plan.points) {
    const OpConfig &config = plan.pointConfig[v];
    QSpecAttr spec = config.act.toAttr(ctx, 0);
    void *leader = plan.groups.getLeaderValue(v.getAsOpaquePointer());
    std::string base =
        producer
            ? getOpName(getGroupHead(producer)) + ".out_fq"
            : "input" + std::to_string(cast<BlockArgument>(v).getArgNumber()) +
                  "_fq";
    auto it = groupState.find(leader);
    if (it == groupState.end())
      it = groupState
               .insert({leader,
                        createState(base, cast<RankedTensorType>(v.getType()),
                                    spec)})
               .first;
    const QuantState &state = it->second;
    OpBuilder b(ctx);
    if (producer)
      b.setInsertionPointAfter(producer);
    else
      b.setInsertionPointToStart(&func.getBody().front());
    Location loc = producer ? producer->getLoc() : func.getLoc();
    // Every existing use reads the fake-quantized value; the observer and
    // fake_quant created here read the raw one.
    SmallVector<OpOperand *> uses =
        llvm::map_to_vector(v.getUses(), [](OpOperand &use) { return &use; });
    Value fq = insertFakeQuant(b, loc, v, spec, state);
    for (OpOperand *use : uses)
      use->set(fq);
  }
}

/// Prepare takes a float model: in a prepared one it would quantize the
/// inputs a second time (and convert would leave one fake-quant behind),
/// an int8 one has nothing left to prepare.
static LogicalResult checkFloatModel(ModuleOp module) {
  WalkResult walk = module.walk([](Operation *op) {
    if (isa<FakeQuantOp, ObserveOp>(op)) {
      op->emitOpError("shows that the model is already prepared (or "
                      "imported with its quantization): qat-prepare takes a "
                      "float model; train this one as it is");
      return WalkResult::interrupt();
    }
    if (isa<QuantizeOp>(op)) {
      op->emitOpError("shows that the model is already converted to int8: "
                      "qat-prepare takes a float model");
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

LogicalResult Preparer::run() {
  if (failed(checkFloatModel(module)))
    return failure();
  for (auto func : llvm::make_early_inc_range(module.getOps<func::FuncOp>())) {
    if (func.isExternal())
      continue;
    if (!llvm::hasSingleElement(func.getBody()))
      return func.emitOpError("qat-prepare expects single-block functions");
    if (failed(prepareFunction(func)))
      return failure();
  }
  for (const Override &o : overrides)
    if (!o.used)
      // At the model, without dumping it: the option is what to fix.
      return emitError(module.getLoc())
             << "--qat-prepare: override '" << o.text
             << "' selects no op of this model (its ops: "
             << llvm::join(seenOps, ", ") << ")";
  if (report)
    llvm::errs() << "qat-prepare report (preset " << preset.name << ", target "
                 << preset.target << "):\n"
                 << reportText;
  return success();
}

/// Parses one override (SELECTOR:KEY[=VALUE]:...), or returns why not.
static FailureOr<Override> parseOverride(StringRef text, std::string &err) {
  Override o;
  o.text = text.str();
  SmallVector<StringRef> parts;
  text.split(parts, ':');
  StringRef sel = parts.front();
  if (sel.consume_front("name=") && !sel.empty())
    o.name = sel.str();
  else if (sel.consume_front("kind=") && !sel.empty())
    o.kind = sel.str();
  else if (sel != "*") {
    err = "the selector must be name=NAME, kind=KIND or * (with a non-empty "
          "NAME/KIND)";
    return failure();
  }
  for (StringRef part : ArrayRef(parts).drop_front()) {
    auto [key, value] = part.split('=');
    if (key == "skip") {
      FailureOr<bool> b = parseBool(value);
      if (failed(b)) {
        err = "skip must be true or false";
        return failure();
      }
      o.skip = *b;
      continue;
    }
    // Validate now so that a typo fails even if the op is never seen.
    QuantSpecConfig probe;
    StringRef bare = key;
    bool isAct = bare.consume_front("act.");
    if (!isAct)
      bare.consume_front("weight.");
    err = applySetting(probe, bare, value, isAct);
    if (!err.empty())
      return failure();
    o.settings.push_back({key.str(), value.str()});
  }
  if (o.settings.empty() && !o.skip) {
    err = "sets nothing";
    return failure();
  }
  return o;
}

namespace {
struct PreparePass : qat::impl::PrepareBase<PreparePass> {
  using PrepareBase::PrepareBase;

  /// The option values are checked before any IR is seen, so a mistyped one
  /// is reported as the option it is, not at the model.
  LogicalResult initialize(MLIRContext *ctx) override {
    parsedPreset = lookupPreset(preset);
    if (!parsedPreset)
      return emitError(UnknownLoc::get(ctx))
             << "--qat-prepare: unknown preset '" << preset
             << "' (known: " << getPresetNames() << ")";
    parsedOverrides.clear();
    for (const std::string &text : overrides) {
      std::string err;
      FailureOr<Override> o = parseOverride(text, err);
      if (failed(o))
        return emitError(UnknownLoc::get(ctx))
               << "--qat-prepare: override '" << text
               << (err == "sets nothing" ? "' " : "': ") << err;
      parsedOverrides.push_back(std::move(*o));
    }
    return success();
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<QuantPreset> p = parsedPreset;
    SmallVector<Override> parsed = parsedOverrides;
    Preparer preparer(module, *p, std::move(parsed), training, report);
    if (failed(preparer.run()))
      return signalPassFailure();
    // The preset's requant, for --qat-convert="requant=auto": a module
    // attribute survives training (the model file is written back whole)
    // and needs nothing from the ops prepare inserts.
    if (p->requant == RequantKind::Float)
      module->removeAttr(kRequantAttrName);
    else
      module->setAttr(kRequantAttrName,
                      RequantKindAttr::get(module.getContext(), p->requant));
  }

  std::optional<QuantPreset> parsedPreset;
  SmallVector<Override> parsedOverrides;
};
} // namespace

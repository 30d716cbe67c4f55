//===- GenerateTrainStep.cpp - forward, backward and optimizer step -------===//
//
// Reverse-mode differentiation of the model function, op by op, into qat
// backward ops (each op's GradientOpInterface rule, PyTorch's autograd
// formula for it), then one optimizer update per trainable parameter, all
// in one function.
//
//===----------------------------------------------------------------------===//

#include "qat/Autodiff/GradientInterfaceImpl.h"
#include "qat/Quant/Passes.h"
#include "qat/Quant/TrainStep.h"

#include "Qat/IR/QatInterfaces.h"
#include "Qat/IR/QatOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/SmallVectorExtras.h"

namespace mlir::qat {
#define GEN_PASS_DEF_GENERATETRAINSTEP
#include "qat/Quant/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
/// The gradient bookkeeping of the backward pass; the backward rules of the
/// ops (GradientOpInterface, lib/Autodiff) emit through it.
struct TrainStepBuilder final : GradientContext {
  TrainStepBuilder(ModuleOp module, OpBuilder &b) : module(module), b(b) {}

  ModuleOp module;
  OpBuilder &b;
  /// Gradient of each value that has one.
  DenseMap<Value, Value> grads;
  /// Gradient of each trainable parameter, by symbol (summed over loads).
  llvm::MapVector<StringRef, Value> paramGrads;

  OpBuilder &getBuilder() override { return b; }

  Value createSplat(RankedTensorType type, double v) override {
    return arith::ConstantOp::create(
        b, module.getLoc(),
        DenseElementsAttr::get(type, b.getFloatAttr(type.getElementType(), v)));
  }

  void accumulate(Location loc, Value v, Value g) override {
    if (!g)
      return;
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || !isa<FloatType>(t.getElementType()))
      return;
    if (g.getType() != v.getType())
      g = SumToShapeOp::create(b, loc, t, g);
    Value &slot = grads[v];
    slot = slot ? Value(AddOp::create(b, loc, t, slot, g)) : g;
  }

  void accumulateParam(Location loc, StringRef name, Value g) override {
    Value &slot = paramGrads[name];
    slot = slot ? Value(AddOp::create(b, loc, g.getType(), slot, g)) : g;
  }

  /// Emits the backward of `op` by its GradientOpInterface rule if its first
  /// result has a gradient.
  LogicalResult backward(Operation *op) {
    if (!op->getNumResults() || !grads.lookup(op->getResult(0)))
      return success();
    auto rule = dyn_cast<GradientOpInterface>(op);
    if (!rule)
      return op->emitOpError("has no gradient rule in qat-generate-train-step");
    SmallVector<Value> resultGrads = llvm::map_to_vector(
        op->getResults(), [&](Value r) { return grads.lookup(r); });
    return rule.emitGradient(*this, resultGrads);
  }
};

struct GenerateTrainStepPass
    : qat::impl::GenerateTrainStepBase<GenerateTrainStepPass> {
  using GenerateTrainStepBase::GenerateTrainStepBase;

  void getDependentDialects(DialectRegistry &registry) const override {
    GenerateTrainStepBase::getDependentDialects(registry);
    // The backward rules the pass asks for, in any context it runs in.
    registerGradientInterfaceExternalModels(registry);
  }

  /// The option values are checked before any IR is seen, so a mistyped one
  /// is reported as the option it is, not at the model.
  LogicalResult initialize(MLIRContext *ctx) override {
    if (loss != "cross_entropy" && loss != "mse")
      return emitError(UnknownLoc::get(ctx))
             << "--qat-generate-train-step: unknown loss '" << loss
             << "' (known: cross_entropy, mse)";
    if (optimizer != "sgd" && optimizer != "adam" && optimizer != "adamw")
      return emitError(UnknownLoc::get(ctx))
             << "--qat-generate-train-step: unknown optimizer '" << optimizer
             << "' (known: sgd, adam, adamw)";
    return success();
  }

  void runOnOperation() override;

private:
  /// The model function `entry`, once it is checked; null
  /// after a diagnostic otherwise.
  func::FuncOp getModelFunction();
  /// Clones the body of `forward` into `body` (whose first arguments are
  /// the model's) in training mode: batch norms on batch statistics and
  /// observers updating their state, both stored back unless frozen. Sets
  /// `output` to the model output; returns the cloned ops in order.
  SmallVector<Operation *> cloneForTraining(OpBuilder &b, func::FuncOp forward,
                                            Block *body, Value &output);
  /// Turns the train step being built into `@gradients`: no optimizer
  /// arguments; returns the loss and every input and parameter gradient.
  void turnIntoGradients(OpBuilder &b, TrainStepBuilder &tb, func::FuncOp step,
                         unsigned numModelArgs, Value lossValue);
  /// Emits the optimizer update of every parameter with a gradient, its
  /// state as `qat.param state @<param>.<name>` (the names qat-run reads).
  void emitOptimizerUpdates(OpBuilder &b, TrainStepBuilder &tb,
                            ArrayRef<Operation *> forwardOps, func::FuncOp step,
                            unsigned numModelArgs);
};
} // namespace

FailureOr<func::FuncOp> mlir::qat::createEvalFunction(ModuleOp module,
                                                      StringRef entry,
                                                      StringRef name) {
  auto forward = module.lookupSymbol<func::FuncOp>(entry);
  if (!forward || forward.isExternal())
    return module.emitError("no function @") << entry;
  if (auto existing = module.lookupSymbol<func::FuncOp>(name))
    return existing;
  OpBuilder b(forward);
  b.setInsertionPointAfter(forward);
  auto eval = cast<func::FuncOp>(b.clone(*forward));
  eval.setName(name);
  SmallVector<Operation *> dead;
  eval.walk([&](Operation *op) {
    if (auto bn = dyn_cast<BatchNormOp>(op))
      bn.setTraining(false);
    if (auto obs = dyn_cast<ObserveOp>(op))
      obs.setTraining(false);
    if (isa<StoreOp>(op))
      dead.push_back(op);
  });
  for (Operation *op : dead)
    op->erase();
  return eval;
}

/// Stores the state `obs` updates (at `b`, after it): its range, and the
/// qparams it holds, which follow the updated range (FakeQuantize's
/// buffers).
static void storeObserverState(OpBuilder &b, ObserveOp obs) {
  SmallVector<std::pair<Value, Value>> updates = {
      {obs.getMin(), obs.getNewMin()}, {obs.getMax(), obs.getNewMax()}};
  if (obs.holdsQParams())
    updates.append({{obs.getHeldScale(), obs.getScale()},
                    {obs.getHeldZeroPoint(), obs.getZeroPoint()}});
  for (auto [state, updated] : updates)
    if (auto load = state.getDefiningOp<LoadOp>())
      StoreOp::create(b, obs.getLoc(), updated, load.getNameAttr());
}

FailureOr<func::FuncOp> mlir::qat::createCalibrationFunction(ModuleOp module,
                                                             StringRef entry,
                                                             StringRef name) {
  FailureOr<func::FuncOp> calib = createEvalFunction(module, entry, name);
  if (failed(calib))
    return failure();
  // The evaluation twin with its observers updating: batch norms keep
  // normalizing with their running statistics.
  SmallVector<ObserveOp> observers(calib->getOps<ObserveOp>());
  for (ObserveOp obs : observers) {
    obs.setTraining(true);
    OpBuilder b(obs);
    b.setInsertionPointAfter(obs);
    storeObserverState(b, obs);
  }
  return calib;
}

/// Creates `qat.param state @name` of zeros of `type`, unless it exists.
static std::string getOrCreateState(ModuleOp module, SymbolTable &symbols,
                                    StringRef name, RankedTensorType type) {
  if (symbols.lookup(name))
    return name.str();
  auto zeros =
      DenseElementsAttr::get(type, FloatAttr::get(type.getElementType(), 0.0));
  return createModuleParam(module, symbols, name, zeros, /*state=*/true)
      .getSymName()
      .str();
}

func::FuncOp GenerateTrainStepPass::getModelFunction() {
  ModuleOp module = getOperation();
  auto forward = module.lookupSymbol<func::FuncOp>(entry);
  if (!forward || forward.isExternal()) {
    // At the model, without dumping it.
    emitError(module.getLoc())
        << "--qat-generate-train-step: no function @" << entry;
    return {};
  }
  if (!llvm::hasSingleElement(forward.getBody()) ||
      forward.getNumResults() != 1) {
    forward.emitOpError("must have one block and one result (the model "
                        "output) to generate a training step");
    return {};
  }
  // An int8 graph has no gradients (integer ops, frozen qparams): its
  // weights are trained in the fake-quant model it was converted from.
  WalkResult intOp = forward.walk([](Operation *op) {
    return llvm::any_of(op->getResultTypes(),
                        [](Type t) {
                          return isa<quant::QuantizedType>(
                              getElementTypeOrSelf(t));
                        })
               ? WalkResult::interrupt()
               : WalkResult::advance();
  });
  if (intOp.wasInterrupted()) {
    // At the function, without dumping it.
    emitError(forward.getLoc())
        << "@" << entry
        << " is an int8 model (converted by --qat-convert), which cannot be "
           "trained; train the fake-quant model it was converted from (the "
           "prepared or trained model) and convert that";
    return {};
  }
  if (module.lookupSymbol("train_step") || module.lookupSymbol("eval_step")) {
    emitError(module.getLoc()) << "--qat-generate-train-step: the module "
                                  "already has a @train_step or @eval_step";
    return {};
  }
  // The loss and its gradient are float tensor ops.
  auto outType = dyn_cast<RankedTensorType>(forward.getResultTypes()[0]);
  if (!outType || !isa<FloatType>(outType.getElementType())) {
    forward.emitOpError("returns ")
        << forward.getResultTypes()[0]
        << "; the loss needs a ranked tensor of floats";
    return {};
  }
  if (loss == "cross_entropy" && outType.getRank() != 2) {
    forward.emitOpError("returns ")
        << outType << "; cross_entropy needs [N, classes] logits";
    return {};
  }
  return forward;
}

SmallVector<Operation *>
GenerateTrainStepPass::cloneForTraining(OpBuilder &b, func::FuncOp forward,
                                        Block *body, Value &output) {
  IRMapping map;
  for (unsigned i = 0, e = forward.getNumArguments(); i < e; ++i)
    map.map(forward.getArgument(i), body->getArgument(i));
  SmallVector<Operation *> forwardOps;
  for (Operation &op : forward.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      output = map.lookup(ret.getOperand(0));
      break;
    }
    Operation *clone = b.clone(op, map);
    forwardOps.push_back(clone);
    if (auto bn = dyn_cast<BatchNormOp>(clone)) {
      // Frozen: normalize with (and keep) the running statistics.
      bn.setTraining(!freezeBn);
      if (!freezeBn) {
        bn.setTraining(true);
        // Write the updated running statistics back.
        for (auto [stat, updated] :
             {std::pair{bn.getRunningMean(), bn.getNewRunningMean()},
              {bn.getRunningVar(), bn.getNewRunningVar()}})
          if (auto load = stat.getDefiningOp<LoadOp>())
            StoreOp::create(b, bn.getLoc(), updated, load.getNameAttr());
      }
    }
    if (auto obs = dyn_cast<ObserveOp>(clone)) {
      bool wasTraining = obs.getTraining();
      obs.setTraining(!freezeObservers);
      if (!freezeObservers && !wasTraining)
        storeObserverState(b, obs);
    }
  }
  // Frozen observers must not write their state.
  if (freezeObservers)
    for (Operation *op : forwardOps)
      if (auto store = dyn_cast<StoreOp>(op))
        if (store.getValue().getDefiningOp<ObserveOp>())
          store.erase();
  forwardOps.erase(
      llvm::remove_if(forwardOps,
                      [](Operation *op) { return op->getBlock() == nullptr; }),
      forwardOps.end());
  return forwardOps;
}

void GenerateTrainStepPass::turnIntoGradients(OpBuilder &b,
                                              TrainStepBuilder &tb,
                                              func::FuncOp step,
                                              unsigned numModelArgs,
                                              Value lossValue) {
  // Loss, then the gradient of every float model input and of every
  // trainable parameter in module order (zeros if it has none).
  Block *body = &step.getBody().front();
  SmallVector<Value> outs = {lossValue};
  for (unsigned i = 0; i < numModelArgs; ++i) {
    Value arg = body->getArgument(i);
    auto t = dyn_cast<RankedTensorType>(arg.getType());
    if (!t || !isa<FloatType>(t.getElementType()))
      continue;
    Value g = tb.grads.lookup(arg);
    outs.push_back(g ? g : tb.createSplat(t, 0.0));
  }
  for (auto param : getOperation().getOps<ParamOp>()) {
    if (!param.isTrainable() ||
        !isa<FloatType>(param.getType().getElementType()))
      continue;
    Value g = tb.paramGrads.lookup(param.getSymName());
    outs.push_back(g ? g : tb.createSplat(param.getType(), 0.0));
  }
  bool adam = optimizer != "sgd";
  func::ReturnOp::create(b, step.getLoc(), outs);
  step.setFunctionType(
      b.getFunctionType(step.getArgumentTypes().drop_back(adam ? 3 : 1),
                        ValueRange(outs).getTypes()));
  body->eraseArguments(adam ? numModelArgs + 1 : numModelArgs + 1,
                       adam ? 3 : 1);
  step.setName("gradients");
}

void GenerateTrainStepPass::emitOptimizerUpdates(
    OpBuilder &b, TrainStepBuilder &tb, ArrayRef<Operation *> forwardOps,
    func::FuncOp step, unsigned numModelArgs) {
  // Optimizer updates, in place. The update reads the parameter through the
  // forward pass's load when there is one: with a single view of the global,
  // bufferization sees every read of the old value and can write the update
  // into the global itself once the backward pass is done with it.
  ModuleOp module = getOperation();
  Location loc = step.getLoc();
  Block *body = &step.getBody().front();
  Value lr = body->getArgument(numModelArgs + 1);
  bool adam = optimizer != "sgd";
  SymbolTable symbols(module);
  for (auto [name, grad] : tb.paramGrads) {
    auto type = cast<RankedTensorType>(grad.getType());
    Value p;
    for (Operation *op : forwardOps)
      if (auto load = dyn_cast<LoadOp>(op))
        if (load.getName() == name && load.getType() == type)
          p = load.getResult();
    if (!p)
      p = LoadOp::create(b, loc, type, name);
    if (!adam) {
      Value buf;
      std::string bufName;
      if (momentum != 0.0) {
        bufName = getOrCreateState(module, symbols,
                                   (name + ".momentum_buffer").str(), type);
        buf = LoadOp::create(b, loc, type, bufName);
      } else {
        buf = tb.createSplat(type, 0.0);
      }
      auto upd = SgdUpdateOp::create(b, loc, TypeRange{type, type}, p, grad,
                                     buf, lr, b.getF64FloatAttr(momentum),
                                     b.getF64FloatAttr(dampening),
                                     b.getF64FloatAttr(weightDecay),
                                     nesterov ? b.getUnitAttr() : UnitAttr());
      StoreOp::create(b, loc, upd.getNewParam(), name);
      if (!bufName.empty())
        StoreOp::create(b, loc, upd.getNewMomentumBuffer(), bufName);
      continue;
    }
    std::string m =
        getOrCreateState(module, symbols, (name + ".exp_avg").str(), type);
    std::string v =
        getOrCreateState(module, symbols, (name + ".exp_avg_sq").str(), type);
    // Loaded one statement each: as two arguments of one call, their order
    // in the IR would be the compiler's choice.
    Value mLoad = LoadOp::create(b, loc, type, m);
    Value vLoad = LoadOp::create(b, loc, type, v);
    auto upd = AdamUpdateOp::create(
        b, loc, TypeRange{type, type, type}, p, grad, mLoad, vLoad, lr,
        body->getArgument(numModelArgs + 2),
        body->getArgument(numModelArgs + 3), b.getF64FloatAttr(beta1),
        b.getF64FloatAttr(beta2), b.getF64FloatAttr(eps),
        b.getF64FloatAttr(weightDecay),
        optimizer == "adamw" ? b.getUnitAttr() : UnitAttr());
    StoreOp::create(b, loc, upd.getNewParam(), name);
    StoreOp::create(b, loc, upd.getNewExpAvg(), m);
    StoreOp::create(b, loc, upd.getNewExpAvgSq(), v);
  }
}

void GenerateTrainStepPass::runOnOperation() {
  ModuleOp module = getOperation();
  func::FuncOp forward = getModelFunction();
  if (!forward)
    return signalPassFailure();
  MLIRContext *ctx = &getContext();
  auto outType = cast<RankedTensorType>(forward.getResultTypes()[0]);
  Type f32 = Float32Type::get(ctx);
  auto scalar = RankedTensorType::get({}, f32);
  bool ce = loss == "cross_entropy";

  SmallVector<Type> inputs(forward.getArgumentTypes());
  inputs.push_back(ce ? Type(RankedTensorType::get({outType.getDimSize(0)},
                                                   IntegerType::get(ctx, 32)))
                      : Type(outType));
  inputs.push_back(scalar); // lr
  if (optimizer != "sgd") {
    inputs.push_back(scalar); // step_size
    inputs.push_back(scalar); // bias_correction2_sqrt
  }
  auto lossType = RankedTensorType::get({}, outType.getElementType());
  SmallVector<Type> results = {lossType};
  if (ce)
    results.push_back(RankedTensorType::get({}, IntegerType::get(ctx, 32)));

  OpBuilder b(ctx);
  b.setInsertionPointAfter(forward);
  auto step = func::FuncOp::create(b, forward.getLoc(), "train_step",
                                   b.getFunctionType(inputs, results));
  Block *body = step.addEntryBlock();
  b.setInsertionPointToStart(body);
  unsigned numModelArgs = forward.getNumArguments();
  Value target = body->getArgument(numModelArgs);

  // Forward, in training mode.
  Value output;
  SmallVector<Operation *> forwardOps =
      cloneForTraining(b, forward, body, output);

  // Loss and metrics.
  Location loc = forward.getLoc();
  Value lossValue, dOutput;
  Value one = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(lossType,
                             b.getFloatAttr(lossType.getElementType(), 1.0)));
  SmallVector<Value> returns;
  if (ce) {
    lossValue = CrossEntropyOp::create(b, loc, lossType, output, target);
    Value correct = CorrectCountOp::create(
        b, loc, RankedTensorType::get({}, b.getI32Type()), output, target);
    dOutput = CrossEntropyGradOp::create(b, loc, outType, output, target, one);
    returns = {lossValue, correct};
  } else {
    lossValue = MseOp::create(b, loc, lossType, output, target);
    dOutput = MseGradOp::create(b, loc, outType, output, target, one);
    returns = {lossValue};
  }

  // Backward.
  TrainStepBuilder tb(module, b);
  tb.grads[output] = dOutput;
  for (Operation *op : llvm::reverse(forwardOps))
    if (failed(tb.backward(op)))
      return signalPassFailure();

  if (gradientsOnly)
    return turnIntoGradients(b, tb, step, numModelArgs, lossValue);

  emitOptimizerUpdates(b, tb, forwardOps, step, numModelArgs);
  func::ReturnOp::create(b, loc, returns);

  // Gradients nobody reads (the data input's, through the first conv) are
  // erased here, so that the lowering does not build their GEMMs at all.
  for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*body)))
    if (isOpTriviallyDead(&op))
      op.erase();

  // The evaluation-mode twin of the model function, for the metrics.
  if (failed(createEvalFunction(module, entry, "eval_step")))
    return signalPassFailure();
}

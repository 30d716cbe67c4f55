//===- GenerateTrainStep.cpp - forward, backward and optimizer step -------===//
//
// Reverse-mode differentiation of the model function, op by op, into qat
// backward ops (each PyTorch's autograd formula for its forward op), then
// one optimizer update per trainable parameter, all in one function.
//
//===----------------------------------------------------------------------===//

#include "qat/Transforms/Passes.h"
#include "qat/Transforms/TrainStep.h"

#include "Qat/IR/QatOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <limits>

namespace mlir::qat {
#define GEN_PASS_DEF_GENERATETRAINSTEP
#include "qat/Transforms/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
struct TrainStepBuilder {
  TrainStepBuilder(ModuleOp module, OpBuilder &b) : module(module), b(b) {}

  ModuleOp module;
  OpBuilder &b;
  /// Gradient of each value that has one.
  DenseMap<Value, Value> grads;
  /// Gradient of each trainable parameter, by symbol (summed over loads).
  llvm::MapVector<StringRef, Value> paramGrads;

  RankedTensorType typeOf(Value v) {
    return cast<RankedTensorType>(v.getType());
  }

  Value constant(RankedTensorType type, double v) {
    return arith::ConstantOp::create(
        b, module.getLoc(),
        DenseElementsAttr::get(type, b.getFloatAttr(type.getElementType(), v)));
  }

  void accumulate(Location loc, Value v, Value g) {
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

  Value neg(Location loc, Value g) {
    auto t = typeOf(g);
    return MulOp::create(b, loc, t, g,
                         constant(RankedTensorType::get({1}, t.getElementType()),
                                  -1.0));
  }

  /// Emits the backward of `op` given the gradients of its results.
  LogicalResult backward(Operation *op) {
    Location loc = op->getLoc();
    Value dy = op->getNumResults() ? grads.lookup(op->getResult(0)) : Value();
    if (!dy)
      return success();
    if (auto o = dyn_cast<LinearOp>(op)) {
      auto g = LinearGradOp::create(
          b, loc,
          TypeRange{o.getInput().getType(), o.getWeight().getType(),
                    RankedTensorType::get({o.getWeight().getType().getDimSize(0)},
                                          o.getType().getElementType())},
          o.getInput(), o.getWeight(), dy);
      accumulate(loc, o.getInput(), g.getInputGrad());
      accumulate(loc, o.getWeight(), g.getWeightGrad());
      if (o.getBias())
        accumulate(loc, o.getBias(), g.getBiasGrad());
    } else if (auto o = dyn_cast<Conv2dOp>(op)) {
      auto g = Conv2dGradOp::create(
          b, loc,
          TypeRange{o.getInput().getType(), o.getWeight().getType(),
                    RankedTensorType::get({o.getWeight().getType().getDimSize(0)},
                                          o.getType().getElementType())},
          o.getInput(), o.getWeight(), dy, o.getStridesAttr(),
          b.getDenseI64ArrayAttr(o.getPads()), o.getDilationAttr(),
          o.getGroupsAttr());
      accumulate(loc, o.getInput(), g.getInputGrad());
      accumulate(loc, o.getWeight(), g.getWeightGrad());
      if (o.getBias())
        accumulate(loc, o.getBias(), g.getBiasGrad());
    } else if (auto o = dyn_cast<BatchNormOp>(op)) {
      auto chan = o.getWeight().getType();
      auto g = BatchNormGradOp::create(
          b, loc, TypeRange{o.getInput().getType(), chan, chan}, o.getInput(),
          o.getWeight(), o.getRunningMean(), o.getRunningVar(), dy,
          o.getEpsAttr(), o.getTrainingAttr());
      accumulate(loc, o.getInput(), g.getInputGrad());
      accumulate(loc, o.getWeight(), g.getWeightGrad());
      accumulate(loc, o.getBias(), g.getBiasGrad());
    } else if (isa<ReluOp, Relu6Op, ClampOp>(op)) {
      double lo = 0.0, hi = std::numeric_limits<double>::infinity();
      bool inclusive = false;
      if (isa<Relu6Op>(op))
        hi = 6.0;
      if (auto c = dyn_cast<ClampOp>(op)) {
        lo = c.getMin().convertToDouble();
        hi = c.getMax().convertToDouble();
        inclusive = true;
      }
      Value x = op->getOperand(0);
      // ReLU/ReLU6 mask by their output, as PyTorch's threshold_backward:
      // lo < y < hi exactly when lo < x < hi (and both fail for NaN), and
      // the backward pass then reads the tensor the next op reads instead
      // of keeping the pre-activation alive. An inclusive clamp cannot:
      // its output is in [lo, hi] for every input.
      Value mask = inclusive ? x : op->getResult(0);
      accumulate(loc, x,
                 ClampGradOp::create(b, loc, x.getType(), mask, dy,
                                     b.getF64FloatAttr(lo), b.getF64FloatAttr(hi),
                                     inclusive ? b.getUnitAttr() : UnitAttr()));
    } else if (auto o = dyn_cast<AddOp>(op)) {
      accumulate(loc, o.getLhs(), dy);
      accumulate(loc, o.getRhs(), dy);
    } else if (auto o = dyn_cast<SubOp>(op)) {
      accumulate(loc, o.getLhs(), dy);
      accumulate(loc, o.getRhs(), neg(loc, dy));
    } else if (auto o = dyn_cast<MulOp>(op)) {
      auto t = o.getType();
      accumulate(loc, o.getLhs(), MulOp::create(b, loc, t, dy, o.getRhs()));
      accumulate(loc, o.getRhs(), MulOp::create(b, loc, t, dy, o.getLhs()));
    } else if (auto o = dyn_cast<DivOp>(op)) {
      // PyTorch: d lhs = dy / rhs, d rhs = -dy * ((lhs / rhs) / rhs).
      auto t = o.getType();
      Value rhs = o.getRhs();
      accumulate(loc, o.getLhs(), DivOp::create(b, loc, t, dy, rhs));
      auto rt = typeOf(rhs);
      if (rt.getNumElements() < t.getNumElements()) {
        // A broadcast divisor (the conv-BN fold's per-channel scale
        // factor): -((sum(dy * lhs) / rhs) / rhs), the divisions after the
        // reduction. The same sum as PyTorch's up to rounding, without two
        // divisions per element of the full tensor.
        Value s = SumToShapeOp::create(
            b, loc, rt, MulOp::create(b, loc, t, dy, o.getLhs()));
        Value q = DivOp::create(b, loc, rt, DivOp::create(b, loc, rt, s, rhs),
                                rhs);
        accumulate(loc, rhs, neg(loc, q));
      } else {
        Value q = DivOp::create(b, loc, t,
                                DivOp::create(b, loc, t, o.getLhs(), rhs), rhs);
        accumulate(loc, rhs, MulOp::create(b, loc, t, neg(loc, dy), q));
      }
    } else if (auto o = dyn_cast<ConcatOp>(op)) {
      int64_t rank = o.getType().getRank();
      int64_t axis = getNormalizedAxis(o.getAxis(), rank);
      int64_t offset = 0;
      for (Value in : o.getInputs()) {
        auto t = typeOf(in);
        SmallVector<int64_t> offsets(rank, 0), strides(rank, 1);
        offsets[axis] = offset;
        offset += t.getDimSize(axis);
        accumulate(loc, in,
                   tensor::ExtractSliceOp::create(
                       b, loc, t, dy, ValueRange{}, ValueRange{}, ValueRange{},
                       b.getDenseI64ArrayAttr(offsets),
                       b.getDenseI64ArrayAttr(t.getShape()),
                       b.getDenseI64ArrayAttr(strides)));
      }
    } else if (auto o = dyn_cast<MaxPool2dOp>(op)) {
      accumulate(loc, o.getInput(),
                 MaxPool2dGradOp::create(
                     b, loc, o.getInput().getType(), o.getInput(), dy,
                     o.getKernelSizeAttr(), o.getStridesAttr(),
                     o.getPaddingAttr(), o.getDilationAttr(),
                     o.getCeilModeAttr()));
    } else if (auto o = dyn_cast<AvgPool2dOp>(op)) {
      accumulate(loc, o.getInput(),
                 AvgPool2dGradOp::create(
                     b, loc, o.getInput().getType(), o.getInput(), dy,
                     o.getKernelSizeAttr(), o.getStridesAttr(),
                     o.getPaddingAttr(), o.getCeilModeAttr(),
                     o.getCountIncludePadAttr()));
    } else if (auto o = dyn_cast<GlobalAvgPoolOp>(op)) {
      auto t = o.getInput().getType();
      accumulate(loc, o.getInput(),
                 AvgPool2dGradOp::create(
                     b, loc, t, o.getInput(), dy,
                     b.getDenseI64ArrayAttr({t.getDimSize(2), t.getDimSize(3)}),
                     DenseI64ArrayAttr(), b.getDenseI64ArrayAttr({0, 0, 0, 0}),
                     UnitAttr(), b.getBoolAttr(true)));
    } else if (isa<FlattenOp, ReshapeOp>(op)) {
      Value x = op->getOperand(0);
      accumulate(loc, x, ReshapeOp::create(b, loc, x.getType(), dy));
    } else if (auto o = dyn_cast<SoftmaxOp>(op)) {
      accumulate(loc, o.getInput(),
                 SoftmaxGradOp::create(b, loc, o.getType(), o.getResult(), dy,
                                       o.getAxisAttr()));
    } else if (isa<QuantStubOp, DequantStubOp>(op)) {
      accumulate(loc, op->getOperand(0), dy);
    } else if (auto o = dyn_cast<FakeQuantOp>(op)) {
      auto zpGradType = RankedTensorType::get(
          typeOf(o.getZeroPoint()).getShape(), b.getF32Type());
      auto g = FakeQuantGradOp::create(
          b, loc, TypeRange{o.getType(), o.getScale().getType(), zpGradType},
          o.getInput(), o.getScale(), o.getZeroPoint(), dy, o.getSpec());
      accumulate(loc, o.getInput(), g.getInputGrad());
      if (o.getSpec().getLearnable()) {
        accumulate(loc, o.getScale(), g.getScaleGrad());
        accumulate(loc, o.getZeroPoint(), g.getZeroPointGrad());
      }
    } else if (auto o = dyn_cast<BnScaleFactorOp>(op)) {
      // sf = gamma / sqrt(var + eps): d gamma = dsf * (1 / sqrt(var + eps)).
      auto t = o.getType();
      Value ones = constant(t, 1.0);
      Value inv = BnScaleFactorOp::create(b, loc, t, ones, o.getRunningVar(),
                                          o.getEpsAttr());
      accumulate(loc, o.getWeight(), MulOp::create(b, loc, t, dy, inv));
    } else if (auto o = dyn_cast<LoadOp>(op)) {
      auto param = SymbolTable::lookupNearestSymbolFrom<ParamOp>(
          op, o.getNameAttr());
      if (param && param.isTrainable()) {
        Value &slot = paramGrads[o.getName()];
        slot = slot ? Value(AddOp::create(b, loc, o.getType(), slot, dy)) : dy;
      }
    } else if (isa<ObserveOp>(op)) {
      // Observers have no gradient.
    } else {
      return op->emitOpError("has no gradient rule in qat-generate-train-step");
    }
    return success();
  }
};

struct GenerateTrainStepPass
    : qat::impl::GenerateTrainStepBase<GenerateTrainStepPass> {
  using GenerateTrainStepBase::GenerateTrainStepBase;

  void runOnOperation() override;
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

/// Creates `qat.param state @name` of zeros of `type`, unless it exists.
static std::string getOrCreateState(ModuleOp module, SymbolTable &symbols,
                                    StringRef name, RankedTensorType type) {
  if (symbols.lookup(name))
    return name.str();
  auto zeros = DenseElementsAttr::get(
      type, FloatAttr::get(type.getElementType(), 0.0));
  return createModuleParam(module, symbols, name, zeros, /*state=*/true)
      .getSymName()
      .str();
}

void GenerateTrainStepPass::runOnOperation() {
  ModuleOp module = getOperation();
  auto forward = module.lookupSymbol<func::FuncOp>(entry);
  if (!forward || forward.isExternal()) {
    module.emitError("qat-generate-train-step: no function @") << entry;
    return signalPassFailure();
  }
  if (!llvm::hasSingleElement(forward.getBody()) ||
      forward.getNumResults() != 1) {
    forward.emitOpError("must have one block and one result (the model "
                        "output) to generate a training step");
    return signalPassFailure();
  }
  if (loss != "cross_entropy" && loss != "mse") {
    module.emitError("qat-generate-train-step: unknown loss '")
        << loss << "' (known: cross_entropy, mse)";
    return signalPassFailure();
  }
  if (optimizer != "sgd" && optimizer != "adam" && optimizer != "adamw") {
    module.emitError("qat-generate-train-step: unknown optimizer '")
        << optimizer << "' (known: sgd, adam, adamw)";
    return signalPassFailure();
  }
  if (module.lookupSymbol("train_step") || module.lookupSymbol("eval_step")) {
    module.emitError("qat-generate-train-step: the module already has a "
                     "@train_step or @eval_step");
    return signalPassFailure();
  }
  MLIRContext *ctx = &getContext();
  auto outType = cast<RankedTensorType>(forward.getResultTypes()[0]);
  Type f32 = Float32Type::get(ctx);
  auto scalar = RankedTensorType::get({}, f32);
  bool ce = loss == "cross_entropy";
  if (ce && outType.getRank() != 2) {
    forward.emitOpError("returns ")
        << outType << "; cross_entropy needs [N, classes] logits";
    return signalPassFailure();
  }

  SmallVector<Type> inputs(forward.getArgumentTypes());
  inputs.push_back(ce ? Type(RankedTensorType::get({outType.getDimSize(0)},
                                                   IntegerType::get(ctx, 32)))
                      : Type(outType));
  inputs.push_back(scalar); // lr
  bool adam = optimizer != "sgd";
  if (adam) {
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
  Value lr = body->getArgument(numModelArgs + 1);

  // Forward, in training mode.
  IRMapping map;
  for (unsigned i = 0; i < numModelArgs; ++i)
    map.map(forward.getArgument(i), body->getArgument(i));
  Value output;
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
        for (auto [state, updated] : {std::pair{obs.getMin(), obs.getNewMin()},
                                      {obs.getMax(), obs.getNewMax()}})
          if (auto load = state.getDefiningOp<LoadOp>())
            StoreOp::create(b, obs.getLoc(), updated, load.getNameAttr());
    }
  }
  // Frozen observers must not write their state.
  if (freezeObservers)
    for (Operation *op : forwardOps)
      if (auto store = dyn_cast<StoreOp>(op))
        if (store.getValue().getDefiningOp<ObserveOp>())
          store.erase();
  forwardOps.erase(llvm::remove_if(forwardOps,
                                   [](Operation *op) {
                                     return op->getBlock() == nullptr;
                                   }),
                   forwardOps.end());

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

  if (gradientsOnly) {
    // Loss, then the gradient of every float model input and of every
    // trainable parameter in module order (zeros if it has none).
    SmallVector<Value> outs = {lossValue};
    for (unsigned i = 0; i < numModelArgs; ++i) {
      Value arg = body->getArgument(i);
      auto t = dyn_cast<RankedTensorType>(arg.getType());
      if (!t || !isa<FloatType>(t.getElementType()))
        continue;
      Value g = tb.grads.lookup(arg);
      outs.push_back(g ? g : tb.constant(t, 0.0));
    }
    for (auto param : module.getOps<ParamOp>()) {
      if (!param.isTrainable() || !isa<FloatType>(param.getType().getElementType()))
        continue;
      Value g = tb.paramGrads.lookup(param.getSymName());
      outs.push_back(g ? g : tb.constant(param.getType(), 0.0));
    }
    func::ReturnOp::create(b, loc, outs);
    step.setFunctionType(b.getFunctionType(
        step.getArgumentTypes().drop_back(adam ? 3 : 1),
        ValueRange(outs).getTypes()));
    body->eraseArguments(adam ? numModelArgs + 1 : numModelArgs + 1,
                         adam ? 3 : 1);
    step.setName("gradients");
    return;
  }

  // Optimizer updates, in place. The update reads the parameter through the
  // forward pass's load when there is one: with a single view of the global,
  // bufferization sees every read of the old value and can write the update
  // into the global itself once the backward pass is done with it.
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
                                   (name + ".momentum_buffer").str(),
                                   type);
        buf = LoadOp::create(b, loc, type, bufName);
      } else {
        buf = tb.constant(type, 0.0);
      }
      auto upd = SgdUpdateOp::create(
          b, loc, TypeRange{type, type}, p, grad, buf, lr,
          b.getF64FloatAttr(momentum), b.getF64FloatAttr(dampening),
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
    auto upd = AdamUpdateOp::create(
        b, loc, TypeRange{type, type, type}, p, grad,
        LoadOp::create(b, loc, type, m), LoadOp::create(b, loc, type, v), lr,
        body->getArgument(numModelArgs + 2), body->getArgument(numModelArgs + 3),
        b.getF64FloatAttr(beta1), b.getF64FloatAttr(beta2),
        b.getF64FloatAttr(eps), b.getF64FloatAttr(weightDecay),
        optimizer == "adamw" ? b.getUnitAttr() : UnitAttr());
    StoreOp::create(b, loc, upd.getNewParam(), name);
    StoreOp::create(b, loc, upd.getNewExpAvg(), m);
    StoreOp::create(b, loc, upd.getNewExpAvgSq(), v);
  }
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

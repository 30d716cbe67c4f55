//===- SetBatch.cpp - re-specialize a model to another batch size ---------===//
//
// A value "carries the batch" when it depends on the batched arguments and
// its leading dimension is the batch times a constant (each sample's
// elements stay one contiguous block, row-major). Each op kind says which of
// its results carry the batch of its operands (a loss or a per-channel
// statistic does not); a result that carries it gets the new batch in front,
// every other type stays.
//
//===----------------------------------------------------------------------===//

#include "qat/Quant/Passes.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/TypeSwitch.h"

namespace mlir::qat {
#define GEN_PASS_DEF_SETBATCH
#include "qat/Quant/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
/// Which results of an op carry the batch of its batched operands.
enum class BatchRule {
  /// Every result: the op maps the leading axis of its batched operands to
  /// the leading axis of its results (element-wise ops, layers, pools,
  /// reshapes, quantization, the input gradients of the backward ops).
  All,
  /// Only result 0: the data result; the others are per-channel
  /// (batch_norm's new running statistics, weight and bias gradients,
  /// qparam gradients).
  First,
  /// None: the results reduce the batch away (losses, correct counts,
  /// observer statistics and qparams).
  None,
  /// sum_to_shape: decided by the shapes (see sumToShapeKeepsBatch).
  SumToShape,
  /// The op has no rule: a batched operand is an error.
  Unknown,
};
} // namespace

static BatchRule getBatchRule(Operation *op) {
  return llvm::TypeSwitch<Operation *, BatchRule>(op)
      .Case<ReluOp, Relu6Op, ClampOp, AddOp, SubOp, DivOp, MulOp, SoftmaxOp,
            QuantStubOp, DequantStubOp, LinearOp, Conv2dOp, MaxPool2dOp,
            AvgPool2dOp, GlobalAvgPoolOp, FlattenOp, ReshapeOp, ConcatOp,
            FakeQuantOp, QuantizeOp, DequantizeOp, QLinearOp, QConv2dOp, QAddOp,
            QMulOp, QAvgPool2dOp, quant::StorageCastOp, ClampGradOp,
            MaxPool2dGradOp, AvgPool2dGradOp, SoftmaxGradOp, CrossEntropyGradOp,
            MseGradOp>([](auto) { return BatchRule::All; })
      .Case<BatchNormOp, LinearGradOp, Conv2dGradOp, BatchNormGradOp,
            FakeQuantGradOp>([](auto) { return BatchRule::First; })
      .Case<CrossEntropyOp, MseOp, CorrectCountOp, ObserveOp>(
          [](auto) { return BatchRule::None; })
      .Case<SumToShapeOp>([](auto) { return BatchRule::SumToShape; })
      .Default([](Operation *op) {
        return op->hasTrait<OpTrait::Elementwise>() ? BatchRule::All
                                                    : BatchRule::Unknown;
      });
}

/// sum_to_shape broadcasts right-aligned: a result of lower rank, or with a
/// leading 1 where the input had more, sums the batch away; an equal leading
/// dimension keeps it. When both were 1 (a model of batch 1) either reading
/// fits, so it is an error. `oldInputLead` is the input's leading dimension
/// before re-batching (its type already has the new one).
static FailureOr<bool> sumToShapeKeepsBatch(SumToShapeOp op,
                                            int64_t oldInputLead) {
  ArrayRef<int64_t> out = op.getType().getShape();
  if (out.size() < op.getInput().getType().getShape().size() ||
      out[0] != oldInputLead)
    return false;
  if (oldInputLead != 1)
    return true;
  return op.emitError()
         << "cannot tell whether this sum keeps the batch of 1 or sums it "
            "away; re-batch the model before --qat-generate-train-step";
}

/// The results of `op` that carry the batch, given that some operand does
/// (and has been re-batched from `oldBatch` to `newBatch`).
static FailureOr<SmallVector<bool>>
getBatchedResults(Operation *op, int64_t oldBatch, int64_t newBatch) {
  unsigned n = op->getNumResults();
  switch (getBatchRule(op)) {
  case BatchRule::All:
    if (auto concat = dyn_cast<ConcatOp>(op); concat && concat.getAxis() == 0)
      return op->emitError() << "concatenates along the batch axis; cannot "
                                "re-batch this model";
    return SmallVector<bool>(n, true);
  case BatchRule::First: {
    SmallVector<bool> batched(n, false);
    batched[0] = true;
    return batched;
  }
  case BatchRule::None:
    return SmallVector<bool>(n, false);
  case BatchRule::SumToShape: {
    auto sum = cast<SumToShapeOp>(op);
    int64_t lead = sum.getInput().getType().getDimSize(0);
    FailureOr<bool> keeps =
        sumToShapeKeepsBatch(sum, lead / newBatch * oldBatch);
    if (failed(keeps))
      return failure();
    return SmallVector<bool>(n, *keeps);
  }
  case BatchRule::Unknown:
    break;
  }
  return op->emitError() << "has no rule for a batched operand; cannot "
                            "re-batch this model";
}

/// `t` with leading dimension `oldBatch * k` changed to `newBatch * k`, or
/// null if `t` does not lead with a multiple of `oldBatch`.
static RankedTensorType rebatch(Type type, int64_t oldBatch, int64_t newBatch) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || t.getRank() == 0 || t.isDynamicDim(0) ||
      t.getDimSize(0) % oldBatch != 0)
    return {};
  SmallVector<int64_t> shape(t.getShape());
  shape[0] = shape[0] / oldBatch * newBatch;
  return t.clone(shape);
}

/// The batch of `f`: the leading dimension of argument 0, which every other
/// argument of rank 1 or more shares (scalars, such as the learning rate of
/// a training step, have none).
static FailureOr<int64_t> getArgumentBatch(func::FuncOp f) {
  std::optional<int64_t> batch;
  for (BlockArgument arg : f.getArguments()) {
    auto t = dyn_cast<RankedTensorType>(arg.getType());
    if (batch && t && t.getRank() == 0)
      continue;
    if (!t || t.getRank() == 0 || t.isDynamicDim(0) ||
        (batch && *batch != t.getDimSize(0)))
      return f.emitError() << "argument " << arg.getArgNumber()
                           << " does not carry a common static batch "
                              "dimension";
    batch = t.getDimSize(0);
  }
  if (!batch)
    return f.emitError() << "has no arguments to take a batch from";
  return *batch;
}

namespace {
struct SetBatchPass : qat::impl::SetBatchBase<SetBatchPass> {
  using Base::Base;

  // Checked before any IR, so the error names the option, not an op.
  LogicalResult initialize(MLIRContext *ctx) override {
    if (batch >= 1 && batch <= qat::kMaxBatch)
      return success();
    // The value, not the option object (which streams as one char).
    return emitError(UnknownLoc::get(ctx))
           << "--qat-set-batch: batch must be in [1, " << qat::kMaxBatch
           << "] (2^24), got " << static_cast<int64_t>(batch);
  }

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto f = module.lookupSymbol<func::FuncOp>(entry);
    if (!f || f.isExternal()) {
      // At the file, without the module printed after it.
      emitError(module.getLoc()) << "no function @" << entry << " with a body";
      return signalPassFailure();
    }
    FailureOr<int64_t> old = getArgumentBatch(f);
    if (failed(old) || failed(rebatchBody(f, *old)))
      return signalPassFailure();
  }

  LogicalResult rebatchBody(func::FuncOp f, int64_t old) {
    if (old == batch)
      return success();
    llvm::DenseSet<Value> batched;
    for (BlockArgument arg : f.getArguments()) {
      if (RankedTensorType t = rebatch(arg.getType(), old, batch)) {
        arg.setType(t);
        batched.insert(arg);
      }
    }
    WalkResult walk = f.walk([&](Operation *op) {
      if (isa<func::ReturnOp>(op) ||
          llvm::none_of(op->getOperands(),
                        [&](Value v) { return batched.contains(v); }))
        return WalkResult::advance();
      return failed(rebatchResults(op, old, batched)) ? WalkResult::interrupt()
                                                      : WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return failure();
    auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
    f.setType(FunctionType::get(&getContext(), f.getBody().getArgumentTypes(),
                                ret.getOperandTypes()));
    return success();
  }

  /// Gives the results of `op` that carry the batch the new one, then
  /// verifies `op` with its new types.
  LogicalResult rebatchResults(Operation *op, int64_t old,
                               llvm::DenseSet<Value> &batched) {
    FailureOr<SmallVector<bool>> carries = getBatchedResults(op, old, batch);
    if (failed(carries))
      return failure();
    for (OpResult r : op->getResults()) {
      if (!(*carries)[r.getResultNumber()])
        continue;
      RankedTensorType t = rebatch(r.getType(), old, batch);
      if (!t)
        return op->emitError()
               << "result " << r.getResultNumber() << " (" << r.getType()
               << ") does not lead with a multiple of the batch dimension "
               << old << "; cannot re-batch this model";
      r.setType(t);
      batched.insert(r);
    }
    return verify(op);
  }
};
} // namespace

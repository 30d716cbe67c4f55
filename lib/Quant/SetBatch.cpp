//===- SetBatch.cpp - re-specialize a model to another batch size ---------===//

#include "qat/Quant/Passes.h"

#include "Qat/IR/QatOps.h"

#include "mlir/IR/Verifier.h"

namespace mlir::qat {
#define GEN_PASS_DEF_SETBATCH
#include "qat/Quant/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

static RankedTensorType withBatch(RankedTensorType t, int64_t batch) {
  SmallVector<int64_t> shape(t.getShape());
  shape[0] = batch;
  return t.clone(shape);
}

namespace {
struct SetBatchPass : qat::impl::SetBatchBase<SetBatchPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto f = module.lookupSymbol<func::FuncOp>(entry);
    if (!f || f.isExternal()) {
      module.emitError() << "no function @" << entry << " with a body";
      return signalPassFailure();
    }
    if (batch < 1 || batch > qat::kMaxBatch) {
      // The value, not the option object (which streams as one char).
      module.emitError() << "batch must be in [1, " << qat::kMaxBatch
                         << "] (2^24), got " << static_cast<int64_t>(batch);
      return signalPassFailure();
    }
    if (f.getNumArguments() == 0) {
      f.emitError() << "has no arguments to take a batch from";
      return signalPassFailure();
    }
    // The batch is the arguments' common leading dimension.
    std::optional<int64_t> old;
    for (BlockArgument arg : f.getArguments()) {
      auto t = dyn_cast<RankedTensorType>(arg.getType());
      if (!t || t.getRank() == 0 || t.isDynamicDim(0) ||
          (old && *old != t.getDimSize(0))) {
        f.emitError() << "argument " << arg.getArgNumber()
                      << " does not carry a common static batch dimension";
        return signalPassFailure();
      }
      old = t.getDimSize(0);
    }
    if (*old == batch)
      return;

    llvm::DenseSet<Value> batched;
    for (BlockArgument arg : f.getArguments()) {
      arg.setType(withBatch(cast<RankedTensorType>(arg.getType()), batch));
      batched.insert(arg);
    }
    WalkResult walk = f.walk([&](Operation *op) {
      if (llvm::none_of(op->getOperands(),
                        [&](Value v) { return batched.contains(v); }))
        return WalkResult::advance();
      if (isa<func::ReturnOp>(op))
        return WalkResult::advance();
      for (OpResult r : op->getResults()) {
        auto t = dyn_cast<RankedTensorType>(r.getType());
        if (!t || t.getRank() == 0 || t.getDimSize(0) != *old) {
          op->emitError() << "result " << r.getResultNumber() << " ("
                          << r.getType()
                          << ") does not lead with the batch dimension " << *old
                          << "; cannot re-batch this model";
          return WalkResult::interrupt();
        }
        r.setType(withBatch(t, batch));
        batched.insert(r);
      }
      if (failed(verify(op)))
        return WalkResult::interrupt();
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
    f.setType(FunctionType::get(&getContext(), f.getBody().getArgumentTypes(),
                                ret.getOperandTypes()));
  }
};
} // namespace

//===- WriteGlobalsInPlace.cpp - bufferize global updates in place --------===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Bufferization/Transforms/OneShotAnalysis.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/CallInterfaces.h"

namespace mlir::qat {
#define GEN_PASS_DEF_WRITEGLOBALSINPLACE
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

/// True if `f` calls a function defined in this module, which could read a
/// global behind the back of `f`'s bufferization.
static bool callsModuleFunction(func::FuncOp f) {
  return f
      .walk([](CallOpInterface call) {
        auto callee =
            dyn_cast_if_present<FunctionOpInterface>(call.resolveCallable());
        return callee && callee.isExternal() ? WalkResult::advance()
                                             : WalkResult::interrupt();
      })
      .wasInterrupted();
}

/// True if `view`, or a value that may alias it once bufferized, is used
/// after `store` in its block: an in-place write there would land in the
/// global after the store has written its final value.
static bool aliasUsedAfter(bufferization::ToTensorOp view, Value stored,
                           Operation *store) {
  bufferization::OneShotBufferizationOptions options;
  bufferization::AnalysisState state(options);
  Block *block = store->getBlock();
  SmallVector<Value> worklist = {view.getResult(), stored};
  DenseSet<Value> seen(worklist.begin(), worklist.end());
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *top = block->findAncestorOpInBlock(*use.getOwner());
      if (!top || store->isBeforeInBlock(top))
        return true;
      SmallVector<Value> aliases;
      auto bufferizable = options.dynCastBufferizableOp(use.getOwner());
      if (bufferizable && top == use.getOwner()) {
        for (bufferization::AliasingValue a :
             bufferizable.getAliasingValues(use, state))
          aliases.push_back(a.value);
      } else {
        // Unknown, or nested in a region: any result of the op in the
        // block may alias.
        llvm::append_range(aliases, top->getResults());
      }
      for (Value a : aliases)
        if (isa<TensorType>(a.getType()) && seen.insert(a).second)
          worklist.push_back(a);
    }
  }
  return false;
}

namespace {
/// Writes updates of module globals (parameters, optimizer and observer
/// state) into the global itself instead of into a new buffer that
/// `materialize_in_destination` then copies into the global: the `outs` of
/// the linalg op computing the stored value becomes the function's view of
/// the global, made writable. Unlike upstream empty-tensor elimination,
/// which would build a second `to_tensor restrict` of the global, this
/// keeps one view, so one-shot bufferization sees every read of the old
/// value and falls back to a copy if one of them comes after the update.
/// The view is the only one of its global in the function and nothing else
/// (no call) reads the global, so writing it early is not observable.
struct WriteGlobalsInPlacePass
    : qat::impl::WriteGlobalsInPlaceBase<WriteGlobalsInPlacePass> {
  void runOnOperation() override {
    for (auto f : getOperation().getOps<func::FuncOp>()) {
      if (f.isExternal() || callsModuleFunction(f))
        continue;
      llvm::StringMap<SmallVector<bufferization::ToTensorOp>> views;
      f.walk([&](bufferization::ToTensorOp view) {
        if (auto g = view.getBuffer().getDefiningOp<memref::GetGlobalOp>())
          views[g.getName()].push_back(view);
      });
      f.walk([&](bufferization::MaterializeInDestinationOp store) {
        rewrite(store, views);
      });
    }
  }

  static void
  rewrite(bufferization::MaterializeInDestinationOp store,
          llvm::StringMap<SmallVector<bufferization::ToTensorOp>> &views) {
    auto global = store.getDest().getDefiningOp<memref::GetGlobalOp>();
    if (!global || !store.getRestrict() || !store.getWritable())
      return;
    auto it = views.find(global.getName());
    if (it == views.end() || it->second.size() != 1)
      return;
    bufferization::ToTensorOp view = it->second.front();
    auto result = dyn_cast<OpResult>(store.getSource());
    auto producer =
        result ? dyn_cast<linalg::LinalgOp>(result.getOwner()) : nullptr;
    Block *block = store->getBlock();
    if (!producer || !view.getRestrict() || producer->getBlock() != block ||
        view->getBlock() != block || !view->isBeforeInBlock(producer))
      return;
    OpOperand *init = producer.getDpsInitOperand(result.getResultNumber());
    if (!init->get().getDefiningOp<tensor::EmptyOp>() ||
        init->get().getType() != view.getType() ||
        producer.payloadUsesValueFromOperand(init) ||
        aliasUsedAfter(view, result, store))
      return;
    view.setWritable(true);
    init->set(view.getResult());
  }
};
} // namespace

//===- CheckAllocations.cpp - a status for every allocation ---------------===//
//
// Generated code allocates its temporaries with aligned_alloc; without a
// check, a null result (memory exhausted, or a ulimit) is written through
// and crashes the process. Here a function allocates all its temporaries
// on entry, tests them together and, when one is missing, frees the others
// and returns a status before it has read or written anything. Unlike a
// longjmp out of the runtime's allocator, this leaves nothing half done:
// no skipped frees, no OpenMP team stopped midway, no output or parameter
// partly updated, so the caller can report the failure and go on.
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/Passes.h"

#include "qat/Codegen/EntryStatus.h"

#include "mlir/Dialect/ControlFlow/IR/ControlFlowOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::qat {
#define GEN_PASS_DEF_CHECKALLOCATIONS
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

/// The unlikely/likely weights of the failure branch (those of
/// __builtin_expect).
static constexpr int32_t kFailureWeights[] = {1, 2000};

/// Checks that `f` can return a status and that its allocations can move
/// to its entry: a one-block body without results, with every
/// `memref.alloc` static and at the top level, and no call of a function
/// that would return a status of its own.
static LogicalResult verifyCheckable(func::FuncOp f,
                                     const DenseSet<StringAttr> &bodies) {
  if (f.getNumResults() != 0)
    return f.emitError() << "cannot add a status result to @" << f.getSymName()
                         << ", which already returns values";
  bool oneBlock = f.getBody().hasOneBlock();
  WalkResult walk = f.walk([&](Operation *op) {
    if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
      if (oneBlock && op->getParentOp() == f &&
          alloc.getType().hasStaticShape())
        return WalkResult::advance();
      op->emitOpError() << "cannot be checked for failure: only static "
                           "allocations at the top level of a one-block "
                           "function body can move to its entry";
      return WalkResult::interrupt();
    }
    auto call = dyn_cast<func::CallOp>(op);
    if (!call || !bodies.contains(call.getCalleeAttr().getAttr()))
      return WalkResult::advance();
    op->emitOpError() << "calls @" << call.getCallee()
                      << ", whose allocations would need a status of their "
                         "own; inline it first";
    return WalkResult::interrupt();
  });
  return failure(walk.wasInterrupted());
}

/// Moves the allocations of `f` to its entry, tests them there and gives
/// `f` its status result.
static void checkFunction(func::FuncOp f) {
  OpBuilder b(f.getContext());
  Type i32 = b.getI32Type();
  f.setType(FunctionType::get(f.getContext(), f.getArgumentTypes(), {i32}));
  Block &entry = f.getBody().front();
  for (auto ret : entry.getOps<func::ReturnOp>()) {
    b.setInsertionPoint(ret);
    Value ok = arith::ConstantIntOp::create(b, ret.getLoc(), i32, 0);
    ret->setOperands(ok);
  }
  SmallVector<memref::AllocOp> allocs =
      llvm::to_vector(entry.getOps<memref::AllocOp>());
  if (allocs.empty())
    return;
  // In program order, before everything else. The ownership-based
  // deallocation pipeline frees a function's temporaries at its end, so
  // all of them are live together anyway: the peak memory is unchanged.
  for (memref::AllocOp alloc : llvm::reverse(allocs))
    if (&entry.front() != alloc)
      alloc->moveBefore(&entry.front());
  Operation *first = allocs.back()->getNextNode();
  Location loc = f.getLoc();
  b.setInsertionPoint(first);
  Value null = arith::ConstantIndexOp::create(b, loc, 0);
  Value failed;
  for (memref::AllocOp alloc : allocs) {
    // A zero-size buffer may legitimately be null; it is never read.
    if (alloc.getType().getNumElements() == 0)
      continue;
    Value ptr = memref::ExtractAlignedPointerAsIndexOp::create(b, loc, alloc);
    Value isNull =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, ptr, null);
    failed = failed ? arith::OrIOp::create(b, loc, failed, isNull) : isNull;
  }
  if (!failed)
    return;
  Block *body = entry.splitBlock(first);
  // free(NULL) does nothing: the buffers that were allocated go back.
  Block *fail = b.createBlock(&f.getBody(), f.getBody().end());
  for (memref::AllocOp alloc : allocs)
    memref::DeallocOp::create(b, loc, alloc);
  func::ReturnOp::create(
      b, loc,
      arith::ConstantIntOp::create(b, loc, i32,
                                   static_cast<int>(EntryStatus::OutOfMemory))
          .getResult());
  b.setInsertionPointToEnd(&entry);
  cf::CondBranchOp::create(b, loc, failed, fail, ValueRange{}, body,
                           ValueRange{}, kFailureWeights);
}

namespace {
struct CheckAllocationsPass
    : qat::impl::CheckAllocationsBase<CheckAllocationsPass> {
  void runOnOperation() override {
    SmallVector<func::FuncOp> bodies;
    DenseSet<StringAttr> names;
    for (auto f : getOperation().getOps<func::FuncOp>()) {
      if (f.isExternal())
        continue;
      bodies.push_back(f);
      names.insert(f.getSymNameAttr());
    }
    for (func::FuncOp f : bodies)
      if (failed(verifyCheckable(f, names)))
        return signalPassFailure();
    for (func::FuncOp f : bodies)
      checkFunction(f);
  }
};
} // namespace

//===- PlanWorkspace.cpp - one allocation for a function's temporaries ----===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::qat {
#define GEN_PASS_DEF_PLANWORKSPACE
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

static constexpr int64_t kAlignment = 64;

namespace {
/// A temporary: its byte size and the positions, in the function's block, of
/// the first and last top-level ops that touch it (or a view of it).
struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  unsigned first, last;
  int64_t offset = 0;
};
} // namespace

/// The live range of `alloc` in `block` (positions from `position`), found
/// by following views. A buffer whose value reaches anything but a view or
/// an op without memref results (a return, a call's result, a loop's
/// iter_arg) is live to the end, which keeps the plan conservative.
static std::pair<unsigned, unsigned>
liveRange(memref::AllocOp alloc, Block &block,
          const DenseMap<Operation *, unsigned> &position) {
  unsigned first = block.getOperations().size(), last = 0;
  SmallVector<Value> worklist{alloc.getResult()};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      Operation *top = block.findAncestorOpInBlock(*user);
      if (!top)
        return {0, block.getOperations().size()};
      unsigned p = position.lookup(top);
      first = std::min(first, p);
      last = std::max(last, p);
      if (isa<func::ReturnOp>(user))
        return {0, block.getOperations().size()};
      if (auto view = dyn_cast<ViewLikeOpInterface>(user)) {
        if (view.getViewSource() == v) {
          worklist.push_back(view->getResult(0));
          continue;
        }
      }
      if (llvm::any_of(user->getResultTypes(),
                       [](Type t) { return isa<BaseMemRefType>(t); }))
        return {0, block.getOperations().size()};
    }
  }
  return {first, std::max(first, last)};
}

namespace {
struct PlanWorkspacePass : qat::impl::PlanWorkspaceBase<PlanWorkspacePass> {
  void runOnOperation() override {
    for (auto f : getOperation().getOps<func::FuncOp>()) {
      // After bufferization a function is one block; a multi-block body
      // would need a liveness analysis across blocks.
      if (f.isExternal() || !f.getBody().hasOneBlock())
        continue;
      Block &block = f.getBody().front();
      DenseMap<Operation *, unsigned> position;
      for (auto [i, op] : llvm::enumerate(block))
        position[&op] = i;

      // Top-level static allocations with a byte size (views need an
      // identity layout and a whole number of bytes per element).
      SmallVector<Buffer> buffers;
      for (auto a : block.getOps<memref::AllocOp>()) {
        MemRefType t = a.getType();
        // An index element has no fixed byte size before LLVM lowering.
        if (!t.getElementType().isIntOrFloat())
          continue;
        unsigned bits = t.getElementTypeBitWidth();
        if (!t.hasStaticShape() || !t.getLayout().isIdentity() ||
            bits % 8 != 0 || t.getMemorySpace())
          continue;
        auto [first, last] = liveRange(a, block, position);
        buffers.push_back({a,
                           static_cast<int64_t>(llvm::alignTo(
                               t.getNumElements() * (bits / 8), kAlignment)),
                           first, last});
      }
      if (buffers.size() < 2)
        continue;

      // Greedy by size (TFLite's arena planner): largest first, each at the
      // lowest offset that no placed buffer with an overlapping live range
      // occupies. Ties keep program order, so the plan is deterministic.
      SmallVector<Buffer *> order;
      for (Buffer &b : buffers)
        order.push_back(&b);
      llvm::stable_sort(
          order, [](Buffer *a, Buffer *b) { return a->bytes > b->bytes; });
      int64_t total = 0;
      SmallVector<Buffer *> placed;
      for (Buffer *b : order) {
        SmallVector<std::pair<int64_t, int64_t>> busy;
        for (Buffer *p : placed)
          if (p->first <= b->last && b->first <= p->last)
            busy.push_back({p->offset, p->offset + p->bytes});
        llvm::sort(busy);
        int64_t offset = 0;
        for (auto [lo, hi] : busy) {
          if (offset + b->bytes <= lo)
            break;
          offset = std::max(offset, hi);
        }
        b->offset = offset;
        total = std::max(total, offset + b->bytes);
        placed.push_back(b);
      }

      OpBuilder builder = OpBuilder::atBlockBegin(&block);
      Value ws = memref::AllocOp::create(
          builder, f.getLoc(), MemRefType::get({total}, builder.getI8Type()),
          builder.getI64IntegerAttr(kAlignment));
      for (Buffer &b : buffers) {
        OpBuilder ab(b.alloc);
        Location loc = b.alloc.getLoc();
        Value off = arith::ConstantIndexOp::create(ab, loc, b.offset);
        Value view = memref::ViewOp::create(ab, loc, b.alloc.getType(), ws, off,
                                            ValueRange{});
        b.alloc.replaceAllUsesWith(view);
        b.alloc.erase();
      }
    }
  }
};
} // namespace

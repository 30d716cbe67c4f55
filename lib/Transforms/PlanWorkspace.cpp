//===- PlanWorkspace.cpp - one allocation for a function's temporaries ----===//

#include "qat/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::qat {
#define GEN_PASS_DEF_PLANWORKSPACE
#include "qat/Transforms/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

static constexpr int64_t kAlignment = 64;

namespace {
struct PlanWorkspacePass
    : qat::impl::PlanWorkspaceBase<PlanWorkspacePass> {
  void runOnOperation() override {
    for (auto f : getOperation().getOps<func::FuncOp>()) {
      if (f.isExternal())
        continue;
      // Top-level static allocations with a byte size (views need an
      // identity layout and a whole number of bytes per element).
      SmallVector<std::pair<memref::AllocOp, int64_t>> allocs;
      int64_t total = 0;
      for (auto a : f.getBody().front().getOps<memref::AllocOp>()) {
        MemRefType t = a.getType();
        unsigned bits = t.getElementTypeBitWidth();
        if (!t.hasStaticShape() || !t.getLayout().isIdentity() ||
            bits % 8 != 0 || t.getMemorySpace())
          continue;
        allocs.push_back({a, total});
        total += llvm::alignTo(t.getNumElements() * (bits / 8), kAlignment);
      }
      if (allocs.size() < 2)
        continue;
      OpBuilder b = OpBuilder::atBlockBegin(&f.getBody().front());
      Location loc = f.getLoc();
      Value ws = memref::AllocOp::create(
          b, loc, MemRefType::get({total}, b.getI8Type()),
          b.getI64IntegerAttr(kAlignment));
      for (auto [a, offset] : allocs) {
        OpBuilder ab(a);
        Value off = arith::ConstantIndexOp::create(ab, a.getLoc(), offset);
        Value view = memref::ViewOp::create(ab, a.getLoc(), a.getType(), ws,
                                            off, ValueRange{});
        a.replaceAllUsesWith(view);
        a.erase();
      }
    }
  }
};
} // namespace

//===- ParallelizeLoops.cpp - large linalg ops split over threads ---------===//
//
// Only the first loop is split, and only where every output element then
// belongs to one block: each element is computed by one thread with its
// terms in the single-threaded order, so the bits do not depend on the
// thread count.
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::qat {
#define GEN_PASS_DEF_PARALLELIZELOOPS
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

namespace {
struct ParallelizeLoopsPass
    : qat::impl::ParallelizeLoopsBase<ParallelizeLoopsPass> {
  using Base::Base;

  /// Whether `op` is worth splitting along its first loop: static bounds,
  /// a parallel first iterator with room for every thread, and enough work.
  bool shouldSplit(linalg::LinalgOp op) const {
    if (!op.hasPureBufferSemantics() || op->getParentOfType<scf::ParallelOp>())
      return false;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (ranges.empty() || ShapedType::isDynamic(ranges[0]) ||
        ranges[0] < threads ||
        op.getIteratorTypesArray()[0] != utils::IteratorType::parallel)
      return false;
    int64_t points = 1;
    for (int64_t r : ranges) {
      if (ShapedType::isDynamic(r))
        return false;
      points *= r;
    }
    return points >= minIterations && splitKeepsBits(op);
  }

  /// Whether the blocks of the first loop write disjoint output elements,
  /// run no side effects concurrently, and keep each element's arithmetic:
  /// every output is indexed by the first loop, the body has no memory
  /// effects, and no reduction carries `reassoc` (LLVM may vectorize such a
  /// sum in the outlined parallel body and not in the serial loop, or the
  /// other way round: another order of the terms).
  static bool splitKeepsBits(linalg::LinalgOp op) {
    AffineExpr first = getAffineDimExpr(0, op.getContext());
    for (OpOperand &init : op.getDpsInitsMutable())
      if (!llvm::is_contained(op.getMatchingIndexingMap(&init).getResults(),
                              first))
        return false;
    bool reduces = op.getNumReductionLoops() != 0;
    for (Operation &inner : op.getBlock()->without_terminator()) {
      if (!isMemoryEffectFree(&inner))
        return false;
      auto fm = dyn_cast<arith::ArithFastMathInterface>(inner);
      if (reduces && fm &&
          arith::bitEnumContainsAny(fm.getFastMathFlagsAttr().getValue(),
                                    arith::FastMathFlags::reassoc))
        return false;
    }
    return true;
  }

  void runOnOperation() override {
    if (threads < 2)
      return;
    SmallVector<linalg::LinalgOp> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (shouldSplit(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : ops) {
      int64_t extent = op.getStaticLoopRanges()[0];
      SmallVector<int64_t> sizes(op.getNumLoops(), 0);
      sizes[0] = llvm::divideCeil(extent, threads);
      linalg::LinalgTilingOptions options;
      options.setTileSizes(sizes).setLoopType(
          linalg::LinalgTilingLoopType::ParallelLoops);
      rewriter.setInsertionPoint(op);
      if (failed(linalg::tileLinalgOp(rewriter, op, options))) {
        op->emitError("qat-parallelize-loops: cannot tile this op");
        return signalPassFailure();
      }
      rewriter.eraseOp(op);
    }
  }
};
} // namespace

//===- ParallelizeLoops.cpp - large linalg ops split over threads ---------===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

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
    return points >= minIterations;
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

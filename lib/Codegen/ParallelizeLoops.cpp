//===- ParallelizeLoops.cpp - large linalg ops split over threads ---------===//
//
// One parallel loop is split, and only one that indexes every output, so
// that every output element belongs to one block: each element is computed
// by one thread with its terms in the single-threaded order, so the bits do
// not depend on the thread count.
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

  /// The loop to split `op` along, if it is worth splitting: static
  /// bounds, enough work, and the outermost parallel loop that indexes every
  /// output and has room for every thread (the batch of an element-wise op,
  /// the channels of per-channel sums over the batch).
  std::optional<unsigned> splitLoop(linalg::LinalgOp op) const {
    if (!op.hasPureBufferSemantics() || op->getParentOfType<scf::ParallelOp>())
      return std::nullopt;
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    int64_t points = 1;
    for (int64_t r : ranges) {
      if (ShapedType::isDynamic(r))
        return std::nullopt;
      points *= r;
    }
    if (ranges.empty() || points < minIterations ||
        points * quarterCost(op) < 4 * minWork || !splitKeepsBits(op))
      return std::nullopt;
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    for (unsigned d = 0; d < ranges.size(); ++d)
      if (iterators[d] == utils::IteratorType::parallel &&
          ranges[d] >= threads && indexesEveryOutput(op, d))
        return d;
    return std::nullopt;
  }

  /// Four times a rough cost per point: the body's operations plus a
  /// quarter of the bytes it reads and writes. So an int8 copy (the im2col
  /// of a batch-1 convolution, ~35 KB) stays on one thread, where waking the
  /// other costs as much as it saves, and f32 copies and fake-quants of the
  /// same size are split.
  static int64_t quarterCost(linalg::LinalgOp op) {
    int64_t cost =
        4 * std::distance(op.getBlock()->without_terminator().begin(),
                          op.getBlock()->without_terminator().end());
    for (Value v : op->getOperands()) {
      Type t = getElementTypeOrSelf(v.getType());
      if (t.isIntOrFloat())
        cost += std::max<int64_t>(t.getIntOrFloatBitWidth() / 8, 1);
    }
    return std::max<int64_t>(cost, 1);
  }

  /// Whether every output is indexed by loop `d`, so that blocks of `d`
  /// write disjoint elements.
  static bool indexesEveryOutput(linalg::LinalgOp op, unsigned d) {
    AffineExpr dim = getAffineDimExpr(d, op.getContext());
    return llvm::all_of(op.getDpsInitsMutable(), [&](OpOperand &init) {
      return llvm::is_contained(op.getMatchingIndexingMap(&init).getResults(),
                                dim);
    });
  }

  /// Whether blocks run no side effects concurrently and keep each
  /// element's arithmetic: the body has no memory effects, and no reduction
  /// carries `reassoc` (LLVM may vectorize such a sum in the outlined
  /// parallel body and not in the serial loop, or the other way round:
  /// another order of the terms).
  static bool splitKeepsBits(linalg::LinalgOp op) {
    bool reduces = op.getNumReductionLoops() != 0;
    for (Operation &inner : op.getBlock()->without_terminator()) {
      if (!isMemoryEffectFree(&inner))
        return false;
      // math.fma and friends may carry no flags attribute at all.
      auto fm = dyn_cast<arith::ArithFastMathInterface>(inner);
      arith::FastMathFlagsAttr flags = fm ? fm.getFastMathFlagsAttr() : nullptr;
      if (reduces && flags &&
          arith::bitEnumContainsAny(flags.getValue(),
                                    arith::FastMathFlags::reassoc))
        return false;
    }
    return true;
  }

  void runOnOperation() override {
    if (threads < 2)
      return;
    SmallVector<std::pair<linalg::LinalgOp, unsigned>> ops;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (std::optional<unsigned> d = splitLoop(op))
        ops.push_back({op, *d});
    });
    IRRewriter rewriter(&getContext());
    for (auto [op, d] : ops) {
      int64_t extent = op.getStaticLoopRanges()[d];
      SmallVector<int64_t> sizes(op.getNumLoops(), 0);
      sizes[d] = llvm::divideCeil(extent, threads);
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

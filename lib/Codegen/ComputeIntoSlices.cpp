//===- ComputeIntoSlices.cpp - compute inserted pieces in place -----------===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qat {
#define GEN_PASS_DEF_COMPUTEINTOSLICES
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

namespace {
/// insert_slice(reshape*(linalg(outs = E or fill(E)))), E an empty tensor
/// or a reshape of one -> the linalg op computes into
/// reshape*^-1(extract_slice(dest)).
struct ComputeIntoInsertedSlice : OpRewritePattern<tensor::InsertSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::InsertSliceOp insert,
                                PatternRewriter &rewriter) const override {
    Block *block = insert->getBlock();
    // The reshapes between the op's result and the inserted value, last
    // first; each value on the way has no other user.
    SmallVector<Operation *> reshapes;
    Value v = insert.getSource();
    while (isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
        v.getDefiningOp())) {
      if (!v.hasOneUse() || reshapes.size() == 2)
        return failure();
      reshapes.push_back(v.getDefiningOp());
      v = v.getDefiningOp()->getOperand(0);
    }
    auto result = dyn_cast<OpResult>(v);
    auto op = result ? dyn_cast<linalg::LinalgOp>(result.getOwner()) : nullptr;
    // The op's only use (of any result) is the way to this insertion, so
    // nothing else sees it move, and its body has no side effects.
    if (!op || !op->hasOneUse() || !op.hasPureTensorSemantics() ||
        op->getBlock() != block || op->walk([](Operation *inner) {
                                       return isMemoryEffectFree(inner)
                                                  ? WalkResult::advance()
                                                  : WalkResult::interrupt();
                                     }).wasInterrupted())
      return failure();
    OpOperand *init = op.getDpsInitOperand(result.getResultNumber());
    // The value the op accumulates into stays: a fill moves with the op.
    Operation *fill = init->get().getDefiningOp<linalg::FillOp>();
    OpOperand *emptyUse = init;
    if (fill) {
      if (!fill->hasOneUse() || fill->getBlock() != block)
        return failure();
      emptyUse = cast<linalg::FillOp>(fill).getDpsInitOperand(0);
    }
    // An init with no contents: tensor.empty, possibly reshaped (CSE shares
    // one empty between ops of the same shape, so it may have other users).
    Value contents = emptyUse->get();
    while (isa_and_nonnull<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(
        contents.getDefiningOp()))
      contents = contents.getDefiningOp()->getOperand(0);
    if (!contents.getDefiningOp<tensor::EmptyOp>())
      return failure();
    for (Operation *r : reshapes) {
      if (r->getBlock() != block)
        return failure();
      // The inverse reshape is built from static shapes.
      if (!cast<RankedTensorType>(r->getOperand(0).getType()).hasStaticShape())
        return failure();
    }

    // The slice is taken where the computation starts. If the destination
    // (or an offset) is defined later, the computation moves down to the
    // insertion instead, past nothing that touches memory: a global's
    // update stored in between must stay after every read of its old value.
    Operation *first = fill ? fill : op.getOperation();
    DominanceInfo dominance;
    bool sliceFits = llvm::all_of(insert->getOperands(), [&](Value x) {
      return x == insert.getSource() || dominance.properlyDominates(x, first);
    });
    if (!sliceFits) {
      for (Operation *o = first->getNextNode(); o != insert;
           o = o->getNextNode())
        if (o != op && !llvm::is_contained(reshapes, o) &&
            !isMemoryEffectFree(o))
          return failure();
      if (fill)
        rewriter.moveOpBefore(fill, insert);
      rewriter.moveOpBefore(op, insert);
      for (Operation *r : llvm::reverse(reshapes))
        rewriter.moveOpBefore(r, insert);
    }

    rewriter.setInsertionPoint(first);
    Location loc = insert.getLoc();
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, insert.getSourceType(), insert.getDest(),
        insert.getMixedOffsets(), insert.getMixedSizes(),
        insert.getMixedStrides());
    // Undo the reshapes, the last one first.
    for (Operation *r : reshapes) {
      if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(r))
        slice = tensor::ExpandShapeOp::create(
            rewriter, loc, collapse.getSrcType(), slice,
            collapse.getReassociationIndices());
      else
        slice = tensor::CollapseShapeOp::create(
            rewriter, loc, slice,
            cast<tensor::ExpandShapeOp>(r).getReassociationIndices());
    }
    rewriter.modifyOpInPlace(emptyUse->getOwner(),
                             [&] { emptyUse->set(slice); });
    return success();
  }
};

struct ComputeIntoSlicesPass
    : qat::impl::ComputeIntoSlicesBase<ComputeIntoSlicesPass> {
  void runOnOperation() override {
    // One tensor.empty per use: CSE merges equal ones, and one-shot
    // bufferization then makes the users share a buffer, copying whenever
    // one of them writes it in place while another's value is live.
    SmallVector<tensor::EmptyOp> empties;
    getOperation()->walk(
        [&](tensor::EmptyOp empty) { empties.push_back(empty); });
    for (tensor::EmptyOp empty : empties) {
      OpBuilder b(empty);
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : empty->getUses())
        uses.push_back(&use);
      if (uses.size() < 2)
        continue;
      for (OpOperand *use : llvm::drop_begin(uses))
        use->set(b.clone(*empty)->getResult(0));
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<ComputeIntoInsertedSlice>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

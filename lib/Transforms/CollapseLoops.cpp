//===- CollapseLoops.cpp - merge contiguous linalg loop dimensions --------===//

#include "qat/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qat {
#define GEN_PASS_DEF_COLLAPSELOOPS
#include "qat/Transforms/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

/// The maximal runs of adjacent iteration dimensions of `op` with one
/// iterator type that every indexing map keeps contiguous. Ops that read
/// their loop indices (the window gathers) are left alone: collapsing them
/// would put a division and a remainder per index into the loop body.
static SmallVector<ReassociationIndices> collapsibleDims(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op.getOperation()) ||
      !op.hasPureTensorSemantics() || op.hasIndexSemantics())
    return {};
  // A function result stays the op's own buffer (a reshaped view of it
  // would not become the caller's out-parameter and would be copied).
  for (Operation *user : op->getUsers())
    if (user->hasTrait<OpTrait::ReturnLike>())
      return {};
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // Upstream's collapse handles dimensions and nothing else (a broadcast
  // through a constant 0 index would crash it).
  if (!llvm::all_of(maps, [](AffineMap m) { return m.isProjectedPermutation(); }))
    return {};
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices run = {0};
  for (int64_t d = 1, e = op.getNumLoops(); d < e; ++d) {
    ReassociationIndices longer = run;
    longer.push_back(d);
    if (iters[d] == iters[run.front()] &&
        linalg::areDimSequencesPreserved(maps, {longer})) {
      run = std::move(longer);
      continue;
    }
    if (run.size() > 1)
      groups.push_back(run);
    run = {d};
  }
  if (run.size() > 1)
    groups.push_back(run);
  return groups;
}

/// The loops of a plain element-wise or reduction op (every index a loop
/// dimension or a constant 0 of a broadcast): unit extents are dropped from
/// these only. Window ops (strided and offset indices, loop indices read in
/// the body) keep their shapes.
static SmallVector<unsigned> unitDimsToDrop(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic || generic.hasIndexSemantics())
    return {};
  for (AffineMap map : generic.getIndexingMapsArray())
    for (AffineExpr e : map.getResults()) {
      auto cst = dyn_cast<AffineConstantExpr>(e);
      if (!isa<AffineDimExpr>(e) && !(cst && cst.getValue() == 0))
        return {};
    }
  return llvm::to_vector(llvm::seq<unsigned>(0, generic.getNumLoops()));
}

/// Marks `reassoc` on a float max/min combiner of a reduction (the yielded
/// value combines the output's block argument with the new term): any
/// order gives the same result, and LLVM vectorizes it only with the flag.
static void relaxMinMaxReductions(linalg::GenericOp op) {
  if (op.getNumReductionLoops() == 0)
    return;
  auto yield = cast<linalg::YieldOp>(op.getBody()->getTerminator());
  for (auto [i, value] : llvm::enumerate(yield.getValues())) {
    Operation *def = value.getDefiningOp();
    if (!isa_and_nonnull<arith::MaximumFOp, arith::MinimumFOp, arith::MaxNumFOp,
                         arith::MinNumFOp>(def))
      continue;
    BlockArgument acc = op.getRegionOutputArgs()[i];
    if (!llvm::is_contained(def->getOperands(), Value(acc)))
      continue;
    auto fm = cast<arith::ArithFastMathInterface>(def);
    arith::FastMathFlags flags =
        fm.getFastMathFlagsAttr().getValue() | arith::FastMathFlags::reassoc;
    def->setAttr(fm.getFastMathAttrName(),
                 arith::FastMathFlagsAttr::get(op.getContext(), flags));
  }
}

namespace {
struct CollapseLoopsPass : qat::impl::CollapseLoopsBase<CollapseLoopsPass> {
  void runOnOperation() override {
    // First unit dimensions: a per-channel operand [1, C, 1, 1] read
    // through (0, d1, 0, 0) becomes [C] read through (d1), which the
    // collapse below can work with.
    linalg::ControlDropUnitDims unitDims;
    unitDims.controlFn = unitDimsToDrop;
    RewritePatternSet dropUnit(&getContext());
    linalg::populateFoldUnitExtentDimsPatterns(dropUnit, unitDims);
    linalg::populateFoldUnitExtentDimsCanonicalizationPatterns(dropUnit,
                                                               unitDims);
    if (failed(applyPatternsGreedily(getOperation(), std::move(dropUnit))))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    linalg::populateCollapseDimensions(patterns, collapsibleDims);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation()->walk(relaxMinMaxReductions);
  }
};
} // namespace

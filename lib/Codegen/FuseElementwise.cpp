//===- FuseElementwise.cpp - element-wise fusion, cheap recomputation -----===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qat {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

/// `d` or `s * d + d'` (either order) with `d'` ranging over fewer than
/// `s + 1` values: a window of a non-overlapping pooling, stride >= window.
static bool isDisjointWindow(AffineExpr e, ArrayRef<int64_t> ranges,
                             SmallVectorImpl<unsigned> &dims) {
  if (auto d = dyn_cast<AffineDimExpr>(e)) {
    dims.push_back(d.getPosition());
    return true;
  }
  auto add = dyn_cast<AffineBinaryOpExpr>(e);
  if (!add || add.getKind() != AffineExprKind::Add)
    return false;
  for (auto [lhs, rhs] : {std::pair(add.getLHS(), add.getRHS()),
                          std::pair(add.getRHS(), add.getLHS())}) {
    auto mul = dyn_cast<AffineBinaryOpExpr>(lhs);
    auto inner = dyn_cast<AffineDimExpr>(rhs);
    if (!mul || mul.getKind() != AffineExprKind::Mul || !inner)
      continue;
    auto outer = dyn_cast<AffineDimExpr>(mul.getLHS());
    auto stride = dyn_cast<AffineConstantExpr>(mul.getRHS());
    if (!outer || !stride)
      continue;
    int64_t window = ranges[inner.getPosition()];
    if (ShapedType::isDynamic(window) || window > stride.getValue())
      continue;
    dims.push_back(outer.getPosition());
    dims.push_back(inner.getPosition());
    return true;
  }
  return false;
}

/// Whether `map` reads each element it reaches at one iteration of the loop
/// dims it uses: a projected permutation, or one whose results also include
/// constants (plane (1, 0) of a pool's four planes) and disjoint windows
/// (`2 * oh + kh` for a 2x2 max-pool of stride 2). A producer fused through
/// such a map is computed once per element, as through a projected
/// permutation.
static bool readsOncePerElement(AffineMap map, ArrayRef<int64_t> ranges) {
  if (map.isProjectedPermutation())
    return true;
  SmallVector<unsigned> dims;
  for (AffineExpr e : map.getResults())
    if (!isa<AffineConstantExpr>(e) && !isDisjointWindow(e, ranges, dims))
      return false;
  llvm::sort(dims);
  return std::adjacent_find(dims.begin(), dims.end()) == dims.end();
}

/// Whether `expand` only adds unit dims (every group has at most one
/// non-unit extent), as the [C] -> [1, C, 1, 1] of a per-channel value.
static bool addsOnlyUnitDims(tensor::ExpandShapeOp expand) {
  ArrayRef<int64_t> shape = expand.getResultType().getShape();
  return llvm::all_of(
      expand.getReassociationIndices(), [&](const ReassociationIndices &group) {
        return llvm::count_if(group,
                              [&](int64_t d) { return shape[d] != 1; }) <= 1;
      });
}

namespace {
struct FuseElementwisePass
    : qat::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Upstream's control (a single-use producer), and a consumer that
    // reads each producer element once.
    linalg::ControlFusionFn control = [](OpOperand *fused) {
      Operation *producer = fused->get().getDefiningOp();
      if (!producer)
        return false;
      auto consumer = dyn_cast<linalg::LinalgOp>(fused->getOwner());
      // A consumer that reads the producer through several operands, each
      // a different part of it (the four planes of a 2x2 max-pool), gets
      // it fused into each: every element is still computed once.
      auto differentParts = [&] {
        if (!consumer)
          return false;
        // The maps agree everywhere but at constant results, where each
        // pair differs: disjoint parts.
        SmallVector<AffineMap> maps;
        for (OpOperand &use : producer->getUses()) {
          if (use.getOwner() != consumer || !consumer.isDpsInput(&use))
            return false;
          AffineMap map = consumer.getMatchingIndexingMap(&use);
          if (!readsOncePerElement(map, consumer.getStaticLoopRanges()))
            return false;
          for (AffineMap other : maps) {
            if (other.getNumResults() != map.getNumResults())
              return false;
            bool differs = false;
            for (auto [x, y] :
                 llvm::zip(map.getResults(), other.getResults())) {
              bool constant = isa<AffineConstantExpr>(x);
              if (constant != isa<AffineConstantExpr>(y) ||
                  (!constant && x != y))
                return false;
              differs |= constant && x != y;
            }
            if (!differs)
              return false;
          }
          maps.push_back(map);
        }
        return true;
      };
      // A producer with several users is recomputed in each only when that
      // beats writing it (every user reads it element by element).
      if (!producer->hasOneUse() && !differentParts())
        return qat::isCheapToRecompute(producer);
      if (consumer)
        return readsOncePerElement(consumer.getMatchingIndexingMap(fused),
                                   consumer.getStaticLoopRanges());
      return true;
    };
    RewritePatternSet patterns(ctx);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    qat::populateMultiResultFusionPatterns(patterns);
    qat::populateRegroupFusionPatterns(patterns);
    // Bubbling a unit-dims expansion into its producer gives a per-channel
    // reduction ([N, C, H, W] -> [C]) the loops of the broadcast shape
    // [1, C, 1, 1]: nothing is gained, and the extra loops keep it from
    // fusing with the element-wise producers of its input.
    linalg::ControlFusionFn reshapeControl = [control](OpOperand *fused) {
      if (auto expand = dyn_cast<tensor::ExpandShapeOp>(fused->getOwner());
          expand && addsOnlyUnitDims(expand) &&
          isa_and_nonnull<linalg::GenericOp>(fused->get().getDefiningOp()))
        return false;
      return control(fused);
    };
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, reshapeControl);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal(true);
    if (failed(
            applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      signalPassFailure();
  }
};
} // namespace

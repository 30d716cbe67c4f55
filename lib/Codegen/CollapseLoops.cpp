//===- CollapseLoops.cpp - merge contiguous linalg loop dimensions --------===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/IndexingUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SmallBitVector.h"

namespace mlir::qat {
#define GEN_PASS_DEF_COLLAPSELOOPS
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

/// Whether the body reads the indices of the loops in `run` only as their
/// linearization (sum of index * inner extents, the form reshape expansion
/// gives an op that read one collapsed index): collapsing `run` then gives
/// the body back the index it had. Other reads of loop indices (the window
/// gathers' y and x) would each become a division and a remainder.
static bool readsOnlyLinearized(linalg::GenericOp op, ArrayRef<int64_t> run) {
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(run,
                   [&](int64_t d) { return ShapedType::isDynamic(ranges[d]); }))
    return false;
  MLIRContext *ctx = op.getContext();
  AffineExpr linear = getAffineConstantExpr(0, ctx);
  for (auto [i, d] : llvm::enumerate(run))
    linear = linear * ranges[d] + getAffineDimExpr(i, ctx);
  WalkResult r = op.getBody()->walk([&](linalg::IndexOp index) {
    if (!llvm::is_contained(run, int64_t(index.getDim())))
      return WalkResult::advance();
    for (Operation *user : index->getUsers()) {
      auto apply = dyn_cast<affine::AffineApplyOp>(user);
      if (!apply)
        return WalkResult::interrupt();
      // Every operand is the index of one loop of the run, each once.
      AffineMap map = apply.getAffineMap();
      SmallVector<AffineExpr> dims(map.getNumDims()), syms(map.getNumSymbols());
      llvm::SmallBitVector seen(run.size());
      for (auto [i, operand] : llvm::enumerate(apply.getMapOperands())) {
        auto idx = operand.getDefiningOp<linalg::IndexOp>();
        auto pos = idx ? llvm::find(run, int64_t(idx.getDim())) : run.end();
        if (pos == run.end() || seen.test(pos - run.begin()))
          return WalkResult::interrupt();
        seen.set(pos - run.begin());
        AffineExpr e = getAffineDimExpr(pos - run.begin(), ctx);
        (i < map.getNumDims() ? dims[i] : syms[i - map.getNumDims()]) = e;
      }
      if (!seen.all() || map.getNumResults() != 1 ||
          simplifyAffineExpr(map.getResult(0).replaceDimsAndSymbols(dims, syms),
                             run.size(), 0) != linear)
        return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return !r.wasInterrupted();
}

/// Element strides of `v` as a view of the buffer it will bufferize into,
/// through rank-reduced slices (SliceConstantIndices) and the reshapes of
/// earlier collapses; nothing when `v` is (a reshape of) a whole tensor, which
/// is contiguous.
static std::optional<SmallVector<int64_t>> viewStrides(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  if (auto slice = v.getDefiningOp<tensor::ExtractSliceOp>()) {
    RankedTensorType src = slice.getSourceType();
    if (!src.hasStaticShape() ||
        !llvm::all_of(slice.getStaticStrides(),
                      [](int64_t st) { return st == 1; }))
      return std::nullopt;
    SmallVector<int64_t> st =
        viewStrides(slice.getSource()).value_or(computeStrides(src.getShape()));
    llvm::SmallBitVector dropped = slice.getDroppedDims();
    SmallVector<int64_t> kept;
    for (int64_t d = 0, e = src.getRank(); d < e; ++d)
      if (!dropped.test(d))
        kept.push_back(st[d]);
    return kept;
  }
  if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>()) {
    std::optional<SmallVector<int64_t>> st = viewStrides(collapse.getSrc());
    if (!st)
      return std::nullopt;
    SmallVector<int64_t> out;
    for (const ReassociationIndices &g : collapse.getReassociationIndices())
      out.push_back((*st)[g.back()]);
    return out;
  }
  if (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>()) {
    std::optional<SmallVector<int64_t>> st = viewStrides(expand.getSrc());
    if (!st)
      return std::nullopt;
    SmallVector<int64_t> out(type.getRank());
    for (auto [i, g] : llvm::enumerate(expand.getReassociationIndices())) {
      int64_t inner = (*st)[i];
      for (int64_t d : llvm::reverse(g)) {
        out[d] = inner;
        inner *= type.getDimSize(d);
      }
    }
    return out;
  }
  return std::nullopt;
}

/// Whether the loops `run` can merge for every input that is a strided view
/// (a plane of [N, C, 2, 2, H, W] sliced by SliceConstantIndices keeps
/// (N, C) and (H, W) contiguous, not (C, H)): the dimensions they index
/// must be adjacent in memory too.
static bool slicesStayContiguous(linalg::LinalgOp op, ArrayRef<int64_t> run) {
  for (OpOperand *in : op.getDpsInputOperands()) {
    std::optional<SmallVector<int64_t>> st = viewStrides(in->get());
    if (!st)
      continue;
    ArrayRef<int64_t> shape =
        cast<RankedTensorType>(in->get().getType()).getShape();
    AffineMap map = op.getMatchingIndexingMap(in);
    SmallVector<int64_t> resultOf;
    for (int64_t loop : run)
      for (auto [r, e] : llvm::enumerate(map.getResults()))
        if (auto d = dyn_cast<AffineDimExpr>(e); d && d.getPosition() == loop)
          resultOf.push_back(r);
    for (size_t i = 1; i < resultOf.size(); ++i)
      if ((*st)[resultOf[i - 1]] != (*st)[resultOf[i]] * shape[resultOf[i]])
        return false;
  }
  return true;
}

/// The maximal runs of adjacent iteration dimensions of `op` with one
/// iterator type that every indexing map keeps contiguous (and whose
/// indices the body reads only linearized).
static SmallVector<ReassociationIndices> collapsibleDims(linalg::LinalgOp op) {
  if (!isa<linalg::GenericOp>(op.getOperation()) ||
      !op.hasPureTensorSemantics())
    return {};
  // A function result stays the op's own buffer (a reshaped view of it
  // would not become the caller's out-parameter and would be copied).
  for (Operation *user : op->getUsers())
    if (user->hasTrait<OpTrait::ReturnLike>())
      return {};
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  // Upstream's collapse handles dimensions and nothing else (a broadcast
  // through a constant 0 index would crash it).
  if (!llvm::all_of(maps,
                    [](AffineMap m) { return m.isProjectedPermutation(); }))
    return {};
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices run = {0};
  for (int64_t d = 1, e = op.getNumLoops(); d < e; ++d) {
    ReassociationIndices longer = run;
    longer.push_back(d);
    if (iters[d] == iters[run.front()] &&
        linalg::areDimSequencesPreserved(maps, {longer}) &&
        slicesStayContiguous(op, longer)) {
      run = std::move(longer);
      continue;
    }
    if (run.size() > 1)
      groups.push_back(run);
    run = {d};
  }
  if (run.size() > 1)
    groups.push_back(run);
  if (!op.hasIndexSemantics())
    return groups;
  // Split each run around the loops whose indices the body reads: those
  // collapse together when the body reads them only linearized, and stay
  // apart otherwise; the loops before and after them collapse on their own.
  auto generic = cast<linalg::GenericOp>(op.getOperation());
  llvm::SmallBitVector read(op.getNumLoops());
  generic.getBody()->walk(
      [&](linalg::IndexOp index) { read.set(index.getDim()); });
  SmallVector<ReassociationIndices> split;
  auto add = [&](ArrayRef<int64_t> g) {
    if (g.size() > 1)
      split.push_back(ReassociationIndices(g));
  };
  for (ArrayRef<int64_t> g : groups) {
    auto first = llvm::find_if(g, [&](int64_t d) { return read.test(d); });
    if (first == g.end()) {
      add(g);
      continue;
    }
    auto last = llvm::find_if(llvm::reverse(g), [&](int64_t d) {
                  return read.test(d);
                }).base();
    ArrayRef<int64_t> mid(first, last);
    add(ArrayRef<int64_t>(g.begin(), first));
    if (readsOnlyLinearized(generic, mid))
      add(mid);
    add(ArrayRef<int64_t>(last, g.end()));
  }
  return split;
}

/// The loops of a plain element-wise or reduction op (every index a loop
/// dimension or a constant 0 of a broadcast): unit extents are dropped from
/// these only. Window ops (strided and offset indices, loop indices read in
/// the body) keep their shapes.
static SmallVector<unsigned> unitDimsToDrop(Operation *op) {
  auto generic = dyn_cast<linalg::GenericOp>(op);
  if (!generic)
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
/// A division or remainder of a loop index (or of such a quotient) by a
/// positive constant, which the collapse emits to recover the original
/// indices, as an affine.apply: composed with the body's linearization of
/// those indices it folds back to the collapsed index itself.
template <typename OpTy, bool isDiv>
struct LoopIndexDivRemToAffine : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!op.getType().isIndex() || !isNonNegativeIndex(op.getLhs()))
      return failure();
    std::optional<int64_t> c = getConstantIntValue(op.getRhs());
    if (!c || *c <= 0)
      return failure();
    AffineExpr d = rewriter.getAffineDimExpr(0);
    AffineExpr e = isDiv ? d.floorDiv(*c) : d % *c;
    rewriter.replaceOpWithNewOp<affine::AffineApplyOp>(
        op, AffineMap::get(1, 0, e), ValueRange{op.getLhs()});
    return success();
  }

  static bool isNonNegativeIndex(Value v) {
    Operation *def = v.getDefiningOp();
    if (isa_and_nonnull<linalg::IndexOp>(def))
      return true;
    if (auto apply = dyn_cast_or_null<affine::AffineApplyOp>(def)) {
      AffineExpr r = apply.getAffineMap().getResult(0);
      auto bin = dyn_cast<AffineBinaryOpExpr>(r);
      return bin &&
             (r.getKind() == AffineExprKind::FloorDiv ||
              r.getKind() == AffineExprKind::Mod) &&
             isa<AffineConstantExpr>(bin.getRHS()) &&
             llvm::all_of(apply.getMapOperands(), isNonNegativeIndex);
    }
    return false;
  }
};

/// An input read at a constant index of a non-unit dimension (plane (1, 0)
/// of a 2x2 pool's planes, (d0, d1, 1, 0, d2, d3)) becomes the rank-reduced
/// slice at that index, read through the map without it: upstream's
/// collapse handles dimensions and nothing else, and the slice's remaining
/// dimensions are as contiguous as the map's.
struct SliceConstantIndices : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics())
      return failure();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    bool changed = false;
    SmallVector<Value> inputs;
    for (OpOperand *in : op.getDpsInputOperands()) {
      inputs.push_back(in->get());
      auto type = dyn_cast<RankedTensorType>(in->get().getType());
      AffineMap map = maps[in->getOperandNumber()];
      if (!type || !type.hasStaticShape())
        continue;
      SmallVector<OpFoldResult> offsets, sizes;
      SmallVector<int64_t> kept;
      SmallVector<AffineExpr> results;
      for (auto [i, e] : llvm::enumerate(map.getResults())) {
        auto cst = dyn_cast<AffineConstantExpr>(e);
        bool slice = cst && type.getDimSize(i) != 1;
        offsets.push_back(rewriter.getIndexAttr(slice ? cst.getValue() : 0));
        sizes.push_back(rewriter.getIndexAttr(slice ? 1 : type.getDimSize(i)));
        if (!slice) {
          kept.push_back(type.getDimSize(i));
          results.push_back(e);
        }
      }
      if (kept.size() == static_cast<size_t>(type.getRank()))
        continue;
      SmallVector<OpFoldResult> strides(type.getRank(),
                                        rewriter.getIndexAttr(1));
      inputs.back() = tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), type.clone(kept), in->get(), offsets, sizes,
          strides);
      maps[in->getOperandNumber()] =
          AffineMap::get(map.getNumDims(), 0, results, op.getContext());
      changed = true;
    }
    if (!changed)
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getInputsMutable().assign(inputs);
      op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
    });
    return success();
  }
};

struct CollapseLoopsPass : qat::impl::CollapseLoopsBase<CollapseLoopsPass> {
  void runOnOperation() override {
    {
      RewritePatternSet slices(&getContext());
      slices.add<SliceConstantIndices>(&getContext());
      if (failed(applyPatternsGreedily(getOperation(), std::move(slices))))
        return signalPassFailure();
    }
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
    patterns.add<LoopIndexDivRemToAffine<arith::DivSIOp, true>,
                 LoopIndexDivRemToAffine<arith::DivUIOp, true>,
                 LoopIndexDivRemToAffine<arith::RemSIOp, false>,
                 LoopIndexDivRemToAffine<arith::RemUIOp, false>>(&getContext());
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, &getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    getOperation()->walk(relaxMinMaxReductions);
  }
};
} // namespace

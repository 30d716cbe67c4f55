//===- RegroupFusion.cpp - move generics across a regrouping reshape ------===//
//
// A tensor.collapse_shape of trailing dims followed by a tensor.expand_shape
// into other trailing dims (26x26 -> 676 -> 2x2x13x13: the planes of a
// pooling window in blocked pixel order) is neither an expansion nor a
// collapse, so upstream's reshape propagation stops there and the generics
// on its two sides cannot fuse. These patterns rewrite the generic on the
// lower-rank side to iterate over the higher-rank grouping instead (its
// trailing loops become the finer ones); the reshape then cancels and
// element-wise fusion proceeds. Only towards more dims, so that the
// rewrites terminate.
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace {
/// `value` (shape `from`) reaches a value of shape `to` through a collapse
/// of trailing dims [p, rank(from)) and/or an expansion into trailing dims
/// [p, rank(to)); dims before p are unchanged.
struct Regroup {
  Value from;
  int64_t prefix;
  SmallVector<int64_t> toTrailing;
};
} // namespace

/// Leading singleton groups of `groups`, when every later dim is in one
/// last group; nothing otherwise.
static std::optional<int64_t>
trailingGroupStart(ArrayRef<ReassociationIndices> groups) {
  int64_t p = 0;
  while (p < static_cast<int64_t>(groups.size()) && groups[p].size() == 1)
    ++p;
  if (p == static_cast<int64_t>(groups.size()))
    return p - 1; // all singletons: the last dim is the (trivial) group
  return p == static_cast<int64_t>(groups.size()) - 1
             ? std::optional<int64_t>(p)
             : std::nullopt;
}

/// The regroup that produces `v`: expand(collapse(x)), expand(x) or
/// collapse(x), of trailing dims only.
static std::optional<Regroup> matchRegroup(Value v) {
  auto shapeOf = [](Value x) {
    return cast<RankedTensorType>(x.getType()).getShape();
  };
  Value src = v;
  int64_t p = std::numeric_limits<int64_t>::max();
  if (auto expand = src.getDefiningOp<tensor::ExpandShapeOp>()) {
    std::optional<int64_t> start =
        trailingGroupStart(expand.getReassociationIndices());
    if (!start)
      return std::nullopt;
    p = *start;
    src = expand.getSrc();
  }
  if (auto collapse = src.getDefiningOp<tensor::CollapseShapeOp>()) {
    std::optional<int64_t> start =
        trailingGroupStart(collapse.getReassociationIndices());
    if (!start)
      return std::nullopt;
    p = std::min(p, *start);
    src = collapse.getSrc();
  }
  if (src == v || p == std::numeric_limits<int64_t>::max())
    return std::nullopt;
  ArrayRef<int64_t> from = shapeOf(src), to = shapeOf(v);
  if (ShapedType::isDynamicShape(from) || ShapedType::isDynamicShape(to) ||
      p >= static_cast<int64_t>(from.size()) ||
      p >= static_cast<int64_t>(to.size()) ||
      from.take_front(p) != to.take_front(p))
    return std::nullopt;
  return Regroup{src, p, llvm::to_vector(to.drop_front(p))};
}

/// Singleton groups for dims [0, start), then one group of `count` dims.
static SmallVector<ReassociationIndices> trailingGroups(int64_t start,
                                                        int64_t count) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < start; ++i)
    groups.push_back({i});
  groups.push_back(llvm::to_vector(llvm::seq<int64_t>(start, start + count)));
  return groups;
}

/// `value` with its trailing dims from `start` regrouped into `trailing`.
static Value regroupValue(PatternRewriter &rewriter, Location loc, Value value,
                          int64_t start, ArrayRef<int64_t> trailing) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  if (type.getShape().drop_front(start) == trailing)
    return value;
  Value flat = value;
  if (rank - start > 1)
    flat = tensor::CollapseShapeOp::create(rewriter, loc, value,
                                           trailingGroups(start, rank - start));
  if (trailing.size() == 1)
    return flat;
  SmallVector<int64_t> shape(type.getShape().take_front(start));
  llvm::append_range(shape, trailing);
  return tensor::ExpandShapeOp::create(
      rewriter, loc, RankedTensorType::get(shape, type.getElementType()), flat,
      trailingGroups(start, trailing.size()));
}

/// `op` with its loops from `p` replaced by loops over `trailing` (more of
/// them, same total extent). Every indexing map must use those loops as the
/// trailing run of its results in order, or not at all (its other results
/// being earlier loops or constants), the loops must share an iterator type
/// and the body must not read loop indices. Returns the new op (it takes
/// over `op`'s body) and sets `runStart` to where each operand's trailing
/// run starts (-1: none). Fails before changing anything.
static FailureOr<linalg::GenericOp>
regroupLoops(PatternRewriter &rewriter, linalg::GenericOp op, int64_t p,
             ArrayRef<int64_t> trailing, SmallVectorImpl<int64_t> &runStart) {
  int64_t rank = op.getNumLoops();
  int64_t oldTrailing = rank - p;
  if (p >= rank || static_cast<int64_t>(trailing.size()) <= oldTrailing ||
      !op.hasPureTensorSemantics() ||
      !op.getBody()->getOps<linalg::IndexOp>().empty())
    return failure();
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  int64_t oldSize = 1, newSize = 1;
  for (int64_t i = p; i < rank; ++i)
    oldSize *= ranges[i];
  for (int64_t t : trailing)
    newSize *= t;
  if (ShapedType::isDynamic(oldSize) || oldSize != newSize)
    return failure();
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  if (llvm::any_of(ArrayRef(iters).drop_front(p),
                   [&](utils::IteratorType t) { return t != iters[p]; }))
    return failure();

  // Per operand: where its trailing run starts, or -1 if it has none.
  int64_t newRank = p + trailing.size();
  MLIRContext *ctx = op.getContext();
  SmallVector<AffineMap> maps;
  runStart.clear();
  for (AffineMap map : op.getIndexingMapsArray()) {
    SmallVector<AffineExpr> results;
    int64_t start = -1;
    ArrayRef<AffineExpr> exprs = map.getResults();
    for (auto [i, e] : llvm::enumerate(exprs)) {
      if (isa<AffineConstantExpr>(e)) {
        results.push_back(e);
        continue;
      }
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d)
        return failure();
      if (d.getPosition() < p) {
        if (start >= 0)
          return failure();
        results.push_back(e);
        continue;
      }
      // The trailing run: d_p, ..., d_{rank-1} at the end, in order.
      if (start < 0) {
        start = i;
        if (static_cast<int64_t>(exprs.size()) - start != oldTrailing)
          return failure();
      }
      if (d.getPosition() != static_cast<unsigned>(p + (i - start)))
        return failure();
    }
    if (start >= 0)
      for (int64_t j = p; j < newRank; ++j)
        results.push_back(getAffineDimExpr(j, ctx));
    maps.push_back(AffineMap::get(newRank, 0, results, ctx));
    runStart.push_back(start);
  }

  Location loc = op.getLoc();
  auto regroupOperand = [&](OpOperand &operand) {
    int64_t start = runStart[operand.getOperandNumber()];
    Value v = operand.get();
    return start < 0 ? v : regroupValue(rewriter, loc, v, start, trailing);
  };
  SmallVector<Value> inputs, inits;
  for (OpOperand *in : op.getDpsInputOperands())
    inputs.push_back(regroupOperand(*in));
  for (OpOperand &init : op.getDpsInitsMutable())
    inits.push_back(regroupOperand(init));
  SmallVector<utils::IteratorType> newIters(iters.begin(), iters.begin() + p);
  newIters.append(trailing.size(), iters[p]);
  auto newOp =
      linalg::GenericOp::create(rewriter, loc, ValueRange(inits).getTypes(),
                                inputs, inits, maps, newIters);
  rewriter.inlineRegionBefore(op.getRegion(), newOp.getRegion(),
                              newOp.getRegion().begin());
  return newOp;
}

namespace {
/// regroup(generic) -> generic over the regrouped loops, for a generic
/// whose only use is the regroup.
struct RegroupProducer : OpRewritePattern<tensor::ExpandShapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ExpandShapeOp expand,
                                PatternRewriter &rewriter) const override {
    std::optional<Regroup> r = matchRegroup(expand.getResult());
    if (!r)
      return failure();
    auto producer = r->from.getDefiningOp<linalg::GenericOp>();
    if (!producer || producer->getNumResults() != 1 || !r->from.hasOneUse() ||
        !llvm::all_of(expand.getSrc().getUsers(),
                      [&](Operation *u) { return u == expand; }))
      return failure();
    // The result's trailing dims are the loops' (identity output map).
    if (!producer.getIndexingMapsArray().back().isIdentity())
      return failure();
    rewriter.setInsertionPoint(producer);
    SmallVector<int64_t> runStart;
    FailureOr<linalg::GenericOp> newOp =
        regroupLoops(rewriter, producer, r->prefix, r->toTrailing, runStart);
    if (failed(newOp))
      return failure();
    Operation *collapse =
        expand.getSrc().getDefiningOp<tensor::CollapseShapeOp>();
    rewriter.replaceOp(expand, newOp->getResult(0));
    if (collapse)
      rewriter.eraseOp(collapse);
    rewriter.eraseOp(producer);
    return success();
  }
};

/// generic(regroup(x)) -> generic over x's trailing loops, for a generic
/// with fewer loops than x has dims.
struct RegroupConsumer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    for (OpOperand *in : op.getDpsInputOperands()) {
      std::optional<Regroup> r = matchRegroup(in->get());
      if (!r || !r->from.getDefiningOp<linalg::GenericOp>())
        continue;
      // The operand's trailing dims must be the loops' trailing ones.
      AffineMap map = op.getMatchingIndexingMap(in);
      int64_t rank = op.getNumLoops();
      int64_t opTrailing =
          cast<RankedTensorType>(in->get().getType()).getRank() - r->prefix;
      if (map.getNumResults() !=
              cast<RankedTensorType>(in->get().getType()).getRank() ||
          !map.isIdentity() || rank - r->prefix != opTrailing)
        continue;
      auto fromType = cast<RankedTensorType>(r->from.getType());
      SmallVector<int64_t> trailing(fromType.getShape().drop_front(r->prefix));
      SmallVector<int64_t> runStart;
      FailureOr<linalg::GenericOp> newOp =
          regroupLoops(rewriter, op, r->prefix, trailing, runStart);
      if (failed(newOp))
        continue;
      // Results back in the old grouping for the old users.
      SmallVector<Value> results;
      for (auto [i, result] : llvm::enumerate(newOp->getResults())) {
        int64_t start = runStart[op.getNumDpsInputs() + i];
        auto oldType = cast<RankedTensorType>(op.getResult(i).getType());
        results.push_back(
            start < 0 ? result
                      : regroupValue(rewriter, op.getLoc(), result, start,
                                     oldType.getShape().drop_front(start)));
      }
      rewriter.replaceOp(op, results);
      return success();
    }
    return failure();
  }
};
} // namespace

void qat::populateRegroupFusionPatterns(RewritePatternSet &patterns) {
  patterns.add<RegroupProducer, RegroupConsumer>(patterns.getContext());
}

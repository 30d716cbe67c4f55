//===- MultiResultFusion.cpp - fuse a consumer into a multi-use producer --===//
//
// Upstream's element-wise fusion folds a producer into its consumer only
// when the consumer is the producer's sole user, and recomputes it
// otherwise. A training step is full of producers with several users: a
// gradient that two reductions sum and a third op scales, a normalized
// activation that the forward pass and the backward pass both read. Each
// of those users is a separate pass over a tensor that does not fit in
// cache. These patterns put producer and consumer in one linalg.generic
// with the results of both: the tensor is written once, and its readers in
// the same iteration space use the value while it is in a register. Two
// readers of one tensor with no dependence between them are joined the
// same way, so it is also read once.
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dominance.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;

/// Whether every op of `op`'s body is free of memory effects (a call to the
/// runtime is not: it stays where it is).
static bool hasPureBody(linalg::GenericOp op) {
  return !op.getBody()
              ->walk([](Operation *inner) {
                return isMemoryEffectFree(inner) ? WalkResult::advance()
                                                 : WalkResult::interrupt();
              })
              .wasInterrupted();
}

/// The static loop ranges of `op` if the patterns here may move it into
/// another generic (tensor semantics, a pure body); nothing when one range
/// is dynamic or the op cannot move.
static std::optional<SmallVector<int64_t>> fusableRanges(linalg::GenericOp op) {
  if (!op.hasPureTensorSemantics() || !hasPureBody(op))
    return std::nullopt;
  SmallVector<int64_t> ranges = op.getStaticLoopRanges();
  if (llvm::any_of(ranges, ShapedType::isDynamic))
    return std::nullopt;
  return ranges;
}

/// Whether `op` or an op nested in it uses a value defined by one of `defs`.
static bool usesAnyOf(Operation *op, const DenseSet<Operation *> &defs) {
  return op
      ->walk([&](Operation *inner) {
        for (Value v : inner->getOperands())
          if (Operation *d = v.getDefiningOp(); d && defs.contains(d))
            return WalkResult::interrupt();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

/// Whether recomputing `producer` in each of its users is cheaper than
/// writing its result once and reading it back: an element-wise op of at
/// most two arithmetic ops per element on one tensor of its own shape (the
/// others broadcast, per-channel values, on which it may do two more ops
/// that the loops over pixels hoist), all of whose users are linalg ops
/// that read it element by element. The batch-norm fold's
/// `conv * (1 / scale) + bias` is such a producer: its result has four
/// readers, each of which reads the conv output instead, and the tensor is
/// never written.
bool qat::isCheapToRecompute(Operation *op) {
  auto producer = dyn_cast<linalg::GenericOp>(op);
  if (!producer)
    return false;
  if (producer.getNumDpsInits() != 1 || producer.hasIndexSemantics() ||
      producer.getNumReductionLoops() != 0 ||
      !producer.hasPureTensorSemantics())
    return false;
  AffineMap out = producer.getIndexingMapMatchingResult(
      cast<OpResult>(producer->getResult(0)));
  if (!out.isIdentity())
    return false;
  int full = 0;
  // Block values that vary with every element: the full-shape input and
  // what is computed from it.
  DenseSet<Value> perElement;
  for (OpOperand *in : producer.getDpsInputOperands()) {
    AffineMap map = producer.getMatchingIndexingMap(in);
    if (map == out) {
      ++full;
      perElement.insert(producer.getMatchingBlockArgument(in));
    } else if (!map.isProjectedPermutation(/*allowZeroInResults=*/true) ||
               llvm::count_if(map.getResults(), llvm::IsaPred<AffineDimExpr>) >=
                   out.getNumResults()) {
      return false;
    }
  }
  // The output's own value varies per element too (loop indices are
  // excluded above).
  for (BlockArgument arg : producer.getRegionOutputArgs())
    perElement.insert(arg);
  int elementOps = 0, broadcastOps = 0;
  for (Operation &op : producer.getBody()->without_terminator()) {
    if (!isPure(&op) || op.getNumRegions() != 0 || op.getNumResults() != 1)
      return false;
    if (llvm::any_of(op.getOperands(),
                     [&](Value v) { return perElement.contains(v); })) {
      perElement.insert(op.getResult(0));
      ++elementOps;
    } else {
      ++broadcastOps;
    }
  }
  if (elementOps > 2 || broadcastOps > 2)
    return false;
  // Every reader takes it in (an input read element by element), so the
  // tensor is never written.
  return full == 1 &&
         llvm::all_of(producer->getResult(0).getUses(), [](OpOperand &use) {
           auto user = dyn_cast<linalg::GenericOp>(use.getOwner());
           return user && user.isDpsInput(&use) &&
                  user.getMatchingIndexingMap(&use).isPermutation();
         });
}

/// Collects into `hoist` (operands first) the ops that define `v` and must
/// move before `at` for `v` to dominate it: reshapes of values that already
/// do (or of such reshapes), as a consumer's view of a tensor in the
/// producer's loop shape. False if `v` cannot be made to dominate `at`.
static bool hoistableAbove(Value v, Operation *at, DominanceInfo &dominance,
                           SetVector<Operation *> &hoist, int depth = 0) {
  if (dominance.properlyDominates(v, at))
    return true;
  Operation *def = v.getDefiningOp();
  if (!def || hoist.contains(def))
    return def != nullptr;
  if (depth > 4 || def->getBlock() != at->getBlock() ||
      !isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(def))
    return false;
  for (Value operand : def->getOperands())
    if (!hoistableAbove(operand, at, dominance, hoist, depth + 1))
      return false;
  hoist.insert(def);
  return true;
}

/// Where the fused op can go (the producer's or the consumer's place), or
/// null when the two cannot be fused. At the producer's place, `hoist` gets
/// the reshapes that must move before it first.
static Operation *legalInsertionPoint(linalg::GenericOp producer,
                                      linalg::GenericOp consumer,
                                      ArrayRef<int64_t> ranges,
                                      SetVector<Operation *> &hoist) {
  Block *block = consumer->getBlock();
  if (producer->getBlock() != block || fusableRanges(producer) != ranges)
    return nullptr;
  // A sole-user element-wise producer is upstream fusion's case, and so is
  // one that upstream fusion recomputes in each of its users.
  if ((producer->hasOneUse() &&
       producer.getNumLoops() == producer.getNumParallelLoops()) ||
      qat::isCheapToRecompute(producer))
    return nullptr;
  // Every read of a producer result is an input through the map the
  // producer writes it with, a permutation of all loops.
  for (OpOperand &use : consumer->getOpOperands()) {
    auto result = dyn_cast<OpResult>(use.get());
    if (!result || result.getOwner() != producer)
      continue;
    if (consumer.isDpsInit(&use))
      return nullptr;
    AffineMap written = producer.getIndexingMapMatchingResult(result);
    if (!written.isPermutation() ||
        consumer.getMatchingIndexingMap(&use) != written)
      return nullptr;
  }

  // At the producer: everything the consumer reads (operands and values
  // its body captures) must already be defined there, or be a reshape that
  // can move there (hoistableAbove).
  SetVector<Value> read;
  getUsedValuesDefinedAbove(consumer->getRegion(0), read);
  for (Value v : consumer->getOperands())
    if (v.getDefiningOp() != producer)
      read.insert(v);
  DominanceInfo dominance;
  hoist.clear();
  bool atProducer = llvm::all_of(read, [&](Value v) {
    return hoistableAbove(v, producer, dominance, hoist);
  });
  if (atProducer)
    return producer;
  hoist.clear();

  // At the consumer: no other user of the producer comes before it, and
  // nothing the consumer reads depends on the producer.
  DenseSet<Operation *> dependent = {producer};
  for (Operation *op = producer->getNextNode(); op != consumer;
       op = op->getNextNode()) {
    if (usesAnyOf(op, dependent))
      dependent.insert(op);
  }
  for (Operation *user : producer->getUsers()) {
    Operation *inBlock = block->findAncestorOpInBlock(*user);
    if (!inBlock || (inBlock != consumer && inBlock->isBeforeInBlock(consumer)))
      return nullptr;
  }
  for (Value v : read)
    if (Operation *d = v.getDefiningOp(); d && dependent.contains(d))
      return nullptr;
  return consumer;
}

static void fuse(PatternRewriter &rewriter, linalg::GenericOp producer,
                 linalg::GenericOp consumer, Operation *insertAt,
                 const SetVector<Operation *> &hoist) {
  for (Operation *op : hoist)
    rewriter.moveOpBefore(op, insertAt);
  SmallVector<Value> inputs(producer.getDpsInputs());
  SmallVector<AffineMap> maps;
  for (OpOperand *in : producer.getDpsInputOperands())
    maps.push_back(producer.getMatchingIndexingMap(in));
  SmallVector<OpOperand *> keptInputs;
  for (OpOperand *in : consumer.getDpsInputOperands()) {
    if (in->get().getDefiningOp() == producer)
      continue;
    keptInputs.push_back(in);
    inputs.push_back(in->get());
    maps.push_back(consumer.getMatchingIndexingMap(in));
  }
  SmallVector<Value> inits(producer.getDpsInits());
  llvm::append_range(inits, consumer.getDpsInits());
  for (OpOperand &init : producer.getDpsInitsMutable())
    maps.push_back(producer.getMatchingIndexingMap(&init));
  for (OpOperand &init : consumer.getDpsInitsMutable())
    maps.push_back(consumer.getMatchingIndexingMap(&init));
  SmallVector<utils::IteratorType> iterators = producer.getIteratorTypesArray();
  for (auto [i, t] : llvm::enumerate(consumer.getIteratorTypesArray()))
    if (t == utils::IteratorType::reduction)
      iterators[i] = t;
  SmallVector<Type> types(producer->getResultTypes());
  llvm::append_range(types, consumer->getResultTypes());

  rewriter.setInsertionPoint(insertAt);
  auto fused = linalg::GenericOp::create(rewriter, consumer.getLoc(), types,
                                         inputs, inits, maps, iterators);
  Block *body = rewriter.createBlock(&fused.getRegion());
  auto addArg = [&](BlockArgument old) {
    return body->addArgument(old.getType(), old.getLoc());
  };
  IRMapping map;
  for (OpOperand *in : producer.getDpsInputOperands())
    map.map(producer.getMatchingBlockArgument(in),
            addArg(producer.getMatchingBlockArgument(in)));
  for (OpOperand *in : keptInputs)
    map.map(consumer.getMatchingBlockArgument(in),
            addArg(consumer.getMatchingBlockArgument(in)));
  for (BlockArgument arg : producer.getRegionOutputArgs())
    map.map(arg, addArg(arg));
  for (BlockArgument arg : consumer.getRegionOutputArgs())
    map.map(arg, addArg(arg));

  rewriter.setInsertionPointToStart(body);
  for (Operation &op : producer.getBody()->without_terminator())
    rewriter.clone(op, map);
  auto producerYield =
      cast<linalg::YieldOp>(producer.getBody()->getTerminator());
  SmallVector<Value> yields;
  for (Value v : producerYield.getValues())
    yields.push_back(map.lookupOrDefault(v));
  // The consumer reads the producer's value of this iteration.
  for (OpOperand *in : consumer.getDpsInputOperands())
    if (auto result = dyn_cast<OpResult>(in->get());
        result && result.getOwner() == producer)
      map.map(consumer.getMatchingBlockArgument(in),
              yields[result.getResultNumber()]);
  for (Operation &op : consumer.getBody()->without_terminator())
    rewriter.clone(op, map);
  auto consumerYield =
      cast<linalg::YieldOp>(consumer.getBody()->getTerminator());
  for (Value v : consumerYield.getValues())
    yields.push_back(map.lookupOrDefault(v));
  linalg::YieldOp::create(rewriter, consumer.getLoc(), yields);

  unsigned n = producer->getNumResults();
  rewriter.replaceOp(producer, fused->getResults().take_front(n));
  rewriter.replaceOp(consumer, fused->getResults().drop_front(n));
}

namespace {
/// Fuses `consumer` with a linalg.generic `producer` that has other users:
/// one generic with the producer's results followed by the consumer's.
///
/// Legal when both iterate over the same static loop ranges in the same
/// order and the consumer reads each producer result through the very
/// permutation map the producer writes it with: every element of that
/// result is then complete at the iteration that reads it. A loop that is
/// a reduction in either op is a reduction of the fused op; the results
/// whose maps cover every loop are still written once per element.
struct FuseConsumerIntoMultiUseProducer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    std::optional<SmallVector<int64_t>> ranges = fusableRanges(consumer);
    if (!ranges)
      return failure();
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
      if (!producer || producer == consumer)
        continue;
      SetVector<Operation *> hoist;
      if (Operation *insertAt =
              legalInsertionPoint(producer, consumer, *ranges, hoist)) {
        fuse(rewriter, producer, consumer, insertAt, hoist);
        return success();
      }
    }
    return failure();
  }
};

/// Fuses two linalg.generics that read the same tensor element by element
/// (the same permutation of all loops) over the same loop ranges and do not
/// depend on each other: the tensor is read once. Two batch-norm sums of a
/// recomputed `conv / scale + bias` are one pass over the conv output.
struct FuseSiblingsSharingAnInput : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp later,
                                PatternRewriter &rewriter) const override {
    std::optional<SmallVector<int64_t>> ranges = fusableRanges(later);
    if (!ranges)
      return failure();
    for (OpOperand *operand : later.getDpsInputOperands()) {
      AffineMap map = later.getMatchingIndexingMap(operand);
      if (!map.isPermutation())
        continue;
      for (OpOperand &use : operand->get().getUses()) {
        auto earlier = dyn_cast<linalg::GenericOp>(use.getOwner());
        if (!earlier || earlier == later ||
            earlier->getBlock() != later->getBlock() ||
            !earlier->isBeforeInBlock(later) || !earlier.isDpsInput(&use) ||
            earlier.getMatchingIndexingMap(&use) != map)
          continue;
        // A producer of `later` is the other pattern's (or upstream's) case.
        if (llvm::any_of(later->getOperands(), [&](Value v) {
              return v.getDefiningOp() == earlier.getOperation();
            }))
          continue;
        SetVector<Operation *> hoist;
        if (Operation *insertAt =
                legalInsertionPoint(earlier, later, *ranges, hoist)) {
          fuse(rewriter, earlier, later, insertAt, hoist);
          return success();
        }
      }
    }
    return failure();
  }
};
} // namespace

void qat::populateMultiResultFusionPatterns(RewritePatternSet &patterns) {
  patterns.add<FuseConsumerIntoMultiUseProducer, FuseSiblingsSharingAnInput>(
      patterns.getContext());
}

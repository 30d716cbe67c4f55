//===- PoolLayout.cpp - blocked pixel order before 2x2 max-pools ----------===//
//
// A 2x2 max-pool of stride 2 reads its input at stride 2 along a row, which
// LLVM vectorizes with gathers, and its gradient (and every op fused into
// either) does the same. When the pooled tensor comes from an im2col conv2d
// whose pixel order is ours to choose, and reaches the pools only through
// ops that treat every pixel alike, the conv2d writes its output in blocked
// order (kPoolBlockedAttr): the pools then read, and their gradients write,
// four contiguous planes, and the ops in between lower unchanged.
//
//===----------------------------------------------------------------------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "llvm/ADT/EquivalenceClasses.h"

using namespace mlir;
using namespace mlir::qat;

/// A static NCHW float tensor with a spatial extent beyond one pixel.
static bool isSpatial(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getRank() == 4 && t.hasStaticShape() &&
         isa<FloatType>(t.getElementType()) &&
         (t.getDimSize(2) > 1 || t.getDimSize(3) > 1);
}

/// Whether `v` combines with an NCHW tensor (NumPy broadcasting) the same
/// way at every pixel: its dims aligned with H and W are 1 or absent.
static bool isPixelBroadcast(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t)
    return false;
  int64_t r = t.getRank();
  for (int64_t i = std::max<int64_t>(0, r - 2); i < r; ++i)
    if (t.getDimSize(i) != 1)
      return false;
  return true;
}

/// A fake-quant or observer spec that is per tensor, per sample or per
/// channel of a rank-4 tensor.
static bool isPixelUniform(QSpecAttr spec) {
  std::optional<int64_t> axis = spec.getAxis();
  return !axis || *axis == 0 || *axis == 1 || *axis == -4 || *axis == -3;
}

/// A 2x2 stride-2 unpadded floor-mode max_pool2d or max_pool2d_grad of a
/// static spatial input: each window's four positions are one plane apiece.
template <typename PoolOp> static bool isBlockable2x2(PoolOp op) {
  Value input = op.getInput();
  if (!isSpatial(input))
    return false;
  auto t = cast<RankedTensorType>(input.getType());
  return op.getKernelSize() == ArrayRef<int64_t>{2, 2} &&
         op.getStridesOrDefault() == ArrayRef<int64_t>{2, 2} &&
         llvm::all_of(op.getPads(), [](int64_t p) { return p == 0; }) &&
         op.getDilation() == ArrayRef<int64_t>{1, 1} && !op.getCeilMode() &&
         t.getDimSize(2) >= 2 && t.getDimSize(3) >= 2;
}

namespace {
/// Classes of spatial values that must share a pixel order, and whether
/// each can be blocked.
class PixelOrderAnalysis {
public:
  PixelOrderAnalysis(Operation *func, bool im2col) {
    func->walk([&](Block *block) {
      for (BlockArgument arg : block->getArguments())
        if (isSpatial(arg))
          fixed.insert(arg);
    });
    func->walk([&](Operation *op) { visit(op, im2col); });
  }

  /// Whether `v`'s class can be blocked and feeds a pool.
  bool isBlocked(Value v) {
    if (!classes.contains(v))
      return false;
    Value leader = classes.getLeaderValue(v);
    if (!decided.count(leader)) {
      bool ok = false;
      for (Value m : classes.members(v)) {
        if (fixed.contains(m)) {
          ok = false;
          break;
        }
        ok |= pooled.contains(m);
      }
      decided[leader] = ok;
    }
    return decided[leader];
  }

private:
  llvm::EquivalenceClasses<Value> classes;
  /// Values whose pixel order is the standard one: read or written by an
  /// op that looks at pixel positions.
  DenseSet<Value> fixed;
  /// Values read by a blockable pool or pool gradient.
  DenseSet<Value> pooled;
  DenseMap<Value, bool> decided;

  void join(ArrayRef<Value> values) {
    Value first;
    for (Value v : values) {
      classes.insert(v);
      if (first)
        classes.unionSets(first, v);
      else
        first = v;
    }
  }

  /// `op` treats every pixel alike when each of its tensor operands and
  /// results is either `shape`d (joined into one class) or the same at every
  /// pixel (`uniform`).
  void pixelwise(Operation *op, ArrayRef<int64_t> shape,
                 function_ref<bool(Value)> uniform) {
    SmallVector<Value> full;
    bool ok = true;
    auto take = [&](Value v) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t)
        return;
      if (t.getShape() == shape && isSpatial(v))
        full.push_back(v);
      else if (!uniform(v))
        ok = false;
    };
    for (Value v : op->getOperands())
      take(v);
    for (Value v : op->getResults())
      take(v);
    if (ok)
      join(full);
    else
      fixed.insert(full.begin(), full.end());
  }

  void visit(Operation *op, bool im2col) {
    auto shapeOf = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getShape();
    };
    auto always = [](Value) { return true; };
    if (llvm::none_of(op->getResults(), isSpatial) &&
        llvm::none_of(op->getOperands(), isSpatial))
      return;
    if (isa<ReluOp, Relu6Op, ClampOp, QuantStubOp, DequantStubOp, ClampGradOp,
            AddOp, SubOp, MulOp, DivOp>(op))
      return pixelwise(op, shapeOf(op->getResult(0)), isPixelBroadcast);
    if (auto fq = dyn_cast<FakeQuantOp>(op)) {
      if (isPixelUniform(fq.getSpec()))
        return pixelwise(op, shapeOf(fq.getInput()), always);
    } else if (auto fqg = dyn_cast<FakeQuantGradOp>(op)) {
      if (isPixelUniform(fqg.getSpec()))
        return pixelwise(op, shapeOf(fqg.getInput()), always);
    } else if (auto obs = dyn_cast<ObserveOp>(op)) {
      if (isPixelUniform(obs.getSpec()))
        return pixelwise(op, shapeOf(obs.getInput()), always);
    } else if (isa<BatchNormOp, BatchNormGradOp>(op)) {
      // Weight, bias and statistics are per channel.
      return pixelwise(op, shapeOf(op->getOperand(0)), always);
    } else if (isa<SumToShapeOp>(op)) {
      return pixelwise(op, shapeOf(op->getOperand(0)), isPixelBroadcast);
    } else if (auto pool = dyn_cast<MaxPool2dOp>(op)) {
      if (isBlockable2x2(pool)) {
        join(pool.getInput());
        pooled.insert(pool.getInput());
        return;
      }
    } else if (auto grad = dyn_cast<MaxPool2dGradOp>(op)) {
      // The gradient's planes are the input's windows.
      if (isBlockable2x2(grad)) {
        join({grad.getInput(), grad.getInputGrad()});
        pooled.insert(grad.getInput());
        if (isSpatial(grad.getGrad()))
          fixed.insert(grad.getGrad());
        return;
      }
    } else if (auto conv = dyn_cast<Conv2dOp>(op)) {
      // The im2col GEMM's output is in the matrix's pixel order; the GEMM
      // that reads the input directly compacts its rows piece by piece.
      if (im2col && conv.getGroups() == 1 &&
          conv.getInput().getType().hasStaticShape()) {
        join(conv.getResult());
        for (Value v : {conv.getInput(), conv.getWeight()})
          if (isSpatial(v))
            fixed.insert(v);
        return;
      }
    } else if (auto grad = dyn_cast<Conv2dGradOp>(op)) {
      auto dyType = cast<RankedTensorType>(grad.getGrad().getType());
      if (im2col && grad.getGroups() == 1 &&
          cast<RankedTensorType>(grad.getInput().getType()).hasStaticShape() &&
          dyType.hasStaticShape()) {
        join(grad.getGrad());
        for (Value v : {grad.getInput(), grad.getWeight(), grad.getInputGrad(),
                        grad.getWeightGrad()})
          if (isSpatial(v))
            fixed.insert(v);
        return;
      }
    }
    // Anything else reads or writes pixels where they are.
    for (Value v : op->getOperands())
      if (isSpatial(v))
        fixed.insert(v);
    for (Value v : op->getResults())
      if (isSpatial(v))
        fixed.insert(v);
  }
};
} // namespace

void lowering::markPoolBlockedPixels(Operation *func, bool im2col) {
  PixelOrderAnalysis analysis(func, im2col);
  auto unit = UnitAttr::get(func->getContext());
  func->walk([&](Operation *op) {
    Value v;
    if (auto conv = dyn_cast<Conv2dOp>(op))
      v = conv.getResult();
    else if (auto grad = dyn_cast<Conv2dGradOp>(op))
      v = grad.getGrad();
    else if (auto pool = dyn_cast<MaxPool2dOp>(op))
      v = pool.getInput();
    else if (auto grad = dyn_cast<MaxPool2dGradOp>(op))
      v = grad.getInput();
    if (v && analysis.isBlocked(v))
      op->setAttr(kPoolBlockedAttr, unit);
  });
}

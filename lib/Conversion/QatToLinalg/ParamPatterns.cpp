//===- ParamPatterns.cpp - qat.param/load/store to memref globals ---------===//

#include "PatternUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

#include "Qat/IR/QatOps.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

//===----------------------------------------------------------------------===//
// Parameters: qat.param/load/store -> memref globals
//===----------------------------------------------------------------------===//
//
// ml_program globals would be the natural target, but the bufferization of
// ml_program.global_store in MLIR 22 declares that it does not read its
// operand, so when one-shot-bufferize copies that operand out of place it
// elides the copy and stores uninitialized memory. We lower to memref
// globals directly: loads are `to_tensor restrict` views (copied first when
// the function also stores that global, for value semantics), stores are
// `materialize_in_destination` into the global.

namespace {
static MemRefType memrefTypeFor(RankedTensorType t) {
  return MemRefType::get(t.getShape(), t.getElementType());
}

struct ParamLowering : OpConversionPattern<ParamOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ParamOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // Public, mutable and 64-byte aligned: a training step updates it in
    // place, and the JIT reads trained values back by symbol name.
    rewriter.replaceOpWithNewOp<memref::GlobalOp>(
        op, op.getSymNameAttr(), /*sym_visibility=*/StringAttr(),
        TypeAttr::get(memrefTypeFor(op.getType())), op.getInitialValue(),
        /*constant=*/UnitAttr(), rewriter.getI64IntegerAttr(64));
    return success();
  }
};

/// True if a load of `name` must be snapshotted: a store to `name` in the
/// same block comes after the load and before a use of the loaded value (or
/// of a view of it). Otherwise the load can read the global in place, as
/// the weights of a training step do (their update is stored last).
static bool needsSnapshot(LoadOp load) {
  Block *block = load->getBlock();
  SmallVector<Operation *> stores;
  for (Operation &op : *block)
    if (auto store = dyn_cast<StoreOp>(op))
      if (store.getNameAttr() == load.getNameAttr() &&
          load->isBeforeInBlock(store))
        stores.push_back(store);
  if (stores.empty())
    return false;
  // Uses through ops that lower to views of the same memory.
  SmallVector<Value> worklist = {load.getResult()};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      Operation *top = block->findAncestorOpInBlock(*user);
      if (!top)
        return true;
      for (Operation *store : stores)
        if (store->isBeforeInBlock(top))
          return true;
      if (isa<ReshapeOp, FlattenOp, QuantStubOp, DequantStubOp>(user))
        worklist.push_back(user->getResult(0));
    }
  }
  return false;
}

struct LoadLowering : OpConversionPattern<LoadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(LoadOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value global = memref::GetGlobalOp::create(
        rewriter, loc, memrefTypeFor(type), op.getNameAttr().getValue());
    Value view = bufferization::ToTensorOp::create(
        rewriter, loc, type, global, /*restrict=*/true, /*writable=*/false);
    if (needsSnapshot(op)) {
      // Snapshot the value here: a later store must not change it.
      Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                            type.getElementType());
      view = linalg::CopyOp::create(rewriter, loc, view, empty).getResult(0);
    }
    rewriter.replaceOp(op, view);
    return success();
  }
};

struct StoreLowering : OpConversionPattern<StoreOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(StoreOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = cast<RankedTensorType>(op.getValue().getType());
    Value global =
        memref::GetGlobalOp::create(rewriter, op.getLoc(), memrefTypeFor(type),
                                    op.getNameAttr().getValue());
    rewriter.replaceOpWithNewOp<bufferization::MaterializeInDestinationOp>(
        op, TypeRange{}, adaptor.getValue(), global, /*restrict=*/true,
        /*writable=*/true);
    return success();
  }
};
} // namespace

void lowering::populateParamPatterns(RewritePatternSet &patterns) {
  patterns.add<ParamLowering, LoadLowering, StoreLowering>(
      patterns.getContext());
}

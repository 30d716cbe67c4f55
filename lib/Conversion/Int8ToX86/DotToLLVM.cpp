//===- DotToLLVM.cpp - qat.dot_accumulate to x86 intrinsics ---------------===//

#include "qat/Conversion/Passes.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::qat {
#define GEN_PASS_DEF_CONVERTQATDOTTOLLVM
#include "qat/Conversion/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
struct DotToIntrinsic : OpRewritePattern<DotAccumulateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DotAccumulateOp op,
                                PatternRewriter &rewriter) const override {
    int64_t lanes = op.getAcc().getType().getDimSize(0);
    bool bytes = op.getLhs().getType().getElementType().isInteger(8);
    StringRef name;
    if (bytes)
      name = lanes == 16  ? "llvm.x86.avx512.vpdpbusd.512"
             : lanes == 8 ? "llvm.x86.avx512.vpdpbusd.256"
             : lanes == 4 ? "llvm.x86.avx512.vpdpbusd.128"
                          : "";
    else
      name = lanes == 16  ? "llvm.x86.avx512.pmaddw.d.512"
             : lanes == 8 ? "llvm.x86.avx2.pmadd.wd"
             : lanes == 4 ? "llvm.x86.sse2.pmadd.wd"
                          : "";
    if (name.empty())
      return op.emitOpError() << "has no x86 instruction for " << lanes
                              << " lanes";
    Location loc = op.getLoc();
    Type accT = op.getAcc().getType();
    StringAttr intrin = rewriter.getStringAttr(name);
    if (bytes) {
      rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
          op, accT, intrin,
          ValueRange{op.getAcc(), op.getLhs(), op.getRhs()});
      return success();
    }
    Value p = LLVM::CallIntrinsicOp::create(rewriter, loc, accT, intrin,
                                            ValueRange{op.getLhs(), op.getRhs()})
                  .getResult(0);
    rewriter.replaceOpWithNewOp<arith::AddIOp>(op, op.getAcc(), p);
    return success();
  }
};

struct ConvertQatDotToLLVMPass
    : qat::impl::ConvertQatDotToLLVMBase<ConvertQatDotToLLVMPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DotToIntrinsic>(&getContext());
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // An op the patterns could not lower reported why.
    if (getOperation()
            ->walk([](DotAccumulateOp) { return WalkResult::interrupt(); })
            .wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

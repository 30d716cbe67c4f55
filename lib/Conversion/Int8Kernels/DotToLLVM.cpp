//===- DotToLLVM.cpp - qat.dot_accumulate to x86/Arm instructions ---------===//

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
struct DotToX86 : OpRewritePattern<DotAccumulateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DotAccumulateOp op,
                                PatternRewriter &rewriter) const override {
    int64_t lanes = op.getAcc().getType().getDimSize(0);
    bool bytes = op.getLhs().getType().getElementType().isInteger(8);
    if (op.getLhsSigned())
      return op.emitOpError() << "signed x signed bytes need AVX-VNNI-INT8, "
                                 "which qat does not target";
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
      return op.emitOpError()
             << "has no x86 instruction for " << lanes << " lanes";
    Location loc = op.getLoc();
    Type accT = op.getAcc().getType();
    StringAttr intrin = rewriter.getStringAttr(name);
    if (bytes) {
      rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
          op, accT, intrin, ValueRange{op.getAcc(), op.getLhs(), op.getRhs()});
      return success();
    }
    Value p =
        LLVM::CallIntrinsicOp::create(rewriter, loc, accT, intrin,
                                      ValueRange{op.getLhs(), op.getRhs()})
            .getResult(0);
    rewriter.replaceOpWithNewOp<arith::AddIOp>(op, op.getAcc(), p);
    return success();
  }
};

struct MmlaToAArch64 : OpRewritePattern<MmlaAccumulateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MmlaAccumulateOp op,
                                PatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
        op, op.getAcc().getType(),
        rewriter.getStringAttr("llvm.aarch64.neon.usmmla.v4i32.v16i8"),
        ValueRange{op.getAcc(), op.getLhs(), op.getRhs()});
    return success();
  }
};

struct MmlaToX86 : OpRewritePattern<MmlaAccumulateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MmlaAccumulateOp op,
                                PatternRewriter &rewriter) const override {
    return op.emitOpError() << "is an Arm i8mm instruction; x86 has none";
  }
};

struct DotToAArch64 : OpRewritePattern<DotAccumulateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DotAccumulateOp op,
                                PatternRewriter &rewriter) const override {
    auto accT = op.getAcc().getType();
    int64_t lanes = accT.getDimSize(0);
    Location loc = op.getLoc();
    if (op.getLhs().getType().getElementType().isInteger(8)) {
      if (lanes != 4 && lanes != 2)
        return op.emitOpError()
               << "has no AArch64 instruction for " << lanes << " lanes";
      std::string name = std::string("llvm.aarch64.neon.") +
                         (op.getLhsSigned() ? "sdot" : "usdot") +
                         (lanes == 4 ? ".v4i32.v16i8" : ".v2i32.v8i8");
      rewriter.replaceOpWithNewOp<LLVM::CallIntrinsicOp>(
          op, accT, rewriter.getStringAttr(name),
          ValueRange{op.getAcc(), op.getLhs(), op.getRhs()});
      return success();
    }
    // 16-bit pairs: widen, multiply, add even and odd products (the
    // backend selects smull/smull2 and addp).
    int64_t n = op.getLhs().getType().getDimSize(0);
    auto wideT = VectorType::get({n}, rewriter.getI32Type());
    // Separate statements: argument evaluation order would make the IR
    // order compiler-dependent.
    Value lhs = arith::ExtSIOp::create(rewriter, loc, wideT, op.getLhs());
    Value rhs = arith::ExtSIOp::create(rewriter, loc, wideT, op.getRhs());
    Value prod = arith::MulIOp::create(rewriter, loc, lhs, rhs);
    SmallVector<int64_t> even, odd;
    for (int64_t i = 0; i < lanes; ++i) {
      even.push_back(2 * i);
      odd.push_back(2 * i + 1);
    }
    Value evens = vector::ShuffleOp::create(rewriter, loc, prod, prod, even);
    Value odds = vector::ShuffleOp::create(rewriter, loc, prod, prod, odd);
    Value sum = arith::AddIOp::create(rewriter, loc, evens, odds);
    rewriter.replaceOpWithNewOp<arith::AddIOp>(op, op.getAcc(), sum);
    return success();
  }
};

struct ConvertQatDotToLLVMPass
    : qat::impl::ConvertQatDotToLLVMBase<ConvertQatDotToLLVMPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (arch == "x86_64") {
      patterns.add<DotToX86, MmlaToX86>(&getContext());
    } else if (arch == "aarch64") {
      patterns.add<DotToAArch64, MmlaToAArch64>(&getContext());
    } else {
      getOperation().emitError() << "convert-qat-dot-to-llvm: unknown arch '"
                                 << arch << "' (x86_64, aarch64)";
      return signalPassFailure();
    }
    walkAndApplyPatterns(getOperation(), std::move(patterns));
    // An op the patterns could not lower reported why.
    if (getOperation()
            ->walk([](Operation *op) {
              return isa<DotAccumulateOp, MmlaAccumulateOp>(op)
                         ? WalkResult::interrupt()
                         : WalkResult::advance();
            })
            .wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

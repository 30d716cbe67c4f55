//===- LowerX86.cpp - the --qat-lower-x86 pass ----------------------------===//

#include "qat/Conversion/Passes.h"
#include "qat/Target/Target.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::qat {
#define GEN_PASS_DEF_LOWERX86
#include "qat/Conversion/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
struct LowerX86Pass : qat::impl::LowerX86Base<LowerX86Pass> {
  using Base::Base;
  void runOnOperation() override {
    std::optional<const target::Isa *> parsed =
        target::parseKernelIsa(isa, target::Arch::X86_64);
    if (!parsed) {
      getOperation().emitError()
          << "qat-lower-x86: unknown isa '" << isa << "' ("
          << target::isaNames(target::Arch::X86_64, /*withInt8Only=*/true)
          << ", generic, host)";
      return signalPassFailure();
    }
    if (!*parsed || !(*parsed)->int8)
      return;
    RewritePatternSet patterns(&getContext());
    populateInt8KernelPatterns(patterns, *(*parsed)->int8);
    // Each layer is rewritten once, in place; no fixpoint to iterate to.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

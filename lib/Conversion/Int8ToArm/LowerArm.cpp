//===- LowerArm.cpp - the --qat-lower-arm pass ----------------------------===//

#include "qat/Conversion/Passes.h"
#include "qat/Target/Target.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::qat {
#define GEN_PASS_DEF_LOWERARM
#include "qat/Conversion/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
struct LowerArmPass : qat::impl::LowerArmBase<LowerArmPass> {
  using Base::Base;
  void runOnOperation() override {
    // "host" names an x86 host's best: not an Arm ISA.
    std::optional<const target::Isa *> parsed =
        isa == "host" ? std::nullopt
                      : target::parseKernelIsa(isa, target::Arch::AArch64);
    if (!parsed) {
      getOperation().emitError()
          << "qat-lower-arm: unknown isa '" << isa << "' ("
          << target::isaNames(target::Arch::AArch64) << ", generic)";
      return signalPassFailure();
    }
    if (!*parsed || !(*parsed)->int8)
      return;
    RewritePatternSet patterns(&getContext());
    populateInt8KernelPatterns(patterns, *(*parsed)->int8);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

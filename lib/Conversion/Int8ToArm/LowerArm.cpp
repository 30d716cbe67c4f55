//===- LowerArm.cpp - the --qat-lower-arm pass ----------------------------===//

#include "qat/Conversion/Passes.h"

#include "../Int8Kernels/Int8Kernels.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

namespace mlir::qat {
#define GEN_PASS_DEF_LOWERARM
#include "qat/Conversion/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

std::optional<ArmIsa> qat::parseArmIsa(StringRef name) {
  return llvm::StringSwitch<std::optional<ArmIsa>>(name)
      .Case("i8mm", ArmIsa::I8mm)
      .Case("dotprod", ArmIsa::DotProd)
      .Case("neon", ArmIsa::Neon)
      .Case("generic", ArmIsa::Generic)
      .Default(std::nullopt);
}

void qat::populateQatToArmPatterns(RewritePatternSet &patterns, ArmIsa isa) {
  // 128-bit vectors: 4 int32 lanes; 32 registers hold a 6 x 4 tile of
  // accumulators, 4 weight vectors and the broadcast row.
  switch (isa) {
  case ArmIsa::I8mm:
    // usmmla 2x8x2 tiles: uint8 activations times int8 weights, as the
    // contract has them; 4 row pairs x 2 channel vectors = 16 accumulators.
    return populateInt8KernelPatterns(
        patterns, {4, 8, 4, 2, /*wide=*/false, /*lhsSigned=*/false,
                   /*mmla=*/true});
  case ArmIsa::DotProd:
    // sdot: both signed; uint8 activations enter as x ^ 0x80.
    return populateInt8KernelPatterns(
        patterns, {4, 4, 6, 4, /*wide=*/false, /*lhsSigned=*/true});
  case ArmIsa::Neon:
    // 16-bit widening multiplies need temporaries: a 4 x 2 tile.
    return populateInt8KernelPatterns(patterns, {4, 2, 4, 2, /*wide=*/true});
  case ArmIsa::Generic:
    return;
  }
}

namespace {
struct LowerArmPass : qat::impl::LowerArmBase<LowerArmPass> {
  using Base::Base;
  void runOnOperation() override {
    std::optional<ArmIsa> parsed = parseArmIsa(isa);
    if (!parsed) {
      getOperation().emitError() << "qat-lower-arm: unknown isa '" << isa
                                 << "' (i8mm, dotprod, neon, generic)";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateQatToArmPatterns(patterns, *parsed);
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

//===- LowerArm.cpp - the --qat-lower-arm pass ----------------------------===//

#include "qat/Conversion/Passes.h"
#include "qat/Target/Target.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

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
    if (failed(lowerInt8Layers(getOperation(), "qat-lower-arm", isa,
                               target::Arch::AArch64, threads)))
      signalPassFailure();
  }
};
} // namespace

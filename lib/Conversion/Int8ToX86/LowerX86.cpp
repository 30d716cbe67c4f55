//===- LowerX86.cpp - the --qat-lower-x86 pass ----------------------------===//

#include "qat/Conversion/Passes.h"
#include "qat/Target/Target.h"

#include "mlir/Dialect/Quant/IR/Quant.h"

namespace mlir::qat {
#define GEN_PASS_DEF_LOWERX86
#include "qat/Conversion/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

namespace {
struct LowerX86Pass : qat::impl::LowerX86Base<LowerX86Pass> {
  using Base::Base;
  LogicalResult initialize(MLIRContext *ctx) override {
    FailureOr<const target::Int8Tile *> parsed =
        parseInt8KernelIsa(ctx, "qat-lower-x86", isa, target::Arch::X86_64);
    if (failed(parsed))
      return failure();
    tile = *parsed;
    return success();
  }
  void runOnOperation() override {
    lowerInt8Layers(getOperation(), tile, threads);
  }

  const target::Int8Tile *tile = nullptr;
};
} // namespace

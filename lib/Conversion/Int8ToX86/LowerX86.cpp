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
  void runOnOperation() override {
    if (failed(lowerInt8Layers(getOperation(), "qat-lower-x86", isa,
                               target::Arch::X86_64, threads)))
      signalPassFailure();
  }
};
} // namespace

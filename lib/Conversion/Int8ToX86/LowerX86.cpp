//===- LowerX86.cpp - the --qat-lower-x86 pass ----------------------------===//

#include "qat/Conversion/Passes.h"

#include "../Int8Kernels/Int8Kernels.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"
#include "llvm/TargetParser/Host.h"

namespace mlir::qat {
#define GEN_PASS_DEF_LOWERX86
#include "qat/Conversion/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

std::optional<X86Isa> qat::parseX86Isa(StringRef name) {
  if (name == "host") {
    // What the compiling machine runs; AOT cross builds name the ISA.
    auto f = llvm::sys::getHostCPUFeatures();
    if (f.lookup("avx512vnni") && f.lookup("avx512bw") && f.lookup("avx512vl"))
      return X86Isa::Avx512Vnni;
    if (f.lookup("avxvnni"))
      return X86Isa::AvxVnni;
    if (f.lookup("avx2"))
      return X86Isa::Avx2;
    return X86Isa::Generic;
  }
  return llvm::StringSwitch<std::optional<X86Isa>>(name)
      .Case("avx512vnni", X86Isa::Avx512Vnni)
      .Case("avxvnni", X86Isa::AvxVnni)
      .Case("avx2", X86Isa::Avx2)
      .Case("generic", X86Isa::Generic)
      .Default(std::nullopt);
}

void qat::populateQatToX86Patterns(RewritePatternSet &patterns, X86Isa isa) {
  switch (isa) {
  case X86Isa::Avx512Vnni:
    // 24 zmm accumulators + 4 weight vectors + 1 broadcast of 32 registers.
    return populateInt8KernelPatterns(patterns, {16, 4, 6, 4});
  case X86Isa::AvxVnni:
    // 16 ymm registers: 8 accumulators, 2 weights, 1 broadcast.
    return populateInt8KernelPatterns(patterns, {8, 4, 4, 2});
  case X86Isa::Avx2:
    // vpmaddwd on 16-bit operands: 2 k per lane.
    return populateInt8KernelPatterns(patterns, {8, 2, 4, 2, /*wide=*/true});
  case X86Isa::Generic:
    return;
  }
}

namespace {
struct LowerX86Pass : qat::impl::LowerX86Base<LowerX86Pass> {
  using Base::Base;
  void runOnOperation() override {
    std::optional<X86Isa> parsed = parseX86Isa(isa);
    if (!parsed) {
      getOperation().emitError()
          << "qat-lower-x86: unknown isa '" << isa
          << "' (avx512vnni, avxvnni, avx2, generic, host)";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateQatToX86Patterns(patterns, *parsed);
    // Each layer is rewritten once, in place; no fixpoint to iterate to.
    walkAndApplyPatterns(getOperation(), std::move(patterns));
  }
};
} // namespace

//===- Passes.h - qat conversion passes -------------------------*- C++ -*-===//

#ifndef QAT_CONVERSION_PASSES_H
#define QAT_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qat {

#define GEN_PASS_DECL
#include "qat/Conversion/Passes.h.inc"

/// Patterns lowering qat model ops to linalg/tensor/arith/math. With
/// `im2col`, ungrouped static-shape convolutions become im2col + GEMM.
void populateQatToLinalgConversionPatterns(RewritePatternSet &patterns,
                                           bool im2col = true);

/// The x86 int8 kernel sets of --qat-lower-x86.
enum class X86Isa { Generic, Avx2, AvxVnni, Avx512Vnni };

/// Parses an `isa=` value ("host" asks the compiling machine); nullopt for
/// an unknown name.
std::optional<X86Isa> parseX86Isa(llvm::StringRef name);

/// Patterns rewriting qat.qlinear / qat.qconv2d into `isa`'s kernels.
void populateQatToX86Patterns(RewritePatternSet &patterns, X86Isa isa);

/// The Arm kernel sets of --qat-lower-arm.
enum class ArmIsa { Generic, Neon, DotProd, I8mm };

/// Parses an `isa=` value of --qat-lower-arm; nullopt for an unknown name.
std::optional<ArmIsa> parseArmIsa(llvm::StringRef name);

/// Patterns rewriting qat.qlinear / qat.qconv2d into `isa`'s kernels.
void populateQatToArmPatterns(RewritePatternSet &patterns, ArmIsa isa);

#define GEN_PASS_REGISTRATION
#include "qat/Conversion/Passes.h.inc"

} // namespace mlir::qat

#endif // QAT_CONVERSION_PASSES_H

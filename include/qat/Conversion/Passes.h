//===- Passes.h - qat conversion passes -------------------------*- C++ -*-===//

#ifndef QAT_CONVERSION_PASSES_H
#define QAT_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qat {
namespace target {
struct Int8Tile;
enum class Arch;
} // namespace target

#define GEN_PASS_DECL
#include "qat/Conversion/Passes.h.inc"

/// Patterns lowering qat model ops to linalg/tensor/arith/math. With
/// `im2col`, ungrouped static-shape convolutions become im2col + GEMM; the
/// f32 GEMMs are split over `threads` threads (GemmTiling::threads).
void populateQatToLinalgConversionPatterns(RewritePatternSet &patterns,
                                           bool im2col = true,
                                           int64_t threads = 1);

/// Patterns rewriting qat.qlinear and ungrouped qat.qconv2d (static
/// shapes, constant weights and bias) into register-tiled int8 kernels
/// with `tile`'s inner product (--qat-lower-x86, --qat-lower-arm), their
/// output split over `threads` threads (GemmTiling::threads).
void populateInt8KernelPatterns(RewritePatternSet &patterns,
                                const target::Int8Tile &tile,
                                int64_t threads = 1);

/// The int8 tile of `isa` (an isa= option of `arch`: an ISA name,
/// "generic", or, for x86, "host"), null for one without int8 kernels
/// (generic). An unknown name is an error naming `pass`'s option and listing
/// the valid ones: checked when the pass is initialized, before any IR.
FailureOr<const target::Int8Tile *> parseInt8KernelIsa(MLIRContext *ctx,
                                                       StringRef pass,
                                                       StringRef isa,
                                                       target::Arch arch);

/// Rewrites the int8 layers of `root` into the kernels of `tile` (none if
/// null).
void lowerInt8Layers(Operation *root, const target::Int8Tile *tile,
                     int64_t threads = 1);

#define GEN_PASS_REGISTRATION
#include "qat/Conversion/Passes.h.inc"

} // namespace mlir::qat

#endif // QAT_CONVERSION_PASSES_H

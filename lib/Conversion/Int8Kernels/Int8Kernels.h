//===- Int8Kernels.h - register-tiled int8 GEMM kernels ---------*- C++ -*-===//
//
// The kernel generator shared by --qat-lower-x86 and --qat-lower-arm: one
// register-tiled GEMM whose inner product is qat.dot_accumulate, weights
// packed at compile time and the op's requant (NUMERICS.md's float32 one or
// TFLite's fixed point, per its `requant` attribute) in the epilogue. A
// target describes itself with a KernelIsa.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_LIB_CONVERSION_INT8KERNELS_INT8KERNELS_H
#define QAT_LIB_CONVERSION_INT8KERNELS_INT8KERNELS_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::qat {

/// How one target computes `acc[lane] += sum_{e < group} x[e] * w[lane][e]`
/// (qat.dot_accumulate) and how large a register tile it affords.
struct KernelIsa {
  /// int32 accumulator lanes per vector register.
  int64_t lanes;
  /// Consecutive k per lane per instruction (one 32-bit broadcast of x).
  int64_t group;
  /// Register tile: rows of x by vectors of output channels.
  int64_t mr, nr;
  /// 16-bit operands (x86 vpmaddwd, Arm smull/smlal) instead of bytes.
  bool wide = false;
  /// The byte instruction reads x as signed (Arm sdot) rather than
  /// unsigned (x86 vpdpbusd, Arm usdot).
  bool lhsSigned = false;
  /// 2x8x2 matrix tiles (Arm usmmla, qat.mmla_accumulate) instead of
  /// per-lane dot products: rows of x go in pairs, `group` is 8, each
  /// channel vector of `lanes` = 4 takes two accumulators, and `mr` counts
  /// row pairs.
  bool mmla = false;
};

/// Patterns rewriting qat.qlinear and ungrouped qat.qconv2d (static
/// shapes, constant weights and bias) into `isa`'s kernels.
void populateInt8KernelPatterns(RewritePatternSet &patterns,
                                const KernelIsa &isa);

} // namespace mlir::qat

#endif // QAT_LIB_CONVERSION_INT8KERNELS_INT8KERNELS_H

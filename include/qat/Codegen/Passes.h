//===- Passes.h - the code generation passes --------------------*- C++ -*-===//

#ifndef QAT_CODEGEN_PASSES_H
#define QAT_CODEGEN_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/ControlFlow/IR/ControlFlow.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "Qat/IR/QatDialect.h"

namespace mlir::qat {

#define GEN_PASS_DECL
#include "qat/Codegen/Passes.h.inc"

/// Fuses a linalg.generic consumer with a producer generic that has other
/// users into one generic with the results of both (MultiResultFusion.cpp).
void populateMultiResultFusionPatterns(RewritePatternSet &patterns);

/// Moves a linalg.generic across a reshape that regroups trailing dims
/// (collapse then expand: [N, C, H, W] -> [N, C, 2, 2, H/2, W/2]) onto the
/// side with more dims, so that the generics on both sides can fuse.
void populateRegroupFusionPatterns(RewritePatternSet &patterns);

/// Whether `op` is an element-wise linalg.generic cheap enough that
/// recomputing it in each of its users beats writing its result once and
/// reading it back (--qat-fuse-elementwise does; multi-result fusion leaves
/// it alone).
bool isCheapToRecompute(Operation *op);

#define GEN_PASS_REGISTRATION
#include "qat/Codegen/Passes.h.inc"

} // namespace mlir::qat

#endif // QAT_CODEGEN_PASSES_H

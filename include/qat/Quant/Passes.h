//===- Passes.h - the QAT graph passes --------------------------*- C++ -*-===//

#ifndef QAT_QUANT_PASSES_H
#define QAT_QUANT_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include "Qat/IR/QatDialect.h"

namespace mlir::qat {

#define GEN_PASS_DECL
#include "qat/Quant/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qat/Quant/Passes.h.inc"

} // namespace mlir::qat

#endif // QAT_QUANT_PASSES_H

//===- QatDialect.h - qat dialect declaration -------------------*- C++ -*-===//

#ifndef QAT_DIALECT_QAT_IR_QATDIALECT_H
#define QAT_DIALECT_QAT_IR_QATDIALECT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/Dialect.h"

#include "Qat/IR/QatDialect.h.inc"

#endif // QAT_DIALECT_QAT_IR_QATDIALECT_H

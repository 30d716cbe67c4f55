//===- QatAttrs.h - qat dialect attributes ----------------------*- C++ -*-===//

#ifndef QAT_DIALECT_QAT_IR_QATATTRS_H
#define QAT_DIALECT_QAT_IR_QATATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectImplementation.h"

#include "Qat/IR/QatEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Qat/IR/QatAttrs.h.inc"

#endif // QAT_DIALECT_QAT_IR_QATATTRS_H

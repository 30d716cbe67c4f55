//===- InitAll.h - register everything qat tools need -----------*- C++ -*-===//

#ifndef QAT_INITALL_H
#define QAT_INITALL_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::qat {

/// The qat dialect with its backward rules (GradientOpInterface), every
/// dialect its pipelines produce, and the external models (bufferization,
/// LLVM translation) those pipelines rely on.
void registerQatDialects(DialectRegistry &registry);

/// Every qat pass and pipeline, and the upstream passes worth exposing in
/// qat-opt for debugging the lowering.
void registerQatPassesAndPipelines();

} // namespace mlir::qat

#endif // QAT_INITALL_H

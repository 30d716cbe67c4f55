//===- InitAll.h - register everything qat tools need -----------*- C++ -*-===//

#ifndef QAT_INITALL_H
#define QAT_INITALL_H

#include "mlir/IR/DialectRegistry.h"

#include <string>

namespace mlir::qat {

/// The qat dialect with its backward rules (GradientOpInterface), every
/// dialect its pipelines produce, and the external models (bufferization,
/// LLVM translation) those pipelines rely on.
void registerQatDialects(DialectRegistry &registry);

/// Every qat pass and pipeline, and the upstream passes worth exposing in
/// qat-opt for debugging the lowering.
void registerQatPassesAndPipelines();

/// Hides (from --help, not from parsing) every command-line option
/// registered so far: the libraries' own, chiefly LLVM's back-end flags.
/// Call before the tool registers its options.
void hideLibraryOptions();

/// qat-opt's --help overview: the qat passes and pipelines by stage with
/// their summaries (call after registerQatPassesAndPipelines).
std::string getQatOptOverview();

} // namespace mlir::qat

#endif // QAT_INITALL_H

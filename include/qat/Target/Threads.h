//===- Threads.h - thread counts of the generated code ----------*- C++ -*-===//
//
// How many threads the int8 layers are split over (GemmTiling::threads):
// the tools' --threads option.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TARGET_THREADS_H
#define QAT_TARGET_THREADS_H

#include "llvm/Support/CommandLine.h"

#include <cstdint>

namespace mlir::qat::target {

/// Registers a tool's `--threads` option (default 1; in `category`, for
/// every subcommand). libLLVM registers a `-threads` of its own at load time
/// (for parallel code generation, which the tools do not use); it is removed
/// first, so call this from main, before parsing, once.
llvm::cl::opt<int64_t> &
registerThreadsOption(llvm::cl::OptionCategory &category,
                      llvm::StringRef description);

} // namespace mlir::qat::target

#endif // QAT_TARGET_THREADS_H

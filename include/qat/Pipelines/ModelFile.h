//===- ModelFile.h - checks on a model file before parsing ------*- C++ -*-===//
//
// A model file cut short (a copy or download that stopped) usually ends
// inside a multi-megabyte hex string of weights; MLIR's parser would report
// it at the string and echo the whole line. The tools check the text first
// and report one located line instead.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_PIPELINES_MODELFILE_H
#define QAT_PIPELINES_MODELFILE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Support/LLVM.h"
#include "llvm/Support/MemoryBufferRef.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::qat {

/// Checks that `buffer` (an MLIR model file) was not cut short: every string
/// literal closes on its line, and a resource section (`{-#`) closes with
/// `#-}`. Otherwise prints "NAME:LINE:COL: error: ..." (one line, without
/// echoing the line) to `os` and fails.
LogicalResult checkModelFileComplete(llvm::MemoryBufferRef buffer,
                                     llvm::raw_ostream &os);

/// Reads the model at `path` ("-": standard input; at most
/// runtime::kMaxTextFileBytes, a regular file or a pipe), checks it with
/// checkModelFileComplete, adds it to `sourceMgr` (whose diagnostic handler
/// then shows file:line:col) and parses it. Null after an error printed to
/// llvm::errs() as "TOOL: error: ..." or a diagnostic.
OwningOpRef<ModuleOp> parseModelFile(StringRef path, StringRef tool,
                                     MLIRContext *context,
                                     llvm::SourceMgr &sourceMgr);

} // namespace mlir::qat

#endif // QAT_PIPELINES_MODELFILE_H

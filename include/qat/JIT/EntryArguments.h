//===- EntryArguments.h - entry arguments from files ------------*- C++ -*-===//
//
// Reads the arguments of a JIT entry function (qat-run MODEL --data/--input)
// from a dataset and from .npy or IDX files, checked against the entry's
// signature.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_JIT_ENTRYARGUMENTS_H
#define QAT_JIT_ENTRYARGUMENTS_H

#include "qat/JIT/JitModule.h"

#include <string>
#include <vector>

namespace mlir::qat {

/// Where the arguments of an entry come from.
struct ArgumentSources {
  /// A dataset spec (runtime::openDataset) feeding argument 0 with features
  /// and, if it takes integers, argument 1 with labels; empty for none.
  std::string dataSpec;
  /// The dataset's split.
  std::string split = "test";
  /// The first record taken from the dataset and from IDX files.
  int64_t offset = 0;
  /// One file per following argument (runtime::readArgumentFile).
  std::vector<std::string> inputFiles;
};

/// Reads every argument of the entry `entry`, whose signature is `specs`,
/// from `sources`; fails on a missing or extra argument, or one that does
/// not fit its spec.
llvm::Expected<std::vector<runtime::Tensor>>
readEntryArguments(StringRef entry, ArrayRef<TensorSpec> specs,
                   const ArgumentSources &sources);

} // namespace mlir::qat

#endif // QAT_JIT_ENTRYARGUMENTS_H

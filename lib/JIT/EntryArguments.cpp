//===- EntryArguments.cpp - an entry function's arguments from files ------===//

#include "qat/JIT/EntryArguments.h"

#include "qat/Data/Dataset.h"

using namespace mlir;
using namespace mlir::qat;
using runtime::DType;
using runtime::Tensor;

/// Appends the dataset's features (and labels) for `specs` to `args`.
static llvm::Error readDataArguments(StringRef entry,
                                     ArrayRef<TensorSpec> specs,
                                     const ArgumentSources &sources,
                                     std::vector<Tensor> &args) {
  auto ds = runtime::openDataset(sources.dataSpec, sources.split);
  if (!ds)
    return ds.takeError();
  if (specs.empty())
    return llvm::createStringError("@" + entry +
                                   " takes no arguments to feed --data to");
  int64_t batch = specs[0].shape.empty() ? 1 : specs[0].shape[0];
  auto append = [&](const TensorSpec &spec,
                    llvm::Expected<Tensor> arg) -> llvm::Error {
    if (!arg)
      return llvm::createStringError("--data: " + spec.name + ": " +
                                     llvm::toString(arg.takeError()));
    args.push_back(std::move(*arg));
    return llvm::Error::success();
  };
  if (llvm::Error e = append(
          specs[0], (*ds)->getFeatureArgument(sources.offset, batch,
                                              specs[0].dtype, specs[0].shape)))
    return e;
  if (specs.size() > 1 && specs[1].dtype != DType::F32 &&
      specs[1].dtype != DType::F64)
    return append(specs[1],
                  (*ds)->getLabelArgument(sources.offset, batch, specs[1].dtype,
                                          specs[1].shape));
  return llvm::Error::success();
}

llvm::Expected<std::vector<Tensor>>
mlir::qat::readEntryArguments(StringRef entry, ArrayRef<TensorSpec> specs,
                              const ArgumentSources &sources) {
  std::vector<Tensor> args;
  if (!sources.dataSpec.empty())
    if (llvm::Error e = readDataArguments(entry, specs, sources, args))
      return std::move(e);
  for (const std::string &path : sources.inputFiles) {
    if (args.size() >= specs.size())
      return llvm::createStringError("too many inputs: @" + entry + " takes " +
                                     Twine(specs.size()) + " arguments");
    const TensorSpec &spec = specs[args.size()];
    auto t =
        runtime::readArgumentFile(path, sources.offset, spec.dtype, spec.shape);
    if (!t)
      return t.takeError();
    args.push_back(std::move(*t));
  }
  if (args.size() != specs.size())
    return llvm::createStringError(
        "@" + entry + " takes " + Twine(specs.size()) + " arguments but " +
        Twine(args.size()) + " were given (use --input or --data)");
  return std::move(args);
}

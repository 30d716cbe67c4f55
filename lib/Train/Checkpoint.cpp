//===- Checkpoint.cpp - trained models in and out -------------------------===//

#include "qat/Train/Checkpoint.h"

#include "qat/JIT/JitModule.h"
#include "qat/Train/Error.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qat;

void qat::eraseOptimizerState(ModuleOp module) {
  SmallVector<ParamOp> stale;
  for (auto p : module.getOps<ParamOp>()) {
    StringRef name = p.getSymName();
    if (p.getState() &&
        llvm::any_of(kOptimizerStateSuffixes,
                     [&](StringRef suffix) { return name.ends_with(suffix); }))
      stale.push_back(p);
  }
  for (ParamOp p : stale)
    p.erase();
}

llvm::Error qat::readBackParams(ModuleOp module, JitModule &jit) {
  for (auto param : module.getOps<ParamOp>()) {
    auto addr = jit.lookupGlobal(param.getSymName());
    if (!addr)
      return makeTrainError("cannot find the trained value of @" +
                            param.getSymName() + ": " +
                            llvm::toString(addr.takeError()));
    RankedTensorType type = param.getType();
    size_t bytes = type.getNumElements() * (type.getElementTypeBitWidth() / 8);
    param.setInitialValueAttr(DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(static_cast<const char *>(*addr), bytes)));
  }
  return llvm::Error::success();
}

llvm::Error qat::writeModel(ModuleOp module, StringRef path) {
  OwningOpRef<ModuleOp> out = module.clone();
  for (StringRef name : {"train_step", "eval_step"})
    if (Operation *f = out->lookupSymbol(name))
      f->erase();
  SmallString<128> tmp;
  int fd;
  SmallString<128> pattern(path);
  pattern += ".tmp-%%%%%%";
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(pattern, fd, tmp))
    return makeTrainError(path +
                          ": cannot create a temporary file: " + ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    out->print(os);
    os.flush();
    if (os.has_error()) {
      std::string msg = os.error().message();
      os.clear_error();
      llvm::sys::fs::remove(tmp);
      return makeTrainError(path + ": write failed: " + msg);
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path)) {
    llvm::sys::fs::remove(tmp);
    return makeTrainError(
        path + ": cannot rename the temporary file: " + ec.message());
  }
  return llvm::Error::success();
}

llvm::Error qat::checkWritable(StringRef path) {
  if (llvm::sys::fs::is_directory(path))
    return makeTrainError(path + ": cannot write here: is a directory");
  SmallString<128> tmp;
  int fd;
  SmallString<128> pattern(path);
  pattern += ".tmp-%%%%%%";
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(pattern, fd, tmp))
    return makeTrainError(path + ": cannot write here: " + ec.message());
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  llvm::sys::fs::remove(tmp);
  return llvm::Error::success();
}

FailureOr<OwningOpRef<ModuleOp>> qat::readCheckpoint(StringRef path,
                                                     MLIRContext *context) {
  if (!llvm::sys::fs::exists(path))
    return OwningOpRef<ModuleOp>();
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(path, context);
  if (!module)
    return failure();
  return module;
}

//===- Checkpoint.cpp - trained models in and out -------------------------===//

#include "qat/Train/Checkpoint.h"

#include "qat/JIT/JitModule.h"
#include "qat/Train/Error.h"

#include "Qat/IR/QatOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Parser/Parser.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/raw_ostream.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

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

llvm::Expected<std::optional<TrainState>> qat::getTrainState(ModuleOp module,
                                                             StringRef path) {
  Attribute attr = module->getAttr(kCheckpointAttrName);
  if (!attr)
    return std::nullopt;
  auto malformed = [&] {
    return makeTrainError(path + ": the '" + kCheckpointAttrName +
                          "' attribute is malformed; start afresh without "
                          "--resume");
  };
  auto dict = dyn_cast<DictionaryAttr>(attr);
  if (!dict)
    return malformed();
  auto getInt = [&](StringRef key, int64_t &value) {
    auto i = dict.getAs<IntegerAttr>(key);
    if (!i || !i.getType().isSignlessInteger(64))
      return false;
    value = i.getInt();
    return true;
  };
  TrainState state;
  int64_t epoch, seed;
  auto lossSum = dict.getAs<FloatAttr>("loss_sum");
  if (!getInt("epoch", epoch) || !getInt("step", state.step) ||
      !getInt("steps_done", state.stepsDone) ||
      !getInt("correct", state.correct) || !getInt("seed", seed) ||
      !getInt("records", state.records) || !getInt("batch", state.batch) ||
      !lossSum || epoch < 0 || epoch > INT32_MAX || state.step < 0 ||
      state.stepsDone < 0 || state.correct < 0 || state.records < 0)
    return malformed();
  state.epoch = static_cast<int>(epoch);
  state.seed = static_cast<uint64_t>(seed);
  state.lossSum = lossSum.getValueAsDouble();
  return state;
}

static DictionaryAttr getTrainStateAttr(MLIRContext *ctx,
                                        const TrainState &state) {
  Builder b(ctx);
  return b.getDictionaryAttr({
      b.getNamedAttr("epoch", b.getI64IntegerAttr(state.epoch)),
      b.getNamedAttr("step", b.getI64IntegerAttr(state.step)),
      b.getNamedAttr("steps_done", b.getI64IntegerAttr(state.stepsDone)),
      b.getNamedAttr("loss_sum", b.getF64FloatAttr(state.lossSum)),
      b.getNamedAttr("correct", b.getI64IntegerAttr(state.correct)),
      b.getNamedAttr("seed",
                     b.getI64IntegerAttr(static_cast<int64_t>(state.seed))),
      b.getNamedAttr("records", b.getI64IntegerAttr(state.records)),
      b.getNamedAttr("batch", b.getI64IntegerAttr(state.batch)),
  });
}

/// Prints `module` to the new file `fd` (`tmp`) and flushes it to the disk.
static llvm::Error printDurably(ModuleOp module, int fd, StringRef tmp) {
  std::string msg;
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/false);
    module.print(os);
    os.flush();
    if (os.has_error()) {
      msg = os.error().message();
      os.clear_error();
    }
  }
  if (msg.empty() && ::fsync(fd) != 0)
    msg = std::error_code(errno, std::generic_category()).message();
  if (::close(fd) != 0 && msg.empty())
    msg = std::error_code(errno, std::generic_category()).message();
  if (msg.empty())
    return llvm::Error::success();
  return makeTrainError(tmp + ": write failed: " + msg);
}

/// writeModel on `out`, a copy it may change.
static llvm::Error writeCopy(OwningOpRef<ModuleOp> out, StringRef path,
                             const TrainState *state) {
  for (StringRef name : {"train_step", "eval_step"})
    if (Operation *f = out->lookupSymbol(name))
      f->erase();
  if (state)
    (*out)->setAttr(kCheckpointAttrName,
                    getTrainStateAttr(out->getContext(), *state));
  else
    (*out)->removeAttr(kCheckpointAttrName);
  SmallString<128> tmp;
  int fd;
  SmallString<128> pattern(path);
  pattern += ".tmp-%%%%%%";
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(pattern, fd, tmp))
    return makeTrainError(path +
                          ": cannot create a temporary file: " + ec.message());
  if (llvm::Error e = printDurably(*out, fd, tmp)) {
    llvm::sys::fs::remove(tmp);
    return e;
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path)) {
    llvm::sys::fs::remove(tmp);
    return makeTrainError(
        path + ": cannot rename the temporary file: " + ec.message());
  }
  // The rename itself reaches the disk with the directory (best effort:
  // the file is complete either way).
  SmallString<128> dir(path);
  llvm::sys::path::remove_filename(dir);
  int dirFd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (dirFd >= 0) {
    (void)::fsync(dirFd);
    ::close(dirFd);
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

llvm::Error qat::writeModel(ModuleOp module, StringRef path,
                            const TrainState *state) {
  return writeCopy(module.clone(), path, state);
}

// Moving an AsmResourceBlob makes GCC 12 warn that the inline storage of
// its deleter (an llvm::unique_function) "may be used uninitialized": a
// false positive in LLVM's header (the deleter of a view is empty).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
llvm::Error CheckpointWriter::write(ModuleOp module, JitModule &jit,
                                    StringRef path, const TrainState &state) {
  OwningOpRef<ModuleOp> out = module.clone();
  for (auto param : out->getOps<ParamOp>()) {
    auto addr = jit.lookupGlobal(param.getSymName());
    if (!addr)
      return makeTrainError("cannot find the trained value of @" +
                            param.getSymName() + ": " +
                            llvm::toString(addr.takeError()));
    RankedTensorType type = param.getType();
    size_t bytes = type.getNumElements() * (type.getElementTypeBitWidth() / 8);
    // A view, not a copy: the JIT's buffers stay where they are until it is
    // destroyed, and the checkpoint is printed before that.
    AsmResourceBlob blob = UnmanagedAsmResourceBlob::allocateWithAlign(
        ArrayRef<char>(static_cast<const char *>(*addr), bytes),
        alignof(uint64_t));
    auto it = resources.find(param.getSymName());
    DenseResourceElementsAttr value;
    if (it == resources.end()) {
      value =
          DenseResourceElementsAttr::get(type, "checkpoint", std::move(blob));
      resources.try_emplace(param.getSymName(), value.getRawHandle());
    } else {
      it->second.getResource()->setBlob(std::move(blob));
      value = DenseResourceElementsAttr::get(type, it->second);
    }
    param.setInitialValueAttr(value);
  }
  return writeCopy(std::move(out), path, &state);
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

llvm::Expected<int> qat::removeStaleTemporaries(StringRef path) {
  SmallString<128> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  std::string prefix = (llvm::sys::path::filename(path) + ".tmp-").str();
  // The names writeModel's pattern creates: the prefix and six characters.
  auto isTemporary = [&](StringRef name) {
    return name.size() == prefix.size() + 6 && name.starts_with(prefix) &&
           llvm::all_of(name.drop_front(prefix.size()), llvm::isAlnum);
  };
  int removed = 0;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec)) {
    if (!isTemporary(llvm::sys::path::filename(it->path())))
      continue;
    if (std::error_code rm = llvm::sys::fs::remove(it->path()))
      return makeTrainError(it->path() + ": cannot remove: " + rm.message());
    ++removed;
  }
  // A missing directory holds no temporaries (writing the model reports
  // it).
  if (ec && ec != std::errc::no_such_file_or_directory)
    return makeTrainError(dir + ": cannot list: " + ec.message());
  return removed;
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

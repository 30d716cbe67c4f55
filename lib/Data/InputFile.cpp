//===- InputFile.cpp - bounded reading of input files ---------------------===//

#include "qat/Data/InputFile.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"

#include <algorithm>
#include <cerrno>
#include <system_error>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir::qat::runtime;
using llvm::StringRef;
using llvm::Twine;

static llvm::Error makeError(StringRef name, const Twine &message) {
  return llvm::createStringError(name + ": " + message);
}

static std::string errnoMessage(int err) {
  return std::error_code(err, std::generic_category()).message();
}

/// What `mode` is, for the message refusing it.
static StringRef describeFileType(mode_t mode) {
  if (S_ISDIR(mode))
    return "directory";
  if (S_ISCHR(mode))
    return "character device";
  if (S_ISBLK(mode))
    return "block device";
  if (S_ISSOCK(mode))
    return "socket";
  return "unknown file type";
}

llvm::Expected<InputFile> InputFile::open(StringRef path, bool allowStdin) {
  bool stdinPath = allowStdin && path == "-";
  std::string name = stdinPath ? "<stdin>" : path.str();
  int fd = STDIN_FILENO;
  if (!stdinPath) {
    do
      fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0)
      return makeError(name, "cannot open: " + errnoMessage(errno));
  }
  InputFile file(name, fd, /*owned=*/!stdinPath, std::nullopt);
  struct stat st;
  if (::fstat(fd, &st) != 0)
    return makeError(name, "cannot stat: " + errnoMessage(errno));
  if (S_ISREG(st.st_mode))
    file.size = static_cast<uint64_t>(st.st_size);
  else if (!S_ISFIFO(st.st_mode))
    return makeError(name, "not a regular file or a pipe (" +
                               describeFileType(st.st_mode) + ")");
  return std::move(file);
}

InputFile::InputFile(InputFile &&other)
    : name(std::move(other.name)), fd(other.fd), owned(other.owned),
      size(other.size) {
  other.fd = -1;
}

InputFile::~InputFile() {
  if (owned && fd >= 0)
    ::close(fd);
}

int InputFile::releaseFD() {
  int result = fd;
  fd = -1;
  return result;
}

llvm::Expected<size_t> InputFile::read(llvm::MutableArrayRef<char> buffer) {
  size_t total = 0;
  while (total < buffer.size()) {
    // At most 1 GiB per call: Linux reads at most 2 GiB - 4 KiB at once.
    size_t chunk = std::min<size_t>(buffer.size() - total, size_t(1) << 30);
    ssize_t n = ::read(fd, buffer.data() + total, chunk);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return makeError(name, "read error: " + errnoMessage(errno));
    if (n == 0)
      break;
    total += static_cast<size_t>(n);
  }
  return total;
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
mlir::qat::runtime::readInputFile(StringRef path, uint64_t maxBytes,
                                  bool allowStdin,
                                  bool requiresNullTerminator) {
  llvm::Expected<InputFile> file = InputFile::open(path, allowStdin);
  if (!file)
    return file.takeError();
  StringRef name = file->getName();
  if (std::optional<uint64_t> size = file->getSize()) {
    if (*size > maxBytes)
      return makeError(name, "the file is " + Twine(*size) +
                                 " bytes, more than the limit of " +
                                 Twine(maxBytes) + " bytes");
    // Maps the file (or reads it when small), as openInputFile would.
    auto buffer = llvm::MemoryBuffer::getOpenFile(
        llvm::sys::fs::convertFDToNativeFile(file->getFD()), name, *size,
        requiresNullTerminator);
    if (!buffer)
      return makeError(name,
                       "cannot map or read: " + buffer.getError().message());
    return std::move(*buffer);
  }
  // A pipe: read until its end, but never more than the limit.
  llvm::SmallVector<char, 0> data;
  while (true) {
    size_t used = data.size();
    size_t chunk = std::min<uint64_t>(std::max<size_t>(used, 1 << 16),
                                      maxBytes + 1 - used);
    data.resize_for_overwrite(used + chunk);
    llvm::Expected<size_t> got =
        file->read(llvm::MutableArrayRef<char>(data.data() + used, chunk));
    if (!got)
      return got.takeError();
    data.truncate(used + *got);
    if (data.size() > maxBytes)
      return makeError(name, "the pipe holds more than the limit of " +
                                 Twine(maxBytes) + " bytes");
    if (*got < chunk)
      break;
  }
  return llvm::MemoryBuffer::getMemBufferCopy(
      StringRef(data.data(), data.size()), name);
}

uint64_t mlir::qat::runtime::getMemoryLimit() {
  uint64_t limit = UINT64_MAX;
  long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
  if (pages > 0 && pageSize > 0)
    limit = static_cast<uint64_t>(pages) * static_cast<uint64_t>(pageSize);
  struct rlimit rl;
  if (::getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    limit = std::min<uint64_t>(limit, rl.rlim_cur);
  return limit;
}

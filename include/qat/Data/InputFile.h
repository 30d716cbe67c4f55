//===- InputFile.h - bounded reading of input files -------------*- C++ -*-===//
//
// Every file qat reads (data files and model files) is opened here, so that
// an endless or huge input (/dev/zero, a sparse file, a header that lies)
// ends in an error naming the file instead of memory growing until the
// process dies.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DATA_INPUTFILE_H
#define QAT_DATA_INPUTFILE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mlir::qat::runtime {

/// The largest model file (MLIR text or ONNX) and CSV file the tools read:
/// 2 GiB, protobuf's own limit on the size of a message.
inline constexpr uint64_t kMaxTextFileBytes = uint64_t(1) << 31;

/// A file open for reading: a regular file (whose size is known) or a pipe
/// (standard input, a FIFO, a shell process substitution), read until its
/// end. Anything else (a device such as /dev/zero, a directory, a socket) is
/// refused when opened.
class InputFile {
public:
  /// Opens `path`; "-" is standard input when `allowStdin`. Errors name the
  /// file: "/dev/zero: not a regular file or a pipe (character device)".
  static llvm::Expected<InputFile> open(llvm::StringRef path,
                                        bool allowStdin = false);

  InputFile(InputFile &&other);
  InputFile &operator=(InputFile &&other) = delete;
  ~InputFile();

  /// The path as messages name it ("<stdin>" for standard input).
  llvm::StringRef getName() const { return name; }
  /// The size in bytes of a regular file; none for a pipe.
  std::optional<uint64_t> getSize() const { return size; }

  /// Reads up to `buffer.size()` bytes, fewer only at the end of the file.
  llvm::Expected<size_t> read(llvm::MutableArrayRef<char> buffer);

  /// The file descriptor, still owned by this object.
  int getFD() const { return fd; }
  /// Gives up ownership of the file descriptor (e.g. to zlib's gzdopen).
  int releaseFD();

private:
  InputFile(std::string name, int fd, bool owned, std::optional<uint64_t> size)
      : name(std::move(name)), fd(fd), owned(owned), size(size) {}

  std::string name;
  int fd;
  bool owned;
  std::optional<uint64_t> size;
};

/// Reads all of `path` ("-" is standard input when `allowStdin`), which
/// must be a regular file or a pipe of at most `maxBytes` bytes: "x.mlir:
/// the file is 3221225472 bytes, more than the limit of 2147483648 bytes"
/// (a pipe is read only up to the limit). The buffer is named after the
/// file, and null-terminated when `requiresNullTerminator` (the MLIR parser
/// needs it; without it a large file is always mapped, never copied).
llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readInputFile(llvm::StringRef path, uint64_t maxBytes, bool allowStdin = false,
              bool requiresNullTerminator = true);

/// The most memory one reader may ask for: the machine's physical memory,
/// or the address-space limit (`ulimit -v`) when that is lower.
uint64_t getMemoryLimit();

} // namespace mlir::qat::runtime

#endif // QAT_DATA_INPUTFILE_H

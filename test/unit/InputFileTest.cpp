//===- InputFileTest.cpp - Tests of the bounded input file reader ---------===//

#include "qat/Data/InputFile.h"

#include "TempDirTest.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

using namespace mlir::qat::runtime;
using llvm::StringRef;

namespace {

class InputFileTest : public mlir::qat::unittest::TempDirTest {
protected:
  InputFileTest() : TempDirTest("qat-input-file") {}

  static std::string readError(StringRef path, uint64_t maxBytes,
                               bool allowStdin = false) {
    auto buffer = readInputFile(path, maxBytes, allowStdin);
    return buffer ? std::string() : llvm::toString(buffer.takeError());
  }
};

/// A pipe holding `bytes` (at most a pipe buffer, 64 KiB) whose write end is
/// closed; its read end is open as /proc/self/fd/N, as a shell's process
/// substitution passes it.
class PipeWithBytes {
public:
  explicit PipeWithBytes(StringRef bytes) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    readFd = fds[0];
    EXPECT_EQ(::write(fds[1], bytes.data(), bytes.size()),
              static_cast<ssize_t>(bytes.size()));
    ::close(fds[1]);
  }
  ~PipeWithBytes() { ::close(readFd); }
  std::string path() const { return "/proc/self/fd/" + std::to_string(readFd); }
  int readFd;
};

} // namespace

TEST_F(InputFileTest, ReadsRegularFilesAndPipes) {
  std::string path = writeFile("m.mlir", "module {}");
  auto file = readInputFile(path, 100);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_EQ((*file)->getBuffer(), "module {}");
  EXPECT_EQ((*file)->getBufferIdentifier(), path);
  EXPECT_EQ(*((*file)->getBufferEnd()), '\0');

  PipeWithBytes pipe("from a pipe");
  auto piped = readInputFile(pipe.path(), 100);
  ASSERT_TRUE(bool(piped)) << llvm::toString(piped.takeError());
  EXPECT_EQ((*piped)->getBuffer(), "from a pipe");

  auto opened = InputFile::open(path);
  ASSERT_TRUE(bool(opened)) << llvm::toString(opened.takeError());
  EXPECT_EQ(opened->getSize(), std::optional<uint64_t>(9));
}

TEST_F(InputFileTest, StandardInput) {
  PipeWithBytes pipe("stdin bytes");
  int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(pipe.readFd, STDIN_FILENO), STDIN_FILENO);
  auto file = readInputFile("-", 100, /*allowStdin=*/true);
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  EXPECT_EQ((*file)->getBuffer(), "stdin bytes");
  EXPECT_EQ((*file)->getBufferIdentifier(), "<stdin>");
  // Without allowStdin, "-" is a file name.
  EXPECT_EQ(readError("-", 100), "-: cannot open: No such file or directory");
}

TEST_F(InputFileTest, RefusesWhatIsNotAFileOrAPipe) {
  EXPECT_EQ(readError("/dev/zero", 100),
            "/dev/zero: not a regular file or a pipe (character device)");
  EXPECT_EQ(readError(dir, 100),
            dir.str().str() + ": not a regular file or a pipe (directory)");
  std::string missing = pathOf("missing.mlir");
  EXPECT_EQ(readError(missing, 100),
            missing + ": cannot open: No such file or directory");
}

TEST_F(InputFileTest, RefusesMoreThanTheLimit) {
  std::string path = writeFile("big.mlir", std::string(20, 'x'));
  EXPECT_EQ(readError(path, 10),
            path + ": the file is 20 bytes, more than the limit of 10 bytes");
  EXPECT_EQ(readError(path, 20), "");
  // A pipe is read only up to the limit (an endless one would never end).
  PipeWithBytes pipe(std::string(20, 'x'));
  EXPECT_EQ(readError(pipe.path(), 10),
            pipe.path() + ": the pipe holds more than the limit of 10 bytes");
  PipeWithBytes exact(std::string(10, 'x'));
  EXPECT_EQ(readError(exact.path(), 10), "");
}

TEST_F(InputFileTest, ReadErrors) {
  // /proc/self/mem opens as a regular file, but reading its first page (an
  // unmapped address) fails with EIO.
  auto file = InputFile::open("/proc/self/mem");
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  char byte;
  auto got = file->read(llvm::MutableArrayRef<char>(&byte, 1));
  ASSERT_FALSE(bool(got));
  EXPECT_EQ(llvm::toString(got.takeError()),
            "/proc/self/mem: read error: Input/output error");
}

TEST(MemoryLimitTest, IsPhysicalMemoryAtMost) {
  uint64_t limit = getMemoryLimit();
  uint64_t physical = static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) *
                      static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  EXPECT_GT(limit, 0u);
  EXPECT_LE(limit, physical);
}

//===- TempDirTest.h - a fixture with a temporary directory -----*- C++ -*-===//
//
// The fixture of the file reader tests: a fresh temporary directory per
// test, removed afterwards, and files written into and read from it.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TEST_UNIT_TEMPDIRTEST_H
#define QAT_TEST_UNIT_TEMPDIRTEST_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>

namespace mlir::qat::unittest {

class TempDirTest : public ::testing::Test {
protected:
  /// `prefix` names the directory (`<prefix>-XXXXXX` in the system's
  /// temporary directory).
  explicit TempDirTest(llvm::StringRef prefix) : prefix(prefix) {}

  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory(prefix, dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }

  std::string pathOf(llvm::StringRef name) const {
    llvm::SmallString<256> path(dir);
    llvm::sys::path::append(path, name);
    return std::string(path);
  }

  /// Writes `bytes` to `name` in the directory; returns the path.
  std::string writeFile(llvm::StringRef name, llvm::StringRef bytes) const {
    std::string path = pathOf(name);
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    EXPECT_FALSE(ec) << ec.message();
    os << bytes;
    return path;
  }

  /// The bytes of the file at `path`, or a "<cannot read PATH>" marker.
  static std::string readFile(llvm::StringRef path) {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return "<cannot read " + path.str() + ">";
    return (*buffer)->getBuffer().str();
  }

  llvm::SmallString<256> dir;

private:
  std::string prefix;
};

} // namespace mlir::qat::unittest

#endif // QAT_TEST_UNIT_TEMPDIRTEST_H

//===- ModelFile.cpp - checks on a model file before parsing --------------===//

#include "qat/Pipelines/ModelFile.h"

#include "qat/Data/InputFile.h"

#include "mlir/Parser/Parser.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;

namespace {
/// A position in the file, 1-based as the parser reports them.
struct Position {
  size_t line = 1, column = 1;
};
} // namespace

/// Scans `text` as MLIR's lexer does for strings and comments: a string
/// (`"`, with `\` escapes) must close before its line ends; `//` comments
/// run to the end of the line. Returns the opening quote of the first
/// unclosed string, and the start of a `{-#` resource section that no `#-}`
/// follows.
static void scan(StringRef text, std::optional<Position> &openString,
                 std::optional<Position> &openResources) {
  Position pos, quote, resources;
  bool inString = false, inComment = false, inResources = false;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (c == '\n') {
      if (inString) {
        openString = quote;
        return;
      }
      inComment = false;
      ++pos.line;
      pos.column = 1;
      continue;
    }
    if (inString) {
      if (c == '\\')
        ++i, ++pos.column;
      else if (c == '"')
        inString = false;
    } else if (!inComment) {
      if (c == '"') {
        inString = true;
        quote = pos;
      } else if (text.substr(i).starts_with("//")) {
        inComment = true;
      } else if (text.substr(i).starts_with("{-#")) {
        inResources = true;
        resources = pos;
      } else if (text.substr(i).starts_with("#-}")) {
        inResources = false;
      }
    }
    ++pos.column;
  }
  if (inString)
    openString = quote;
  if (inResources)
    openResources = resources;
}

LogicalResult qat::checkModelFileComplete(llvm::MemoryBufferRef buffer,
                                          llvm::raw_ostream &os) {
  std::optional<Position> openString, openResources;
  scan(buffer.getBuffer(), openString, openResources);
  auto report = [&](Position p, StringRef what) {
    os << buffer.getBufferIdentifier() << ":" << p.line << ":" << p.column
       << ": error: " << what
       << "; the file is truncated (or not a complete model file)\n";
    return failure();
  };
  if (openString)
    return report(*openString,
                  "this string does not close before its line ends");
  if (openResources)
    return report(*openResources,
                  "this resource section ('{-#') does not close with '#-}'");
  return success();
}

OwningOpRef<ModuleOp> qat::parseModelFile(StringRef path, StringRef tool,
                                          MLIRContext *context,
                                          llvm::SourceMgr &sourceMgr) {
  // Bounded: /dev/zero or an endless pipe is an error, not memory growing
  // until the process dies.
  auto file = runtime::readInputFile(path, runtime::kMaxTextFileBytes,
                                     /*allowStdin=*/true);
  if (!file) {
    llvm::WithColor::error(llvm::errs(), tool)
        << llvm::toString(file.takeError()) << "\n";
    return nullptr;
  }
  if (failed(checkModelFileComplete(**file, llvm::errs())))
    return nullptr;
  sourceMgr.AddNewSourceBuffer(std::move(*file), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, context);
}

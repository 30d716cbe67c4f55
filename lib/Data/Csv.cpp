//===- Csv.cpp - CSV reader for labeled records ---------------------------===//

#include "qat/Data/Csv.h"

#include "qat/Data/InputFile.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/MemoryBuffer.h"

#include <algorithm>
#include <climits>
#include <cmath>

using namespace mlir::qat::runtime;
using llvm::StringRef;
using llvm::Twine;

static llvm::Error csvError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

llvm::Expected<LabeledRecords> mlir::qat::runtime::readCsv(StringRef path) {
  auto buf = readInputFile(path, kMaxTextFileBytes);
  if (!buf)
    return buf.takeError();
  llvm::SmallVector<StringRef> lines;
  (*buf)->getBuffer().split(lines, '\n', -1, /*KeepEmpty=*/false);
  std::vector<float> feats;
  std::vector<int32_t> labels;
  int64_t width = -1;
  for (auto [i, line] : llvm::enumerate(lines)) {
    line = line.trim();
    if (line.empty())
      continue;
    llvm::SmallVector<StringRef> cells;
    line.split(cells, ',');
    if (width < 0)
      width = cells.size();
    if (static_cast<int64_t>(cells.size()) != width || width < 2)
      return csvError(path + ":" + Twine(i + 1) + ": record " + Twine(i) +
                      " has " + Twine(cells.size()) + " fields, expected " +
                      Twine(std::max<int64_t>(width, 2)));
    for (auto [j, cell] : llvm::enumerate(cells)) {
      double v;
      if (cell.trim().getAsDouble(v))
        return csvError(path + ":" + Twine(i + 1) + ": record " + Twine(i) +
                        ", field " + Twine(j + 1) + ": '" + cell.trim() +
                        "' is not a number");
      if (j + 1 == cells.size()) {
        if (v != std::floor(v))
          return csvError(path + ":" + Twine(i + 1) + ": record " + Twine(i) +
                          ": label " + cell.trim() + " is not an integer");
        // Checked before the conversion, which is undefined out of range.
        if (v < INT32_MIN || v > INT32_MAX)
          return csvError(path + ":" + Twine(i + 1) + ": record " + Twine(i) +
                          ": label " + cell.trim() +
                          " is out of the int32 range");
        labels.push_back(static_cast<int32_t>(v));
      } else {
        feats.push_back(static_cast<float>(v));
      }
    }
  }
  // Without a record the number of features is unknown.
  if (width < 0)
    return csvError(path + ": no records");
  int64_t n = labels.size();
  LabeledRecords records{Tensor::zeros(DType::F32, {n, width - 1}),
                         Tensor::zeros(DType::I32, {n})};
  std::copy(feats.begin(), feats.end(), records.features.data<float>());
  std::copy(labels.begin(), labels.end(), records.labels.data<int32_t>());
  return records;
}

//===- Csv.h - CSV reader for labeled records -------------------*- C++ -*-===//
//
// Reads a CSV file of labeled records: one record per line, its features
// then its integer label, comma-separated.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DATA_CSV_H
#define QAT_DATA_CSV_H

#include "qat/Data/Tensor.h"

#include "llvm/Support/Error.h"

namespace mlir::qat::runtime {

/// Labeled records: features [N, D] and one label per record [N].
struct LabeledRecords {
  Tensor features;
  Tensor labels;
};

/// Reads the CSV file at `path`: one record per non-empty line, D >= 1
/// features then the label, every field a number and the label an integer.
/// Returns features as f32 [N, D] and labels as i32 [N], N >= 1 (labels
/// outside int32 are errors). Errors name the
/// line, the record and the field, e.g. "d.csv:3: record 2, field 2: 'x' is
/// not a number" or "d.csv:2: record 1 has 4 fields, expected 3".
llvm::Expected<LabeledRecords> readCsv(llvm::StringRef path);

} // namespace mlir::qat::runtime

#endif // QAT_DATA_CSV_H

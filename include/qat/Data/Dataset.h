//===- Dataset.h - labeled datasets behind one interface --------*- C++ -*-===//
//
// The records a model trains and evaluates on, whatever their file format:
// Fashion-MNIST (IDX .gz), NumPy (.npy features and labels) or CSV. One
// parser turns a `--data=` spec into a Dataset for every qat-run subcommand.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DATA_DATASET_H
#define QAT_DATA_DATASET_H

#include "qat/Data/Tensor.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace mlir::qat::runtime {

/// A labeled dataset: N records, each with a fixed number of features and an
/// integer label. Readers are accessed by record index only, so that an
/// implementation may stream records from disk instead of holding them.
class Dataset {
public:
  virtual ~Dataset();

  /// What messages call the dataset: "fashion-mnist train", a CSV path, or
  /// the "FEATURES,LABELS" pair of an npy: spec.
  llvm::StringRef getName() const { return name; }
  /// The number of records.
  virtual int64_t getNumRecords() const = 0;
  /// The number of features of one record (the elements of a record of the
  /// stored features, e.g. 784 for a 28x28 image).
  virtual int64_t getFeaturesPerRecord() const = 0;

  /// Fails on the first record whose label (at its stored width, e.g. an
  /// int64) is outside [0, classes): "NAME: record 2: label 5 is out of
  /// range [0, 2)". fillBatch narrows labels to int32 only after this.
  virtual llvm::Error checkLabels(int64_t classes) const = 0;

  /// Copies the records order[first, first + B) into the f32 batch `x` (of
  /// shape [B, ...], getFeaturesPerRecord() elements per record; u8
  /// features are scaled to [0, 1]) and their labels into the i32 batch `y`
  /// ([B]). Positions past the end of `order` are zeros.
  virtual void fillBatch(llvm::ArrayRef<int64_t> order, int64_t first,
                         Tensor &x, Tensor &y) const = 0;

  /// Records [offset, offset + count) of the features, as stored, converted
  /// to an entry argument of dtype `target` and shape `shape` (see
  /// convertForArgument; u8 features are scaled to [0, 1] for a float
  /// argument).
  virtual llvm::Expected<Tensor>
  getFeatureArgument(int64_t offset, int64_t count, DType target,
                     llvm::ArrayRef<int64_t> shape) const = 0;
  /// The same for the labels (never scaled).
  virtual llvm::Expected<Tensor>
  getLabelArgument(int64_t offset, int64_t count, DType target,
                   llvm::ArrayRef<int64_t> shape) const = 0;

protected:
  explicit Dataset(std::string name) : name(std::move(name)) {}

private:
  std::string name;
};

/// The default directory of `fashion-mnist` specs.
inline constexpr llvm::StringLiteral kFashionMnistDefaultDir =
    "/usr/share/datasets/fashion-mnist";

/// Opens the dataset a `--data=` spec names: `fashion-mnist[:DIR]` (the
/// `split`, "train" or "test", of Fashion-MNIST in DIR),
/// `npy:FEATURES.npy,LABELS.npy` or `csv:FILE` (`split` is ignored for
/// npy and csv). Features must be u8, f32 or f64 (f64 is converted to f32)
/// and finite ("NAME: record 2: feature 1 is NaN"), labels u8, i32 or i64
/// with one label per record. An unknown kind is
/// "unknown dataset 'SPEC' (known: fashion-mnist[:DIR], npy:FEATURES,LABELS,
/// csv:FILE)".
llvm::Expected<std::unique_ptr<Dataset>> openDataset(llvm::StringRef spec,
                                                     llvm::StringRef split);

/// The spec of the evaluation data of a run training on `trainSpec`:
/// `testSpec` if given, else `trainSpec` itself for Fashion-MNIST (whose
/// test split is used), else none (empty).
llvm::StringRef getTestDataSpec(llvm::StringRef trainSpec,
                                llvm::StringRef testSpec);

/// Reads one entry argument from a file: an IDX file (a path ending in .gz
/// or containing "idx"), whose records [offset, offset + batch) are
/// converted to `target` and `shape` (u8 scaled to [0, 1]; batch is
/// shape[0], or 1 for a 0-d shape), or else a .npy file, returned as
/// stored.
llvm::Expected<Tensor> readArgumentFile(llvm::StringRef path, int64_t offset,
                                        DType target,
                                        llvm::ArrayRef<int64_t> shape);

} // namespace mlir::qat::runtime

#endif // QAT_DATA_DATASET_H

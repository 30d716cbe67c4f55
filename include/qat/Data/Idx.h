//===- Idx.h - IDX (MNIST) reader and dataset helpers ----------*- C++ -*-===//
//
// Reads the IDX format of MNIST and Fashion-MNIST (gzip-compressed or not),
// loads Fashion-MNIST splits, and converts dataset records into model
// arguments.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DATA_IDX_H
#define QAT_DATA_IDX_H

#include "qat/Data/Tensor.h"

#include "llvm/Support/Error.h"

namespace mlir::qat::runtime {

/// Reads the IDX file at `path`, gzip-compressed or not (detected from the
/// content). The header is: two zero bytes, a type code (0x08 u8, 0x09 i8,
/// 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64), the rank, then one big-endian
/// int32 per dimension; big-endian data follows and is converted to host
/// order. Dimension 0 counts the records. Errors start with `path`; a short
/// file names the first incomplete record, e.g. "t10k-images-idx3-ubyte.gz:
/// truncated at record 9999 of 10000 (expected 784 bytes per record)".
llvm::Expected<Tensor> readIdx(llvm::StringRef path);

/// A labeled image split: images [N, H, W] and labels [N] as stored on disk.
struct LabeledImages {
  Tensor images;
  Tensor labels;
};

/// Loads the "train" or "test" split of Fashion-MNIST from `dir`
/// ({train,t10k}-{images-idx3,labels-idx1}-ubyte.gz). Checks that the images
/// are [N, 28, 28] u8, the labels are [N] u8 with the same N, and every label
/// is in [0, 10).
llvm::Expected<LabeledImages> loadFashionMnist(llvm::StringRef dir,
                                               llvm::StringRef split);

/// Returns records [offset, offset + count) of `tensor` along axis 0 (a copy
/// of shape [count, ...]). Fails if `tensor` is 0-d or the range is out of
/// bounds.
llvm::Expected<Tensor> sliceRecords(const Tensor &tensor, int64_t offset,
                                    int64_t count);

/// Converts dataset records [N, ...] into a model argument of dtype `target`
/// and shape `targetShape`. Records are reshaped when the number of elements
/// per record matches (e.g. [N, 28, 28] -> [N, 1, 28, 28] or [N, 784]); a
/// negative targetShape[0] stands for N, otherwise it must equal N. Supported
/// conversions: identity; u8 -> f32/f64 (divided by 255 when
/// `scaleU8ToUnit`, the Fashion-MNIST [0, 1] pixel convention); lossless
/// integer widening (e.g. u8 labels -> i32/i64); lossless integer -> float
/// (i8/u8/i16 -> f32/f64, i32 -> f64); f32 -> f64. Anything else is an error
/// naming both dtypes and shapes.
llvm::Expected<Tensor> convertForArgument(const Tensor &records, DType target,
                                          llvm::ArrayRef<int64_t> targetShape,
                                          bool scaleU8ToUnit);

} // namespace mlir::qat::runtime

#endif // QAT_DATA_IDX_H

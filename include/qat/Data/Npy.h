//===- Npy.h - NumPy .npy reader and writer --------------------*- C++ -*-===//
//
// Reads and writes the NumPy NPY format (versions 1.0, 2.0 and 3.0) for the
// little-endian numeric dtypes of runtime tensors, C order only.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DATA_NPY_H
#define QAT_DATA_NPY_H

#include "qat/Data/Tensor.h"

#include "llvm/Support/Error.h"

namespace mlir::qat::runtime {

/// Reads the .npy file at `path`. Supported dtypes are '<f4', '<f8', '|i1',
/// '|u1', '<i2', '<i4', '<i8' and '|b1' (for one-byte types '<', '=' and '>'
/// are accepted as byte orders too). Fortran-order arrays, big-endian
/// multi-byte dtypes, structured dtypes and object arrays are rejected. Data
/// past the array (which NumPy ignores too) is ignored. Every error message
/// starts with `path`, e.g. "x.npy: not an NPY file (bad magic)".
llvm::Expected<Tensor> readNpy(llvm::StringRef path);

/// Writes `tensor` (rank at most 64) to `path` as NPY version 1.0,
/// byte-identical to numpy.save. The file is written to
/// a unique temporary file next to `path` which is then renamed over `path`,
/// so an interrupted write never leaves a partial file behind.
llvm::Error writeNpy(llvm::StringRef path, const Tensor &tensor);

} // namespace mlir::qat::runtime

#endif // QAT_DATA_NPY_H

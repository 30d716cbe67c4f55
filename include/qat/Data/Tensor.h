//===- Tensor.h - Host tensors for data loading and the JIT ----*- C++ -*-===//
//
// A minimal owning, dense, row-major host tensor: the currency between the
// data loaders (NPY, IDX) and the code that feeds JIT-compiled models.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_DATA_TENSOR_H
#define QAT_DATA_TENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MemAlloc.h"

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qat::runtime {

/// Element types a runtime tensor can hold. `Bool` is stored as one byte per
/// element holding 0 or 1 (the NumPy `|b1` layout).
enum class DType { F32, F64, I8, U8, I16, I32, I64, Bool };

/// Returns `fn(T())` for the C++ element type `T` of `dtype` (uint8_t for
/// Bool).
template <typename Fn> decltype(auto) visitDType(DType dtype, Fn &&fn) {
  switch (dtype) {
  case DType::F32:
    return fn(float());
  case DType::F64:
    return fn(double());
  case DType::I8:
    return fn(int8_t());
  case DType::U8:
  case DType::Bool:
    return fn(uint8_t());
  case DType::I16:
    return fn(int16_t());
  case DType::I32:
    return fn(int32_t());
  case DType::I64:
    return fn(int64_t());
  }
  llvm_unreachable("unknown DType");
}

/// Returns the size in bytes of one element of `dtype`.
size_t getDTypeSize(DType dtype);

/// Returns the short name of `dtype`: "f32", "f64", "i8", "u8", "i16", "i32",
/// "i64" or "bool".
llvm::StringRef getDTypeName(DType dtype);

/// Formats a shape as "[4, 10]" ("[]" for a 0-d tensor).
std::string formatShape(llvm::ArrayRef<int64_t> shape);

/// Returns the number of elements of `shape` (1 for a 0-d shape), or
/// std::nullopt when a dimension is negative or the product overflows
/// int64_t.
std::optional<int64_t> getCheckedNumElements(llvm::ArrayRef<int64_t> shape);

/// Returns the storage size in bytes of a `dtype` tensor of `shape`, or
/// std::nullopt when a dimension is negative or the size overflows int64_t.
std::optional<size_t> getCheckedNumBytes(llvm::ArrayRef<int64_t> shape,
                                         DType dtype);

/// The alignment in bytes of every tensor's storage. JIT-compiled code may use
/// aligned vector loads (up to AVX-512 / cache-line width) on it.
inline constexpr size_t kTensorStorageAlignment = 64;

/// A std::allocator replacement returning `kTensorStorageAlignment`-aligned
/// memory (through llvm::allocate_buffer, which reports a fatal error instead
/// of throwing when memory is exhausted).
template <typename T> class AlignedAllocator {
public:
  using value_type = T;

  AlignedAllocator() = default;
  template <typename U> AlignedAllocator(const AlignedAllocator<U> &) {}

  T *allocate(size_t n) {
    return static_cast<T *>(
        llvm::allocate_buffer(n * sizeof(T), kTensorStorageAlignment));
  }
  void deallocate(T *p, size_t n) {
    llvm::deallocate_buffer(p, n * sizeof(T), kTensorStorageAlignment);
  }

  template <typename U> bool operator==(const AlignedAllocator<U> &) const {
    return true;
  }
  template <typename U> bool operator!=(const AlignedAllocator<U> &) const {
    return false;
  }
};

/// Byte storage whose data() is always `kTensorStorageAlignment`-aligned (the
/// allocator guarantees it for every non-empty buffer, including after a
/// resize, copy or move).
using TensorStorage = std::vector<uint8_t, AlignedAllocator<uint8_t>>;

/// An owning dense tensor in C (row-major) order. `storage` holds exactly
/// getNumBytes() bytes once the tensor is built by zeros() or a loader.
struct Tensor {
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  TensorStorage storage;

  /// Returns the product of the dimensions (1 for a 0-d tensor).
  int64_t getNumElements() const;
  /// Returns getNumElements() * getDTypeSize(dtype).
  size_t getNumBytes() const;
  /// Returns the rank (number of dimensions).
  size_t getRank() const { return shape.size(); }

  /// Typed views of the storage. `T` must have the size of the element type
  /// (e.g. float for F32, uint8_t or bool for Bool).
  template <typename T> T *data() {
    assert(sizeof(T) == getDTypeSize(dtype) && "element type size mismatch");
    return reinterpret_cast<T *>(storage.data());
  }
  template <typename T> const T *data() const {
    assert(sizeof(T) == getDTypeSize(dtype) && "element type size mismatch");
    return reinterpret_cast<const T *>(storage.data());
  }

  /// Returns a zero-filled tensor. The shape must have non-negative
  /// dimensions whose product does not overflow (asserted).
  static Tensor zeros(DType dtype, llvm::ArrayRef<int64_t> shape);
};

/// Element `i` (in C order) of `t` as a double.
double getElementAsDouble(const Tensor &t, int64_t i);

/// How a tensor compares with a reference element by element, as
/// numpy.allclose: |got - want| <= atol + rtol * |want|, NaN matching NaN.
struct TensorComparison {
  double maxAbsError = 0; ///< Over the elements that are not both NaN.
  int64_t numOutside = 0; ///< Elements outside the tolerance.
  int64_t firstOutside = -1;
};

/// Compares `got` with `want`, which must have the same dtype and shape.
TensorComparison compareTensors(const Tensor &got, const Tensor &want,
                                double atol, double rtol);

} // namespace mlir::qat::runtime

#endif // QAT_DATA_TENSOR_H

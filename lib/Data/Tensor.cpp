//===- Tensor.cpp - Host tensors for data loading and the JIT -------------===//

#include "qat/Data/Tensor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/ErrorHandling.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>

using namespace mlir::qat::runtime;

size_t mlir::qat::runtime::getDTypeSize(DType dtype) {
  return visitDType(dtype, [](auto tag) { return sizeof(tag); });
}

llvm::StringRef mlir::qat::runtime::getDTypeName(DType dtype) {
  switch (dtype) {
  case DType::F32:
    return "f32";
  case DType::F64:
    return "f64";
  case DType::I8:
    return "i8";
  case DType::U8:
    return "u8";
  case DType::I16:
    return "i16";
  case DType::I32:
    return "i32";
  case DType::I64:
    return "i64";
  case DType::Bool:
    return "bool";
  }
  llvm_unreachable("unknown DType");
}

std::string mlir::qat::runtime::formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string result;
  llvm::raw_string_ostream os(result);
  os << '[';
  llvm::interleaveComma(shape, os);
  os << ']';
  return result;
}

std::optional<int64_t>
mlir::qat::runtime::getCheckedNumElements(llvm::ArrayRef<int64_t> shape) {
  int64_t count = 1;
  for (int64_t dim : shape) {
    if (dim < 0)
      return std::nullopt;
    if (llvm::MulOverflow(count, dim, count))
      return std::nullopt;
  }
  return count;
}

std::optional<size_t>
mlir::qat::runtime::getCheckedNumBytes(llvm::ArrayRef<int64_t> shape,
                                       DType dtype) {
  std::optional<int64_t> numElements = getCheckedNumElements(shape);
  int64_t numBytes = 0;
  if (!numElements ||
      llvm::MulOverflow(*numElements, static_cast<int64_t>(getDTypeSize(dtype)),
                        numBytes))
    return std::nullopt;
  return static_cast<size_t>(numBytes);
}

int64_t Tensor::getNumElements() const {
  int64_t count = 1;
  for (int64_t dim : shape)
    count *= dim;
  return count;
}

size_t Tensor::getNumBytes() const {
  return static_cast<size_t>(getNumElements()) * getDTypeSize(dtype);
}

Tensor Tensor::zeros(DType dtype, llvm::ArrayRef<int64_t> shape) {
  std::optional<int64_t> numElements = getCheckedNumElements(shape);
  assert(numElements && "invalid tensor shape");
  Tensor tensor;
  tensor.dtype = dtype;
  tensor.shape.assign(shape.begin(), shape.end());
  tensor.storage.resize(static_cast<size_t>(numElements.value_or(0)) *
                        getDTypeSize(dtype));
  return tensor;
}

double mlir::qat::runtime::getElementAsDouble(const Tensor &t, int64_t i) {
  return visitDType(t.dtype, [&](auto tag) {
    return static_cast<double>(t.data<decltype(tag)>()[i]);
  });
}

TensorComparison mlir::qat::runtime::compareTensors(const Tensor &got,
                                                    const Tensor &want,
                                                    double atol, double rtol) {
  assert(got.dtype == want.dtype && got.shape == want.shape &&
         "compareTensors needs equal dtypes and shapes");
  TensorComparison c;
  for (int64_t i = 0, e = got.getNumElements(); i < e; ++i) {
    double a = getElementAsDouble(got, i), b = getElementAsDouble(want, i);
    if (std::isnan(a) && std::isnan(b))
      continue;
    double d = std::fabs(a - b);
    if (std::isnan(d))
      d = INFINITY;
    c.maxAbsError = std::max(c.maxAbsError, d);
    if (!(d <= atol + rtol * std::fabs(b))) {
      if (c.firstOutside < 0)
        c.firstOutside = i;
      ++c.numOutside;
    }
  }
  return c;
}

//===- EntryStatus.h - what generated functions return ----------*- C++ -*-===//
//
// After --qat-check-allocations every generated function returns a status:
// the C header of an AOT object documents the values, the JIT turns them
// into errors.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_CODEGEN_ENTRYSTATUS_H
#define QAT_CODEGEN_ENTRYSTATUS_H

#include <cstdint>

namespace mlir::qat {

enum class EntryStatus : int32_t {
  Ok = 0,
  /// A temporary could not be allocated (aligned_alloc returned null).
  OutOfMemory = 1,
};

} // namespace mlir::qat

#endif // QAT_CODEGEN_ENTRYSTATUS_H

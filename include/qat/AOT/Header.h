//===- Header.h - the C header of an AOT object -----------------*- C++ -*-===//
//
// The C ABI of the functions an AOT object exports, read from the module
// after --qat-aot-entries (before lowering erases the tensor types), and the
// header that documents it.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_AOT_HEADER_H
#define QAT_AOT_HEADER_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace mlir::qat {

/// One exported function of an AOT object.
struct AotEntry {
  /// One argument or result buffer.
  struct Buffer {
    std::string cType; ///< e.g. "float", "uint8_t".
    RankedTensorType type;
    /// The boundary qparams of a quantized entry (qat.scale, ...).
    std::optional<double> scale;
    std::optional<int64_t> zeroPoint;
    int64_t qmin = 0, qmax = 0;
  };
  std::string name;
  SmallVector<Buffer> inputs, outputs;
};

/// Reads the public functions of `module` (after --qat-aot-entries) as AOT
/// entries. Quantized entries take storage values; unsigned storage (u8)
/// becomes uint8_t. Fails with a diagnostic on a type without a C type or
/// a static shape.
FailureOr<SmallVector<AotEntry>> collectAotEntries(ModuleOp module);

/// Writes the C header of the object `name` (the symbol prefix) compiled
/// from `source` for `triple` and `isa`, its int8 layers split over
/// `threads` threads: the ABI (with, for a threaded build, its link
/// requirement), each entry's buffers and qparams as comments and
/// #defines, and the prototypes.
void writeAotHeader(llvm::raw_ostream &os, llvm::StringRef name,
                    llvm::StringRef source, llvm::StringRef triple,
                    llvm::StringRef isa, ArrayRef<AotEntry> entries,
                    int64_t threads = 1);

/// A C identifier from an output file's stem ("m1.int8.o" -> "m1_int8"),
/// the default symbol prefix.
std::string getAotSymbolName(llvm::StringRef outputPath);

} // namespace mlir::qat

#endif // QAT_AOT_HEADER_H

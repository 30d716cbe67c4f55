//===- Target.h - the target machine of an AOT object -----------*- C++ -*-===//
//
// What an ISA name (--isa) means to LLVM for qat-compile: the CPU and
// features of the target machine, host or cross.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_AOT_TARGET_H
#define QAT_AOT_TARGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

#include <memory>
#include <string>

namespace mlir::qat {

/// The target an AOT object is compiled for.
struct AotTarget {
  llvm::Triple triple;
  /// The ISA name: "host", or one of the table's (avx512vnni, avxvnni,
  /// avx2, x86-64, i8mm, dotprod, neon).
  std::string isa;
  /// The CPU and feature string the target machine was created with.
  std::string cpu, features;
  std::unique_ptr<llvm::TargetMachine> machine;
  /// Threads the int8 GEMMs and large loops are split over: above 1 the
  /// code calls LLVM's OpenMP runtime (libomp), which the program links.
  int64_t threads = 1;

  /// The int8 kernels of the lowering (--qat-lower-x86/arm's isa): the ISA
  /// itself, or "generic" for x86-64.
  std::string getKernelIsa() const;
  /// The ISA as the header states it: "host (CPU)" or the ISA name.
  std::string getDescription() const;
};

/// Creates the target machine (-O3, PIC) for `triple` (empty: the host;
/// normalized otherwise) and `isa`: "host" (the host CPU and its features;
/// not for a cross target) or an ISA of that architecture, whose features
/// the host must have when the target is the host's architecture.
llvm::Expected<AotTarget> selectAotTarget(llvm::StringRef triple,
                                          llvm::StringRef isa);

} // namespace mlir::qat

#endif // QAT_AOT_TARGET_H

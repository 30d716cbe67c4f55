//===- Compile.h - a qat model to an object file ----------------*- C++ -*-===//
//
// The steps of ahead-of-time compilation: export one inference function
// (qat-aot-entries), lower it with the qat-to-llvm pipeline (bare-pointer
// entry points, one workspace), translate and optimize it for the target,
// check that it needs only libc and libm, and emit an object, assembly or
// LLVM IR. The header comes from Header.h.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_AOT_COMPILE_H
#define QAT_AOT_COMPILE_H

#include "qat/AOT/Header.h"
#include "qat/AOT/Target.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"

#include <memory>

namespace mlir::qat {

/// Runs --qat-set-batch (unless `batch` is 0) and --qat-aot-entries on
/// `module` for the function `entry`, exported as `<prefix>_<entry>` (and
/// `<prefix>_<entry>_q` for quantized storage), and collects the exported
/// entries. Failures are reported as diagnostics.
FailureOr<SmallVector<AotEntry>> exportAotEntries(ModuleOp module,
                                                  StringRef entry,
                                                  StringRef prefix,
                                                  int64_t batch);

/// Lowers the exported `module` to the LLVM dialect with the qat-to-llvm
/// pipeline (bare-pointer calling convention, one workspace, the int8
/// kernels of `target`). Failures are reported as diagnostics.
LogicalResult lowerAotModule(ModuleOp module, const AotTarget &target);

/// Translates the lowered `module` to LLVM IR for `target`, keeps only the
/// `entries` exported (parameters become internal constants, so two models
/// link into one program), optimizes it at -O3 and checks that it calls
/// nothing outside libc and libm (checkAotLibraryCalls). `name` is the
/// module name, `sourceFile` the model file it was compiled from.
llvm::Expected<std::unique_ptr<llvm::Module>>
translateAotModule(ModuleOp module, const AotTarget &target,
                   ArrayRef<AotEntry> entries, StringRef name,
                   StringRef sourceFile, llvm::LLVMContext &context);

/// Fails naming the first function `module` calls that is neither an
/// intrinsic nor one of the libc/libm functions an AOT object may use
/// (malloc, free, memcpy, expf, ...): an AOT object needs no run-time
/// library, except, with `openMP` (a threaded build), libomp's `__kmpc_*`
/// entry points.
llvm::Error checkAotLibraryCalls(llvm::Module &module, bool openMP = false);

/// What emitAotCode writes.
enum class AotFileType { Object, Assembly, LLVMIR };

/// Writes `module` to `os` as an ELF object or assembly for `target`, or as
/// LLVM IR.
llvm::Error emitAotCode(llvm::Module &module, const AotTarget &target,
                        AotFileType type, llvm::raw_pwrite_stream &os);

} // namespace mlir::qat

#endif // QAT_AOT_COMPILE_H

//===- qat-import-fuzzer.cpp - libFuzzer target of the ONNX importer ------===//
//
// Feeds arbitrary bytes to importOnnxModel: every input must end in a module
// or in diagnostics, never in a crash, a sanitizer report or a hang. Built
// with clang++-22 -fsanitize=fuzzer,address when available (see
// CMakeLists.txt); test/Import/fuzz.test runs it for a bounded time over the
// committed .onnx fixtures as seeds.
//
//===----------------------------------------------------------------------===//

#include "qat/Import/OnnxImporter.h"

#include "Qat/IR/QatDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include <cstddef>
#include <cstdint>
#include <memory>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  // A context keeps every attribute it uniqued: start a fresh one now and
  // then so that long runs stay within the RSS limit.
  static std::unique_ptr<mlir::MLIRContext> context;
  static unsigned runs = 0;
  if (!context || ++runs % 2048 == 0) {
    context = std::make_unique<mlir::MLIRContext>(
        mlir::MLIRContext::Threading::DISABLED);
    context->loadDialect<mlir::qat::QatDialect, mlir::func::FuncDialect>();
  }
  // Diagnostics are expected; swallow them.
  mlir::ScopedDiagnosticHandler quiet(
      context.get(), [](mlir::Diagnostic &) { return mlir::success(); });
  // Fuzz --batch too, from the first byte.
  mlir::qat::OnnxImportOptions options;
  if (size > 0 && data[0] < 16)
    options.batch = data[0] + 1;
  auto module = mlir::qat::importOnnxModel(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz.onnx",
      context.get(), options);
  return 0;
}

//===- qat-export.cpp - qat model to ONNX driver --------------------------===//
//
// qat-export model.mlir -o model.onnx [--entry forward] [--text]
//
//===----------------------------------------------------------------------===//

#include "qat/Export/OnnxExporter.h"
#include "qat/Pipelines/ModelFile.h"

#include "Qat/IR/QatDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/ToolUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

// The name sorts before LLVM's "Generic Options": --help lists these first.
static cl::OptionCategory exportCat("Export options (qat to ONNX)");
static cl::opt<std::string> inputPath(cl::Positional, cl::init("-"),
                                      cl::desc("<model.mlir>"),
                                      cl::cat(exportCat));
static cl::opt<std::string>
    outputPath("o", cl::init("-"),
               cl::desc("Output .onnx file (default -: standard output)"),
               cl::value_desc("file"), cl::cat(exportCat));
static cl::opt<std::string>
    entry("entry", cl::init("forward"),
          cl::desc("Model function to export (default forward)"),
          cl::cat(exportCat));
static cl::opt<bool>
    text("text",
         cl::desc("Write the protobuf text format instead of binary .onnx "
                  "(default off)"),
         cl::cat(exportCat));
static cl::opt<bool> splitInputFile(
    "split-input-file",
    cl::desc("Export each '// -----' chunk of the input on its own (tests; "
             "default off)"),
    cl::cat(exportCat));
static cl::opt<bool> verifyDiagnostics(
    "verify-diagnostics",
    cl::desc("Check the diagnostics against expected-* comments (tests; "
             "default off)"),
    cl::cat(exportCat));

/// Parses and exports one buffer; writes the model to `os`.
static LogicalResult exportBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer,
                                  llvm::raw_ostream &os) {
  MLIRContext context;
  // Errors name the op and its file:line; no IR dump.
  context.printOpOnDiagnostic(false);
  context
      .loadDialect<qat::QatDialect, func::FuncDialect, quant::QuantDialect>();
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(buffer), llvm::SMLoc());
  auto run = [&]() -> LogicalResult {
    OwningOpRef<ModuleOp> module =
        parseSourceFile<ModuleOp>(sourceMgr, &context);
    if (!module || failed(verify(*module)))
      return failure();
    qat::OnnxExportOptions options;
    options.entry = entry;
    options.text = text;
    std::string bytes;
    if (failed(qat::exportOnnxModel(*module, bytes, options)))
      return failure();
    os << bytes;
    return success();
  };
  if (!verifyDiagnostics) {
    SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    return run();
  }
  SourceMgrDiagnosticVerifierHandler handler(sourceMgr, &context);
  (void)run();
  return handler.verify();
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(exportCat);
  cl::ParseCommandLineOptions(argc, argv,
                              "qat-export: qat model -> ONNX (opset 13, QDQ "
                              "form for int8 and fake-quant models)\n");
  auto fail = [](const llvm::Twine &msg) {
    llvm::WithColor::error(llvm::errs(), "qat-export") << msg << "\n";
    return 1;
  };
  std::string err;
  std::unique_ptr<llvm::MemoryBuffer> input = openInputFile(inputPath, &err);
  if (!input)
    return fail(err);
  // A truncated model is one located error, not the parser's echo of a
  // megabyte-long line. (Diagnostic tests check what the parser says.)
  if (!verifyDiagnostics &&
      failed(qat::checkModelFileComplete(*input, llvm::errs())))
    return 1;
  // Written only when the export succeeds.
  std::string result;
  llvm::raw_string_ostream os(result);
  LogicalResult ok = splitInputFile
                         ? splitAndProcessBuffer(
                               std::move(input),
                               [](std::unique_ptr<llvm::MemoryBuffer> chunk,
                                  llvm::raw_ostream &os) {
                                 return exportBuffer(std::move(chunk), os);
                               },
                               os)
                         : exportBuffer(std::move(input), os);
  if (failed(ok))
    return 1;
  std::unique_ptr<llvm::ToolOutputFile> out = openOutputFile(outputPath, &err);
  if (!out)
    return fail(err);
  out->os() << result;
  out->keep();
  return 0;
}

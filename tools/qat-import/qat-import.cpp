//===- qat-import.cpp - ONNX model to qat dialect driver ------------------===//
//
// qat-import model.onnx -o model.mlir [--batch N] [--qdq-observer KIND]
//
//===----------------------------------------------------------------------===//

#include "qat/Data/InputFile.h"
#include "qat/Import/OnnxImporter.h"

#include "Qat/IR/QatDialect.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/WithColor.h"

using namespace mlir;
namespace cl = llvm::cl;

// The name sorts before LLVM's "Generic Options": --help lists these first.
static cl::OptionCategory importCat("Conversion options (ONNX to qat)");
static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<model.onnx>"),
                                      cl::cat(importCat));
static cl::opt<std::string>
    outputPath("o", cl::init("-"),
               cl::desc("Output .mlir file (default -: standard output)"),
               cl::value_desc("file"), cl::cat(importCat));
static cl::opt<int64_t>
    batch("batch", cl::init(0),
          cl::desc("Fix a symbolic batch dimension of the graph inputs to N "
                   "(required when the model has one; default: none)"),
          cl::value_desc("N"), cl::cat(importCat));
static cl::opt<std::string> qdqObserver(
    "qdq-observer", cl::init("moving_average"),
    cl::desc("Observer of fake-quant ops imported from QuantizeLinear/"
             "DequantizeLinear pairs: moving_average (QAT keeps refining the "
             "imported ranges; the default), minmax, or none (they stay "
             "frozen)"),
    cl::cat(importCat));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(importCat);
  cl::ParseCommandLineOptions(argc, argv,
                              "qat-import: ONNX model -> qat dialect\n");
  auto fail = [](const llvm::Twine &msg) {
    llvm::WithColor::error(llvm::errs(), "qat-import") << msg << "\n";
    return 1;
  };

  qat::OnnxImportOptions options;
  if (batch.getNumOccurrences()) {
    if (batch < 1 || batch > qat::kMaxBatch)
      return fail("--batch must be in [1, " + llvm::Twine(qat::kMaxBatch) +
                  "] (2^24), got " + llvm::Twine(batch));
    options.batch = batch;
  }
  if (qdqObserver == "moving_average")
    options.qdqObserver = qat::ObserverKind::moving_average;
  else if (qdqObserver == "minmax")
    options.qdqObserver = qat::ObserverKind::minmax;
  else if (qdqObserver == "none")
    options.qdqObserver = qat::ObserverKind::none;
  else
    return fail("--qdq-observer must be moving_average, minmax or none, not '" +
                qdqObserver + "'");

  auto file = qat::runtime::readInputFile(
      inputPath, qat::runtime::kMaxTextFileBytes, /*allowStdin=*/true,
      /*requiresNullTerminator=*/false);
  if (!file)
    return fail(llvm::toString(file.takeError()));

  MLIRContext context;
  context.loadDialect<qat::QatDialect, func::FuncDialect>();
  // "model.onnx: node 'fc1' (Gemm): error: ..." for node locations.
  ScopedDiagnosticHandler handler(&context, [](Diagnostic &diag) {
    std::string where;
    Location loc = diag.getLocation();
    if (auto name = dyn_cast<NameLoc>(loc)) {
      if (auto file = dyn_cast<FileLineColLoc>(name.getChildLoc()))
        where = file.getFilename().str() + ": ";
      where += name.getName().str();
    } else if (auto file = dyn_cast<FileLineColLoc>(loc)) {
      where = file.getFilename().str();
    }
    const char *sev = diag.getSeverity() == DiagnosticSeverity::Error ? "error"
                      : diag.getSeverity() == DiagnosticSeverity::Warning
                          ? "warning"
                          : "note";
    if (!where.empty())
      llvm::errs() << where << ": ";
    llvm::errs() << sev << ": " << diag.str() << "\n";
    for (Diagnostic &note : diag.getNotes())
      llvm::errs() << "  note: " << note.str() << "\n";
    return success();
  });

  OwningOpRef<ModuleOp> module =
      qat::importOnnxModel((*file)->getBuffer(), inputPath, &context, options);
  if (!module)
    return 1;

  std::string err;
  auto out = mlir::openOutputFile(outputPath, &err);
  if (!out)
    return fail(err);
  module->print(out->os());
  out->os() << "\n";
  out->keep();
  return 0;
}

//===- qat-compile.cpp - ahead-of-time objects with a C header ------------===//
//
// qat-compile int8.mlir -o model.o --header model.h [--name m1]
//     [--target=x86_64-linux-gnu|aarch64-linux-gnu] [--isa=...]
//
// Lowers one inference function to a relocatable object for the host or a
// cross target, and writes the C header that documents its ABI, with the
// AOT library (lib/AOT). The object needs only libc (malloc/free) and libm
// at run time.
//
//===----------------------------------------------------------------------===//

#include "qat/AOT/Compile.h"
#include "qat/InitAll.h"
#include "qat/Pipelines/ModelFile.h"
#include "qat/Target/Threads.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

// The name sorts before LLVM's "Generic Options": --help lists these first.
static cl::OptionCategory category("Compile options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output object file"),
                                       cl::value_desc("file"), cl::Required,
                                       cl::cat(category));
static cl::opt<std::string> headerFile("header",
                                       cl::desc("Write the C header here"),
                                       cl::value_desc("file"),
                                       cl::cat(category));
static cl::opt<std::string>
    symbolName("name",
               cl::desc("Symbol prefix of the entry points (default: the "
                        "output file's stem)"),
               cl::cat(category));
static cl::opt<std::string>
    entryName("entry", cl::desc("Model function to compile (default forward)"),
              cl::init("forward"), cl::cat(category));
static cl::opt<std::string>
    targetTriple("target",
                 cl::desc("Target triple: x86_64-linux-gnu (default: the "
                          "host) or aarch64-linux-gnu"),
                 cl::cat(category));
static cl::opt<std::string>
    isaName("isa",
            cl::desc("Instruction set: host (default), avx512vnni, avxvnni, "
                     "avx2, x86-64 on x86_64; i8mm, dotprod, neon on "
                     "aarch64"),
            cl::init("host"), cl::cat(category));
enum class Emit { Obj, Asm, LLVM, MLIR };
static cl::opt<Emit>
    emitKind("emit", cl::desc("What to write to -o (default obj)"),
             cl::init(Emit::Obj),
             cl::values(clEnumValN(Emit::Obj, "obj", "an ELF object"),
                        clEnumValN(Emit::Asm, "asm", "assembly"),
                        clEnumValN(Emit::LLVM, "llvm", "optimized LLVM IR"),
                        clEnumValN(Emit::MLIR, "mlir",
                                   "the module after qat-aot-entries")),
             cl::cat(category));
static cl::opt<int64_t>
    batchSize("batch",
              cl::desc("Re-specialize the entry to this batch size "
                       "(--qat-set-batch); default: the model's"),
              cl::init(0), cl::cat(category));
static cl::opt<bool> printTime("time", cl::desc("Print the compile time"),
                               cl::cat(category));

static int fail(const Twine &msg) {
  llvm::errs() << "qat-compile: error: " << msg << "\n";
  return 1;
}

/// Lowers the exported `module` and writes the code to `out`.
static int emitCode(ModuleOp module, const qat::AotTarget &target,
                    ArrayRef<qat::AotEntry> entries, StringRef name,
                    llvm::raw_pwrite_stream &out) {
  if (failed(qat::lowerAotModule(module, target)))
    return 1;
  llvm::LLVMContext llvmCtx;
  auto llvmModule = qat::translateAotModule(module, target, entries, name,
                                            inputFile, llvmCtx);
  if (!llvmModule)
    return fail(llvm::toString(llvmModule.takeError()));
  qat::AotFileType type = emitKind == Emit::LLVM  ? qat::AotFileType::LLVMIR
                          : emitKind == Emit::Asm ? qat::AotFileType::Assembly
                                                  : qat::AotFileType::Object;
  if (llvm::Error e = qat::emitAotCode(**llvmModule, target, type, out))
    return fail(llvm::toString(std::move(e)));
  return 0;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::opt<int64_t> &threads = qat::target::registerThreadsOption(
      category, "Split the int8 GEMMs and large loops over this many threads "
                "(OpenMP: the program then links libomp); default 1: an "
                "object that needs only libc and libm");
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qat-compile: an int8 (or float) qat model to an object file and a C "
      "header\n");
  auto start = std::chrono::steady_clock::now();

  auto target = qat::selectAotTarget(targetTriple, isaName);
  if (!target)
    return fail(llvm::toString(target.takeError()));
  if (threads < 1)
    return fail("--threads must be at least 1 (got " + Twine(threads) + ")");
  target->threads = threads;

  DialectRegistry registry;
  qat::registerQatDialects(registry);
  MLIRContext ctx(registry);
  // Errors name the op with its location; the IR is not dumped after them.
  ctx.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &ctx);
  OwningOpRef<ModuleOp> module =
      qat::parseModelFile(inputFile, "qat-compile", &ctx, sourceMgr);
  if (!module)
    return 1;

  std::string name = symbolName.empty() ? qat::getAotSymbolName(outputFile)
                                        : symbolName.getValue();
  auto entries = qat::exportAotEntries(*module, entryName, name, batchSize);
  if (failed(entries))
    return 1;
  std::string errorMsg;
  auto out = openOutputFile(outputFile, &errorMsg);
  if (!out)
    return fail(errorMsg);
  if (emitKind == Emit::MLIR) {
    module->print(out->os());
    out->keep();
    return 0;
  }
  if (int rc = emitCode(*module, *target, *entries, name, out->os()))
    return rc;
  out->keep();

  if (!headerFile.empty()) {
    auto header = openOutputFile(headerFile, &errorMsg);
    if (!header)
      return fail(errorMsg);
    qat::writeAotHeader(header->os(), name,
                        llvm::sys::path::filename(inputFile),
                        target->triple.str(), target->getDescription(),
                        *entries, target->threads);
    header->keep();
  }
  if (printTime)
    llvm::errs() << "qat-compile: compiled in "
                 << llvm::format("%.2f s",
                                 std::chrono::duration<double>(
                                     std::chrono::steady_clock::now() - start)
                                     .count())
                 << "\n";
  return 0;
}

//===- qat-run.cpp - run qat models under the JIT -------------------------===//
//
// qat-run MODEL.mlir [--entry=forward] [--input=FILE]... [--data=fashion-mnist]
//         [--output=FILE]... [--print] [--expect=FILE]...
//
// Compiles the model with the qat-to-llvm pipeline, feeds the entry function
// from .npy files or IDX (.gz) datasets, and prints, saves or checks the
// results.
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "qat/Data/Npy.h"
#include "qat/Data/Tensor.h"
#include "qat/InitAll.h"
#include "qat/JIT/EntryArguments.h"
#include "qat/JIT/JitModule.h"
#include "qat/Pipelines/ModelFile.h"
#include "qat/Target/Threads.h"
#include "qat/Train/Error.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/WithColor.h"

#include <climits>
#include <malloc.h>

using namespace mlir;
using namespace mlir::qat;
using runtime::DType;
using runtime::Tensor;

namespace cl = llvm::cl;

// Category names sort before LLVM's "Generic Options", so --help lists the
// tool's own options first.
static cl::OptionCategory runCat("Call options (qat-run MODEL)");
static cl::OptionCategory compileCat("Execution options (every subcommand)");
static cl::opt<std::string>
    isaOption("isa",
              cl::desc("Kernels for int8 layers: host (the best this CPU "
                       "has; the default), avx512vnni, avxvnni, avx2, or "
                       "generic"),
              cl::init("host"), cl::sub(cl::SubCommand::getAll()),
              cl::cat(compileCat));
/// --threads (registered in main).
static cl::opt<int64_t> *threadsOption;

JitOptions qat::jitOptions() {
  JitOptions options;
  options.isa = isaOption;
  options.threads = *threadsOption;
  return options;
}
static cl::opt<std::string> modelFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(runCat));
static cl::opt<std::string>
    entryName("entry", cl::desc("Entry function to call (default forward)"),
              cl::init("forward"), cl::cat(runCat));
static cl::list<std::string>
    inputFiles("input",
               cl::desc("Input for the next entry argument: a .npy file, or "
                        "an IDX file (.gz or raw) whose records starting at "
                        "--offset fill the argument's batch"),
               cl::cat(runCat));
static cl::alias inputAlias("i", cl::aliasopt(inputFiles),
                            cl::desc("Alias for --input"));
static cl::opt<std::string> dataSpec(
    "data",
    cl::desc("Dataset feeding argument 0 (images) and, if the entry "
             "takes an integer second argument, argument 1 "
             "(labels): fashion-mnist[:DIR], npy:FEATURES.npy,LABELS.npy or "
             "csv:FILE (features, then the integer label)"),
    cl::cat(runCat));
static cl::opt<std::string>
    split("split", cl::desc("Dataset split: train or test (default test)"),
          cl::init("test"), cl::cat(runCat));
static cl::opt<int64_t>
    offset("offset", cl::desc("First record taken from IDX inputs (default 0)"),
           cl::init(0), cl::cat(runCat));
static cl::list<std::string>
    outputFiles("output", cl::desc("Write the next result to this .npy file"),
                cl::cat(runCat));
static cl::alias outputAlias("o", cl::aliasopt(outputFiles),
                             cl::desc("Alias for --output"));
static cl::opt<bool> printResults("print",
                                  cl::desc("Print results as text (the "
                                           "default without -o/--expect)"),
                                  cl::cat(runCat));
static cl::opt<int64_t>
    printLimit("print-limit",
               cl::desc("Print at most this many "
                        "elements per result (default 4096)"),
               cl::init(4096), cl::cat(runCat));
static cl::list<std::string>
    expectFiles("expect",
                cl::desc("Compare the next result with this reference .npy; "
                         "exit 1 on a mismatch"),
                cl::cat(runCat));
static cl::opt<double>
    absTol("atol", cl::desc("Absolute tolerance for --expect (default 1e-5)"),
           cl::init(1e-5), cl::cat(runCat));
static cl::opt<double>
    relTol("rtol", cl::desc("Relative tolerance for --expect (default 1e-5)"),
           cl::init(1e-5), cl::cat(runCat));

int qat::fail(const Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "qat-run") << msg << "\n";
  return 1;
}

int qat::fail(llvm::Error error) {
  if (error.isA<DiagnosedError>()) {
    llvm::consumeError(std::move(error));
    return 1;
  }
  return fail(llvm::toString(std::move(error)));
}

static void printTensor(llvm::raw_ostream &os, const Tensor &t) {
  int64_t n = t.getNumElements();
  int64_t last = t.shape.empty() ? 1 : t.shape.back();
  for (int64_t i = 0; i < n && i < printLimit; ++i) {
    switch (t.dtype) {
    case DType::F32:
      os << llvm::format("%.6g", t.data<float>()[i]);
      break;
    case DType::F64:
      os << llvm::format("%.9g", t.data<double>()[i]);
      break;
    case DType::I8:
      os << int(t.data<int8_t>()[i]);
      break;
    case DType::U8:
      os << int(t.data<uint8_t>()[i]);
      break;
    case DType::I16:
      os << t.data<int16_t>()[i];
      break;
    case DType::I32:
      os << t.data<int32_t>()[i];
      break;
    case DType::I64:
      os << t.data<int64_t>()[i];
      break;
    case DType::Bool:
      os << int(t.data<uint8_t>()[i]);
      break;
    }
    os << ((i + 1) % last == 0 ? "\n" : " ");
  }
  if (n > printLimit)
    os << "... (" << n - printLimit << " more elements)\n";
}

/// Compares `got` with `want`; prints one summary line. Returns true if
/// every element is within atol + rtol * |want| (NaN matches NaN).
static bool compareResult(unsigned index, const Tensor &got, const Tensor &want,
                          StringRef path) {
  llvm::outs() << "result " << index << " vs "
               << llvm::sys::path::filename(path) << ": ";
  if (got.dtype != want.dtype || got.shape != want.shape) {
    llvm::outs() << "MISMATCH: got " << runtime::getDTypeName(got.dtype) << " "
                 << runtime::formatShape(got.shape) << ", reference is "
                 << runtime::getDTypeName(want.dtype) << " "
                 << runtime::formatShape(want.shape) << "\n";
    return false;
  }
  runtime::TensorComparison c =
      runtime::compareTensors(got, want, absTol, relTol);
  llvm::outs() << got.getNumElements() << " elements, max abs error "
               << llvm::format("%.3g", c.maxAbsError) << ", " << c.numOutside
               << " outside tolerance";
  if (c.numOutside)
    llvm::outs() << " (first at flat index " << c.firstOutside << ": got "
                 << runtime::getElementAsDouble(got, c.firstOutside)
                 << ", expected "
                 << runtime::getElementAsDouble(want, c.firstOutside) << ")";
  llvm::outs() << (c.numOutside ? " FAIL" : " OK") << "\n";
  return c.numOutside == 0;
}

/// Writes, checks and prints the results.
static int reportResults(const JitModule &jit, ArrayRef<Tensor> results) {
  bool ok = true;
  for (auto [i, path] : llvm::enumerate(outputFiles)) {
    if (i >= results.size())
      return fail("more --output files than results");
    if (llvm::Error e = runtime::writeNpy(path, results[i]))
      return fail(llvm::toString(std::move(e)));
  }
  for (auto [i, path] : llvm::enumerate(expectFiles)) {
    if (i >= results.size())
      return fail("more --expect files than results");
    auto want = runtime::readNpy(path);
    if (!want)
      return fail(llvm::toString(want.takeError()));
    ok &= compareResult(i, results[i], *want, path);
  }
  if (printResults || (outputFiles.empty() && expectFiles.empty())) {
    for (auto [i, t] : llvm::enumerate(results)) {
      llvm::outs() << "result " << i << ": " << jit.getOutputs()[i].typeStr
                   << "\n";
      printTensor(llvm::outs(), t);
    }
  }
  return ok ? 0 : 1;
}

/// Compiles and calls the entry function of `module`.
static int runEntry(OwningOpRef<ModuleOp> module) {
  auto jit = JitModule::compile(std::move(module), {entryName.getValue()},
                                jitOptions());
  if (!jit)
    return fail(modelFile + ": " + llvm::toString(jit.takeError()));
  ArgumentSources sources;
  sources.dataSpec = dataSpec;
  sources.split = split;
  sources.offset = offset;
  sources.inputFiles.assign(inputFiles.begin(), inputFiles.end());
  auto args = readEntryArguments(entryName, (*jit)->getInputs(), sources);
  if (!args)
    return fail(llvm::toString(args.takeError()));
  SmallVector<const Tensor *> argPtrs;
  for (const Tensor &t : *args)
    argPtrs.push_back(&t);
  auto results = (*jit)->run(argPtrs);
  if (!results)
    return fail(llvm::toString(results.takeError()));
  return reportResults(**jit, *results);
}

int main(int argc, char **argv) {
  llvm::InitLLVM y(argc, argv);
  // The compiled steps allocate and free megabyte-sized temporaries on
  // every call; by default glibc maps each one fresh and unmaps it again,
  // and the page faults cost up to 40% of a training step in this VM
  // (bench/README.md). Keep them on the heap and keep the heap.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  cl::opt<int64_t> &threads = target::registerThreadsOption(
      compileCat,
      "Threads the int8 GEMMs and large loops are split over (OpenMP); "
      "default 1 (one thread: the split does not pay yet for the "
      "training step)");
  threadsOption = &threads;
  cl::HideUnrelatedOptions({&runCat, &compileCat},
                           cl::SubCommand::getTopLevel());
  cl::ParseCommandLineOptions(argc, argv,
                              "qat-run: compile a qat model with the JIT and "
                              "run its entry function\n");
  if (threads < 1)
    return fail("--threads must be at least 1 (got " + llvm::Twine(threads) +
                ")");
  if (llvm::Error e = checkHostRuns(isaOption))
    return fail(std::move(e));

  DialectRegistry registry;
  registerQatDialects(registry);
  MLIRContext context(registry);
  context.loadAllAvailableDialects();
  // Errors name the op with its location; the IR is not dumped after them.
  context.printOpOnDiagnostic(false);

  // Parse with a source manager so errors carry file:line:col.
  bool subcommand = trainCommand || evalCommand || compareCommand ||
                    summaryCommand || calibrateCommand || sensitivityCommand;
  std::string path = subcommand         ? getModelPathOfSubcommand()
                     : gradcheckCommand ? getGradcheckModelPath()
                                        : modelFile;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &context);
  OwningOpRef<ModuleOp> module =
      parseModelFile(path, "qat-run", &context, sourceMgr);
  if (!module)
    return 1;
  if (failed(verify(*module)))
    return 1;
  if (trainCommand)
    return runTrain(*module);
  if (evalCommand)
    return runEval(*module);
  if (gradcheckCommand)
    return runGradcheck(*module);
  if (compareCommand)
    return runCompare(*module);
  if (summaryCommand)
    return runSummary(*module);
  if (calibrateCommand)
    return runCalibrate(*module);
  if (sensitivityCommand)
    return runSensitivity(*module);

  return runEntry(std::move(module));
}

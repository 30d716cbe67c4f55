//===- GradCheck.cpp - qat-run gradcheck ----------------------------------===//
//
// The options of `qat-run gradcheck` and the printing of the checks
// lib/Train/GradCheck.cpp runs.
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "qat/Train/GradCheck.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qat;
namespace cl = llvm::cl;

cl::SubCommand qat::gradcheckCommand(
    "gradcheck", "Check the generated gradients against finite differences");

static cl::OptionCategory gcCat("Check options (finite differences)");
static cl::opt<std::string> gcModel(cl::Positional, cl::desc("<model.mlir>"),
                                    cl::Required,
                                    cl::sub(qat::gradcheckCommand),
                                    cl::cat(gcCat));
/// The options the flags below write into.
static GradCheckOptions gcOptions;
static cl::opt<std::string, true>
    gcLoss("loss", cl::desc("mse or cross_entropy (default mse)"),
           cl::location(gcOptions.loss), cl::init("mse"),
           cl::sub(qat::gradcheckCommand), cl::cat(gcCat));
static cl::opt<uint64_t, true>
    gcSeed("seed", cl::desc("Seed of the random inputs (default 0)"),
           cl::location(gcOptions.seed), cl::init(0),
           cl::sub(qat::gradcheckCommand), cl::cat(gcCat));
static cl::opt<double, true> gcStep("step", cl::desc("Finite-difference step"),
                                    cl::location(gcOptions.step),
                                    cl::init(1e-6),
                                    cl::sub(qat::gradcheckCommand),
                                    cl::cat(gcCat));
static cl::opt<double, true>
    gcAtol("atol", cl::desc("Absolute tolerance (default 1e-5)"),
           cl::location(gcOptions.atol), cl::init(1e-5),
           cl::sub(qat::gradcheckCommand), cl::cat(gcCat));
static cl::opt<double, true>
    gcRtol("rtol", cl::desc("Relative tolerance (default 1e-3)"),
           cl::location(gcOptions.rtol), cl::init(1e-3),
           cl::sub(qat::gradcheckCommand), cl::cat(gcCat));
static cl::opt<unsigned, true>
    gcClasses("classes",
              cl::desc("cross_entropy: labels are drawn from [0, classes) "
                       "(default 2)"),
              cl::location(gcOptions.classes), cl::init(2),
              cl::sub(qat::gradcheckCommand), cl::cat(gcCat));
static cl::opt<bool, true>
    gcTrainMode("train-mode",
                cl::desc("Batch norms on batch statistics (default true)"),
                cl::location(gcOptions.trainMode), cl::init(true),
                cl::sub(qat::gradcheckCommand), cl::cat(gcCat));

std::string qat::getGradcheckModelPath() { return gcModel; }

int qat::runGradcheck(ModuleOp base) {
  gcOptions.jit = jitOptions();
  auto ok =
      runGradCheck(base, gcOptions, [](llvm::Expected<GradCheckResult> r) {
        if (!r) {
          fail(r.takeError());
          return;
        }
        llvm::outs() << "d " << r->what << ": " << r->numElements
                     << " elements, max abs error "
                     << llvm::format("%.3g", r->maxAbsError) << ", "
                     << r->numOutside << " outside tolerance"
                     << (r->numOutside ? " FAIL" : " OK") << "\n";
      });
  if (!ok)
    return fail(ok.takeError());
  return *ok ? 0 : 1;
}

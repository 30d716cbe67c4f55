//===- Summary.cpp - qat-run summary --------------------------------------===//
//
// Prints the layer-by-layer summary lib/Summary builds.
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "qat/Summary/Summary.h"

using namespace mlir;
using namespace mlir::qat;
namespace cl = llvm::cl;

static cl::OptionCategory summaryCat("Display options");
static cl::opt<std::string>
    summaryEntry("entry", cl::desc("The model function (default forward)"),
                 cl::init("forward"), cl::sub(qat::summaryCommand),
                 cl::cat(summaryCat));

int qat::runSummary(ModuleOp model) {
  FailureOr<ModelSummary> summary = summarizeModel(model, summaryEntry);
  if (failed(summary))
    return 1;
  printModelSummary(*summary, llvm::outs());
  return 0;
}

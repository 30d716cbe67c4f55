//===- Sensitivity.cpp - qat-run sensitivity ------------------------------===//
//
// The options of the per-layer sensitivity analysis and the printing of
// the table lib/Train/Sensitivity.cpp computes.
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "qat/Train/Sensitivity.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qat;
namespace cl = llvm::cl;

static cl::OptionCategory sensitivityCat("Sensitivity options");
static cl::opt<unsigned> bits("bits",
                              cl::desc("The weight bit width each layer is "
                                       "tried at, 2 to 8 (default 4)"),
                              cl::init(4), cl::sub(qat::sensitivityCommand),
                              cl::cat(sensitivityCat));

int qat::runSensitivity(ModuleOp model) {
  if (!checkBatch())
    return 1;
  if (bits < 2 || bits > 8)
    return fail("--bits must be in [2, 8], got " +
                llvm::Twine(bits.getValue()));
  bool given = false;
  std::string data = getDataSpec(given);
  auto ds = runtime::openDataset(data, getEvalSplit());
  if (!ds)
    return fail(ds.takeError());
  SensitivityOptions options;
  options.bits = bits;
  options.eval = getEvalOptions();
  auto report = analyzeSensitivity(model, **ds, options);
  if (!report)
    return fail(report.takeError());
  const EvalResult &base = report->baseline;
  llvm::outs() << getEvalSplit() << " accuracy "
               << llvm::format("%.2f%%", 100 * base.accuracy) << " ("
               << base.count << " records)" << report->note << "; with one "
               << "layer's weights at " << bits << " bits:\n";
  size_t width = 5;
  for (const LayerSensitivity &l : report->layers)
    width = std::max(width, l.name.size());
  llvm::outs() << llvm::left_justify("layer", width) << "  "
               << llvm::left_justify("op", 6) << "  "
               << llvm::right_justify("weights", 8) << "  "
               << llvm::right_justify("accuracy", 8) << "  "
               << llvm::right_justify("drop", 7) << "\n";
  for (const LayerSensitivity &l : report->layers) {
    llvm::outs() << llvm::left_justify(l.name, width) << "  "
                 << llvm::left_justify(l.kind, 6) << "  "
                 << llvm::right_justify(std::to_string(l.weights), 8) << "  ";
    if (!l.skipped.empty()) {
      llvm::outs() << "skipped: " << l.skipped << "\n";
      continue;
    }
    llvm::outs() << llvm::format("%7.2f%%", 100 * l.accuracy) << "  "
                 << llvm::format("%+6.2f", 100 * l.drop) << "\n";
  }
  return 0;
}

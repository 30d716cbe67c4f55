//===- Calibrate.cpp - qat-run calibrate ----------------------------------===//
//
// The options of post-training calibration and the printing of what
// lib/Train/Calibrate.cpp reports.
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "qat/Data/Dataset.h"
#include "qat/Train/Calibrate.h"
#include "qat/Train/Checkpoint.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::qat;
namespace cl = llvm::cl;

static cl::OptionCategory calibrateCat("Calibration options");
static cl::opt<std::string> output("o",
                                   cl::desc("Write the calibrated model here"),
                                   cl::Required, cl::sub(qat::calibrateCommand),
                                   cl::cat(calibrateCat));
static cl::opt<int64_t>
    batches("batches",
            cl::desc("Calibrate on this many batches, from the first record "
                     "on (default: every full batch of the data)"),
            cl::init(-1), cl::sub(qat::calibrateCommand),
            cl::cat(calibrateCat));

int qat::runCalibrate(ModuleOp base) {
  if (!checkBatch())
    return 1;
  if (batches.getNumOccurrences() && batches < 1)
    return fail("--batches must be at least 1 (got " +
                llvm::Twine(batches.getValue()) + ")");
  bool given = false;
  std::string data = getDataSpec(given);
  if (!given)
    return fail("calibrate needs --data: the records to calibrate on (e.g. "
                "--data=fashion-mnist, whose train split is used)");
  if (llvm::Error e = checkWritable(output))
    return fail(std::move(e));
  auto ds = runtime::openDataset(data, "train");
  if (!ds)
    return fail(ds.takeError());
  CalibrateOptions options;
  options.batches = batches;
  options.batch = getBatch();
  options.jit = jitOptions();
  auto result = calibrateModel(base, **ds, options);
  if (!result)
    return fail(result.takeError());
  llvm::outs() << "calibrated on " << result->batches << " batches ("
               << result->records << " records of " << (*ds)->getName() << ")";
  if (int64_t n = result->foldedBatchNorms)
    llvm::outs() << ", " << n
                 << (n == 1 ? " batch norm folded into its conv"
                            : " batch norms folded into their convs");
  llvm::outs() << "\n";
  if (llvm::Error e = writeModel(*result->model, output))
    return fail(std::move(e));
  llvm::errs() << "wrote " << output << "\n";
  return 0;
}

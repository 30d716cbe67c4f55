//===- Metrics.cpp - per-epoch metrics (JSONL) and curves (gnuplot) -------===//

#include "qat/Train/Metrics.h"

#include "qat/Train/Error.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include <cmath>
#include <string>

using namespace mlir::qat;
using llvm::StringRef;

llvm::Expected<MetricsWriter> MetricsWriter::open(StringRef path) {
  std::error_code ec;
  auto os = std::make_unique<llvm::raw_fd_ostream>(
      path, ec, llvm::sys::fs::OF_Append | llvm::sys::fs::OF_Text);
  if (ec)
    return makeTrainError(path + ": " + ec.message());
  return MetricsWriter(std::move(os));
}

/// `v` as a JSON number, or null if it is NaN or infinite (JSON has
/// neither).
static std::string jsonNumber(double v) {
  std::string str = "null";
  if (std::isfinite(v)) {
    str.clear();
    llvm::raw_string_ostream(str) << v;
  }
  return str;
}

void MetricsWriter::write(const EpochRecord &r) {
  *os << "{\"epoch\": " << r.epoch << ", \"lr\": " << jsonNumber(r.lr)
      << ", \"train_loss\": " << jsonNumber(r.trainLoss)
      << ", \"train_accuracy\": " << jsonNumber(r.trainAccuracy)
      << ", \"test_loss\": " << jsonNumber(r.testLoss)
      << ", \"test_accuracy\": " << jsonNumber(r.testAccuracy)
      << ", \"seconds\": " << jsonNumber(r.seconds) << "}\n";
}

/// Writes the data file and the gnuplot script of plotCurves.
static void writePlotFiles(llvm::ArrayRef<EpochRecord> history, StringRef png,
                           StringRef dataPath, StringRef scriptPath) {
  std::error_code ec;
  llvm::raw_fd_ostream d(dataPath, ec);
  for (const EpochRecord &r : history)
    d << r.epoch << " " << r.trainLoss << " " << r.testLoss << " "
      << 100 * r.trainAccuracy << " " << 100 * r.testAccuracy << "\n";
  llvm::raw_fd_ostream g(scriptPath, ec);
  g << "set terminal png size 1000,400\nset output '" << png << "'\n"
    << "set multiplot layout 1,2\nset xlabel 'epoch'\nset grid\n"
    << "set title 'loss'\nplot '" << dataPath
    << "' using 1:2 with linespoints title 'train', '' using 1:3 with "
       "linespoints title 'test'\n"
    << "set title 'accuracy (%)'\nplot '" << dataPath
    << "' using 1:4 with linespoints title 'train', '' using 1:5 with "
       "linespoints title 'test'\nunset multiplot\n";
}

llvm::Error mlir::qat::plotCurves(llvm::ArrayRef<EpochRecord> history,
                                  StringRef png) {
  auto gnuplot = llvm::sys::findProgramByName("gnuplot");
  if (!gnuplot)
    return makeTrainError("--plot needs gnuplot (apt-get install gnuplot-nox)");
  llvm::SmallString<128> dataPath, scriptPath;
  if (llvm::sys::fs::createTemporaryFile("qat-curves", "dat", dataPath) ||
      llvm::sys::fs::createTemporaryFile("qat-curves", "gp", scriptPath))
    return makeTrainError("--plot: cannot create temporary files");
  writePlotFiles(history, png, dataPath, scriptPath);
  std::string err;
  int rc = llvm::sys::ExecuteAndWait(*gnuplot, {*gnuplot, scriptPath},
                                     std::nullopt, {}, 0, 0, &err);
  llvm::sys::fs::remove(dataPath);
  llvm::sys::fs::remove(scriptPath);
  if (rc != 0)
    return makeTrainError(
        "--plot: gnuplot failed: " +
        (err.empty() ? "exit code " + std::to_string(rc) : err));
  return llvm::Error::success();
}

//===- Metrics.cpp - per-epoch metrics (JSONL) and curves (gnuplot) -------===//

#include "qat/Train/Metrics.h"

#include "qat/Train/Error.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Program.h"

#include <algorithm>
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

/// At most this many points per training curve: longer runs are averaged
/// over windows of steps, which also smooths the per-batch noise.
static constexpr size_t kMaxCurvePoints = 200;

/// Writes the data files and the gnuplot script of plotCurves: per-step
/// (or per-window) training values, per-epoch test values, and ranges set
/// from the data, so that one epoch or one step draws without gnuplot's
/// empty-range warnings.
static void writePlotFiles(llvm::ArrayRef<EpochRecord> epochs,
                           llvm::ArrayRef<StepRecord> steps, StringRef png,
                           StringRef stepsPath, StringRef epochsPath,
                           StringRef scriptPath) {
  std::error_code ec;
  size_t window = std::max<size_t>(1, (steps.size() + kMaxCurvePoints - 1) /
                                          kMaxCurvePoints);
  double maxLoss = 0;
  size_t points = 0;
  {
    llvm::raw_fd_ostream d(stepsPath, ec);
    for (size_t i = 0; i < steps.size(); i += window) {
      size_t n = std::min(window, steps.size() - i);
      double loss = 0, accuracy = 0;
      for (const StepRecord &r : steps.slice(i, n))
        loss += r.loss, accuracy += r.accuracy;
      maxLoss = std::max(maxLoss, loss / n);
      ++points;
      d << steps[i + n - 1].epoch << " " << loss / n << " "
        << 100 * accuracy / n << "\n";
    }
  }
  bool tested = false;
  {
    llvm::raw_fd_ostream d(epochsPath, ec);
    for (const EpochRecord &r : epochs) {
      if (!std::isfinite(r.testLoss) || !std::isfinite(r.testAccuracy))
        continue;
      tested = true;
      maxLoss = std::max(maxLoss, r.testLoss);
      d << r.epoch << " " << r.testLoss << " " << 100 * r.testAccuracy << "\n";
    }
  }
  std::string train =
      window == 1 ? "train (per step)"
                  : "train (mean of " + std::to_string(window) + " steps)";
  auto plot = [&](int column) {
    std::string cmd =
        "plot '" + stepsPath.str() + "' using 1:" + std::to_string(column) +
        " with " +
        // A few steps (or one) also show as points.
        (points <= 50 ? "linespoints pointtype 7 pointsize 0.6" : "lines") +
        " title '" + train + "'";
    if (tested)
      cmd += ", '" + epochsPath.str() + "' using 1:" + std::to_string(column) +
             " with linespoints pointtype 7 title 'test (end of epoch)'";
    return cmd + "\n";
  };
  llvm::raw_fd_ostream g(scriptPath, ec);
  g << "set terminal png size 1000,450\nset output '" << png << "'\n"
    << "set multiplot layout 1,2\nset xlabel 'epoch'\nset grid\n"
    << "set key below\nset xrange [0:" << std::max<size_t>(1, epochs.size())
    << "]\n"
    << "set title 'loss'\nset yrange [0:"
    << (maxLoss > 0 ? 1.05 * maxLoss : 1.0) << "]\n"
    << plot(2) << "set title 'accuracy (%)'\nset yrange [0:100]\n"
    << plot(3) << "unset multiplot\n";
}

llvm::Error mlir::qat::plotCurves(llvm::ArrayRef<EpochRecord> epochs,
                                  llvm::ArrayRef<StepRecord> steps,
                                  StringRef png) {
  auto gnuplot = llvm::sys::findProgramByName("gnuplot");
  if (!gnuplot)
    return makeTrainError("--plot needs gnuplot (apt-get install gnuplot-nox)");
  llvm::SmallString<128> stepsPath, epochsPath, scriptPath;
  if (llvm::sys::fs::createTemporaryFile("qat-steps", "dat", stepsPath) ||
      llvm::sys::fs::createTemporaryFile("qat-epochs", "dat", epochsPath) ||
      llvm::sys::fs::createTemporaryFile("qat-curves", "gp", scriptPath))
    return makeTrainError("--plot: cannot create temporary files");
  writePlotFiles(epochs, steps, png, stepsPath, epochsPath, scriptPath);
  std::string err;
  int rc = llvm::sys::ExecuteAndWait(*gnuplot, {*gnuplot, scriptPath},
                                     std::nullopt, {}, 0, 0, &err);
  for (StringRef path : {stepsPath, epochsPath, scriptPath})
    llvm::sys::fs::remove(path);
  if (rc != 0)
    return makeTrainError(
        "--plot: gnuplot failed: " +
        (err.empty() ? "exit code " + std::to_string(rc) : err));
  return llvm::Error::success();
}

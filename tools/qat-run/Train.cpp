//===- Train.cpp - qat-run train / eval -----------------------------------===//
//
// The fine-tuning loop around the generated @train_step: data, shuffling,
// epochs, schedules, metrics, and writing the trained model back as a
// self-contained qat module (atomically).
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "qat/JIT/JitModule.h"
#include "qat/Data/Dataset.h"
#include "qat/Transforms/Passes.h"
#include "qat/Transforms/TrainStep.h"

#include "Qat/IR/QatOps.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/MemoryBuffer.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <chrono>
#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::qat;
using runtime::Dataset;
using runtime::DType;
using runtime::Tensor;
namespace cl = llvm::cl;

cl::SubCommand qat::trainCommand("train", "Fine-tune a model (float or "
                                          "prepared) with the generated "
                                          "training step");
cl::SubCommand qat::evalCommand("eval", "Report test loss and accuracy");
cl::SubCommand qat::compareCommand(
    "compare", "Compare two models' outputs (e.g. fake-quant vs int8) element "
               "by element on a dataset");

static cl::OptionCategory trainCat("qat-run train/eval options");
static cl::opt<std::string> model(cl::Positional, cl::desc("<model.mlir>"),
                                  cl::Required, cl::sub(qat::trainCommand),
                                  cl::sub(qat::evalCommand),
                                  cl::sub(qat::compareCommand), cl::cat(trainCat));
static cl::opt<std::string> otherModel(cl::Positional,
                                       cl::desc("<other-model.mlir>"),
                                       cl::Required,
                                       cl::sub(qat::compareCommand),
                                       cl::cat(trainCat));
static cl::opt<std::string>
    data("data",
         cl::desc("Dataset: fashion-mnist[:DIR], npy:FEATURES.npy,LABELS.npy "
                  "or csv:FILE (features, then the integer label)"),
         cl::init("fashion-mnist"), cl::sub(qat::trainCommand),
         cl::sub(qat::evalCommand), cl::sub(qat::compareCommand),
         cl::cat(trainCat));
static cl::opt<std::string> evalSplit("split", cl::desc("eval: train or test"),
                                      cl::init("test"), cl::sub(qat::evalCommand),
                                      cl::sub(qat::compareCommand),
                                      cl::cat(trainCat));
static cl::opt<std::string> output("o", cl::desc("Write the trained model here"),
                                   cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<int> epochs("epochs", cl::desc("Epochs"), cl::init(1),
                           cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<double> lr("lr", cl::desc("Learning rate"), cl::init(0.01),
                          cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<std::string> optimizer("optimizer",
                                      cl::desc("sgd, adam or adamw"),
                                      cl::init("sgd"), cl::sub(qat::trainCommand),
                                      cl::cat(trainCat));
static cl::opt<double> momentum("momentum", cl::desc("SGD momentum"),
                                cl::init(0.9), cl::sub(qat::trainCommand),
                                cl::cat(trainCat));
static cl::opt<double> weightDecay("weight-decay", cl::desc("Weight decay"),
                                   cl::init(0.0), cl::sub(qat::trainCommand),
                                   cl::cat(trainCat));
static cl::opt<uint64_t> seed("seed", cl::desc("Shuffling seed"), cl::init(0),
                              cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<std::string>
    lrSchedule("lr-schedule", cl::desc("constant, step or cosine (per epoch)"),
               cl::init("constant"), cl::sub(qat::trainCommand),
               cl::cat(trainCat));
static cl::opt<int> lrStep("lr-step", cl::desc("step schedule: epochs per decay"),
                           cl::init(1), cl::sub(qat::trainCommand),
                           cl::cat(trainCat));
static cl::opt<double> lrGamma("lr-gamma", cl::desc("step schedule: decay"),
                               cl::init(0.1), cl::sub(qat::trainCommand),
                               cl::cat(trainCat));
static cl::opt<int> freezeBnAfter(
    "freeze-bn-after",
    cl::desc("Freeze batch-norm statistics from this epoch on (0-based)"),
    cl::init(-1), cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<int> freezeObserversAfter(
    "freeze-observers-after",
    cl::desc("Freeze observers (qparams) from this epoch on (0-based)"),
    cl::init(-1), cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<int64_t> maxSteps("max-steps",
                                 cl::desc("Stop each epoch after this many "
                                          "steps (for quick runs)"),
                                 cl::init(-1), cl::sub(qat::trainCommand),
                                 cl::cat(trainCat));
static cl::opt<int64_t> maxEval("max-eval",
                                cl::desc("Evaluate on at most this many "
                                         "records (train: 0 skips the "
                                         "per-epoch test evaluation)"),
                                cl::init(-1), cl::sub(qat::trainCommand),
                                cl::sub(qat::evalCommand),
                                cl::sub(qat::compareCommand), cl::cat(trainCat));
static cl::opt<bool> resetOptimizer(
    "reset-optimizer",
    cl::desc("Start with fresh optimizer state (momentum buffers, Adam "
             "moments) instead of the state stored in the model, as a new "
             "torch.optim optimizer does"),
    cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<std::string> testData(
    "test-data",
    cl::desc("Evaluation data for npy:/csv: datasets (fashion-mnist uses its "
             "test split)"),
    cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<bool> resume("resume",
                            cl::desc("Continue from the -o model if it exists"),
                            cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<std::string> plot("plot",
                                 cl::desc("Draw loss and accuracy curves to "
                                          "this PNG (needs gnuplot)"),
                                 cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<bool> floatFakeQuant(
    "float-fake-quant",
    cl::desc("Evaluate fake-quant models with the float simulation (the "
             "training forward with frozen observers) instead of their "
             "integer semantics"),
    cl::sub(qat::evalCommand), cl::sub(qat::compareCommand), cl::cat(trainCat));
static cl::opt<std::string> metrics("metrics",
                                    cl::desc("Append per-epoch metrics (JSONL)"),
                                    cl::sub(qat::trainCommand), cl::cat(trainCat));

std::string qat::getModelPathOfSubcommand() { return model; }

static int fail(const Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "qat-run") << msg << "\n";
  return 1;
}

static llvm::Error dataError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// Checks records against the model: features per record and label range.
static llvm::Error checkData(const Dataset &d, const TensorSpec &input,
                             int64_t classes) {
  int64_t perRecord = 1;
  for (int64_t e : ArrayRef<int64_t>(input.shape).drop_front())
    perRecord *= e;
  if (d.getFeaturesPerRecord() != perRecord)
    return dataError(d.getName() + ": records have " +
                     Twine(d.getFeaturesPerRecord()) +
                     " features but the model's " + input.name + " (" +
                     input.typeStr + ") takes " + Twine(perRecord) +
                     " per record");
  return d.checkLabels(classes);
}

namespace {
struct EvalResult {
  double loss = 0;
  double accuracy = 0;
  int64_t count = 0;
};
} // namespace

/// Runs `entry` (logits) over the split; loss and accuracy on the host in
/// double over the real records only (the last batch is zero-padded).
static llvm::Expected<EvalResult> evaluate(JitModule &jit, StringRef entry,
                                           const Dataset &ds,
                                           int64_t limit) {
  const EntrySpec *spec = jit.getEntry(entry);
  int64_t n = ds.getNumRecords();
  if (limit >= 0)
    n = std::min(n, limit);
  if (n == 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "no records to evaluate (--max-eval=0)");
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  Tensor x = Tensor::zeros(DType::F32, spec->inputs[0].shape);
  int64_t batch = x.shape[0];
  Tensor y = Tensor::zeros(DType::I32, {batch});
  EvalResult r;
  for (int64_t first = 0; first < n; first += batch) {
    ds.fillBatch(order, first, x, y);
    auto out = jit.run(entry, {&x});
    if (!out)
      return out.takeError();
    const Tensor &logits = (*out)[0];
    int64_t classes = logits.shape[1];
    for (int64_t i = 0; i < batch && first + i < n; ++i) {
      const float *row = logits.data<float>() + i * classes;
      int64_t arg = 0;
      double mx = row[0];
      for (int64_t c = 1; c < classes; ++c)
        if (row[c] > row[arg])
          arg = c;
      mx = row[arg];
      double sum = 0;
      for (int64_t c = 0; c < classes; ++c)
        sum += std::exp(double(row[c]) - mx);
      int32_t label = y.data<int32_t>()[i];
      r.loss += mx + std::log(sum) - row[label];
      r.accuracy += arg == label;
      ++r.count;
    }
  }
  r.loss /= r.count;
  r.accuracy /= r.count;
  return r;
}

/// Generates @train_step/@eval_step for `base` with the current freeze
/// flags; returns the generated module (the template the trained values are
/// written into) and its JIT compilation.
static LogicalResult
buildTrainModule(ModuleOp base, bool freezeBn, bool freezeObservers,
                 OwningOpRef<ModuleOp> &generated,
                 std::unique_ptr<JitModule> &jit) {
  generated = base.clone();
  PassManager pm(base.getContext());
  GenerateTrainStepOptions options;
  options.optimizer = optimizer;
  options.momentum = optimizer == "sgd" ? momentum.getValue() : 0.0;
  options.weightDecay = weightDecay;
  options.freezeBn = freezeBn;
  options.freezeObservers = freezeObservers;
  pm.addPass(createGenerateTrainStep(options));
  if (failed(pm.run(*generated)))
    return failure();
  auto compiled = JitModule::compile(OwningOpRef<ModuleOp>(generated->clone()),
                                     {"train_step", "eval_step"}, x86Isa);
  if (!compiled) {
    fail(llvm::toString(compiled.takeError()));
    return failure();
  }
  jit = std::move(*compiled);
  return success();
}

/// Copies every parameter's current value out of the JIT into `module`.
static LogicalResult readBackParams(ModuleOp module, JitModule &jit) {
  for (auto param : module.getOps<ParamOp>()) {
    auto addr = jit.lookupGlobal(param.getSymName());
    if (!addr) {
      fail("cannot find the trained value of @" + param.getSymName() + ": " +
           llvm::toString(addr.takeError()));
      return failure();
    }
    RankedTensorType type = param.getType();
    size_t bytes = type.getNumElements() *
                   (type.getElementTypeBitWidth() / 8);
    param.setInitialValueAttr(DenseElementsAttr::getFromRawBuffer(
        type, ArrayRef<char>(static_cast<const char *>(*addr), bytes)));
  }
  return success();
}

/// Writes `module` without the generated functions, atomically.
static LogicalResult writeModel(ModuleOp generated, StringRef path) {
  OwningOpRef<ModuleOp> out = generated.clone();
  for (StringRef name : {"train_step", "eval_step"})
    if (Operation *f = out->lookupSymbol(name))
      f->erase();
  SmallString<128> tmp;
  int fd;
  SmallString<128> pattern(path);
  pattern += ".tmp-%%%%%%";
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(pattern, fd, tmp)) {
    fail(path + ": cannot create a temporary file: " + ec.message());
    return failure();
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    out->print(os);
    os.flush();
    if (os.has_error()) {
      fail(path + ": write failed: " + os.error().message());
      os.clear_error();
      llvm::sys::fs::remove(tmp);
      return failure();
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, path)) {
    fail(path + ": cannot rename the temporary file: " + ec.message());
    llvm::sys::fs::remove(tmp);
    return failure();
  }
  return success();
}

namespace {
struct EpochRecord {
  int epoch;
  double trainLoss, trainAccuracy, testLoss, testAccuracy;
};
} // namespace

/// Loss and accuracy curves through gnuplot (Debian's gnuplot-nox).
static LogicalResult plotCurves(ArrayRef<EpochRecord> history, StringRef png) {
  auto gnuplot = llvm::sys::findProgramByName("gnuplot");
  if (!gnuplot) {
    fail("--plot needs gnuplot (apt-get install gnuplot-nox)");
    return failure();
  }
  SmallString<128> dataPath, scriptPath;
  if (llvm::sys::fs::createTemporaryFile("qat-curves", "dat", dataPath) ||
      llvm::sys::fs::createTemporaryFile("qat-curves", "gp", scriptPath)) {
    fail("--plot: cannot create temporary files");
    return failure();
  }
  {
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
  std::string err;
  int rc = llvm::sys::ExecuteAndWait(*gnuplot, {*gnuplot, scriptPath},
                                     std::nullopt, {}, 0, 0, &err);
  llvm::sys::fs::remove(dataPath);
  llvm::sys::fs::remove(scriptPath);
  if (rc != 0) {
    fail("--plot: gnuplot failed: " + (err.empty() ? "exit code " + std::to_string(rc) : err));
    return failure();
  }
  llvm::errs() << "wrote " << png << "\n";
  return success();
}

static double learningRate(int epoch) {
  if (lrSchedule == "step")
    return lr * std::pow(lrGamma.getValue(), epoch / std::max(1, lrStep.getValue()));
  if (lrSchedule == "cosine")
    return 0.5 * lr * (1.0 + std::cos(M_PI * epoch / epochs));
  return lr;
}

int qat::runTrain(ModuleOp base) {
  if (lrSchedule != "constant" && lrSchedule != "step" && lrSchedule != "cosine")
    return fail("unknown --lr-schedule '" + lrSchedule +
                "' (known: constant, step, cosine)");
  if (epochs < 1)
    return fail("--epochs must be at least 1");
  // --resume continues from the model written by an earlier run.
  OwningOpRef<ModuleOp> resumed;
  if (resume && !output.empty() && llvm::sys::fs::exists(output)) {
    resumed = parseSourceFile<ModuleOp>(output, base.getContext());
    if (!resumed)
      return fail("--resume: cannot read " + output);
    base = *resumed;
    llvm::errs() << "resuming from " << output << "\n";
  }
  auto train = runtime::openDataset(data, "train");
  if (!train)
    return fail(llvm::toString(train.takeError()));
  std::unique_ptr<Dataset> test;
  StringRef testSpec = runtime::getTestDataSpec(data, testData);
  if (!testSpec.empty()) {
    auto t = runtime::openDataset(testSpec, "test");
    if (!t)
      return fail(llvm::toString(t.takeError()));
    test = std::move(*t);
  }

  if (resetOptimizer) {
    SmallVector<ParamOp> stale;
    for (auto p : base.getOps<ParamOp>()) {
      StringRef name = p.getSymName();
      if (p.getState() && (name.ends_with(".momentum_buffer") ||
                           name.ends_with(".exp_avg") ||
                           name.ends_with(".exp_avg_sq")))
        stale.push_back(p);
    }
    for (ParamOp p : stale)
      p.erase();
  }
  OwningOpRef<ModuleOp> generated;
  std::unique_ptr<JitModule> jit;
  bool bnFrozen = freezeBnAfter == 0, obsFrozen = freezeObserversAfter == 0;
  if (failed(buildTrainModule(base, bnFrozen, obsFrozen, generated, jit)))
    return 1;
  const EntrySpec *step = jit->getEntry("train_step");
  if (step->inputs.size() < 3 || step->inputs[1].dtype != DType::I32)
    return fail("@train_step must take images, labels and the learning rate");
  int64_t classes = jit->getEntry("eval_step")->outputs[0].shape.back();
  if (llvm::Error e = checkData(**train, step->inputs[0], classes))
    return fail(llvm::toString(std::move(e)));
  if (test)
    if (llvm::Error e = checkData(*test, step->inputs[0], classes))
      return fail(llvm::toString(std::move(e)));
  Tensor x = Tensor::zeros(DType::F32, step->inputs[0].shape);
  int64_t batch = x.shape[0];
  Tensor y = Tensor::zeros(DType::I32, {batch});
  Tensor lrT = Tensor::zeros(DType::F32, {});
  Tensor stepSize = Tensor::zeros(DType::F32, {});
  Tensor bc2 = Tensor::zeros(DType::F32, {});
  bool adam = optimizer != "sgd";

  int64_t n = (*train)->getNumRecords();
  int64_t steps = n / batch; // the last partial batch is dropped
  if (maxSteps >= 0)
    steps = std::min(steps, maxSteps.getValue());
  std::mt19937_64 rng(seed);
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  bool tty = llvm::sys::Process::StandardErrIsDisplayed();
  std::unique_ptr<llvm::raw_fd_ostream> metricsOut;
  if (!metrics.empty()) {
    std::error_code ec;
    metricsOut = std::make_unique<llvm::raw_fd_ostream>(
        metrics, ec, llvm::sys::fs::OF_Append | llvm::sys::fs::OF_Text);
    if (ec)
      return fail(metrics + ": " + ec.message());
  }
  int64_t adamStep = 0;
  std::vector<EpochRecord> history;
  for (int epoch = 0; epoch < epochs; ++epoch) {
    bool wantBn = freezeBnAfter >= 0 && epoch >= freezeBnAfter;
    bool wantObs = freezeObserversAfter >= 0 && epoch >= freezeObserversAfter;
    if (wantBn != bnFrozen || wantObs != obsFrozen) {
      // Carry the trained values over into a step with the new modes.
      if (failed(readBackParams(*generated, *jit)))
        return 1;
      OwningOpRef<ModuleOp> next = generated->clone();
      for (StringRef name : {"train_step", "eval_step"})
        next->lookupSymbol(name)->erase();
      bnFrozen = wantBn;
      obsFrozen = wantObs;
      if (failed(buildTrainModule(*next, bnFrozen, obsFrozen, generated, jit)))
        return 1;
      llvm::errs() << "epoch " << epoch + 1 << ": "
                   << (bnFrozen ? "batch norm frozen" : "")
                   << (bnFrozen && obsFrozen ? ", " : "")
                   << (obsFrozen ? "observers frozen" : "") << "\n";
    }
    // Fisher-Yates with the raw 64-bit stream: the same order on every
    // platform for a given seed.
    for (int64_t i = n - 1; i > 0; --i)
      std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
    double rate = learningRate(epoch);
    lrT.data<float>()[0] = static_cast<float>(rate);
    double lossSum = 0;
    int64_t correct = 0;
    auto start = std::chrono::steady_clock::now();
    int64_t reportEvery = std::max<int64_t>(1, steps / 10);
    for (int64_t s = 0; s < steps; ++s) {
      (*train)->fillBatch(order, s * batch, x, y);
      SmallVector<const Tensor *> args = {&x, &y, &lrT};
      if (adam) {
        ++adamStep;
        // PyTorch computes the bias corrections in double.
        double bc1 = 1.0 - std::pow(0.9, double(adamStep));
        double bc2v = 1.0 - std::pow(0.999, double(adamStep));
        stepSize.data<float>()[0] = static_cast<float>(rate / bc1);
        bc2.data<float>()[0] = static_cast<float>(std::sqrt(bc2v));
        args.push_back(&stepSize);
        args.push_back(&bc2);
      }
      auto out = jit->run("train_step", args);
      if (!out)
        return fail(llvm::toString(out.takeError()));
      float loss = (*out)[0].data<float>()[0];
      if (!std::isfinite(loss))
        return fail("the loss is " + std::string(std::isnan(loss) ? "NaN" : "infinite") +
                    " at epoch " + Twine(epoch + 1).str() + ", step " +
                    Twine(s + 1).str() + "; lower --lr or check the data");
      lossSum += loss;
      correct += (*out)[1].data<int32_t>()[0];
      double secs = std::chrono::duration<double>(
                        std::chrono::steady_clock::now() - start)
                        .count();
      bool last = s + 1 == steps;
      if (tty || last || (s + 1) % reportEvery == 0) {
        int width = 30, filled = int(width * (s + 1) / steps);
        llvm::errs() << (tty ? "\r" : "") << "epoch " << epoch + 1 << "/"
                     << epochs << " [" << std::string(filled, '#')
                     << std::string(width - filled, ' ') << "] " << s + 1 << "/"
                     << steps << " loss "
                     << llvm::format("%.4f", lossSum / (s + 1)) << " acc "
                     << llvm::format("%.2f%%",
                                     100.0 * correct / ((s + 1) * batch))
                     << " " << llvm::format("%.0f", (s + 1) * batch / secs)
                     << " img/s" << (tty && !last ? "" : "\n");
      }
    }
    double secs = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - start)
                      .count();
    EvalResult evr;
    evr.loss = evr.accuracy = NAN;
    if (test && maxEval != 0) {
      auto ev = evaluate(*jit, "eval_step", *test, maxEval);
      if (!ev)
        return fail(llvm::toString(ev.takeError()));
      evr = *ev;
    }
    auto *ev = &evr;
    double trainLoss = lossSum / steps;
    double trainAcc = double(correct) / (steps * batch);
    llvm::outs() << "epoch " << epoch + 1 << ": train loss "
                 << llvm::format("%.4f", trainLoss) << " acc "
                 << llvm::format("%.2f%%", 100 * trainAcc);
    if (test && maxEval != 0)
      llvm::outs() << ", test loss " << llvm::format("%.4f", ev->loss)
                   << " acc " << llvm::format("%.2f%%", 100 * ev->accuracy)
                   << " (" << ev->count << " records)";
    llvm::outs() << ", " << llvm::format("%.2f", secs) << " s\n";
    history.push_back({epoch + 1, trainLoss, trainAcc, ev->loss, ev->accuracy});
    if (metricsOut) {
      // JSON has no NaN: an epoch without a test evaluation writes null.
      auto num = [](double v) {
        std::string str = "null";
        if (!std::isnan(v)) {
          str.clear();
          llvm::raw_string_ostream(str) << v;
        }
        return str;
      };
      *metricsOut << "{\"epoch\": " << epoch + 1 << ", \"lr\": " << rate
                  << ", \"train_loss\": " << trainLoss
                  << ", \"train_accuracy\": " << trainAcc
                  << ", \"test_loss\": " << num(ev->loss)
                  << ", \"test_accuracy\": " << num(ev->accuracy)
                  << ", \"seconds\": " << secs << "}\n";
    }
  }
  if (!plot.empty())
    if (failed(plotCurves(history, plot)))
      return 1;
  if (!output.empty()) {
    if (failed(readBackParams(*generated, *jit)) ||
        failed(writeModel(*generated, output)))
      return 1;
    llvm::errs() << "wrote " << output << "\n";
  }
  return 0;
}

/// True if `module`'s @forward fake-quantizes (a prepared model).
static bool isFakeQuantModel(ModuleOp module) {
  bool found = false;
  module.walk([&](FakeQuantOp) { found = true; });
  return found;
}

/// The module to evaluate for `module`: NUMERICS.md promise 3 -- a
/// fake-quant model in evaluation mode has the integer semantics, so it is
/// evaluated through --qat-convert (unless --float-fake-quant asks for the
/// float simulation). `note` says which semantics was used.
static FailureOr<OwningOpRef<ModuleOp>> evaluationModule(ModuleOp module,
                                                         std::string &note) {
  OwningOpRef<ModuleOp> m = module.clone();
  note.clear();
  if (floatFakeQuant || !isFakeQuantModel(module))
    return m;
  PassManager pm(module.getContext());
  pm.addPass(createConvert());
  if (failed(pm.run(*m)))
    return failure();
  note = " [integer semantics, via qat-convert]";
  return m;
}

int qat::runEval(ModuleOp input) {
  auto ds = runtime::openDataset(data, evalSplit);
  if (!ds)
    return fail(llvm::toString(ds.takeError()));
  std::string note;
  auto evalModule = evaluationModule(input, note);
  if (failed(evalModule))
    return 1;
  ModuleOp module = **evalModule;
  if (failed(createEvalFunction(module, "forward", "eval_step")))
    return 1;
  auto jit = JitModule::compile(OwningOpRef<ModuleOp>(module.clone()),
                                {"eval_step"}, x86Isa);
  if (!jit)
    return fail(llvm::toString(jit.takeError()));
  int64_t classes = (*jit)->getEntry("eval_step")->outputs[0].shape.back();
  if (llvm::Error e =
          checkData(**ds, (*jit)->getEntry("eval_step")->inputs[0], classes))
    return fail(llvm::toString(std::move(e)));
  auto ev = evaluate(**jit, "eval_step", **ds, maxEval);
  if (!ev)
    return fail(llvm::toString(ev.takeError()));
  llvm::outs() << evalSplit << ": loss " << llvm::format("%.4f", ev->loss)
               << ", accuracy " << llvm::format("%.2f%%", 100 * ev->accuracy)
               << " (" << ev->count << " records)" << note << "\n";
  return 0;
}

/// The output scale of a model whose @forward ends in qat.dequantize (the
/// int8 graph), for reporting differences in quantization steps.
static std::optional<double> outputScale(ModuleOp module) {
  auto f = module.lookupSymbol<func::FuncOp>("forward");
  if (!f)
    return std::nullopt;
  std::optional<double> scale;
  f.walk([&](func::ReturnOp ret) {
    Value v = ret.getOperand(0);
    if (auto stub = v.getDefiningOp<DequantStubOp>())
      v = stub.getInput();
    if (auto d = v.getDefiningOp<DequantizeOp>())
      if (auto q = dyn_cast<quant::UniformQuantizedType>(
              d.getInput().getType().getElementType()))
        scale = q.getScale();
  });
  return scale;
}

int qat::runCompare(ModuleOp a) {
  OwningOpRef<ModuleOp> b = parseSourceFile<ModuleOp>(otherModel, a.getContext());
  if (!b)
    return 1;
  auto ds = runtime::openDataset(data, evalSplit);
  if (!ds)
    return fail(llvm::toString(ds.takeError()));
  std::optional<double> step = outputScale(*b);
  if (!step)
    step = outputScale(a);
  std::unique_ptr<JitModule> jits[2];
  std::string notes[2];
  auto ea0 = evaluationModule(a, notes[0]);
  auto eb0 = evaluationModule(*b, notes[1]);
  if (failed(ea0) || failed(eb0))
    return 1;
  ModuleOp mods[2] = {**ea0, **eb0};
  for (int i = 0; i < 2; ++i) {
    if (failed(createEvalFunction(mods[i], "forward", "eval_step")))
      return 1;
    auto jit = JitModule::compile(OwningOpRef<ModuleOp>(mods[i].clone()),
                                  {"eval_step"}, x86Isa);
    if (!jit)
      return fail(llvm::toString(jit.takeError()));
    jits[i] = std::move(*jit);
  }
  const EntrySpec *ea = jits[0]->getEntry("eval_step");
  const EntrySpec *eb = jits[1]->getEntry("eval_step");
  if (ea->inputs[0].shape != eb->inputs[0].shape ||
      ea->outputs[0].shape != eb->outputs[0].shape)
    return fail("the models' @forward signatures differ: " +
                ea->inputs[0].typeStr + " -> " + ea->outputs[0].typeStr +
                " vs " + eb->inputs[0].typeStr + " -> " + eb->outputs[0].typeStr);
  int64_t n = (*ds)->getNumRecords();
  if (maxEval >= 0)
    n = std::min(n, maxEval.getValue());
  if (n == 0)
    return fail("no records to compare (--max-eval=0)");
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  Tensor x = Tensor::zeros(DType::F32, ea->inputs[0].shape);
  int64_t batch = x.shape[0];
  Tensor y = Tensor::zeros(DType::I32, {batch});
  int64_t elements = 0, different = 0, agree = 0, records = 0;
  double maxDiff = 0;
  for (int64_t first = 0; first < n; first += batch) {
    (*ds)->fillBatch(order, first, x, y);
    auto oa = jits[0]->run("eval_step", {&x});
    auto ob = jits[1]->run("eval_step", {&x});
    if (!oa || !ob)
      return fail(llvm::toString(oa ? ob.takeError() : oa.takeError()));
    const Tensor &ta = (*oa)[0], &tb = (*ob)[0];
    int64_t classes = ta.shape.back();
    for (int64_t i = 0; i < batch && first + i < n; ++i) {
      const float *ra = ta.data<float>() + i * classes;
      const float *rb = tb.data<float>() + i * classes;
      int64_t aa = 0, ab = 0;
      for (int64_t c = 0; c < classes; ++c) {
        ++elements;
        double d = std::fabs(double(ra[c]) - double(rb[c]));
        different += ra[c] != rb[c];
        maxDiff = std::max(maxDiff, d);
        if (ra[c] > ra[aa])
          aa = c;
        if (rb[c] > rb[ab])
          ab = c;
      }
      agree += aa == ab;
      ++records;
    }
  }
  llvm::outs() << "compared " << elements << " output elements of " << records
               << " records: " << different << " differ, largest difference "
               << llvm::format("%.6g", maxDiff);
  if (step)
    llvm::outs() << " (" << llvm::format("%.3g", maxDiff / *step)
                 << " quantization steps of " << llvm::format("%.6g", *step)
                 << ")";
  llvm::outs() << ", argmax agreement " << agree << "/" << records << " ("
               << llvm::format("%.3f%%", 100.0 * agree / records) << ")"
               << notes[0] << "\n";
  return 0;
}

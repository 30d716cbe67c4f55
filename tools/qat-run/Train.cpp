//===- Train.cpp - qat-run train / eval -----------------------------------===//
//
// The fine-tuning loop around the generated @train_step: data, shuffling,
// epochs, schedules, metrics, and writing the trained model back as a
// self-contained qat module (atomically).
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "qat/JIT/JitModule.h"
#include "qat/Runtime/Idx.h"
#include "qat/Runtime/Tensor.h"
#include "qat/Transforms/Passes.h"
#include "qat/Transforms/TrainStep.h"

#include "Qat/IR/QatOps.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::qat;
using runtime::DType;
using runtime::Tensor;
namespace cl = llvm::cl;

cl::SubCommand qat::trainCommand("train", "Fine-tune a model (float or "
                                          "prepared) with the generated "
                                          "training step");
cl::SubCommand qat::evalCommand("eval", "Report test loss and accuracy");

static cl::OptionCategory trainCat("qat-run train/eval options");
static cl::opt<std::string> model(cl::Positional, cl::desc("<model.mlir>"),
                                  cl::Required, cl::sub(qat::trainCommand),
                                  cl::sub(qat::evalCommand), cl::cat(trainCat));
static cl::opt<std::string>
    data("data", cl::desc("Dataset: fashion-mnist[:DIR]"),
         cl::init("fashion-mnist"), cl::sub(qat::trainCommand),
         cl::sub(qat::evalCommand), cl::cat(trainCat));
static cl::opt<std::string> evalSplit("split", cl::desc("eval: train or test"),
                                      cl::init("test"), cl::sub(qat::evalCommand),
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
                                         "records"),
                                cl::init(-1), cl::sub(qat::trainCommand),
                                cl::sub(qat::evalCommand), cl::cat(trainCat));
static cl::opt<bool> resetOptimizer(
    "reset-optimizer",
    cl::desc("Start with fresh optimizer state (momentum buffers, Adam "
             "moments) instead of the state stored in the model, as a new "
             "torch.optim optimizer does"),
    cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<std::string> metrics("metrics",
                                    cl::desc("Append per-epoch metrics (JSONL)"),
                                    cl::sub(qat::trainCommand), cl::cat(trainCat));

std::string qat::getModelPathOfSubcommand() { return model; }

static int fail(const Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "qat-run") << msg << "\n";
  return 1;
}

static llvm::Expected<runtime::Dataset> loadData(StringRef split) {
  auto [kind, dir] = StringRef(data).split(':');
  if (kind != "fashion-mnist")
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "unknown dataset '" + kind +
                                       "' (known: fashion-mnist)");
  if (dir.empty())
    dir = "/usr/share/datasets/fashion-mnist";
  return runtime::loadFashionMnist(dir, split);
}

/// Copies records `order[first, first + batch)` (images scaled to [0, 1])
/// into `x` and their labels into `y`; records past the end are zeros.
static void fillBatch(const runtime::Dataset &ds, ArrayRef<int64_t> order,
                      int64_t first, Tensor &x, Tensor &y) {
  int64_t batch = x.shape[0];
  int64_t perRecord = x.getNumElements() / batch;
  const uint8_t *pixels = ds.images.data<uint8_t>();
  const uint8_t *labels = ds.labels.data<uint8_t>();
  float *xp = x.data<float>();
  int32_t *yp = y.data<int32_t>();
  for (int64_t i = 0; i < batch; ++i) {
    int64_t k = first + i;
    if (k >= static_cast<int64_t>(order.size())) {
      std::fill(xp + i * perRecord, xp + (i + 1) * perRecord, 0.0f);
      yp[i] = 0;
      continue;
    }
    int64_t r = order[k];
    for (int64_t j = 0; j < perRecord; ++j)
      xp[i * perRecord + j] = pixels[r * perRecord + j] / 255.0f;
    yp[i] = labels[r];
  }
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
                                           const runtime::Dataset &ds,
                                           int64_t limit) {
  const EntrySpec *spec = jit.getEntry(entry);
  int64_t n = ds.labels.shape[0];
  if (limit >= 0)
    n = std::min(n, limit);
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  Tensor x = Tensor::zeros(DType::F32, spec->inputs[0].shape);
  int64_t batch = x.shape[0];
  Tensor y = Tensor::zeros(DType::I32, {batch});
  EvalResult r;
  for (int64_t first = 0; first < n; first += batch) {
    fillBatch(ds, order, first, x, y);
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
                                     {"train_step", "eval_step"});
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
  auto train = loadData("train");
  if (!train)
    return fail(llvm::toString(train.takeError()));
  auto test = loadData("test");
  if (!test)
    return fail(llvm::toString(test.takeError()));

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
  Tensor x = Tensor::zeros(DType::F32, step->inputs[0].shape);
  int64_t batch = x.shape[0];
  Tensor y = Tensor::zeros(DType::I32, {batch});
  Tensor lrT = Tensor::zeros(DType::F32, {});
  Tensor stepSize = Tensor::zeros(DType::F32, {});
  Tensor bc2 = Tensor::zeros(DType::F32, {});
  bool adam = optimizer != "sgd";

  int64_t n = train->labels.shape[0];
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
      fillBatch(*train, order, s * batch, x, y);
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
    auto ev = evaluate(*jit, "eval_step", *test, maxEval);
    if (!ev)
      return fail(llvm::toString(ev.takeError()));
    double trainLoss = lossSum / steps;
    double trainAcc = double(correct) / (steps * batch);
    llvm::outs() << "epoch " << epoch + 1 << ": train loss "
                 << llvm::format("%.4f", trainLoss) << " acc "
                 << llvm::format("%.2f%%", 100 * trainAcc) << ", test loss "
                 << llvm::format("%.4f", ev->loss) << " acc "
                 << llvm::format("%.2f%%", 100 * ev->accuracy) << " ("
                 << ev->count << " images), " << llvm::format("%.2f", secs)
                 << " s\n";
    if (metricsOut)
      *metricsOut << "{\"epoch\": " << epoch + 1 << ", \"lr\": " << rate
                  << ", \"train_loss\": " << trainLoss
                  << ", \"train_accuracy\": " << trainAcc
                  << ", \"test_loss\": " << ev->loss
                  << ", \"test_accuracy\": " << ev->accuracy
                  << ", \"seconds\": " << secs << "}\n";
  }
  if (!output.empty()) {
    if (failed(readBackParams(*generated, *jit)) ||
        failed(writeModel(*generated, output)))
      return 1;
    llvm::errs() << "wrote " << output << "\n";
  }
  return 0;
}

int qat::runEval(ModuleOp module) {
  auto ds = loadData(evalSplit);
  if (!ds)
    return fail(llvm::toString(ds.takeError()));
  if (failed(createEvalFunction(module, "forward", "eval_step")))
    return 1;
  auto jit = JitModule::compile(OwningOpRef<ModuleOp>(module.clone()),
                                {"eval_step"});
  if (!jit)
    return fail(llvm::toString(jit.takeError()));
  auto ev = evaluate(**jit, "eval_step", *ds, maxEval);
  if (!ev)
    return fail(llvm::toString(ev.takeError()));
  llvm::outs() << evalSplit << ": loss " << llvm::format("%.4f", ev->loss)
               << ", accuracy " << llvm::format("%.2f%%", 100 * ev->accuracy)
               << " (" << ev->count << " images)\n";
  return 0;
}

//===- Trainer.cpp - the fine-tuning loop around @train_step --------------===//

#include "qat/Train/Trainer.h"

#include "qat/JIT/JitModule.h"
#include "qat/Quant/Passes.h"
#include "qat/Train/Checkpoint.h"
#include "qat/Train/Error.h"

#include "mlir/Pass/PassManager.h"

#include <chrono>
#include <cmath>
#include <optional>
#include <random>

using namespace mlir;
using namespace mlir::qat;
using runtime::Dataset;
using runtime::DType;
using runtime::Tensor;

char DiagnosedError::ID;
TrainHooks::~TrainHooks() = default;
TrainReporter::~TrainReporter() = default;

namespace {
/// One training run: the generated step, its JIT, the batch buffers and
/// the state carried across epochs (shuffle order, Adam step, history).
class Trainer {
public:
  Trainer(const TrainOptions &options, const Dataset &train,
          const Dataset *test, TrainHooks &hooks, TrainReporter &reporter)
      : options(options), train(train), test(test), hooks(hooks),
        reporter(reporter), rng(options.seed) {}

  llvm::Error run(ModuleOp base);

private:
  llvm::Error build(ModuleOp base);
  llvm::Error prepare();
  llvm::Error setFreezeModes(int epoch);
  llvm::Error runEpoch(int epoch);
  llvm::Error runStep(int epoch, int64_t s, double rate, StepStatistics &stats);
  llvm::Error finishEpoch(int epoch, double rate, double lossSum,
                          int64_t correct, double seconds);
  llvm::Error finish();

  const TrainOptions &options;
  const Dataset &train;
  const Dataset *test;
  TrainHooks &hooks;
  TrainReporter &reporter;

  /// The module with @train_step/@eval_step (the template the trained
  /// values are written into) and its compilation.
  OwningOpRef<ModuleOp> generated;
  std::unique_ptr<JitModule> jit;
  bool bnFrozen = false, obsFrozen = false;

  Tensor x, y, lrT, stepSize, bc2;
  int64_t batch = 0, steps = 0, adamStep = 0;
  std::mt19937_64 rng;
  SmallVector<int64_t> order;
  std::optional<MetricsWriter> metrics;
  std::vector<EpochRecord> history;
};
} // namespace

/// Generates @train_step/@eval_step for `base` with the current freeze
/// modes and compiles them.
llvm::Error Trainer::build(ModuleOp base) {
  generated = base.clone();
  PassManager pm(base.getContext());
  if (options.batch != 0) {
    SetBatchOptions batchOpts;
    batchOpts.batch = options.batch;
    pm.addPass(createSetBatch(batchOpts));
  }
  GenerateTrainStepOptions opts;
  opts.optimizer = options.optimizer;
  opts.momentum = options.optimizer == "sgd" ? options.momentum : 0.0;
  opts.weightDecay = options.weightDecay;
  opts.freezeBn = bnFrozen;
  opts.freezeObservers = obsFrozen;
  pm.addPass(createGenerateTrainStep(opts));
  if (failed(pm.run(*generated)))
    return makeDiagnosedError();
  auto compiled = JitModule::compile(OwningOpRef<ModuleOp>(generated->clone()),
                                     {"train_step", "eval_step"}, options.jit);
  if (!compiled)
    return compiled.takeError();
  jit = std::move(*compiled);
  return llvm::Error::success();
}

/// Checks the data against the step, allocates the batch buffers and opens
/// the metrics file.
llvm::Error Trainer::prepare() {
  const EntrySpec *step = jit->getEntry("train_step");
  if (step->inputs.size() < 3 || step->inputs[1].dtype != DType::I32)
    return makeTrainError(
        "@train_step must take images, labels and the learning rate");
  int64_t classes = jit->getEntry("eval_step")->outputs[0].shape.back();
  if (llvm::Error e = checkData(train, step->inputs[0], classes))
    return e;
  if (test)
    if (llvm::Error e = checkData(*test, step->inputs[0], classes))
      return e;
  x = Tensor::zeros(DType::F32, step->inputs[0].shape);
  batch = x.shape[0];
  y = Tensor::zeros(DType::I32, {batch});
  lrT = Tensor::zeros(DType::F32, {});
  stepSize = Tensor::zeros(DType::F32, {});
  bc2 = Tensor::zeros(DType::F32, {});

  int64_t n = train.getNumRecords();
  steps = n / batch; // the last partial batch is dropped
  if (options.maxSteps >= 0)
    steps = std::min(steps, options.maxSteps);
  order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  if (!options.metricsPath.empty() && hooks.isMainWorker()) {
    auto writer = MetricsWriter::open(options.metricsPath);
    if (!writer)
      return writer.takeError();
    metrics.emplace(std::move(*writer));
  }
  return llvm::Error::success();
}

/// Regenerates the step when `epoch` freezes batch norm or observers,
/// carrying the trained values over.
llvm::Error Trainer::setFreezeModes(int epoch) {
  bool wantBn = options.freezeBnAfter >= 0 && epoch >= options.freezeBnAfter;
  bool wantObs = options.freezeObserversAfter >= 0 &&
                 epoch >= options.freezeObserversAfter;
  if (wantBn == bnFrozen && wantObs == obsFrozen)
    return llvm::Error::success();
  if (llvm::Error e = readBackParams(*generated, *jit))
    return e;
  OwningOpRef<ModuleOp> next = generated->clone();
  for (StringRef name : {"train_step", "eval_step"})
    next->lookupSymbol(name)->erase();
  bnFrozen = wantBn;
  obsFrozen = wantObs;
  if (llvm::Error e = build(*next))
    return e;
  if (hooks.isMainWorker())
    reporter.onFreeze(epoch, bnFrozen, obsFrozen);
  return llvm::Error::success();
}

/// Runs step `s` of `epoch` on the next batch of the shuffled order.
llvm::Error Trainer::runStep(int epoch, int64_t s, double rate,
                             StepStatistics &stats) {
  train.fillBatch(order, s * batch, x, y);
  SmallVector<const Tensor *> args = {&x, &y, &lrT};
  if (options.optimizer != "sgd") {
    AdamScalars scalars = getAdamScalars(rate, ++adamStep);
    stepSize.data<float>()[0] = scalars.stepSize;
    bc2.data<float>()[0] = scalars.biasCorrection2Sqrt;
    args.push_back(&stepSize);
    args.push_back(&bc2);
  }
  auto out = jit->run("train_step", args);
  if (!out)
    return out.takeError();
  stats.loss = (*out)[0].data<float>()[0];
  stats.correct = (*out)[1].data<int32_t>()[0];
  if (llvm::Error e = hooks.reduceStepStatistics(stats))
    return e;
  if (!std::isfinite(stats.loss))
    return makeTrainError(
        "the loss is " +
        std::string(std::isnan(stats.loss) ? "NaN" : "infinite") +
        " at epoch " + Twine(epoch + 1).str() + ", step " + Twine(s + 1).str() +
        "; lower --lr or check the data");
  return llvm::Error::success();
}

llvm::Error Trainer::runEpoch(int epoch) {
  if (llvm::Error e = setFreezeModes(epoch))
    return e;
  // Fisher-Yates with the raw 64-bit stream: the same order on every
  // platform for a given seed.
  int64_t n = order.size();
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
  double rate = options.schedule.getLearningRate(epoch);
  lrT.data<float>()[0] = static_cast<float>(rate);
  double lossSum = 0;
  int64_t correct = 0;
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  for (int64_t s = 0; s < steps; ++s) {
    StepStatistics stats;
    if (llvm::Error e = runStep(epoch, s, rate, stats))
      return e;
    lossSum += stats.loss;
    correct += stats.correct;
    double secs = elapsed();
    if (hooks.isMainWorker())
      reporter.onStep({epoch, s + 1, steps, batch, lossSum, correct, secs});
  }
  return finishEpoch(epoch, rate, lossSum, correct, elapsed());
}

/// Evaluates on the test data and records, reports and writes the epoch's
/// metrics.
llvm::Error Trainer::finishEpoch(int epoch, double rate, double lossSum,
                                 int64_t correct, double seconds) {
  EvalResult evr;
  evr.loss = evr.accuracy = NAN;
  bool tested = test && options.maxEval != 0;
  if (tested) {
    auto ev = evaluate(*jit, "eval_step", *test, options.maxEval, &hooks);
    if (!ev)
      return ev.takeError();
    evr = *ev;
  }
  EpochRecord record{epoch + 1,       rate,
                     lossSum / steps, double(correct) / (steps * batch),
                     evr.loss,        evr.accuracy,
                     evr.count,       seconds};
  if (hooks.isMainWorker())
    reporter.onEpoch(record, tested);
  history.push_back(record);
  if (metrics)
    metrics->write(record);
  return llvm::Error::success();
}

/// Draws the curves and writes the trained model.
llvm::Error Trainer::finish() {
  if (!hooks.isMainWorker())
    return llvm::Error::success();
  if (!options.plotPath.empty()) {
    if (llvm::Error e = plotCurves(history, options.plotPath))
      return e;
    reporter.onWrote(options.plotPath);
  }
  if (!options.outputPath.empty()) {
    if (llvm::Error e = readBackParams(*generated, *jit))
      return e;
    if (llvm::Error e = writeModel(*generated, options.outputPath))
      return e;
    reporter.onWrote(options.outputPath);
  }
  return llvm::Error::success();
}

llvm::Error Trainer::run(ModuleOp base) {
  bnFrozen = options.freezeBnAfter == 0;
  obsFrozen = options.freezeObserversAfter == 0;
  if (llvm::Error e = build(base))
    return e;
  if (llvm::Error e = prepare())
    return e;
  for (int epoch = 0; epoch < options.epochs; ++epoch)
    if (llvm::Error e = runEpoch(epoch))
      return e;
  return finish();
}

llvm::Error qat::trainModel(ModuleOp base, const Dataset &train,
                            const Dataset *test, const TrainOptions &options,
                            TrainHooks &hooks, TrainReporter &reporter) {
  return Trainer(options, train, test, hooks, reporter).run(base);
}

llvm::Error mlir::qat::trainFromSources(ModuleOp base,
                                        const TrainSources &sources,
                                        const TrainOptions &options,
                                        TrainHooks &hooks,
                                        TrainReporter &reporter) {
  // --resume continues from the model written by an earlier run.
  OwningOpRef<ModuleOp> resumed;
  const std::string &outputPath = options.outputPath;
  if (sources.resume && !outputPath.empty()) {
    auto checkpoint = readCheckpoint(outputPath, base.getContext());
    if (failed(checkpoint))
      return llvm::createStringError("--resume: cannot read " + outputPath);
    if (*checkpoint) {
      resumed = std::move(*checkpoint);
      base = *resumed;
      if (hooks.isMainWorker())
        reporter.onResume(outputPath);
    }
  }
  auto train = runtime::openDataset(sources.data, "train");
  if (!train)
    return train.takeError();
  std::unique_ptr<Dataset> test;
  StringRef testSpec = runtime::getTestDataSpec(sources.data, sources.testData);
  if (!testSpec.empty()) {
    auto t = runtime::openDataset(testSpec, "test");
    if (!t)
      return t.takeError();
    test = std::move(*t);
  }
  if (sources.resetOptimizer)
    eraseOptimizerState(base);
  return trainModel(base, **train, test.get(), options, hooks, reporter);
}

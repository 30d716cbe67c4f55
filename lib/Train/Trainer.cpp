//===- Trainer.cpp - the fine-tuning loop around @train_step --------------===//

#include "qat/Train/Trainer.h"

#include "qat/JIT/JitModule.h"
#include "qat/Quant/Passes.h"
#include "qat/Train/Checkpoint.h"
#include "qat/Train/Error.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"

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

  /// Trains `base` from the start, or from `resume` (the position of the
  /// checkpoint `base` was read from).
  llvm::Error run(ModuleOp base, const TrainState *resume);

private:
  llvm::Error build(ModuleOp base);
  llvm::Error prepare();
  llvm::Error checkResume(const TrainState &resume) const;
  bool isBnFrozenAt(int epoch) const;
  bool areObserversFrozenAt(int epoch) const;
  llvm::Error setFreezeModes(int epoch);
  void shuffle();
  llvm::Error runEpoch(int epoch, const TrainState *resume);
  llvm::Error runStep(int epoch, int64_t s, double rate, StepStatistics &stats);
  llvm::Error finishEpoch(int epoch, double rate, double lossSum,
                          int64_t correct, double seconds);
  llvm::Error checkDivergence(int epoch, int64_t s, double loss);
  llvm::Error checkParams(int epoch);
  llvm::Error writeCheckpoint(int epoch, int64_t step, double lossSum,
                              int64_t correct);
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
  /// The model fake-quantizes: its @eval_step is the float simulation.
  bool fakeQuant = false;

  Tensor x, y, lrT, stepSize, bc2;
  /// Records per step, steps per epoch, and steps done since the run
  /// started (Adam's step count, and the clock of --checkpoint-every).
  int64_t batch = 0, steps = 0, stepsDone = 0;
  std::mt19937_64 rng;
  SmallVector<int64_t> order;
  std::optional<MetricsWriter> metrics;
  std::vector<EpochRecord> history;
  std::vector<StepRecord> stepHistory;
  /// The loss of the run's first step, the reference of checkDivergence.
  std::optional<double> firstLoss;
  CheckpointWriter checkpoints;
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
  if (steps == 0)
    return makeTrainError(train.getName() + ": " + Twine(n) +
                          " records, fewer than one batch of " + Twine(batch) +
                          " (the model's batch): no step to train; give more "
                          "records or re-batch the model (--qat-set-batch)");
  if (options.maxSteps == 0)
    return makeTrainError("0 steps per epoch: no step to train");
  if (options.maxSteps > 0)
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

/// A checkpoint resumes the run that wrote it: the shuffle order is
/// replayed from the seed and the record count, and the epoch and step
/// must exist in this run.
llvm::Error Trainer::checkResume(const TrainState &resume) const {
  const std::string &path = options.outputPath;
  if (resume.seed != options.seed)
    return makeTrainError("--resume: " + path +
                          " is a checkpoint of a run with --seed=" +
                          Twine(resume.seed) + ", not " + Twine(options.seed));
  if (resume.records != train.getNumRecords())
    return makeTrainError("--resume: " + path +
                          " is a checkpoint of a run on " +
                          Twine(resume.records) + " training records, not " +
                          Twine(train.getNumRecords()));
  if (resume.batch != batch)
    return makeTrainError("--resume: " + path +
                          " is a checkpoint of a run at batch " +
                          Twine(resume.batch) + ", not " + Twine(batch));
  if (resume.epoch >= options.epochs || resume.step >= steps)
    return makeTrainError("--resume: " + path + " is a checkpoint at epoch " +
                          Twine(resume.epoch + 1) + ", step " +
                          Twine(resume.step) + ", past this run's " +
                          Twine(options.epochs) + " epochs of " + Twine(steps) +
                          " steps");
  return llvm::Error::success();
}

bool Trainer::isBnFrozenAt(int epoch) const {
  return options.freezeBnAfter >= 0 && epoch >= options.freezeBnAfter;
}

bool Trainer::areObserversFrozenAt(int epoch) const {
  return options.freezeObserversAfter >= 0 &&
         epoch >= options.freezeObserversAfter;
}

/// Regenerates the step when `epoch` freezes batch norm or observers,
/// carrying the trained values over.
llvm::Error Trainer::setFreezeModes(int epoch) {
  bool wantBn = isBnFrozenAt(epoch);
  bool wantObs = areObserversFrozenAt(epoch);
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
  ++stepsDone;
  if (options.optimizer != "sgd") {
    AdamScalars scalars = getAdamScalars(rate, stepsDone);
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
  return checkDivergence(epoch, s, stats.loss);
}

/// docs/architecture.md#when-training-stops: a non-finite loss, or one more
/// than kDivergenceFactor times the run's first (floored at 1, so that a small
/// first loss does not make noise look like divergence), stops the run.
llvm::Error Trainer::checkDivergence(int epoch, int64_t s, double loss) {
  std::string where =
      "epoch " + std::to_string(epoch + 1) + ", step " + std::to_string(s + 1);
  if (!std::isfinite(loss))
    return makeTrainError("training diverged: the loss is " +
                          std::string(std::isnan(loss) ? "NaN" : "infinite") +
                          " at " + where + "; lower --lr or check the data");
  if (!firstLoss) {
    firstLoss = loss;
    return llvm::Error::success();
  }
  if (loss > kDivergenceFactor * std::max(*firstLoss, 1.0)) {
    std::string msg;
    llvm::raw_string_ostream(msg)
        << "training diverged: the loss " << llvm::format("%.4g", loss)
        << " at " << where << " is more than "
        << llvm::format("%g", kDivergenceFactor) << " times the first step's ("
        << llvm::format("%.4g", *firstLoss) << "); lower --lr";
    return makeTrainError(msg);
  }
  return llvm::Error::success();
}

/// Fails if a trainable parameter holds NaN or Inf, or state holds NaN
/// (observer ranges start at +-Inf), after an epoch: the last step's update
/// can break the parameters while the loss it returned was still finite.
llvm::Error Trainer::checkParams(int epoch) {
  for (auto param : generated->getOps<ParamOp>()) {
    Type elem = param.getType().getElementType();
    if (!elem.isF32() && !elem.isF64())
      continue;
    auto addr = jit->lookupGlobal(param.getSymName());
    if (!addr)
      return addr.takeError();
    int64_t n = param.getType().getNumElements();
    for (int64_t i = 0; i < n; ++i) {
      double v = elem.isF32() ? static_cast<const float *>(*addr)[i]
                              : static_cast<const double *>(*addr)[i];
      if (std::isnan(v) || (std::isinf(v) && param.isTrainable()))
        return makeTrainError("training diverged: @" + param.getSymName() +
                              " holds " + (std::isnan(v) ? "NaN" : "Inf") +
                              " at element " + Twine(i) + " after epoch " +
                              Twine(epoch + 1) + "; lower --lr");
    }
  }
  return llvm::Error::success();
}

/// The next epoch's order: Fisher-Yates with the raw 64-bit stream, the
/// same on every platform for a given seed.
void Trainer::shuffle() {
  int64_t n = order.size();
  for (int64_t i = n - 1; i > 0; --i)
    std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
}

/// Runs `epoch`, from its start or from the step and sums of `resume`.
llvm::Error Trainer::runEpoch(int epoch, const TrainState *resume) {
  if (llvm::Error e = setFreezeModes(epoch))
    return e;
  shuffle();
  double rate = options.schedule.getLearningRate(epoch);
  lrT.data<float>()[0] = static_cast<float>(rate);
  double lossSum = resume ? resume->lossSum : 0;
  int64_t correct = resume ? resume->correct : 0;
  auto start = std::chrono::steady_clock::now();
  auto elapsed = [&] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                         start)
        .count();
  };
  int64_t first = resume ? resume->step : 0;
  for (int64_t s = first; s < steps; ++s) {
    StepStatistics stats;
    if (llvm::Error e = runStep(epoch, s, rate, stats))
      return e;
    lossSum += stats.loss;
    correct += stats.correct;
    stepHistory.push_back({epoch + double(s + 1) / steps, stats.loss,
                           double(stats.correct) / batch});
    double secs = elapsed();
    if (hooks.isMainWorker())
      reporter.onStep(
          {epoch, s + 1, steps, batch, lossSum, correct, secs, s + 1 - first});
    // The epoch's last step is followed by the epoch's checkpoint.
    if (options.checkpointEvery > 0 &&
        stepsDone % options.checkpointEvery == 0 && s + 1 < steps)
      if (llvm::Error e = writeCheckpoint(epoch, s + 1, lossSum, correct))
        return e;
  }
  if (llvm::Error e = finishEpoch(epoch, rate, lossSum, correct, elapsed()))
    return e;
  if (epoch + 1 < options.epochs)
    return writeCheckpoint(epoch + 1, 0, 0, 0);
  return llvm::Error::success();
}

/// Writes the parameters and the run's position (`step` steps of `epoch`
/// done, with these sums) to the output model, if there is one.
llvm::Error Trainer::writeCheckpoint(int epoch, int64_t step, double lossSum,
                                     int64_t correct) {
  if (options.outputPath.empty() || !hooks.isMainWorker())
    return llvm::Error::success();
  TrainState state;
  state.epoch = epoch;
  state.step = step;
  state.stepsDone = stepsDone;
  state.lossSum = lossSum;
  state.correct = correct;
  state.seed = options.seed;
  state.records = train.getNumRecords();
  state.batch = batch;
  if (llvm::Error e =
          checkpoints.write(*generated, *jit, options.outputPath, state))
    return e;
  reporter.onCheckpoint(options.outputPath, state);
  return llvm::Error::success();
}

/// Evaluates on the test data and records, reports and writes the epoch's
/// metrics.
llvm::Error Trainer::finishEpoch(int epoch, double rate, double lossSum,
                                 int64_t correct, double seconds) {
  if (llvm::Error e = checkParams(epoch))
    return e;
  EvalResult evr;
  evr.loss = evr.accuracy = NAN;
  bool tested = test && options.maxEval != 0;
  if (tested) {
    auto ev = evaluate(*jit, "eval_step", *test, options.maxEval, &hooks);
    if (!ev)
      return ev.takeError();
    evr = *ev;
  }
  EpochRecord record{epoch + 1,          rate,
                     lossSum / steps,    double(correct) / (steps * batch),
                     evr.loss,           evr.accuracy,
                     evr.count,          seconds,
                     tested && fakeQuant};
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
    if (llvm::Error e = plotCurves(history, stepHistory, options.plotPath))
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

llvm::Error Trainer::run(ModuleOp base, const TrainState *resume) {
  fakeQuant = isFakeQuantModel(base);
  int first = resume ? resume->epoch : 0;
  bnFrozen = isBnFrozenAt(first);
  obsFrozen = areObserversFrozenAt(first);
  if (llvm::Error e = build(base))
    return e;
  if (llvm::Error e = prepare())
    return e;
  if (resume) {
    if (llvm::Error e = checkResume(*resume))
      return e;
    // The epochs before the checkpoint's drew these shuffles.
    for (int epoch = 0; epoch < first; ++epoch)
      shuffle();
    stepsDone = resume->stepsDone;
  }
  for (int epoch = first; epoch < options.epochs; ++epoch)
    if (llvm::Error e = runEpoch(epoch, epoch == first ? resume : nullptr))
      return e;
  return finish();
}

llvm::Error qat::trainModel(ModuleOp base, const Dataset &train,
                            const Dataset *test, const TrainOptions &options,
                            TrainHooks &hooks, TrainReporter &reporter,
                            const TrainState *resume) {
  return Trainer(options, train, test, hooks, reporter).run(base, resume);
}

llvm::Error mlir::qat::trainFromSources(ModuleOp base,
                                        const TrainSources &sources,
                                        const TrainOptions &options,
                                        TrainHooks &hooks,
                                        TrainReporter &reporter) {
  const std::string &outputPath = options.outputPath;
  if (!outputPath.empty() && hooks.isMainWorker()) {
    auto removed = removeStaleTemporaries(outputPath);
    if (!removed)
      return removed.takeError();
    if (*removed)
      reporter.onCleanup(outputPath, *removed);
  }
  for (const std::string &path : {outputPath, options.plotPath})
    if (!path.empty() && hooks.isMainWorker())
      if (llvm::Error e = checkWritable(path))
        return e;
  // --resume continues from the model (or checkpoint) an earlier run wrote.
  OwningOpRef<ModuleOp> resumed;
  std::optional<TrainState> state;
  if (sources.resume && !outputPath.empty()) {
    auto checkpoint = readCheckpoint(outputPath, base.getContext());
    if (failed(checkpoint))
      return llvm::createStringError("--resume: cannot read " + outputPath);
    if (*checkpoint) {
      resumed = std::move(*checkpoint);
      auto s = getTrainState(*resumed, outputPath);
      if (!s)
        return s.takeError();
      state = *s;
      base = *resumed;
      if (hooks.isMainWorker())
        reporter.onResume(outputPath, state ? &*state : nullptr);
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
  // A checkpoint's optimizer state belongs to the run it continues.
  if (sources.resetOptimizer && !state)
    eraseOptimizerState(base);
  return trainModel(base, **train, test.get(), options, hooks, reporter,
                    state ? &*state : nullptr);
}

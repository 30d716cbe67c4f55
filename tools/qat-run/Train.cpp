//===- Train.cpp - qat-run train / eval / compare -------------------------===//
//
// The options of the training and evaluation subcommands, and the printing
// of what the trainer library (lib/Train) reports.
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "Qat/IR/QatOps.h"
#include "qat/Data/Dataset.h"
#include "qat/Pipelines/ModelFile.h"
#include "qat/Train/Evaluate.h"
#include "qat/Train/Trainer.h"

#include "mlir/Parser/Parser.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/WithColor.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <csignal>

using namespace mlir;
using namespace mlir::qat;
namespace cl = llvm::cl;

cl::SubCommand qat::trainCommand("train", "Fine-tune a model (float or "
                                          "prepared) with the generated "
                                          "training step");
cl::SubCommand qat::evalCommand("eval", "Report test loss and accuracy");
cl::SubCommand qat::compareCommand(
    "compare", "Compare two models' outputs (e.g. fake-quant vs int8) element "
               "by element on a dataset");
// Defined here, before the options of this file that name it (static
// initialization follows the order within a file only).
cl::SubCommand qat::sensitivityCommand(
    "sensitivity", "Per layer, the test accuracy when that layer alone has "
                   "low-bit weights (default 4 bits), against the model as "
                   "it is: which layers can go below 8 bits");
cl::SubCommand qat::calibrateCommand(
    "calibrate", "Calibrate a prepared model (post-training quantization): "
                 "fold batch norm, run the forward pass on data with the "
                 "observers updating, write the calibrated model");
cl::SubCommand qat::summaryCommand(
    "summary", "Print one row per layer: op, output shape, parameters, and "
               "weight and activation quantization with observer state and "
               "qparams (as print(model) in PyTorch, model.summary() in "
               "Keras)");

static cl::OptionCategory trainCat("Dataset and training options");
static cl::opt<std::string>
    model(cl::Positional, cl::desc("<model.mlir>"), cl::Required,
          cl::sub(qat::trainCommand), cl::sub(qat::evalCommand),
          cl::sub(qat::calibrateCommand), cl::sub(qat::sensitivityCommand),
          cl::sub(qat::compareCommand), cl::sub(qat::summaryCommand),
          cl::cat(trainCat));
static cl::opt<std::string>
    otherModel(cl::Positional, cl::desc("<other-model.mlir>"), cl::Required,
               cl::sub(qat::compareCommand), cl::cat(trainCat));
static cl::opt<std::string>
    data("data",
         cl::desc("Dataset: fashion-mnist[:DIR], npy:FEATURES.npy,LABELS.npy "
                  "or csv:FILE (features, then the integer label); default "
                  "fashion-mnist"),
         cl::init("fashion-mnist"), cl::sub(qat::trainCommand),
         cl::sub(qat::evalCommand), cl::sub(qat::compareCommand),
         cl::sub(qat::calibrateCommand), cl::sub(qat::sensitivityCommand),
         cl::cat(trainCat));
static cl::opt<int64_t> batch(
    "batch",
    cl::desc("Records per step: re-batch the model (--qat-set-batch) before "
             "compiling; 0 (the default) keeps the model's batch"),
    cl::init(0), cl::sub(qat::trainCommand), cl::sub(qat::evalCommand),
    cl::sub(qat::compareCommand), cl::sub(qat::calibrateCommand),
    cl::sub(qat::sensitivityCommand), cl::cat(trainCat));
static cl::opt<std::string>
    evalSplit("split", cl::desc("eval: train or test (default test)"),
              cl::init("test"), cl::sub(qat::evalCommand),
              cl::sub(qat::compareCommand), cl::sub(qat::sensitivityCommand),
              cl::cat(trainCat));
/// The options the flags below write into.
static TrainOptions trainOptions;
static TrainSources trainSources;
static EvalOptions evalOptions;
static cl::opt<std::string, true>
    output("o", cl::desc("Write the trained model here"),
           cl::location(trainOptions.outputPath), cl::sub(qat::trainCommand),
           cl::cat(trainCat));
static cl::opt<int, true> epochs("epochs", cl::desc("Epochs (default 1)"),
                                 cl::location(trainOptions.epochs), cl::init(1),
                                 cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<double, true> lr("lr", cl::desc("Learning rate (default 0.01)"),
                                cl::location(trainOptions.schedule.lr),
                                cl::init(0.01), cl::sub(qat::trainCommand),
                                cl::cat(trainCat));
static cl::opt<std::string, true>
    optimizer("optimizer", cl::desc("sgd, adam or adamw (default sgd)"),
              cl::location(trainOptions.optimizer), cl::init("sgd"),
              cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<double, true> momentum("momentum",
                                      cl::desc("SGD momentum (default 0.9)"),
                                      cl::location(trainOptions.momentum),
                                      cl::init(0.9), cl::sub(qat::trainCommand),
                                      cl::cat(trainCat));
static cl::opt<double, true>
    weightDecay("weight-decay", cl::desc("Weight decay (default 0)"),
                cl::location(trainOptions.weightDecay), cl::init(0.0),
                cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<uint64_t, true> seed("seed",
                                    cl::desc("Shuffling seed (default 0)"),
                                    cl::location(trainOptions.seed),
                                    cl::init(0), cl::sub(qat::trainCommand),
                                    cl::cat(trainCat));
static cl::opt<std::string>
    lrSchedule("lr-schedule",
               cl::desc("constant, step or cosine (per epoch; default "
                        "constant)"),
               cl::init("constant"), cl::sub(qat::trainCommand),
               cl::cat(trainCat));
static cl::opt<int, true>
    lrStep("lr-step", cl::desc("step schedule: epochs per decay (default 1)"),
           cl::location(trainOptions.schedule.stepEpochs), cl::init(1),
           cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<double, true>
    lrGamma("lr-gamma", cl::desc("step schedule: decay (default 0.1)"),
            cl::location(trainOptions.schedule.gamma), cl::init(0.1),
            cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<int, true> freezeBnAfter(
    "freeze-bn-after",
    cl::desc("Freeze batch-norm statistics from this epoch on (0-based; "
             "default -1: never)"),
    cl::location(trainOptions.freezeBnAfter), cl::init(-1),
    cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<int, true> freezeObserversAfter(
    "freeze-observers-after",
    cl::desc("Freeze observers (qparams) from this epoch on (0-based; "
             "default -1: never)"),
    cl::location(trainOptions.freezeObserversAfter), cl::init(-1),
    cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<int64_t, true>
    maxSteps("max-steps",
             cl::desc("Stop each epoch after this many steps (for quick "
                      "runs; default -1: whole epochs)"),
             cl::location(trainOptions.maxSteps), cl::init(-1),
             cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<int64_t>
    maxEval("max-eval",
            cl::desc("Evaluate on at most this many "
                     "records (train: 0 skips the "
                     "per-epoch test evaluation; default -1: all)"),
            cl::init(-1), cl::sub(qat::trainCommand), cl::sub(qat::evalCommand),
            cl::sub(qat::compareCommand), cl::sub(qat::sensitivityCommand),
            cl::cat(trainCat));
static cl::opt<bool, true> resetOptimizer(
    "reset-optimizer",
    cl::desc("Start with fresh optimizer state (momentum buffers, Adam "
             "moments) instead of the state stored in the model, as a new "
             "torch.optim optimizer does"),
    cl::location(trainSources.resetOptimizer), cl::sub(qat::trainCommand),
    cl::cat(trainCat));
static cl::opt<std::string, true> testData(
    "test-data",
    cl::desc("Evaluation data for npy:/csv: datasets (fashion-mnist uses its "
             "test split)"),
    cl::location(trainSources.testData), cl::sub(qat::trainCommand),
    cl::cat(trainCat));
static cl::opt<bool, true>
    resume("resume",
           cl::desc("Continue from the -o model if it exists: the checkpoint "
                    "of an interrupted run continues where it stood; a "
                    "finished model is trained for --epochs more"),
           cl::location(trainSources.resume), cl::sub(qat::trainCommand),
           cl::cat(trainCat));
static cl::opt<int64_t, true> checkpointEvery(
    "checkpoint-every",
    cl::desc("Also write a checkpoint to -o every N steps (one is written "
             "at the end of every epoch)"),
    cl::location(trainOptions.checkpointEvery), cl::init(0),
    cl::sub(qat::trainCommand), cl::cat(trainCat));
static cl::opt<int64_t> killAfterSteps(
    "kill-after-steps",
    cl::desc("For tests: SIGKILL this process after N training steps"),
    cl::init(0), cl::Hidden, cl::sub(qat::trainCommand));
static cl::opt<std::string, true>
    plot("plot",
         cl::desc("Draw loss and accuracy curves to this PNG: training "
                  "per step, test per epoch (needs gnuplot)"),
         cl::location(trainOptions.plotPath), cl::sub(qat::trainCommand),
         cl::cat(trainCat));
static cl::opt<bool, true> floatFakeQuant(
    "float-fake-quant",
    cl::desc("Evaluate fake-quant models with the float simulation (the "
             "training forward with frozen observers) instead of their "
             "integer semantics"),
    cl::location(evalOptions.floatFakeQuant), cl::sub(qat::evalCommand),
    cl::sub(qat::compareCommand), cl::sub(qat::sensitivityCommand),
    cl::cat(trainCat));
static cl::opt<std::string, true>
    metrics("metrics", cl::desc("Append per-epoch metrics (JSONL)"),
            cl::location(trainOptions.metricsPath), cl::sub(qat::trainCommand),
            cl::cat(trainCat));

std::string qat::getModelPathOfSubcommand() { return model; }

std::string qat::getEvalSplit() { return evalSplit; }

std::string qat::getDataSpec(bool &given) {
  given = data.getNumOccurrences() > 0;
  return data;
}

namespace {
/// Prints the trainer's progress: a progress bar on stderr (redrawn in
/// place on a terminal, every tenth of the epoch otherwise) and one summary
/// line per epoch on stdout.
class PrintingReporter : public TrainReporter {
public:
  void onStep(const StepProgress &p) override {
    if (killAfterSteps > 0 && ++stepsDone == killAfterSteps)
      ::raise(SIGKILL);
    int64_t s = p.step - 1, steps = p.numSteps, batch = p.batch;
    int64_t reportEvery = std::max<int64_t>(1, steps / 10);
    bool last = s + 1 == steps;
    if (!tty && !last && (s + 1) % reportEvery != 0)
      return;
    int width = 30, filled = int(width * (s + 1) / steps);
    llvm::errs() << (tty ? "\r" : "") << "epoch " << p.epoch + 1 << "/"
                 << trainOptions.epochs << " [" << std::string(filled, '#')
                 << std::string(width - filled, ' ') << "] " << s + 1 << "/"
                 << steps << " loss "
                 << llvm::format("%.4f", p.lossSum / (s + 1)) << " acc "
                 << llvm::format("%.2f%%",
                                 100.0 * p.correct / ((s + 1) * batch))
                 << " "
                 << llvm::format("%.0f", p.timedSteps * batch / p.seconds)
                 << " img/s" << (tty && !last ? "" : "\n");
  }
  void onFreeze(int epoch, bool bnFrozen, bool obsFrozen) override {
    llvm::errs() << "epoch " << epoch + 1 << ": "
                 << (bnFrozen ? "batch norm frozen" : "")
                 << (bnFrozen && obsFrozen ? ", " : "")
                 << (obsFrozen ? "observers frozen" : "") << "\n";
  }
  void onEpoch(const EpochRecord &r, bool tested) override {
    llvm::outs() << "epoch " << r.epoch << ": train loss "
                 << llvm::format("%.4f", r.trainLoss) << " acc "
                 << llvm::format("%.2f%%", 100 * r.trainAccuracy);
    if (tested)
      llvm::outs() << ", test loss " << llvm::format("%.4f", r.testLoss)
                   << " acc " << llvm::format("%.2f%%", 100 * r.testAccuracy)
                   << " (" << r.testRecords << " records)";
    llvm::outs() << ", " << llvm::format("%.2f", r.seconds) << " s"
                 << (r.testFloatSimulation
                         ? " [test: float simulation of fake-quant; qat-run "
                           "eval gives the integer semantics]"
                         : "")
                 << "\n";
    // A log of stdout and stderr keeps the order of the lines.
    llvm::outs().flush();
  }
  void onWrote(StringRef path) override {
    llvm::errs() << "wrote " << path << "\n";
  }
  void onResume(StringRef path, const TrainState *state) override {
    llvm::errs() << "resuming from " << path;
    if (state)
      llvm::errs() << " at epoch " << state->epoch + 1 << ", step "
                   << state->step;
    llvm::errs() << "\n";
  }
  void onCleanup(StringRef path, int count) override {
    llvm::errs() << "removed " << count << " partial " << path << ".tmp-* file"
                 << (count == 1 ? "" : "s") << " of an interrupted run\n";
  }

private:
  bool tty = llvm::sys::Process::StandardErrIsDisplayed();
  int64_t stepsDone = 0;
};
} // namespace

/// --batch: 0 (the model's) or a count up to the limit every tool shares.
bool qat::checkBatch() {
  if (batch >= 0 && batch <= qat::kMaxBatch)
    return true;
  fail("--batch must be in [1, " + llvm::Twine(qat::kMaxBatch) +
       "] (or 0 for the model's batch), got " + llvm::Twine(batch.getValue()));
  return false;
}

int64_t qat::getBatch() { return batch; }

int qat::runTrain(ModuleOp base) {
  if (!checkBatch())
    return 1;
  std::optional<LRSchedule::Kind> schedule = LRSchedule::parseKind(lrSchedule);
  if (!schedule)
    return fail("unknown --lr-schedule '" + lrSchedule +
                "' (known: constant, step, cosine)");
  if (trainOptions.epochs < 1)
    return fail("--epochs must be at least 1");
  if (trainOptions.checkpointEvery < 0)
    return fail("--checkpoint-every must not be negative (0: at the end of "
                "each epoch only)");
  // Checked here so that a typo names the flag, not the pass it feeds.
  if (!llvm::is_contained({"sgd", "adam", "adamw"}, trainOptions.optimizer))
    return fail("unknown --optimizer '" + trainOptions.optimizer +
                "' (known: sgd, adam, adamw)");
  if (trainOptions.maxSteps == 0 || trainOptions.maxSteps < -1)
    return fail("--max-steps must be at least 1 (got " +
                Twine(trainOptions.maxSteps) + ")");
  double rate = trainOptions.schedule.lr;
  if (!std::isfinite(rate) || rate < 0) {
    std::string got;
    llvm::raw_string_ostream(got) << llvm::format("%g", rate);
    return fail("--lr must be a finite number >= 0 (got " + got + ")");
  }
  if (trainOptions.outputPath.empty())
    llvm::WithColor::warning(llvm::errs(), "qat-run")
        << "no -o: the trained model will not be written\n";
  trainOptions.schedule.kind = *schedule;
  trainOptions.schedule.epochs = trainOptions.epochs;
  trainOptions.maxEval = maxEval;
  trainOptions.batch = batch;
  trainOptions.jit = jitOptions();
  trainSources.data = data;
  TrainHooks singleProcess;
  PrintingReporter reporter;
  if (llvm::Error e = trainFromSources(base, trainSources, trainOptions,
                                       singleProcess, reporter))
    return fail(std::move(e));
  return 0;
}

const EvalOptions &qat::getEvalOptions() {
  evalOptions.maxRecords = maxEval;
  evalOptions.batch = batch;
  evalOptions.jit = jitOptions();
  return evalOptions;
}

int qat::runEval(ModuleOp input) {
  if (!checkBatch())
    return 1;
  auto ds = runtime::openDataset(data, evalSplit);
  if (!ds)
    return fail(ds.takeError());
  std::string note;
  auto ev = evaluateModel(input, **ds, getEvalOptions(), note);
  if (!ev)
    return fail(ev.takeError());
  llvm::outs() << evalSplit << ": loss " << llvm::format("%.4f", ev->loss)
               << ", accuracy " << llvm::format("%.2f%%", 100 * ev->accuracy)
               << " (" << ev->count << " records)" << note << "\n";
  return 0;
}

int qat::runCompare(ModuleOp a) {
  if (!checkBatch())
    return 1;
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> b =
      parseModelFile(otherModel, "qat-run", a.getContext(), sourceMgr);
  if (!b)
    return 1;
  auto ds = runtime::openDataset(data, evalSplit);
  if (!ds)
    return fail(ds.takeError());
  auto c = compareModels(a, *b, **ds, getEvalOptions());
  if (!c)
    return fail(c.takeError());
  llvm::outs() << "compared " << c->elements << " output elements of "
               << c->records << " records: " << c->different
               << " differ, largest difference "
               << llvm::format("%.6g", c->maxDifference);
  if (c->outputScale)
    llvm::outs() << " ("
                 << llvm::format("%.3g", c->maxDifference / *c->outputScale)
                 << " quantization steps of "
                 << llvm::format("%.6g", *c->outputScale) << ")";
  llvm::outs() << ", argmax agreement " << c->argmaxAgree << "/" << c->records
               << " ("
               << llvm::format("%.3f%%", 100.0 * c->argmaxAgree / c->records)
               << ")" << c->note << "\n";
  return 0;
}

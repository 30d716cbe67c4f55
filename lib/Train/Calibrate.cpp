//===- Calibrate.cpp - post-training quantization (calibration) -----------===//

#include "qat/Train/Calibrate.h"

#include "qat/Quant/Passes.h"
#include "qat/Quant/TrainStep.h"
#include "qat/Train/Checkpoint.h"
#include "qat/Train/Error.h"
#include "qat/Train/Evaluate.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Pass/PassManager.h"

using namespace mlir;
using namespace mlir::qat;
using runtime::Dataset;
using runtime::DType;
using runtime::Tensor;

/// The name of the generated calibration function.
static constexpr llvm::StringLiteral kCalibrateStep = "calibrate_step";

/// Fails unless `module` is a prepared model with an observer to calibrate.
static llvm::Error checkPrepared(ModuleOp module) {
  bool intOps = false, observers = false;
  module.walk([&](Operation *op) {
    observers |= isa<ObserveOp>(op);
    intOps |= llvm::any_of(op->getResultTypes(), [](Type t) {
      return isa<quant::QuantizedType>(getElementTypeOrSelf(t));
    });
  });
  if (intOps)
    return makeTrainError("the model is an int8 model (converted by "
                          "--qat-convert), which has nothing to calibrate; "
                          "calibrate the prepared model it came from");
  if (!observers)
    return makeTrainError(
        isFakeQuantModel(module)
            ? "the model has no observers to calibrate (its qparams are "
              "learnable or given)"
            : "the model is not prepared (no observers): run --qat-prepare "
              "first");
  return llvm::Error::success();
}

/// The folded model with its calibration function, re-batched as asked.
static llvm::Expected<OwningOpRef<ModuleOp>>
buildCalibration(ModuleOp base, const CalibrateOptions &options,
                 int64_t &folded) {
  OwningOpRef<ModuleOp> m = base.clone();
  folded = 0;
  m->walk([&](MulOp mul) { folded += mul->hasAttr(kBnFoldedWeightAttrName); });
  PassManager pm(base.getContext());
  if (options.batch != 0) {
    SetBatchOptions batchOpts;
    batchOpts.batch = options.batch;
    pm.addPass(createSetBatch(batchOpts));
  }
  pm.addPass(createFoldBatchNorm());
  if (failed(pm.run(*m)))
    return makeDiagnosedError();
  if (failed(createCalibrationFunction(*m, "forward", kCalibrateStep)))
    return makeDiagnosedError();
  return m;
}

llvm::Expected<CalibrationResult>
qat::calibrateModel(ModuleOp base, const Dataset &data,
                    const CalibrateOptions &options) {
  if (options.batches == 0)
    return makeTrainError("--batches=0: no batch to calibrate on");
  if (llvm::Error e = checkPrepared(base))
    return std::move(e);
  CalibrationResult result;
  auto model = buildCalibration(base, options, result.foldedBatchNorms);
  if (!model)
    return model.takeError();
  auto jit = JitModule::compile(OwningOpRef<ModuleOp>((*model)->clone()),
                                {kCalibrateStep.str()}, options.jit);
  if (!jit)
    return jit.takeError();
  const EntrySpec *step = (*jit)->getEntry(kCalibrateStep);
  if (step->inputs.size() != 1 || step->outputs.empty())
    return makeTrainError("@forward must take one input (the images) and "
                          "return the model output to be calibrated on data");
  if (llvm::Error e =
          checkData(data, step->inputs[0], step->outputs[0].shape.back()))
    return std::move(e);
  Tensor x = Tensor::zeros(DType::F32, step->inputs[0].shape);
  int64_t batch = x.shape[0];
  Tensor y = Tensor::zeros(DType::I32, {batch});
  int64_t full = data.getNumRecords() / batch;
  if (full == 0)
    return makeTrainError(data.getName() + ": " + Twine(data.getNumRecords()) +
                          " records, fewer than one batch of " + Twine(batch) +
                          " (the model's batch): nothing to calibrate on; "
                          "give more records or --batch");
  result.batches = options.batches < 0 ? full : std::min(full, options.batches);
  SmallVector<int64_t> order =
      llvm::to_vector(llvm::seq<int64_t>(0, data.getNumRecords()));
  for (int64_t s = 0; s < result.batches; ++s) {
    data.fillBatch(order, s * batch, x, y);
    auto out = (*jit)->run(kCalibrateStep, {&x});
    if (!out)
      return out.takeError();
  }
  result.records = result.batches * batch;
  if (llvm::Error e = readBackParams(**model, **jit))
    return std::move(e);
  (*model)->lookupSymbol(kCalibrateStep)->erase();
  result.model = std::move(*model);
  return result;
}

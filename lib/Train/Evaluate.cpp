//===- Evaluate.cpp - test loss, accuracy and model agreement -------------===//

#include "qat/Train/Evaluate.h"

#include "qat/JIT/JitModule.h"
#include "qat/Quant/Passes.h"
#include "qat/Quant/TrainStep.h"
#include "qat/Train/Error.h"
#include "qat/Train/Trainer.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Pass/PassManager.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qat;
using runtime::Dataset;
using runtime::DType;
using runtime::Tensor;

llvm::Error qat::checkData(const Dataset &d, const TensorSpec &input,
                           int64_t classes) {
  int64_t perRecord = 1;
  for (int64_t e : ArrayRef<int64_t>(input.shape).drop_front())
    perRecord *= e;
  if (d.getFeaturesPerRecord() != perRecord)
    return makeTrainError(
        d.getName() + ": records have " + Twine(d.getFeaturesPerRecord()) +
        " features but the model's " + input.name + " (" + input.typeStr +
        ") takes " + Twine(perRecord) + " per record");
  return d.checkLabels(classes);
}

/// Adds the cross-entropy loss and the correct prediction of one row of
/// logits with label `label` to `r`.
static void accumulate(const float *row, int64_t classes, int32_t label,
                       EvalResult &r) {
  int64_t arg = 0;
  double mx = row[0];
  for (int64_t c = 1; c < classes; ++c)
    if (row[c] > row[arg])
      arg = c;
  mx = row[arg];
  double sum = 0;
  for (int64_t c = 0; c < classes; ++c)
    sum += std::exp(double(row[c]) - mx);
  r.loss += mx + std::log(sum) - row[label];
  r.accuracy += arg == label;
  ++r.count;
}

llvm::Expected<EvalResult> qat::evaluate(JitModule &jit, StringRef entry,
                                         const Dataset &ds, int64_t limit,
                                         TrainHooks *hooks) {
  const EntrySpec *spec = jit.getEntry(entry);
  int64_t n = ds.getNumRecords();
  if (limit >= 0)
    n = std::min(n, limit);
  if (n == 0)
    return makeTrainError("no records to evaluate (--max-eval=0)");
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
    for (int64_t i = 0; i < batch && first + i < n; ++i)
      accumulate(logits.data<float>() + i * classes, classes,
                 y.data<int32_t>()[i], r);
  }
  if (hooks)
    if (llvm::Error e = hooks->reduceEvaluation(r))
      return std::move(e);
  r.loss /= r.count;
  r.accuracy /= r.count;
  return r;
}

/// True if `module` fake-quantizes (a prepared model).
static bool isFakeQuantModel(ModuleOp module) {
  bool found = false;
  module.walk([&](FakeQuantOp) { found = true; });
  return found;
}

llvm::Expected<OwningOpRef<ModuleOp>>
qat::buildEvaluationModule(ModuleOp module, const EvalOptions &options,
                           std::string &note) {
  OwningOpRef<ModuleOp> m = module.clone();
  note.clear();
  PassManager pm(module.getContext());
  if (options.batch != 0) {
    SetBatchOptions batch;
    batch.batch = options.batch;
    pm.addPass(createSetBatch(batch));
  }
  bool convert = !options.floatFakeQuant && isFakeQuantModel(module);
  if (convert) {
    pm.addPass(createConvert());
    note = " [integer semantics, via qat-convert]";
  }
  if (failed(pm.run(*m)))
    return makeDiagnosedError();
  return std::move(m);
}

/// Adds @eval_step (@forward in evaluation mode) to `module` and compiles
/// it.
static llvm::Expected<std::unique_ptr<JitModule>>
compileEvalStep(ModuleOp module, const JitOptions &jit) {
  if (failed(createEvalFunction(module, "forward", "eval_step")))
    return makeDiagnosedError();
  return JitModule::compile(OwningOpRef<ModuleOp>(module.clone()),
                            {"eval_step"}, jit);
}

llvm::Expected<EvalResult> qat::evaluateModel(ModuleOp input, const Dataset &ds,
                                              const EvalOptions &options,
                                              std::string &note) {
  auto evalModule = buildEvaluationModule(input, options, note);
  if (!evalModule)
    return evalModule.takeError();
  auto jit = compileEvalStep(**evalModule, options.jit);
  if (!jit)
    return jit.takeError();
  const EntrySpec *entry = (*jit)->getEntry("eval_step");
  int64_t classes = entry->outputs[0].shape.back();
  if (llvm::Error e = checkData(ds, entry->inputs[0], classes))
    return std::move(e);
  return evaluate(**jit, "eval_step", ds, options.maxRecords);
}

/// The output scale of a model whose @forward ends in qat.dequantize (the
/// int8 graph), for reporting differences in quantization steps.
static std::optional<double> getOutputScale(ModuleOp module) {
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

/// Compares the logits of records [first, first + batch) (those below `n`).
static void compareBatch(const Tensor &ta, const Tensor &tb, int64_t first,
                         int64_t n, ModelComparison &c) {
  int64_t batch = ta.shape[0];
  int64_t classes = ta.shape.back();
  for (int64_t i = 0; i < batch && first + i < n; ++i) {
    const float *ra = ta.data<float>() + i * classes;
    const float *rb = tb.data<float>() + i * classes;
    int64_t aa = 0, ab = 0;
    for (int64_t k = 0; k < classes; ++k) {
      ++c.elements;
      double d = std::fabs(double(ra[k]) - double(rb[k]));
      c.different += ra[k] != rb[k];
      c.maxDifference = std::max(c.maxDifference, d);
      if (ra[k] > ra[aa])
        aa = k;
      if (rb[k] > rb[ab])
        ab = k;
    }
    c.argmaxAgree += aa == ab;
    ++c.records;
  }
}

llvm::Expected<ModelComparison> qat::compareModels(ModuleOp a, ModuleOp b,
                                                   const Dataset &ds,
                                                   const EvalOptions &options) {
  ModelComparison c;
  c.outputScale = getOutputScale(b);
  if (!c.outputScale)
    c.outputScale = getOutputScale(a);
  std::string notes[2];
  auto ea = buildEvaluationModule(a, options, notes[0]);
  auto eb = buildEvaluationModule(b, options, notes[1]);
  if (!ea || !eb) {
    // Both failures are diagnosed (the convert pipeline).
    if (!ea)
      llvm::consumeError(ea.takeError());
    if (!eb)
      llvm::consumeError(eb.takeError());
    return makeDiagnosedError();
  }
  c.note = notes[0];
  std::unique_ptr<JitModule> jits[2];
  ModuleOp mods[2] = {**ea, **eb};
  for (int i = 0; i < 2; ++i) {
    auto jit = compileEvalStep(mods[i], options.jit);
    if (!jit)
      return jit.takeError();
    jits[i] = std::move(*jit);
  }
  const EntrySpec *sa = jits[0]->getEntry("eval_step");
  const EntrySpec *sb = jits[1]->getEntry("eval_step");
  if (sa->inputs[0].shape != sb->inputs[0].shape ||
      sa->outputs[0].shape != sb->outputs[0].shape)
    return makeTrainError(
        "the models' @forward signatures differ: " + sa->inputs[0].typeStr +
        " -> " + sa->outputs[0].typeStr + " vs " + sb->inputs[0].typeStr +
        " -> " + sb->outputs[0].typeStr);
  int64_t n = ds.getNumRecords();
  if (options.maxRecords >= 0)
    n = std::min(n, options.maxRecords);
  if (n == 0)
    return makeTrainError("no records to compare (--max-eval=0)");
  SmallVector<int64_t> order = llvm::to_vector(llvm::seq<int64_t>(0, n));
  Tensor x = Tensor::zeros(DType::F32, sa->inputs[0].shape);
  Tensor y = Tensor::zeros(DType::I32, {x.shape[0]});
  for (int64_t first = 0; first < n; first += x.shape[0]) {
    ds.fillBatch(order, first, x, y);
    auto oa = jits[0]->run("eval_step", {&x});
    auto ob = jits[1]->run("eval_step", {&x});
    if (!oa || !ob)
      return oa ? ob.takeError() : oa.takeError();
    compareBatch((*oa)[0], (*ob)[0], first, n, c);
  }
  return c;
}

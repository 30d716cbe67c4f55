//===- GradCheck.cpp - generated gradients vs finite differences ----------===//

#include "qat/Train/GradCheck.h"

#include "qat/JIT/JitModule.h"
#include "qat/Quant/Passes.h"
#include "qat/Train/Error.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Pass/PassManager.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::qat;
using runtime::DType;
using runtime::Tensor;

static double getElement(DType t, const void *base, int64_t i) {
  return t == DType::F64 ? static_cast<const double *>(base)[i]
                         : static_cast<const float *>(base)[i];
}
static void setElement(DType t, void *base, int64_t i, double v) {
  if (t == DType::F64)
    static_cast<double *>(base)[i] = v;
  else
    static_cast<float *>(base)[i] = static_cast<float>(v);
}

namespace {
/// A trainable float parameter, in the order @gradients returns the
/// gradients.
struct Param {
  std::string name;
  DType dtype;
  int64_t numElements;
};

/// The compiled @gradients, its random arguments and analytic gradients.
class GradChecker {
public:
  GradChecker(const GradCheckOptions &options, JitModule &jit)
      : options(options), jit(jit), rng(options.seed) {}

  /// Draws the arguments and computes the analytic gradients.
  llvm::Error init();
  /// Checks the next analytic gradient against finite differences on the
  /// `n` elements at `data`.
  llvm::Expected<GradCheckResult> check(std::string what, DType dtype,
                                        void *data, int64_t n);

  std::vector<Tensor> args;
  /// The float inputs the check perturbs (not the target).
  SmallVector<unsigned> floatArgs;

private:
  llvm::Expected<std::vector<Tensor>> call() {
    SmallVector<const Tensor *> ptrs;
    for (const Tensor &t : args)
      ptrs.push_back(&t);
    return jit.run("gradients", ptrs);
  }
  static double lossOf(const std::vector<Tensor> &out) {
    return getElement(out[0].dtype, out[0].storage.data(), 0);
  }

  const GradCheckOptions &options;
  JitModule &jit;
  std::mt19937_64 rng;
  std::vector<Tensor> analytic;
  unsigned resultIndex = 1;
};
} // namespace

llvm::Error GradChecker::init() {
  // Random inputs: N(0, 1) by Box-Muller on a seeded 64-bit stream;
  // labels uniform in [0, classes).
  auto uniform = [&] { return (rng() >> 11) * (1.0 / 9007199254740992.0); };
  auto normal = [&] {
    double u = uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(1.0 - u)) * std::cos(2 * M_PI * v);
  };
  const EntrySpec *entry = jit.getEntry("gradients");
  for (auto [i, spec] : llvm::enumerate(entry->inputs)) {
    Tensor t = Tensor::zeros(spec.dtype, spec.shape);
    bool isTarget = i + 1 == entry->inputs.size();
    if (spec.dtype == DType::F64 || spec.dtype == DType::F32) {
      for (int64_t k = 0; k < t.getNumElements(); ++k)
        setElement(spec.dtype, t.storage.data(), k, normal());
      if (!isTarget)
        floatArgs.push_back(i);
    } else if (spec.dtype == DType::I32) {
      // cross_entropy labels, uniform in [0, classes).
      for (int64_t k = 0; k < t.getNumElements(); ++k)
        t.data<int32_t>()[k] = static_cast<int32_t>(rng() % options.classes);
    } else {
      return makeTrainError("unsupported input dtype for gradcheck");
    }
    args.push_back(std::move(t));
  }
  auto grads = call();
  if (!grads)
    return grads.takeError();
  analytic = std::move(*grads);
  return llvm::Error::success();
}

double qat::getDefaultStep(DType dtype) {
  return dtype == DType::F64 ? 1e-6 : 1e-2;
}

llvm::Expected<GradCheckResult>
GradChecker::check(std::string what, DType dtype, void *data, int64_t n) {
  const Tensor &grad = analytic[resultIndex++];
  GradCheckResult r{std::move(what), n, 0, 0};
  double step = options.step > 0 ? options.step : getDefaultStep(dtype);
  for (int64_t k = 0; k < n; ++k) {
    double orig = getElement(dtype, data, k);
    // The perturbed values as stored (rounded to f32 for an f32 tensor).
    setElement(dtype, data, k, orig + step);
    double hi = getElement(dtype, data, k);
    auto plus = call();
    setElement(dtype, data, k, orig - step);
    double lo = getElement(dtype, data, k);
    auto minus = call();
    setElement(dtype, data, k, orig);
    if (!plus || !minus)
      return plus ? minus.takeError() : plus.takeError();
    double num = (lossOf(*plus) - lossOf(*minus)) / (hi - lo);
    double ana = getElement(grad.dtype, grad.storage.data(), k);
    double err = std::fabs(ana - num);
    r.maxAbsError = std::max(r.maxAbsError, err);
    if (!(err <= options.atol + options.rtol * std::fabs(num)))
      ++r.numOutside;
  }
  return r;
}

llvm::Expected<bool> qat::runGradCheck(
    ModuleOp base, const GradCheckOptions &options,
    llvm::function_ref<void(llvm::Expected<GradCheckResult>)> report) {
  OwningOpRef<ModuleOp> module = base.clone();
  PassManager pm(base.getContext());
  GenerateTrainStepOptions opts;
  opts.loss = options.loss;
  opts.gradientsOnly = true;
  opts.freezeBn = !options.trainMode;
  opts.freezeObservers = true;
  pm.addPass(createGenerateTrainStep(opts));
  if (failed(pm.run(*module)))
    return makeDiagnosedError();
  SmallVector<Param> params;
  for (auto p : module->getOps<ParamOp>())
    if (p.isTrainable() && isa<FloatType>(p.getType().getElementType()))
      params.push_back(
          {p.getSymName().str(),
           p.getType().getElementType().isF64() ? DType::F64 : DType::F32,
           p.getType().getNumElements()});
  auto jit = JitModule::compile(std::move(module), {"gradients"}, options.jit);
  if (!jit)
    return jit.takeError();
  GradChecker checker(options, **jit);
  if (llvm::Error e = checker.init())
    return std::move(e);

  bool ok = true;
  auto checkAndReport = [&](std::string what, DType dtype, void *data,
                            int64_t n) {
    auto r = checker.check(std::move(what), dtype, data, n);
    ok &= r && r->numOutside == 0;
    report(std::move(r));
  };
  for (unsigned i : checker.floatArgs) {
    Tensor &arg = checker.args[i];
    checkAndReport(("input " + Twine(i)).str(), arg.dtype, arg.storage.data(),
                   arg.getNumElements());
  }
  for (const Param &p : params) {
    auto addr = (*jit)->lookupGlobal(p.name);
    if (!addr)
      return addr.takeError();
    checkAndReport("@" + p.name, p.dtype, *addr, p.numElements);
  }
  return ok;
}

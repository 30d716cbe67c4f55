//===- GradCheck.cpp - qat-run gradcheck ----------------------------------===//
//
// Checks the generated backward pass against central finite differences:
// for every element of every float model input and trainable parameter,
// (L(x + h) - L(x - h)) / 2h against the analytic gradient, with
// torch.autograd.gradcheck's criterion |a - n| <= atol + rtol * |n|. Meant
// for small float64 models, one per op and attribute combination.
//
//===----------------------------------------------------------------------===//

#include "Train.h"

#include "qat/JIT/JitModule.h"
#include "qat/Data/Tensor.h"
#include "qat/Transforms/Passes.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Pass/PassManager.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/WithColor.h"

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::qat;
using runtime::DType;
using runtime::Tensor;
namespace cl = llvm::cl;

cl::SubCommand qat::gradcheckCommand(
    "gradcheck", "Check the generated gradients against finite differences");

static cl::OptionCategory gcCat("qat-run gradcheck options");
static cl::opt<std::string> gcModel(cl::Positional, cl::desc("<model.mlir>"),
                                    cl::Required, cl::sub(qat::gradcheckCommand),
                                    cl::cat(gcCat));
static cl::opt<std::string> gcLoss("loss", cl::desc("mse or cross_entropy"),
                                   cl::init("mse"), cl::sub(qat::gradcheckCommand),
                                   cl::cat(gcCat));
static cl::opt<uint64_t> gcSeed("seed", cl::desc("Seed of the random inputs"),
                                cl::init(0), cl::sub(qat::gradcheckCommand),
                                cl::cat(gcCat));
static cl::opt<double> gcStep("step", cl::desc("Finite-difference step"),
                              cl::init(1e-6), cl::sub(qat::gradcheckCommand),
                              cl::cat(gcCat));
static cl::opt<double> gcAtol("atol", cl::desc("Absolute tolerance"),
                              cl::init(1e-5), cl::sub(qat::gradcheckCommand),
                              cl::cat(gcCat));
static cl::opt<double> gcRtol("rtol", cl::desc("Relative tolerance"),
                              cl::init(1e-3), cl::sub(qat::gradcheckCommand),
                              cl::cat(gcCat));
static cl::opt<unsigned> gcClasses("classes",
                                   cl::desc("cross_entropy: labels are drawn "
                                            "from [0, classes)"),
                                   cl::init(2), cl::sub(qat::gradcheckCommand),
                                   cl::cat(gcCat));
static cl::opt<bool> gcTrainMode("train-mode",
                                 cl::desc("Batch norms on batch statistics"),
                                 cl::init(true), cl::sub(qat::gradcheckCommand),
                                 cl::cat(gcCat));

std::string qat::getGradcheckModelPath() { return gcModel; }

static int fail(const Twine &msg) {
  llvm::WithColor::error(llvm::errs(), "qat-run") << msg << "\n";
  return 1;
}

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

int qat::runGradcheck(ModuleOp base) {
  OwningOpRef<ModuleOp> module = base.clone();
  PassManager pm(base.getContext());
  GenerateTrainStepOptions options;
  options.loss = gcLoss;
  options.gradientsOnly = true;
  options.freezeBn = !gcTrainMode;
  options.freezeObservers = true;
  pm.addPass(createGenerateTrainStep(options));
  if (failed(pm.run(*module)))
    return 1;
  // The variables, in the order @gradients returns their gradients.
  struct Param {
    std::string name;
    DType dtype;
    int64_t numElements;
  };
  SmallVector<Param> params;
  for (auto p : module->getOps<ParamOp>())
    if (p.isTrainable() && isa<FloatType>(p.getType().getElementType()))
      params.push_back({p.getSymName().str(),
                        p.getType().getElementType().isF64() ? DType::F64
                                                             : DType::F32,
                        p.getType().getNumElements()});
  auto jit = JitModule::compile(std::move(module), {"gradients"}, x86Isa);
  if (!jit)
    return fail(llvm::toString(jit.takeError()));
  const EntrySpec *entry = (*jit)->getEntry("gradients");

  // Random inputs: N(0, 1) by Box-Muller on a seeded 64-bit stream;
  // labels uniform in [0, classes).
  std::mt19937_64 rng(gcSeed);
  auto uniform = [&] { return (rng() >> 11) * (1.0 / 9007199254740992.0); };
  auto normal = [&] {
    double u = uniform(), v = uniform();
    return std::sqrt(-2.0 * std::log(1.0 - u)) * std::cos(2 * M_PI * v);
  };
  std::vector<Tensor> args;
  SmallVector<unsigned> floatArgs;
  for (auto [i, spec] : llvm::enumerate(entry->inputs)) {
    Tensor t = Tensor::zeros(spec.dtype, spec.shape);
    bool isTarget = i + 1 == entry->inputs.size();
    if (spec.dtype == DType::F64 || spec.dtype == DType::F32) {
      for (int64_t k = 0; k < t.getNumElements(); ++k)
        setElement(spec.dtype, t.storage.data(), k, normal());
      if (!isTarget)
        floatArgs.push_back(i);
    } else if (spec.dtype == DType::I32) {
      // cross_entropy labels, uniform in [0, --classes).
      for (int64_t k = 0; k < t.getNumElements(); ++k)
        t.data<int32_t>()[k] = static_cast<int32_t>(rng() % gcClasses);
    } else {
      return fail("unsupported input dtype for gradcheck");
    }
    args.push_back(std::move(t));
  }
  auto call = [&]() -> llvm::Expected<std::vector<Tensor>> {
    SmallVector<const Tensor *> ptrs;
    for (const Tensor &t : args)
      ptrs.push_back(&t);
    return (*jit)->run("gradients", ptrs);
  };
  auto analytic = call();
  if (!analytic)
    return fail(llvm::toString(analytic.takeError()));
  auto lossOf = [&](const std::vector<Tensor> &out) {
    return getElement(out[0].dtype, out[0].storage.data(), 0);
  };

  bool ok = true;
  unsigned resultIndex = 1;
  auto check = [&](StringRef what, DType dtype, void *data, int64_t n) -> bool {
    const Tensor &grad = (*analytic)[resultIndex++];
    double maxAbs = 0, worst = 0;
    int64_t bad = 0;
    for (int64_t k = 0; k < n; ++k) {
      double orig = getElement(dtype, data, k);
      setElement(dtype, data, k, orig + gcStep);
      auto plus = call();
      setElement(dtype, data, k, orig - gcStep);
      auto minus = call();
      setElement(dtype, data, k, orig);
      if (!plus || !minus) {
        fail(llvm::toString(plus ? minus.takeError() : plus.takeError()));
        return false;
      }
      double num = (lossOf(*plus) - lossOf(*minus)) / (2 * gcStep);
      double ana = getElement(grad.dtype, grad.storage.data(), k);
      double err = std::fabs(ana - num);
      maxAbs = std::max(maxAbs, err);
      if (!(err <= gcAtol + gcRtol * std::fabs(num))) {
        ++bad;
        worst = std::max(worst, err);
      }
    }
    llvm::outs() << "d " << what << ": " << n << " elements, max abs error "
                 << llvm::format("%.3g", maxAbs) << ", " << bad
                 << " outside tolerance" << (bad ? " FAIL" : " OK") << "\n";
    return bad == 0;
  };
  for (unsigned i : floatArgs)
    ok &= check(("input " + Twine(i)).str(), args[i].dtype,
                args[i].storage.data(), args[i].getNumElements());
  for (const Param &p : params) {
    auto addr = (*jit)->lookupGlobal(p.name);
    if (!addr)
      return fail(llvm::toString(addr.takeError()));
    ok &= check("@" + p.name, p.dtype, *addr, p.numElements);
  }
  return ok ? 0 : 1;
}

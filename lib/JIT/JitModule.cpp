//===- JitModule.cpp - compile and call a qat module in-process -----------===//

#include "qat/JIT/JitModule.h"

#include "qat/JIT/JitAlloc.h"
#include "qat/Numerics/QParams.h"
#include "qat/Pipelines/Pipelines.h"
#include "qat/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::qat;
using runtime::DType;

std::optional<DType> qat::getDTypeFor(Type t) {
  if (t.isF32())
    return DType::F32;
  if (t.isF64())
    return DType::F64;
  if (t.isInteger(1))
    return DType::Bool;
  if (t.isUnsignedInteger(8))
    return DType::U8;
  if (t.isInteger(8))
    return DType::I8;
  if (t.isInteger(16))
    return DType::I16;
  if (t.isInteger(32))
    return DType::I32;
  if (t.isInteger(64))
    return DType::I64;
  return std::nullopt;
}

static std::string typeToString(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

static llvm::Error makeError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

static llvm::Expected<TensorSpec> specFor(Type type, const std::string &name) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t)
    return makeError(name + " has type " + typeToString(type) +
                     "; entry functions take and return ranked tensors");
  if (!t.hasStaticShape())
    return makeError(name + " has dynamic shape " + typeToString(type) +
                     "; the JIT needs static shapes");
  std::optional<DType> dtype = getDTypeFor(t.getElementType());
  if (!dtype)
    return makeError(name + " has unsupported element type " +
                     typeToString(t.getElementType()));
  return TensorSpec{name, *dtype, SmallVector<int64_t>(t.getShape()),
                    typeToString(type)};
}

JitModule::~JitModule() = default;

static llvm::Expected<EntrySpec> entrySpecFor(ModuleOp module,
                                              StringRef entry) {
  auto func = module.lookupSymbol<func::FuncOp>(entry);
  if (!func || func.isExternal())
    return makeError("no function @" + entry + " with a body in the module");
  EntrySpec e;
  e.name = entry.str();
  FunctionType fnType = func.getFunctionType();
  for (auto [i, t] : llvm::enumerate(fnType.getInputs())) {
    std::string name = "argument " + std::to_string(i);
    if (auto n = func.getArgAttrOfType<StringAttr>(i, "qat.name"))
      name += " ('" + n.str() + "')";
    auto spec = specFor(t, "entry @" + entry.str() + ": " + name);
    if (!spec)
      return spec.takeError();
    spec->name = name;
    e.inputs.push_back(std::move(*spec));
  }
  for (auto [i, t] : llvm::enumerate(fnType.getResults())) {
    std::string name = "result " + std::to_string(i);
    auto spec = specFor(t, "entry @" + entry.str() + ": " + name);
    if (!spec)
      return spec.takeError();
    spec->name = name;
    e.outputs.push_back(std::move(*spec));
  }
  return e;
}

/// Prints `diag` as the tools print diagnostics: "file:line:col: error:
/// message", then its notes.
static void printDiagnostic(llvm::raw_ostream &os, Diagnostic &diag) {
  auto print = [&](Diagnostic &d) {
    if (auto fileLoc = d.getLocation()->findInstanceOf<FileLineColLoc>())
      os << fileLoc.getFilename().getValue() << ':' << fileLoc.getLine() << ':'
         << fileLoc.getColumn();
    else
      os << d.getLocation();
    DiagnosticSeverity severity = d.getSeverity();
    os << (severity == DiagnosticSeverity::Error     ? ": error: "
           : severity == DiagnosticSeverity::Warning ? ": warning: "
           : severity == DiagnosticSeverity::Note    ? ": note: "
                                                     : ": remark: ")
       << d << "\n";
  };
  print(diag);
  for (Diagnostic &note : diag.getNotes())
    print(note);
}

/// The JIT runs what it compiles here: `isa` must name this host's
/// architecture's kernels and this CPU must have their features.
static llvm::Error checkHostRuns(StringRef isa) {
  llvm::Triple host(llvm::sys::getProcessTriple());
  target::Arch arch = host.getArch() == llvm::Triple::aarch64
                          ? target::Arch::AArch64
                          : target::Arch::X86_64;
  std::optional<const target::Isa *> kernels =
      target::parseKernelIsa(isa, arch);
  if (!kernels)
    return makeError("unknown --isa '" + isa + "' for this " +
                     target::archName(arch) + " host; valid: host, generic, " +
                     target::isaNames(arch));
  if (*kernels && !(*kernels)->runsOn(llvm::sys::getHostCPUFeatures()))
    return makeError("this host CPU (" + llvm::sys::getHostCPUName() +
                     ") lacks a feature --isa=" + isa + " needs (" +
                     llvm::join((*kernels)->hostNeeds, ", ") + ")");
  return llvm::Error::success();
}

/// LLVM's OpenMP runtime, which code compiled with threads > 1 calls.
static llvm::Expected<std::string> openMPRuntime(int64_t threads) {
  if (threads < 1)
    return makeError("the thread count must be at least 1 (got " +
                     llvm::Twine(threads) + ")");
#ifdef QAT_OMP_LIB
  if (llvm::sys::fs::exists(QAT_OMP_LIB))
    return std::string(QAT_OMP_LIB);
#endif
  return makeError("running on " + llvm::Twine(threads) +
                   " threads needs LLVM's OpenMP runtime (libomp-22-dev), "
                   "which this build did not find");
}

/// Runs the qat-to-llvm pipeline; its diagnostics (with their
/// file:line:col) become the error.
static llvm::Error lowerToLLVM(ModuleOp module, const JitOptions &jitOptions) {
  MLIRContext *ctx = module.getContext();
  std::string diagText;
  ScopedDiagnosticHandler handler(ctx, [&](Diagnostic &diag) {
    llvm::raw_string_ostream os(diagText);
    printDiagnostic(os, diag);
    return success();
  });
  PassManager pm(ctx);
  QatToLLVMPipelineOptions options;
  options.isa = jitOptions.isa;
  options.threads = jitOptions.threads;
  buildQatToLLVMPipeline(pm, options);
  if (failed(pm.run(module)))
    return makeError("lowering to LLVM failed:\n" + diagText);
  return llvm::Error::success();
}

/// The runtime functions the generated code calls, resolved to this
/// process's copies before anything is materialized: the one qparams
/// function and the temporaries' allocator (a cache of freed blocks,
/// JitAlloc.h).
static llvm::orc::SymbolMap
runtimeSymbols(llvm::orc::MangleAndInterner interner) {
  llvm::orc::SymbolMap symbols;
  auto add = [&](StringRef name, void *fn) {
    symbols[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                               llvm::JITSymbolFlags::Exported};
  };
  add("qat_rt_qparams_scale", reinterpret_cast<void *>(&qat_rt_qparams_scale));
  add("qat_rt_qparams_zero_point",
      reinterpret_cast<void *>(&qat_rt_qparams_zero_point));
  add("aligned_alloc", reinterpret_cast<void *>(&qat_rt_aligned_alloc));
  add("free", reinterpret_cast<void *>(&qat_rt_free));
  return symbols;
}

llvm::Expected<std::unique_ptr<JitModule>>
JitModule::compile(OwningOpRef<ModuleOp> module, ArrayRef<std::string> entries,
                   const JitOptions &jitOptions) {
  static bool targetsInitialized = [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    return true;
  }();
  (void)targetsInitialized;

  if (llvm::Error err = checkHostRuns(jitOptions.isa))
    return std::move(err);
  std::string ompLib;
  if (jitOptions.threads != 1) {
    auto lib = openMPRuntime(jitOptions.threads);
    if (!lib)
      return lib.takeError();
    ompLib = *lib;
  }
  std::unique_ptr<JitModule> jit(new JitModule());
  for (const std::string &entry : entries) {
    auto spec = entrySpecFor(*module, entry);
    if (!spec)
      return spec.takeError();
    jit->entries.push_back(std::move(*spec));
  }

  if (llvm::Error err = lowerToLLVM(*module, jitOptions))
    return std::move(err);
  // Argument names (qat.name, from qat-import) served the error messages
  // above.
  dropQatArgumentAttributes(*module);
  // LLVM's vectorizer prefers 256-bit vectors on AVX-512 hosts (a clock
  // penalty that matters for short bursts in mixed code); the JIT runs long
  // loops over whole tensors, where 512 bits halve the instructions
  // (NaN-propagating min/max reductions, element-wise passes). Reductions
  // with `reassoc` then sum in a different order, within rounding.
  module->walk([](LLVM::LLVMFuncOp f) { f.setPreferVectorWidth("512"); });

  auto tmBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!tmBuilder)
    return tmBuilder.takeError();
  tmBuilder->setCPU(target::hostCodegenCpu());
  tmBuilder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  auto tm = tmBuilder->createTargetMachine();
  if (!tm)
    return tm.takeError();

  // ExecutionEngineOptions holds a function_ref: keep the callee alive.
  std::function<llvm::Error(llvm::Module *)> optimize =
      makeOptimizingTransformer(3, 0, tm->get());
  ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  // memrefCopy and friends, for copies the lowering cannot inline.
  std::string utils =
      std::string(QAT_MLIR_LIB_DIR) + "/libmlir_c_runner_utils.so";
  SmallVector<StringRef> libs;
  if (llvm::sys::fs::exists(utils))
    libs.push_back(utils);
  if (!ompLib.empty())
    libs.push_back(ompLib);
  options.sharedLibPaths = libs;
  auto engine = ExecutionEngine::create(*module, options, std::move(*tm));
  if (!engine)
    return engine.takeError();
  jit->engine = std::move(*engine);
  jit->engine->registerSymbols(runtimeSymbols);
  jit->engine->initialize();
  return jit;
}

/// A memref descriptor {allocated, aligned, offset, sizes[R], strides[R]},
/// laid out as the LLVM lowering does (all fields are 64-bit).
static SmallVector<int64_t> makeDescriptor(const void *data,
                                           ArrayRef<int64_t> shape) {
  SmallVector<int64_t> desc;
  auto ptr = reinterpret_cast<int64_t>(data);
  desc.push_back(ptr);
  desc.push_back(ptr);
  desc.push_back(0);
  llvm::append_range(desc, shape);
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  llvm::append_range(desc, strides);
  return desc;
}

const EntrySpec *JitModule::getEntry(StringRef name) const {
  for (const EntrySpec &e : entries)
    if (e.name == name)
      return &e;
  return nullptr;
}

llvm::Expected<void *> JitModule::lookupGlobal(StringRef name) const {
  return engine->lookup(name);
}

llvm::Expected<std::vector<runtime::Tensor>>
JitModule::run(StringRef entryName, ArrayRef<const runtime::Tensor *> args) {
  const EntrySpec *entry = getEntry(entryName);
  if (!entry)
    return makeError("no entry @" + entryName + " was compiled");
  const auto &inputs = entry->inputs;
  const auto &outputs = entry->outputs;
  if (args.size() != inputs.size())
    return makeError("@" + entryName + " takes " +
                     std::to_string(inputs.size()) + " arguments, got " +
                     std::to_string(args.size()));
  for (auto [spec, t] : llvm::zip(inputs, args)) {
    if (t->dtype != spec.dtype ||
        ArrayRef<int64_t>(t->shape) != ArrayRef<int64_t>(spec.shape))
      return makeError("@" + entryName + " " + spec.name + " expects " +
                       spec.typeStr + " but was given " +
                       runtime::getDTypeName(t->dtype).str() + " " +
                       runtime::formatShape(t->shape));
  }
  std::vector<runtime::Tensor> results;
  for (const TensorSpec &spec : outputs)
    results.push_back(runtime::Tensor::zeros(spec.dtype, spec.shape));

  SmallVector<SmallVector<int64_t>> descs;
  for (auto [spec, t] : llvm::zip(inputs, args))
    descs.push_back(makeDescriptor(t->storage.data(), spec.shape));
  for (auto [spec, t] : llvm::zip(outputs, results))
    descs.push_back(makeDescriptor(t.storage.data(), spec.shape));
  SmallVector<void *> descPtrs;
  for (auto &d : descs)
    descPtrs.push_back(d.data());
  SmallVector<void *> packed;
  for (void *&p : descPtrs)
    packed.push_back(&p);
  if (llvm::Error err =
          engine->invokePacked(("_mlir_ciface_" + entryName).str(), packed))
    return std::move(err);
  return results;
}

//===- qat-compile.cpp - ahead-of-time objects with a C header ------------===//
//
// qat-compile int8.mlir -o model.o --header model.h [--name m1]
//     [--target=x86_64-linux-gnu|aarch64-linux-gnu] [--isa=...]
//
// Lowers one inference function (qat-aot-entries, the qat-to-llvm pipeline
// with bare-pointer entry points) to a relocatable object for the host or a
// cross target, and writes the C header that documents its ABI. The object
// needs only libc (malloc/free) and libm at run time.
//
//===----------------------------------------------------------------------===//

#include "qat/InitAll.h"
#include "qat/Pipelines/Pipelines.h"
#include "qat/Codegen/Passes.h"
#include "qat/Quant/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <chrono>

using namespace mlir;
namespace cl = llvm::cl;

static cl::OptionCategory category("qat-compile options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("<model.mlir>"),
                                      cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output object file"),
                                       cl::value_desc("file"), cl::Required,
                                       cl::cat(category));
static cl::opt<std::string>
    headerFile("header", cl::desc("Write the C header here"),
               cl::value_desc("file"), cl::cat(category));
static cl::opt<std::string>
    symbolName("name",
               cl::desc("Symbol prefix of the entry points (default: the "
                        "output file's stem)"),
               cl::cat(category));
static cl::opt<std::string> entryName("entry",
                                      cl::desc("Model function to compile"),
                                      cl::init("forward"), cl::cat(category));
static cl::opt<std::string>
    targetTriple("target",
                 cl::desc("Target triple: x86_64-linux-gnu (default: the "
                          "host) or aarch64-linux-gnu"),
                 cl::cat(category));
static cl::opt<std::string>
    isaName("isa",
            cl::desc("Instruction set: host (default), avx512vnni, avxvnni, "
                     "avx2, x86-64 on x86_64; i8mm, dotprod, neon on "
                     "aarch64"),
            cl::init("host"), cl::cat(category));
enum class Emit { Obj, Asm, LLVM, MLIR };
static cl::opt<Emit>
    emitKind("emit", cl::desc("What to write to -o"), cl::init(Emit::Obj),
             cl::values(clEnumValN(Emit::Obj, "obj", "an ELF object"),
                        clEnumValN(Emit::Asm, "asm", "assembly"),
                        clEnumValN(Emit::LLVM, "llvm", "optimized LLVM IR"),
                        clEnumValN(Emit::MLIR, "mlir",
                                   "the module after qat-aot-entries")),
             cl::cat(category));
static cl::opt<int64_t>
    batchSize("batch",
              cl::desc("Re-specialize the entry to this batch size "
                       "(--qat-set-batch); default: the model's"),
              cl::init(0), cl::cat(category));
static cl::opt<bool> printTime("time", cl::desc("Print the compile time"),
                               cl::cat(category));

namespace {
/// What an ISA name means to LLVM: the CPU whose features it enables.
struct IsaInfo {
  StringRef name;
  llvm::Triple::ArchType arch;
  StringRef cpu;
  StringRef features;
  /// Host features that must be present to run it here.
  SmallVector<StringRef, 3> hostNeeds;
};
} // namespace

static const IsaInfo kIsas[] = {
    {"avx512vnni", llvm::Triple::x86_64, "icelake-server", "",
     {"avx512vnni", "avx512bw"}},
    {"avxvnni", llvm::Triple::x86_64, "alderlake", "", {"avxvnni"}},
    {"avx2", llvm::Triple::x86_64, "haswell", "", {"avx2"}},
    {"x86-64", llvm::Triple::x86_64, "x86-64", "", {}},
    {"i8mm", llvm::Triple::aarch64, "neoverse-v1", "+dotprod,+i8mm", {}},
    {"dotprod", llvm::Triple::aarch64, "cortex-a76", "+dotprod", {}},
    {"neon", llvm::Triple::aarch64, "cortex-a53", "+neon", {}},
};

static int fail(const Twine &msg) {
  llvm::errs() << "qat-compile: error: " << msg << "\n";
  return 1;
}

/// A C identifier from the output file's stem ("m1.int8.o" -> "m1_int8").
static std::string defaultName(StringRef path) {
  StringRef stem = llvm::sys::path::stem(path);
  std::string s;
  for (char c : stem)
    s += llvm::isAlnum(c) ? c : '_';
  if (s.empty() || llvm::isDigit(s[0]))
    s = "model_" + s;
  return s;
}

//===----------------------------------------------------------------------===//
// The C header
//===----------------------------------------------------------------------===//

static std::string cType(Type t) {
  if (t.isF32())
    return "float";
  if (t.isF64())
    return "double";
  if (auto i = dyn_cast<IntegerType>(t)) {
    std::string base = (i.isUnsigned() ? "uint" : "int") +
                       std::to_string(i.getWidth()) + "_t";
    return base;
  }
  return "";
}

static std::string dims(RankedTensorType t) {
  std::string s;
  for (int64_t d : t.getShape())
    s += "[" + std::to_string(d) + "]";
  return s;
}

namespace {
struct HeaderEntry {
  std::string name;
  struct Buffer {
    std::string cType;
    RankedTensorType type;
    std::optional<double> scale;
    std::optional<int64_t> zeroPoint;
    int64_t qmin = 0, qmax = 0;
  };
  SmallVector<Buffer> inputs, outputs;
};
} // namespace

/// Reads the exported functions' boundary types before lowering erases
/// them. Quantized entries take storage values; unsigned storage (u8)
/// prints as uint8_t.
static FailureOr<SmallVector<HeaderEntry>> collectEntries(ModuleOp module) {
  SmallVector<HeaderEntry> entries;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (!f.isPublic())
      continue;
    HeaderEntry e;
    e.name = f.getSymName().str();
    auto buffer = [&](Type type, DictionaryAttr attrs)
        -> FailureOr<HeaderEntry::Buffer> {
      auto t = dyn_cast<RankedTensorType>(type);
      if (!t || !t.hasStaticShape()) {
        f.emitError() << "AOT entries take static-shape tensors, not "
                      << type;
        return failure();
      }
      HeaderEntry::Buffer b{cType(t.getElementType()), t, {}, {}};
      if (attrs) {
        if (auto s = attrs.getAs<FloatAttr>("qat.scale"))
          b.scale = s.getValueAsDouble();
        if (auto z = attrs.getAs<IntegerAttr>("qat.zero_point"))
          b.zeroPoint = z.getInt();
        if (auto z = attrs.getAs<IntegerAttr>("qat.qmin"))
          b.qmin = z.getInt();
        if (auto z = attrs.getAs<IntegerAttr>("qat.qmax"))
          b.qmax = z.getInt();
      }
      // Quantized storage is signless i8; qat-aot-entries recorded whether
      // the quantized type was uint8 or int8.
      if (auto s = attrs ? attrs.getAs<StringAttr>("qat.storage") : nullptr)
        b.cType = s.str() + "_t";
      if (b.cType.empty()) {
        f.emitError() << "no C type for " << t.getElementType();
        return failure();
      }
      return b;
    };
    for (auto [i, t] : llvm::enumerate(f.getArgumentTypes())) {
      auto b = buffer(t, f.getArgAttrDict(i));
      if (failed(b))
        return failure();
      e.inputs.push_back(*b);
    }
    for (auto [i, t] : llvm::enumerate(f.getResultTypes())) {
      auto b = buffer(t, f.getResultAttrDict(i));
      if (failed(b))
        return failure();
      e.outputs.push_back(*b);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

static void writeHeader(raw_ostream &os, StringRef name, StringRef source,
                        StringRef triple, StringRef isa,
                        ArrayRef<HeaderEntry> entries) {
  std::string guard = name.upper() + "_H";
  std::string upper = name.upper();
  os << "/* " << name << ".h - generated by qat-compile from " << source
     << "; do not edit.\n"
     << " *\n"
     << " * Target " << triple << ", ISA " << isa << ".\n"
     << " * ABI: plain C functions on caller-owned, densely packed row-major\n"
     << " * buffers (any alignment); shapes below, the batch size is fixed\n"
     << " * at compile time (the first dimension). Inputs are read only;\n"
     << " * outputs are written completely. The functions are thread-safe\n"
     << " * and reentrant: the object has no mutable global state; their\n"
     << " * temporaries are allocated with malloc and freed before they\n"
     << " * return. They need only libc and libm at link time.\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";
  for (const HeaderEntry &e : entries) {
    std::string up = StringRef(e.name).upper();
    bool quantized = !e.inputs.empty() && e.inputs[0].scale.has_value();
    os << "/* " << e.name << ": "
       << (quantized ? "quantized storage values in and out (the float\n"
                       " * entry without its quantize/dequantize steps)"
                     : "float in, float out")
       << ".\n";
    auto describe = [&](StringRef kind, size_t i,
                        const HeaderEntry::Buffer &b) {
      os << " *   " << kind << i << ": " << b.cType << dims(b.type) << " ("
         << b.type.getNumElements() << " elements)";
      if (b.scale)
        os << " in [" << b.qmin << ", " << b.qmax << "], real = (q - "
           << *b.zeroPoint << ") * " << llvm::format("%.9g", *b.scale);
      os << "\n";
    };
    for (auto [i, b] : llvm::enumerate(e.inputs))
      describe("input", i, b);
    for (auto [i, b] : llvm::enumerate(e.outputs))
      describe("output", i, b);
    os << " */\n";
    auto defines = [&](StringRef kind, size_t i, const HeaderEntry::Buffer &b) {
      std::string p = up + "_" + kind.upper() + std::to_string(i);
      os << "#define " << p << "_SIZE " << b.type.getNumElements() << "\n";
      if (b.scale) {
        os << "#define " << p << "_SCALE "
           << llvm::format("%.9g", *b.scale) << "f\n";
        os << "#define " << p << "_ZERO_POINT " << *b.zeroPoint << "\n";
        os << "#define " << p << "_QMIN " << b.qmin << "\n";
        os << "#define " << p << "_QMAX " << b.qmax << "\n";
      }
    };
    for (auto [i, b] : llvm::enumerate(e.inputs))
      defines("input", i, b);
    for (auto [i, b] : llvm::enumerate(e.outputs))
      defines("output", i, b);
    os << "void " << e.name << "(";
    bool first = true;
    for (auto [i, b] : llvm::enumerate(e.inputs)) {
      os << (first ? "" : ", ") << "const " << b.cType << " *input" << i;
      first = false;
    }
    for (auto [i, b] : llvm::enumerate(e.outputs)) {
      os << (first ? "" : ", ") << b.cType << " *output" << i;
      first = false;
    }
    os << ");\n\n";
  }
  if (!entries.empty() && !entries[0].inputs.empty())
    os << "#define " << upper << "_BATCH "
       << entries[0].inputs[0].type.getDimSize(0) << "\n\n";
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qat-compile: an int8 (or float) qat model to an object file and a C "
      "header\n");
  auto start = std::chrono::steady_clock::now();

  llvm::InitializeAllTargetInfos();
  llvm::InitializeAllTargets();
  llvm::InitializeAllTargetMCs();
  llvm::InitializeAllAsmPrinters();

  // Target and ISA.
  llvm::Triple triple(targetTriple.empty()
                          ? llvm::sys::getDefaultTargetTriple()
                          : llvm::Triple::normalize(targetTriple));
  bool isHost = targetTriple.empty() ||
                triple.getArch() ==
                    llvm::Triple(llvm::sys::getDefaultTargetTriple()).getArch();
  std::string cpu, features;
  if (isaName == "host") {
    if (!isHost)
      return fail("--isa is required for a cross target (" + triple.str() +
                  "): i8mm, dotprod or neon");
    cpu = llvm::sys::getHostCPUName().str();
    SmallVector<std::string> fs;
    for (auto &f : llvm::sys::getHostCPUFeatures())
      fs.push_back((f.second ? "+" : "-") + f.first().str());
    features = llvm::join(fs, ",");
  } else {
    const IsaInfo *info = nullptr;
    for (const IsaInfo &i : kIsas)
      if (i.name == isaName)
        info = &i;
    std::string valid;
    for (const IsaInfo &i : kIsas)
      if (i.arch == triple.getArch())
        valid += (valid.empty() ? "" : ", ") + i.name.str();
    if (!info || info->arch != triple.getArch())
      return fail("unknown ISA '" + isaName + "' for " + triple.str() +
                  (valid.empty() ? " (unsupported target)"
                                 : "; valid: host, " + valid));
    cpu = info->cpu.str();
    features = info->features.str();
    if (isHost) {
      auto host = llvm::sys::getHostCPUFeatures();
      for (StringRef need : info->hostNeeds)
        if (!host.lookup(need))
          return fail("this host CPU (" + llvm::sys::getHostCPUName() +
                      ") lacks " + need + ", which --isa=" + isaName +
                      " needs; pick another --isa or cross-compile");
    }
  }
  std::string err;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, err);
  if (!target)
    return fail("target " + triple.str() + ": " + err);
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return fail("cannot create a target machine for " + triple.str());

  // Parse; diagnostics print with file:line:col.
  DialectRegistry registry;
  qat::registerQatDialects(registry);
  MLIRContext ctx(registry);
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagHandler(sourceMgr, &ctx);
  std::string errorMessage;
  auto file = openInputFile(inputFile, &errorMessage);
  if (!file)
    return fail(errorMessage);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &ctx);
  if (!module)
    return 1;

  std::string name =
      symbolName.empty() ? defaultName(outputFile) : symbolName.getValue();
  {
    PassManager pm(&ctx);
    if (batchSize != 0) {
      qat::SetBatchOptions batchOpts;
      batchOpts.entry = entryName;
      batchOpts.batch = batchSize;
      pm.addPass(qat::createSetBatch(batchOpts));
    }
    qat::AotEntriesOptions opts;
    opts.entry = entryName;
    opts.prefix = name;
    pm.addPass(qat::createAotEntries(opts));
    if (failed(pm.run(*module)))
      return 1;
  }
  auto entries = collectEntries(*module);
  if (failed(entries))
    return 1;
  std::string errorMsg;
  auto out = openOutputFile(outputFile, &errorMsg);
  if (!out)
    return fail(errorMsg);
  if (emitKind == Emit::MLIR) {
    module->print(out->os());
    out->keep();
    return 0;
  }
  // The header has the boundary qparams now.
  qat::dropQatArgumentAttributes(*module);

  {
    PassManager pm(&ctx);
    qat::QatToLLVMPipelineOptions opts;
    opts.barePtrCallConv = true;
    opts.workspace = true;
    // The int8 kernels follow --isa; x86-64 builds use the generic
    // lowering.
    opts.isa = isaName == "x86-64" ? std::string("generic") : isaName.getValue();
    qat::buildQatToLLVMPipeline(pm, opts);
    if (failed(pm.run(*module)))
      return 1;
  }

  llvm::LLVMContext llvmCtx;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmCtx, name);
  if (!llvmModule)
    return fail("translation to LLVM IR failed");
  llvmModule->setTargetTriple(triple);
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setSourceFileName(inputFile);

  // Export exactly the entry points: parameters become internal, so the
  // optimizer sees they are never written (constants) and two models link
  // into one program.
  llvm::StringSet<> exported;
  for (const HeaderEntry &e : *entries)
    exported.insert(e.name);
  for (llvm::GlobalValue &g : llvmModule->global_values())
    if (!g.isDeclaration() && !exported.contains(g.getName()))
      g.setLinkage(llvm::GlobalValue::InternalLinkage);

  if (auto e = makeOptimizingTransformer(3, 0, tm.get())(llvmModule.get()))
    return fail("LLVM optimization failed: " + llvm::toString(std::move(e)));

  // No run-time library: only libc/libm symbols may remain undefined.
  static const StringRef allowed[] = {"malloc", "free", "aligned_alloc",
                                      "posix_memalign", "memcpy", "memset",
                                      "memmove", "roundevenf", "roundeven",
                                      "expf", "logf", "exp", "log",
                                      "fmaxf", "fminf", "tanhf", "sqrtf"};
  for (llvm::Function &fn : *llvmModule)
    if (fn.isDeclaration() && !fn.isIntrinsic() && !fn.use_empty() &&
        !llvm::is_contained(allowed, fn.getName()))
      return fail("the generated code calls '" + fn.getName() +
                  "', which is not in libc/libm; an AOT object must not "
                  "need a run-time library");

  if (emitKind == Emit::LLVM) {
    llvmModule->print(out->os(), nullptr);
  } else {
    llvm::legacy::PassManager codegen;
    if (tm->addPassesToEmitFile(codegen, out->os(), nullptr,
                                emitKind == Emit::Obj
                                    ? llvm::CodeGenFileType::ObjectFile
                                    : llvm::CodeGenFileType::AssemblyFile))
      return fail("the target cannot emit this file type");
    codegen.run(*llvmModule);
  }
  out->keep();

  if (!headerFile.empty()) {
    auto header = openOutputFile(headerFile, &errorMsg);
    if (!header)
      return fail(errorMsg);
    writeHeader(header->os(), name, llvm::sys::path::filename(inputFile),
                triple.str(), isaName == "host" ? "host (" + cpu + ")" : isaName,
                *entries);
    header->keep();
  }
  if (printTime)
    llvm::errs() << "qat-compile: compiled in "
                 << llvm::format("%.2f s",
                                 std::chrono::duration<double>(
                                     std::chrono::steady_clock::now() - start)
                                     .count())
                 << "\n";
  return 0;
}

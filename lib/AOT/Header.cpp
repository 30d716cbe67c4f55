//===- Header.cpp - the C header of an AOT object -------------------------===//

#include "qat/AOT/Header.h"

#include "qat/Codegen/EntryStatus.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace mlir::qat;

std::string qat::getAotSymbolName(StringRef path) {
  StringRef stem = llvm::sys::path::stem(path);
  std::string s;
  for (char c : stem)
    s += llvm::isAlnum(c) ? c : '_';
  if (s.empty() || llvm::isDigit(s[0]))
    s = "model_" + s;
  return s;
}

static std::string cType(Type t) {
  if (t.isF32())
    return "float";
  if (t.isF64())
    return "double";
  if (auto i = dyn_cast<IntegerType>(t)) {
    std::string base =
        (i.isUnsigned() ? "uint" : "int") + std::to_string(i.getWidth()) + "_t";
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

/// The buffer of an argument or result of `f` of type `type` with the
/// attributes `attrs`.
static FailureOr<AotEntry::Buffer> getBuffer(func::FuncOp f, Type type,
                                             DictionaryAttr attrs) {
  auto t = dyn_cast<RankedTensorType>(type);
  if (!t || !t.hasStaticShape()) {
    f.emitError() << "AOT entries take static-shape tensors, not " << type;
    return failure();
  }
  AotEntry::Buffer b{cType(t.getElementType()), t, {}, {}};
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
}

FailureOr<SmallVector<AotEntry>> qat::collectAotEntries(ModuleOp module) {
  SmallVector<AotEntry> entries;
  for (auto f : module.getOps<func::FuncOp>()) {
    if (!f.isPublic())
      continue;
    AotEntry e;
    e.name = f.getSymName().str();
    for (auto [i, t] : llvm::enumerate(f.getArgumentTypes())) {
      auto b = getBuffer(f, t, f.getArgAttrDict(i));
      if (failed(b))
        return failure();
      e.inputs.push_back(*b);
    }
    for (auto [i, t] : llvm::enumerate(f.getResultTypes())) {
      auto b = getBuffer(f, t, f.getResultAttrDict(i));
      if (failed(b))
        return failure();
      e.outputs.push_back(*b);
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

/// The comment that describes `e`'s buffers.
static void describeEntry(raw_ostream &os, const AotEntry &e) {
  bool quantized = !e.inputs.empty() && e.inputs[0].scale.has_value();
  os << "/* " << e.name << ": "
     << (quantized ? "quantized storage values in and out (the float\n"
                     " * entry without its quantize/dequantize steps)"
                   : "float in, float out")
     << ".\n";
  auto describe = [&](StringRef kind, size_t i, const AotEntry::Buffer &b) {
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
}

/// The #defines of `e`'s buffer sizes and qparams, and its prototype
/// (`upper`: the model's name in capitals, the prefix of its macros).
static void declareEntry(raw_ostream &os, const AotEntry &e, StringRef upper) {
  std::string up = StringRef(e.name).upper();
  auto defines = [&](StringRef kind, size_t i, const AotEntry::Buffer &b) {
    std::string p = up + "_" + kind.upper() + std::to_string(i);
    os << "#define " << p << "_SIZE " << b.type.getNumElements() << "\n";
    if (b.scale) {
      os << "#define " << p << "_SCALE " << llvm::format("%.9g", *b.scale)
         << "f\n";
      os << "#define " << p << "_ZERO_POINT " << *b.zeroPoint << "\n";
      os << "#define " << p << "_QMIN " << b.qmin << "\n";
      os << "#define " << p << "_QMAX " << b.qmax << "\n";
    }
  };
  for (auto [i, b] : llvm::enumerate(e.inputs))
    defines("input", i, b);
  for (auto [i, b] : llvm::enumerate(e.outputs))
    defines("output", i, b);
  os << upper << "_CHECK_STATUS int " << e.name << "(";
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

void qat::writeAotHeader(raw_ostream &os, StringRef name, StringRef source,
                         StringRef triple, StringRef isa,
                         ArrayRef<AotEntry> entries, int64_t threads) {
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
     << " * temporaries are allocated with aligned_alloc and freed before "
        "they\n";
  if (threads > 1)
    os << " * return. Threaded build: the int8 GEMMs and large loops are "
          "split\n"
       << " * over " << threads << " threads of LLVM's OpenMP runtime (the\n"
       << " * num_threads of each parallel region; OMP_NUM_THREADS does not\n"
       << " * change it): link with libc, libm and libomp (Debian:\n"
       << " * libomp-22-dev; -L/usr/lib/llvm-22/lib -lomp\n"
       << " * -Wl,-rpath,/usr/lib/llvm-22/lib). The results are the\n"
       << " * single-threaded build's, bit for bit.\n";
  else
    os << " * return. They need only libc and libm at link time.\n";
  int ok = static_cast<int>(EntryStatus::Ok);
  int oom = static_cast<int>(EntryStatus::OutOfMemory);
  os << " *\n"
     << " * Each function returns a status: " << upper << "_OK (" << ok
     << ") when it\n"
     << " * wrote its outputs, " << upper << "_OUT_OF_MEMORY (" << oom
     << ") when aligned_alloc\n"
     << " * returned null for a temporary. Each allocates its temporaries\n"
     << " * before it computes anything: a failed call has freed what it got\n"
     << " * and written nothing, and may be retried when memory is available.\n"
     << " */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n"
     << "#define " << upper << "_OK " << ok << "\n"
     << "#define " << upper << "_OUT_OF_MEMORY " << oom << "\n"
     << "#if defined(__GNUC__)\n"
     << "#define " << upper
     << "_CHECK_STATUS __attribute__((warn_unused_result))\n"
     << "#else\n"
     << "#define " << upper << "_CHECK_STATUS\n"
     << "#endif\n\n";
  for (const AotEntry &e : entries) {
    describeEntry(os, e);
    declareEntry(os, e, upper);
  }
  if (!entries.empty() && !entries[0].inputs.empty())
    os << "#define " << upper << "_BATCH "
       << entries[0].inputs[0].type.getDimSize(0) << "\n\n";
  if (threads > 1)
    os << "#define " << upper << "_THREADS " << threads << "\n\n";
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
}

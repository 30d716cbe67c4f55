//===- Target.cpp - the target machine of an AOT object -------------------===//

#include "qat/AOT/Target.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"

using namespace mlir::qat;
using llvm::StringRef;
using llvm::Twine;

namespace {
/// What an ISA name means to LLVM: the CPU whose features it enables.
struct IsaInfo {
  StringRef name;
  llvm::Triple::ArchType arch;
  StringRef cpu;
  StringRef features;
  /// Host features that must be present to run it here.
  llvm::SmallVector<StringRef, 3> hostNeeds;
};
} // namespace

static const IsaInfo kIsas[] = {
    {"avx512vnni",
     llvm::Triple::x86_64,
     "icelake-server",
     "",
     {"avx512vnni", "avx512bw"}},
    {"avxvnni", llvm::Triple::x86_64, "alderlake", "", {"avxvnni"}},
    {"avx2", llvm::Triple::x86_64, "haswell", "", {"avx2"}},
    {"x86-64", llvm::Triple::x86_64, "x86-64", "", {}},
    {"i8mm", llvm::Triple::aarch64, "neoverse-v1", "+dotprod,+i8mm", {}},
    {"dotprod", llvm::Triple::aarch64, "cortex-a76", "+dotprod", {}},
    {"neon", llvm::Triple::aarch64, "cortex-a53", "+neon", {}},
};

static llvm::Error targetError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

std::string AotTarget::getKernelIsa() const {
  return isa == "x86-64" ? std::string("generic") : isa;
}

std::string AotTarget::getDescription() const {
  return isa == "host" ? "host (" + cpu + ")" : isa;
}

/// Sets the CPU and features of `t` for its ISA.
static llvm::Error selectCpu(AotTarget &t, bool isHost) {
  if (t.isa == "host") {
    if (!isHost)
      return targetError("--isa is required for a cross target (" +
                         t.triple.str() + "): i8mm, dotprod or neon");
    t.cpu = llvm::sys::getHostCPUName().str();
    llvm::SmallVector<std::string> fs;
    for (auto &f : llvm::sys::getHostCPUFeatures())
      fs.push_back((f.second ? "+" : "-") + f.first().str());
    t.features = llvm::join(fs, ",");
    return llvm::Error::success();
  }
  const IsaInfo *info = nullptr;
  for (const IsaInfo &i : kIsas)
    if (i.name == t.isa)
      info = &i;
  std::string valid;
  for (const IsaInfo &i : kIsas)
    if (i.arch == t.triple.getArch())
      valid += (valid.empty() ? "" : ", ") + i.name.str();
  if (!info || info->arch != t.triple.getArch())
    return targetError(
        "unknown ISA '" + t.isa + "' for " + t.triple.str() +
        (valid.empty() ? " (unsupported target)" : "; valid: host, " + valid));
  t.cpu = info->cpu.str();
  t.features = info->features.str();
  if (isHost) {
    auto host = llvm::sys::getHostCPUFeatures();
    for (StringRef need : info->hostNeeds)
      if (!host.lookup(need))
        return targetError("this host CPU (" + llvm::sys::getHostCPUName() +
                           ") lacks " + need + ", which --isa=" + t.isa +
                           " needs; pick another --isa or cross-compile");
  }
  return llvm::Error::success();
}

llvm::Expected<AotTarget> mlir::qat::selectAotTarget(StringRef triple,
                                                     StringRef isa) {
  static bool initialized = [] {
    llvm::InitializeAllTargetInfos();
    llvm::InitializeAllTargets();
    llvm::InitializeAllTargetMCs();
    llvm::InitializeAllAsmPrinters();
    return true;
  }();
  (void)initialized;

  AotTarget t;
  t.triple = llvm::Triple(triple.empty() ? llvm::sys::getDefaultTargetTriple()
                                         : llvm::Triple::normalize(triple));
  t.isa = isa.str();
  bool isHost = triple.empty() ||
                t.triple.getArch() ==
                    llvm::Triple(llvm::sys::getDefaultTargetTriple()).getArch();
  if (llvm::Error e = selectCpu(t, isHost))
    return std::move(e);
  std::string err;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(t.triple, err);
  if (!target)
    return targetError("target " + t.triple.str() + ": " + err);
  t.machine.reset(target->createTargetMachine(
      t.triple, t.cpu, t.features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!t.machine)
    return targetError("cannot create a target machine for " + t.triple.str());
  return std::move(t);
}

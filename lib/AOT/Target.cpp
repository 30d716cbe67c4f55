//===- Target.cpp - the target machine of an AOT object -------------------===//
//
// The LLVM target machine for an --isa, from the target description
// (qat/Target/Target.h).
//
//===----------------------------------------------------------------------===//

#include "qat/AOT/Target.h"
#include "qat/Target/Target.h"

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

static llvm::Error targetError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

std::string AotTarget::getKernelIsa() const {
  const target::Isa *info = target::lookupIsa(isa);
  return info && !info->int8 ? std::string("generic") : isa;
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
    t.cpu = target::hostCodegenCpu();
    llvm::SmallVector<std::string> fs;
    for (auto &f : llvm::sys::getHostCPUFeatures())
      fs.push_back((f.second ? "+" : "-") + f.first().str());
    t.features = llvm::join(fs, ",");
    return llvm::Error::success();
  }
  std::optional<target::Arch> arch;
  if (t.triple.getArch() == llvm::Triple::x86_64)
    arch = target::Arch::X86_64;
  else if (t.triple.getArch() == llvm::Triple::aarch64)
    arch = target::Arch::AArch64;
  const target::Isa *info = target::lookupIsa(t.isa);
  if (!info || !arch || info->arch != *arch)
    return targetError("unknown ISA '" + t.isa + "' for " + t.triple.str() +
                       (arch ? "; valid: host, " + target::isaNames(*arch)
                             : std::string(" (unsupported target)")));
  t.cpu = info->llvmCpu.str();
  t.features = info->llvmFeatures.str();
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

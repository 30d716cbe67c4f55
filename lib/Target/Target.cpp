//===- Target.cpp - the one description of qat's targets ------------------===//

#include "qat/Target/Target.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir::qat::target;
using llvm::StringRef;

llvm::StringRef mlir::qat::target::archName(Arch arch) {
  return arch == Arch::X86_64 ? "x86_64" : "aarch64";
}

// Tiles: x86 has 32 zmm (AVX-512) or 16 ymm registers, Arm 32 128-bit ones.
static const Isa kIsas[] = {
    // vpdpbusd on zmm: 24 accumulators + 4 weight vectors + 1 broadcast.
    {"avx512vnni",
     Arch::X86_64,
     "icelake-server",
     "",
     {"avx512vnni", "avx512bw", "avx512vl"},
     512,
     Int8Tile{16, 4, 6, 4}},
    // {vex} vpdpbusd on ymm: 8 accumulators, 2 weights, 1 broadcast.
    {"avxvnni",
     Arch::X86_64,
     "alderlake",
     "",
     {"avxvnni"},
     256,
     Int8Tile{8, 4, 4, 2}},
    // vpmaddwd on 16-bit operands: 2 k per lane.
    {"avx2",
     Arch::X86_64,
     "haswell",
     "",
     {"avx2"},
     256,
     Int8Tile{8, 2, 4, 2, /*wide=*/true}},
    // Any x86-64 CPU: the generic lowering.
    {"x86-64", Arch::X86_64, "x86-64", "", {}, 128, std::nullopt},
    // usmmla 2x8x2 tiles: uint8 activations times int8 weights, as the
    // contract has them; 4 row pairs x 2 channel vectors = 16 accumulators.
    {"i8mm",
     Arch::AArch64,
     "neoverse-v1",
     "+dotprod,+i8mm",
     {},
     128,
     Int8Tile{4, 8, 4, 2, /*wide=*/false, /*lhsSigned=*/false,
              /*mmla=*/true}},
    // sdot: both signed; uint8 activations enter as x ^ 0x80. A 6 x 4 tile
    // of accumulators, 4 weight vectors and the broadcast row.
    {"dotprod",
     Arch::AArch64,
     "cortex-a76",
     "+dotprod",
     {},
     128,
     Int8Tile{4, 4, 6, 4, /*wide=*/false, /*lhsSigned=*/true}},
    // 16-bit widening multiplies need temporaries: a 4 x 2 tile.
    {"neon",
     Arch::AArch64,
     "cortex-a53",
     "+neon",
     {},
     128,
     Int8Tile{4, 2, 4, 2, /*wide=*/true}},
};

bool Isa::runsOn(const llvm::StringMap<bool> &hostFeatures) const {
  return llvm::all_of(hostNeeds,
                      [&](StringRef f) { return hostFeatures.lookup(f); });
}

llvm::ArrayRef<Isa> mlir::qat::target::allIsas() { return kIsas; }

const Isa *mlir::qat::target::lookupIsa(StringRef name) {
  for (const Isa &isa : kIsas)
    if (isa.name == name)
      return &isa;
  return nullptr;
}

const Isa *mlir::qat::target::hostIsa() {
  static const Isa *host = []() -> const Isa * {
    llvm::Triple triple(llvm::sys::getProcessTriple());
    if (triple.getArch() != llvm::Triple::x86_64)
      return nullptr;
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    for (const Isa &isa : kIsas)
      if (isa.arch == Arch::X86_64 && isa.int8 && isa.runsOn(features))
        return &isa;
    return nullptr;
  }();
  return host;
}

// A VM that masks the CPU's model number makes LLVM misname the host (an
// AMX machine as rocketlake), and the name picks the scheduling model and
// the vectorizer's costs: the code, its speed, and the order in which
// reassociable reductions sum would then depend on what the VM reports
// rather than on what the CPU can do. The feature levels are fixed models.
std::string mlir::qat::target::hostCodegenCpu() {
  llvm::Triple triple(llvm::sys::getProcessTriple());
  if (triple.getArch() != llvm::Triple::x86_64)
    return "generic";
  llvm::StringMap<bool> f = llvm::sys::getHostCPUFeatures();
  auto all = [&](std::initializer_list<StringRef> names) {
    return llvm::all_of(names, [&](StringRef n) { return f.lookup(n); });
  };
  if (!all({"cx16", "sahf", "popcnt", "sse4.2", "ssse3"}))
    return "x86-64";
  if (!all({"avx2", "bmi", "bmi2", "f16c", "fma", "lzcnt", "movbe", "xsave"}))
    return "x86-64-v2";
  if (!all({"avx512f", "avx512bw", "avx512cd", "avx512dq", "avx512vl"}))
    return "x86-64-v3";
  return "x86-64-v4";
}

std::optional<const Isa *>
mlir::qat::target::parseKernelIsa(StringRef name, std::optional<Arch> arch) {
  if (name == "generic")
    return nullptr;
  const Isa *isa = name == "host" ? hostIsa() : lookupIsa(name);
  if (name == "host")
    return isa;
  if (!isa || (arch && isa->arch != *arch))
    return std::nullopt;
  return isa;
}

std::string mlir::qat::target::isaNames(Arch arch, bool withInt8Only) {
  llvm::SmallVector<StringRef> names;
  for (const Isa &isa : kIsas)
    if (isa.arch == arch && (isa.int8 || !withInt8Only))
      names.push_back(isa.name);
  return llvm::join(names, ", ");
}

//===- Target.h - the one description of qat's targets ----------*- C++ -*-===//
//
// Every fact about an instruction set that qat generates code for: its
// architecture, the CPU and features LLVM compiles it with, the host
// features it needs to run, its vector width and the register tiles of the
// GEMM kernels. The lowering passes (--qat-lower-x86, --qat-lower-arm), the
// qat-to-llvm pipeline, qat-run --isa, qat-compile and the JIT read it here.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TARGET_TARGET_H
#define QAT_TARGET_TARGET_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>

namespace mlir::qat::target {

enum class Arch { X86_64, AArch64 };

/// "x86_64" or "aarch64" (LLVM's architecture names).
llvm::StringRef archName(Arch arch);

/// The register tile of the int8 GEMM kernels on one ISA: how it computes
/// `acc[lane] += sum_{e < group} x[e] * w[lane][e]` (qat.dot_accumulate) and
/// how large a tile its registers afford.
struct Int8Tile {
  /// int32 accumulator lanes per vector register.
  int64_t lanes;
  /// Consecutive k per lane per instruction (one 32-bit broadcast of x).
  int64_t group;
  /// Register tile: rows of x by vectors of output channels.
  int64_t mr, nr;
  /// 16-bit operands (x86 vpmaddwd, Arm smull/smlal) instead of bytes.
  bool wide = false;
  /// The byte instruction reads x as signed (Arm sdot) rather than
  /// unsigned (x86 vpdpbusd, Arm usdot).
  bool lhsSigned = false;
  /// 2x8x2 matrix tiles (Arm usmmla, qat.mmla_accumulate) instead of
  /// per-lane dot products: rows of x go in pairs, `group` is 8, each
  /// channel vector of `lanes` = 4 takes two accumulators, and `mr` counts
  /// row pairs.
  bool mmla = false;
};

/// The register tile of the f32 GEMMs of the training step
/// (lowering::buildTiledGemm): `rows` x `vectors` accumulators of `lanes`
/// floats, the reduction blocked by `blockTerms` terms for L1, innermost
/// axes of at most `unrollTerms` terms unrolled. The arithmetic (one FMA
/// per term, terms in order) does not depend on it.
struct F32Tile {
  int64_t lanes, rows, vectors, blockTerms, unrollTerms;
};

/// 4 x 4 vectors of 16 lanes leave half of AVX-512's 32 zmm registers for
/// B rows, A broadcasts and products; a B panel of 128 rows by 64 columns
/// (32 KiB) stays in L1. On narrower hosts LLVM splits each vector. The
/// training step is compiled for the host it runs on with this one tile.
inline constexpr F32Tile kF32Tile = {16, 4, 4, 128, 16};

/// One instruction set qat generates code for.
struct Isa {
  llvm::StringRef name;
  Arch arch;
  /// The CPU and extra features LLVM compiles for (`-mcpu`, `-mattr`).
  llvm::StringRef llvmCpu, llvmFeatures;
  /// Host CPU features (LLVM's names) that its code needs to run here.
  llvm::SmallVector<llvm::StringRef, 3> hostNeeds;
  /// Width of a vector register in bits.
  unsigned vectorBits;
  /// The int8 kernels' tile; none where int8 layers take the generic
  /// lowering (`x86-64`, a baseline CPU).
  std::optional<Int8Tile> int8;

  /// Whether a host with these features (llvm::sys::getHostCPUFeatures)
  /// runs its code.
  bool runsOn(const llvm::StringMap<bool> &hostFeatures) const;
};

/// Every ISA, best first within each architecture.
llvm::ArrayRef<Isa> allIsas();

/// The ISA named `name` (not "host" or "generic"); null if there is none.
const Isa *lookupIsa(llvm::StringRef name);

/// The best ISA with int8 kernels that the compiling machine runs, if it
/// is x86-64 (host detection); null elsewhere and on x86 CPUs without AVX2.
const Isa *hostIsa();

/// The CPU that code for this host is compiled and tuned for: on x86-64,
/// the feature level (x86-64-v2/v3/v4) that the host's features reach, not
/// LLVM's name for the host; "generic" elsewhere. The host's features are
/// added to it by the caller.
std::string hostCodegenCpu();

/// The kernels an `isa=` option selects: an ISA, "host" (hostIsa()), or
/// "generic" (no int8 kernels: returns a null Isa). Fails (nullopt) for an
/// unknown name or one of another architecture than `arch`, if given.
std::optional<const Isa *> parseKernelIsa(llvm::StringRef name,
                                          std::optional<Arch> arch = {});

/// The names `arch`'s ISAs answer to, for messages: "avx512vnni, avxvnni,
/// avx2" (with `withInt8Only`, only those with int8 kernels).
std::string isaNames(Arch arch, bool withInt8Only = false);

} // namespace mlir::qat::target

#endif // QAT_TARGET_TARGET_H

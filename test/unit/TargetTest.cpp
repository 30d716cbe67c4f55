//===- TargetTest.cpp - the ISA table and its look-ups --------------------===//

#include "qat/Target/Target.h"

#include <gtest/gtest.h>

using namespace mlir::qat::target;

namespace {

// The table states each fact once per ISA; these are the relations between
// its columns that the lowerings rely on.
TEST(TargetTest, TablesAgree) {
  for (const Isa &isa : allIsas()) {
    SCOPED_TRACE(isa.name.str());
    EXPECT_EQ(lookupIsa(isa.name), &isa);
    if (!isa.int8)
      continue;
    // One int32 accumulator per lane fills a vector register.
    EXPECT_EQ(isa.int8->lanes * 32, static_cast<int64_t>(isa.vectorBits));
    // A group of bytes (or 16-bit pairs) is one 32-bit broadcast of x.
    int64_t bytes = isa.int8->wide ? 2 : 1;
    if (!isa.int8->mmla)
      EXPECT_EQ(isa.int8->group * bytes, 4);
    else
      EXPECT_EQ(isa.int8->group, 8);
    // Host detection only picks x86 ISAs, which name the features they need.
    if (isa.arch == Arch::X86_64)
      EXPECT_FALSE(isa.hostNeeds.empty());
  }
}

TEST(TargetTest, ParseKernelIsa) {
  EXPECT_EQ(parseKernelIsa("generic"), std::optional<const Isa *>(nullptr));
  EXPECT_EQ(*parseKernelIsa("avx512vnni", Arch::X86_64),
            lookupIsa("avx512vnni"));
  EXPECT_EQ(*parseKernelIsa("i8mm", Arch::AArch64), lookupIsa("i8mm"));
  // Another architecture's ISA and unknown names fail.
  EXPECT_FALSE(parseKernelIsa("i8mm", Arch::X86_64).has_value());
  EXPECT_FALSE(parseKernelIsa("avx2", Arch::AArch64).has_value());
  EXPECT_FALSE(parseKernelIsa("avx1024").has_value());
  EXPECT_EQ(*parseKernelIsa("host"), hostIsa());
}

TEST(TargetTest, RunsOn) {
  const Isa *vnni = lookupIsa("avx512vnni");
  llvm::StringMap<bool> features;
  features["avx512vnni"] = true;
  features["avx512bw"] = true;
  EXPECT_FALSE(vnni->runsOn(features));
  features["avx512vl"] = true;
  EXPECT_TRUE(vnni->runsOn(features));
  EXPECT_TRUE(lookupIsa("x86-64")->runsOn({}));
}

TEST(TargetTest, IsaNames) {
  EXPECT_EQ(isaNames(Arch::X86_64, /*withInt8Only=*/true),
            "avx512vnni, avxvnni, avx2");
  EXPECT_EQ(isaNames(Arch::X86_64), "avx512vnni, avxvnni, avx2, x86-64");
  EXPECT_EQ(isaNames(Arch::AArch64), "i8mm, dotprod, neon");
}

} // namespace

//===- JitAllocTest.cpp - the JIT's temporary-buffer cache ----------------===//

#include "qat/JIT/JitAlloc.h"
#include "qat/InitAll.h"
#include "qat/JIT/JitModule.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

using namespace mlir;
using namespace mlir::qat;
using runtime::DType;
using runtime::Tensor;

namespace {
bool aligned(void *p, size_t a) {
  return reinterpret_cast<uintptr_t>(p) % a == 0;
}

TEST(JitAllocTest, AlignedAndWritable) {
  for (size_t a : {1, 8, 16, 64, 4096}) {
    void *p = qat_rt_aligned_alloc(a, 1000);
    ASSERT_NE(p, nullptr) << a;
    EXPECT_TRUE(aligned(p, a)) << a;
    std::memset(p, 0xab, 1000);
    qat_rt_free(p);
  }
  // Not a power of two: aligned_alloc's contract is a null result.
  EXPECT_EQ(qat_rt_aligned_alloc(48, 64), nullptr);
  EXPECT_EQ(qat_rt_aligned_alloc(0, 64), nullptr);
  runtime::jitAllocReleaseCache();
  EXPECT_EQ(runtime::jitAllocCachedBytes(), 0u);
}

TEST(JitAllocTest, FreedBlocksAreReusedBySizeAndAlignment) {
  runtime::jitAllocReleaseCache();
  void *a = qat_rt_aligned_alloc(64, 4096);
  void *b = qat_rt_aligned_alloc(64, 4096);
  EXPECT_NE(a, b);
  qat_rt_free(a);
  EXPECT_EQ(runtime::jitAllocCachedBytes(), 4096u);
  // Another size or alignment does not take the cached block.
  void *c = qat_rt_aligned_alloc(64, 4000);
  void *d = qat_rt_aligned_alloc(128, 4096);
  EXPECT_NE(c, a);
  EXPECT_NE(d, a);
  // The same request does.
  void *e = qat_rt_aligned_alloc(64, 4096);
  EXPECT_EQ(e, a);
  EXPECT_EQ(runtime::jitAllocCachedBytes(), 0u);
  for (void *p : {b, c, d, e})
    qat_rt_free(p);
  EXPECT_EQ(runtime::jitAllocCachedBytes(), 3u * 4096 + 4000);
  runtime::jitAllocReleaseCache();
  EXPECT_EQ(runtime::jitAllocCachedBytes(), 0u);
}

TEST(JitAllocTest, ForeignPointersGoToTheSystemFree) {
  qat_rt_free(nullptr);
  void *p = std::malloc(100);
  std::memset(p, 0, 100);
  qat_rt_free(p); // no crash, not cached
  EXPECT_EQ(runtime::jitAllocCachedBytes(), 0u);
}

// The generated code's temporaries come from the cache: after one call the
// freed temporaries are cached, and a second call reuses them (the cache
// does not grow) with the same result.
TEST(JitAllocTest, GeneratedCodeUsesTheCache) {
  const char *src = R"mlir(
func.func @forward(%x: tensor<8x300xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x300xf32>
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %y = qat.linear %x, %w, %b : (tensor<8x300xf32>, tensor<4x300xf32>, tensor<4xf32>) -> tensor<8x4xf32>
  %r = qat.relu %y : tensor<8x4xf32>
  return %r : tensor<8x4xf32>
}
)mlir";
  DialectRegistry registry;
  registerQatDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(src, &ctx);
  ASSERT_TRUE(module);
  auto jit =
      JitModule::compile(std::move(module), {"forward"}, JitOptions{"generic"});
  ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
  Tensor x = Tensor::zeros(DType::F32, {8, 300});
  for (int64_t i = 0; i < x.getNumElements(); ++i)
    x.data<float>()[i] = float(i % 7) - 3.0f;
  runtime::jitAllocReleaseCache();
  auto first = (*jit)->run({&x});
  ASSERT_TRUE(static_cast<bool>(first)) << llvm::toString(first.takeError());
  size_t cached = runtime::jitAllocCachedBytes();
  EXPECT_GT(cached, 0u);
  auto second = (*jit)->run({&x});
  ASSERT_TRUE(static_cast<bool>(second)) << llvm::toString(second.takeError());
  EXPECT_EQ(runtime::jitAllocCachedBytes(), cached);
  for (int64_t i = 0; i < 32; ++i)
    EXPECT_EQ((*first)[0].data<float>()[i], (*second)[0].data<float>()[i]);
  // Row r of x sums sum_k (k + 300 r) % 7 - 3 over 300 terms; times 0.5,
  // plus 1, then relu.
  for (int64_t r = 0; r < 8; ++r) {
    double s = 0;
    for (int64_t k = 0; k < 300; ++k)
      s += double((r * 300 + k) % 7) - 3.0;
    EXPECT_FLOAT_EQ((*first)[0].data<float>()[r * 4],
                    std::max(0.0, 0.5 * s + 1.0))
        << r;
  }
}

// A temporary that cannot be allocated (here 4.6e18 bytes, which no system
// has) makes the entry free what it holds and return; run() reports the
// model and the size, and the module and the allocator stay usable.
TEST(JitAllocTest, OutOfMemoryIsReportedAndLeaksNothing) {
  const char *src = R"mlir(
func.func @forward(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<2.0> : tensor<1x1xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %y = qat.linear %x, %w, %b : (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  %r = qat.reshape %y : tensor<1x1xf32> -> tensor<1x1x1x1xf32>
  %cw = arith.constant dense<1.0> : tensor<1x1x1x1xf32>
  %c = qat.conv2d %r, %cw {padding = array<i64: 536870912, 536870912>}
      : (tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>) -> tensor<1x1x1073741825x1073741825xf32>
  %g = qat.global_avg_pool %c : tensor<1x1x1073741825x1073741825xf32> -> tensor<1x1x1x1xf32>
  %f = qat.flatten %g : tensor<1x1x1x1xf32> -> tensor<1x1xf32>
  %s = qat.add %f, %y : (tensor<1x1xf32>, tensor<1x1xf32>) -> tensor<1x1xf32>
  return %s : tensor<1x1xf32>
}
func.func @small(%x: tensor<1x1xf32>) -> tensor<1x1xf32> {
  %w = arith.constant dense<2.0> : tensor<1x1xf32>
  %b = arith.constant dense<1.0> : tensor<1xf32>
  %y = qat.linear %x, %w, %b : (tensor<1x1xf32>, tensor<1x1xf32>, tensor<1xf32>) -> tensor<1x1xf32>
  return %y : tensor<1x1xf32>
}
)mlir";
  DialectRegistry registry;
  registerQatDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(src, &ctx, "oom.mlir");
  ASSERT_TRUE(module);
  auto jit = JitModule::compile(std::move(module), {"forward", "small"},
                                JitOptions{"generic"});
  ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
  Tensor x = Tensor::zeros(DType::F32, {1, 1});
  x.data<float>()[0] = 3.0f;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto out = (*jit)->run("forward", {&x});
    ASSERT_FALSE(static_cast<bool>(out));
    EXPECT_EQ(llvm::toString(out.takeError()),
              "oom.mlir: @forward ran out of memory: allocating a temporary "
              "of 4611686027.02 GB (4611686027017322560 bytes) failed; a "
              "smaller batch needs less");
    EXPECT_EQ(runtime::jitAllocLiveBytes(), 0u) << attempt;
  }
  auto small = (*jit)->run("small", {&x});
  ASSERT_TRUE(static_cast<bool>(small)) << llvm::toString(small.takeError());
  EXPECT_EQ((*small)[0].data<float>()[0], 7.0f);
  EXPECT_EQ(runtime::jitAllocLiveBytes(), 0u);
}
} // namespace

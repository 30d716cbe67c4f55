//===- JitAlloc.cpp - buffer cache for JIT-compiled code ------------------===//

#include "qat/JIT/JitAlloc.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <vector>

using namespace mlir::qat::runtime;

namespace {
/// The 16 bytes right before the returned pointer (where glibc keeps its
/// own chunk header, so reading them is safe for any heap pointer). The
/// magic tells our blocks from foreign ones, which go to the system free.
struct Header {
  uint32_t magic;
  uint32_t log2Alignment;
  uint64_t size;
};
static_assert(sizeof(Header) == 16, "one 16-byte header");
constexpr uint32_t kMagic = 0x71617441; // "qatA"

/// Above this many cached bytes, freed blocks go back to the system: a
/// process that runs models of many shapes does not keep them all.
constexpr size_t kMaxCachedBytes = size_t(1) << 30;

struct Cache {
  std::mutex mutex;
  std::unordered_map<uint64_t, std::vector<void *>> free;
  size_t cachedBytes = 0;
  /// Bytes of the blocks handed out and not freed yet.
  std::atomic<size_t> liveBytes{0};
};

Cache &cache() {
  static Cache *c = new Cache; // never destroyed: used until exit
  return *c;
}

uint32_t log2(size_t alignment) {
  uint32_t l = 0;
  while ((size_t(1) << l) < alignment)
    ++l;
  return l;
}

uint64_t keyOf(size_t size, uint32_t log2Alignment) {
  return uint64_t(size) * 64 + log2Alignment;
}

Header *headerOf(void *ptr) { return static_cast<Header *>(ptr) - 1; }
} // namespace

/// The size of this thread's largest failed allocation since the last
/// takeJitAllocFailure. The generated code allocates only on the thread
/// that called it, on entry (--qat-check-allocations), so the thread that
/// sees an entry fail finds the size here.
static thread_local size_t failedBytes = 0;

extern "C" void *qat_rt_aligned_alloc(size_t alignment, size_t size) {
  if (alignment == 0 || (alignment & (alignment - 1))) {
    failedBytes = std::max(failedBytes, size);
    return nullptr; // not a power of two: aligned_alloc's contract
  }
  // The header takes one whole alignment unit so the user pointer stays
  // aligned.
  if (alignment < sizeof(Header))
    alignment = sizeof(Header);
  uint32_t l2 = log2(alignment);
  Cache &c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free.find(keyOf(size, l2));
    if (it != c.free.end() && !it->second.empty()) {
      void *p = it->second.back();
      it->second.pop_back();
      c.cachedBytes -= size;
      c.liveBytes.fetch_add(size, std::memory_order_relaxed);
      return p;
    }
  }
  size_t total = alignment + (size + alignment - 1) / alignment * alignment;
  char *base = static_cast<char *>(std::aligned_alloc(alignment, total));
  if (!base) {
    // Blocks cached for other sizes may be what is missing: give them back
    // and try once more before the generated code reports the failure.
    mlir::qat::runtime::jitAllocReleaseCache();
    base = static_cast<char *>(std::aligned_alloc(alignment, total));
  }
  if (!base) {
    failedBytes = std::max(failedBytes, size);
    return nullptr;
  }
  void *p = base + alignment;
  *headerOf(p) = {kMagic, l2, size};
  c.liveBytes.fetch_add(size, std::memory_order_relaxed);
  return p;
}

/// The system allocation behind block `p` (its header invalidated).
static void releaseBlock(void *p) {
  Header *h = headerOf(p);
  h->magic = 0;
  std::free(static_cast<char *>(p) - (size_t(1) << h->log2Alignment));
}

extern "C" void qat_rt_free(void *ptr) {
  if (!ptr)
    return;
  Header *h = headerOf(ptr);
  if (h->magic != kMagic) {
    std::free(ptr);
    return;
  }
  Cache &c = cache();
  c.liveBytes.fetch_sub(h->size, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.cachedBytes + h->size <= kMaxCachedBytes) {
      c.free[keyOf(h->size, h->log2Alignment)].push_back(ptr);
      c.cachedBytes += h->size;
      return;
    }
  }
  releaseBlock(ptr);
}

size_t mlir::qat::runtime::jitAllocCachedBytes() {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.cachedBytes;
}

size_t mlir::qat::runtime::jitAllocLiveBytes() {
  return cache().liveBytes.load(std::memory_order_relaxed);
}

void mlir::qat::runtime::jitAllocReleaseCache() {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  for (auto &[key, blocks] : c.free)
    for (void *p : blocks)
      releaseBlock(p);
  c.free.clear();
  c.cachedBytes = 0;
}

size_t mlir::qat::runtime::takeJitAllocFailure() {
  size_t bytes = failedBytes;
  failedBytes = 0;
  return bytes;
}

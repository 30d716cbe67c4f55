//===- JitAlloc.h - buffer cache for JIT-compiled code ----------*- C++ -*-===//
//
// The generated code allocates every temporary with aligned_alloc and frees
// it before returning, so a training step makes the same ~100 allocations
// of the same sizes every call. Under the JIT those calls resolve to the
// functions below, which keep freed blocks in per-size free lists: from the
// second call on, an allocation is a list pop instead of a walk of glibc's
// free lists (and its consolidation of the large, just-freed chunks).
//
// The symbols keep the C names aligned_alloc/free in the IR so that LLVM
// still treats every temporary as a distinct object (noalias), which is
// what lets its vectorizer drop run-time alias checks; only the JIT's
// symbol resolution points them here.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_JIT_JITALLOC_H
#define QAT_JIT_JITALLOC_H

#include <cstddef>

namespace mlir::qat::runtime {
/// Bytes held in the free lists (for tests and diagnostics).
size_t jitAllocCachedBytes();
/// Bytes the generated code holds: allocated and not freed yet (0 between
/// calls, also after a call that ran out of memory).
size_t jitAllocLiveBytes();
/// Returns every cached block to the system allocator.
void jitAllocReleaseCache();
/// The size in bytes of this thread's largest allocation that failed since
/// the last call (0 if none), which it forgets.
size_t takeJitAllocFailure();
} // namespace mlir::qat::runtime

extern "C" {
/// aligned_alloc with a per-(size, alignment) cache of freed blocks. When the
/// system has no memory left it releases the cache and tries again; if that
/// fails too, it records the size (takeJitAllocFailure) and returns null,
/// which the generated code checks (--qat-check-allocations).
void *qat_rt_aligned_alloc(size_t alignment, size_t size);
/// free for blocks of qat_rt_aligned_alloc; any other pointer (or null)
/// goes to the system free.
void qat_rt_free(void *ptr);
}

#endif // QAT_JIT_JITALLOC_H

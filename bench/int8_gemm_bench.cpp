// int8_gemm_bench.cpp - G1/G2/G3 (bench/README.md): qat-compile'd
// int8 GEMM + fused requant vs oneDNN's matmul, side by side in one process.
//
// Built and run by bench/int8_gemm_bench.sh, which generates the models
// (bench/int8_gemm_gen.py), compiles them with qat-compile into g1.o g2.o
// g3.o (entry points g1_forward_q, ...) and links them here with -ldnnl.
//
//   int8_gemm_bench --dir DIR [--runs N] [--warmup N] [--cases g1,g2,g3]
//                   [--onednn-isa vnni|native] [--no-cold] [--threads N]
//                   [--json FILE]
//
// Per case: check ours against the scalar reference of docs/numerics.md on
// every element (and count oneDNN's differences from it), then time both peers
// interleaved (one call of each per run), pinned by the caller. Reports the
// median and min of the runs, GOPS (2*M*N*K per call), ratio ours/oneDNN and
// % of the vpdpbusd limit measured at start-up. G2 also: microseconds and
// weight GB/s, hot (same weights every call) and cold (weights, input and
// output flushed from every cache level with clflushopt before each call).
//
// --threads N: the objects were compiled with qat-compile --threads N (their
// thread count is fixed there); oneDNN (built on OpenMP) gets N through
// omp_set_num_threads of the OpenMP runtime its calls bind to, looked up
// the way the dynamic linker binds them (dlsym(RTLD_DEFAULT)): libgomp, or
// LLVM's libomp when it comes first in the process (it also implements
// libgomp's ABI, so a threaded qat object linked with -lomp takes oneDNN's
// OpenMP calls too). --json FILE writes the timings for the scaling table of
// bench/int8_gemm_bench.sh.
#include "g1.h"
#include "g2.h"
#include "g3.h"

#include <oneapi/dnnl/dnnl.hpp>

#include <dlfcn.h>
#include <immintrin.h>
#include <link.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct Stats {
  double median, min;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  double med = n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
  return {med, v.front()};
}

template <typename T>
std::vector<T> readFile(const std::string &path, size_t n) {
  std::vector<T> v(n);
  std::ifstream f(path, std::ios::binary);
  if (!f.read(reinterpret_cast<char *>(v.data()), n * sizeof(T))) {
    fprintf(stderr, "int8_gemm_bench: cannot read %zu values from %s\n", n,
            path.c_str());
    exit(2);
  }
  return v;
}

//===----------------------------------------------------------------------===//
// The vpdpbusd limit: CHAINS independent zmm accumulators
//===----------------------------------------------------------------------===//

// One loop iteration: `chains` vpdpbusd on distinct zmm accumulators (zmm0..
// zmm23), sources zmm30/zmm31. Inline asm, so no compiler spill or merge.
#define QB_DP(n) "vpdpbusd %%zmm31, %%zmm30, %%zmm" #n "\n\t"
__attribute__((noinline, target("avx512f,avx512vnni"))) double
vpdpbusdRate(int chains, long iters) {
  auto t0 = Clock::now();
  if (chains == 12) {
    asm volatile(
        "vpternlogd $0xff, %%zmm30, %%zmm30, %%zmm30\n\t"
        "vpternlogd $0xff, %%zmm31, %%zmm31, %%zmm31\n\t"
        "1:\n\t" QB_DP(0) QB_DP(1) QB_DP(2) QB_DP(3) QB_DP(4) QB_DP(5) QB_DP(6)
            QB_DP(7) QB_DP(8) QB_DP(9) QB_DP(10) QB_DP(11) "dec %0\n\t"
                                                           "jnz 1b\n\t"
        : "+r"(iters)
        :
        : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7",
          "xmm8", "xmm9", "xmm10", "xmm11", "xmm30", "xmm31", "cc");
  } else {
    asm volatile("vpternlogd $0xff, %%zmm30, %%zmm30, %%zmm30\n\t"
                 "vpternlogd $0xff, %%zmm31, %%zmm31, %%zmm31\n\t"
                 "1:\n\t" QB_DP(0) QB_DP(1) QB_DP(2) QB_DP(3) QB_DP(4) QB_DP(5)
                     QB_DP(6) QB_DP(7) QB_DP(8) QB_DP(9) QB_DP(10) QB_DP(11)
                         QB_DP(12) QB_DP(13) QB_DP(14) QB_DP(15) QB_DP(16)
                             QB_DP(17) QB_DP(18) QB_DP(19) QB_DP(20) QB_DP(21)
                                 QB_DP(22) QB_DP(23) "dec %0\n\t"
                                                     "jnz 1b\n\t"
                 : "+r"(iters)
                 :
                 : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6",
                   "xmm7", "xmm8", "xmm9", "xmm10", "xmm11", "xmm12", "xmm13",
                   "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19",
                   "xmm20", "xmm21", "xmm22", "xmm23", "xmm30", "xmm31", "cc");
  }
  auto t1 = Clock::now();
  return seconds(t0, t1);
}
#undef QB_DP

double measureLimitGmacs() {
  double best = 0;
  for (int rep = 0; rep < 5; ++rep) {
    // MACs per instruction: 16 lanes x 4 byte products.
    for (int chains : {12, 24}) {
      long iters = 240000000 / chains;
      best = std::max(best, double(iters) * chains * 64 /
                                vpdpbusdRate(chains, iters) / 1e9);
    }
  }
  return best;
}

//===----------------------------------------------------------------------===//
// Cache flushing for the cold runs
//===----------------------------------------------------------------------===//

__attribute__((target("clflushopt"))) void flushRange(const void *p, size_t n) {
  const char *c = static_cast<const char *>(p);
  uintptr_t start = reinterpret_cast<uintptr_t>(c) & ~uintptr_t(63);
  uintptr_t end = reinterpret_cast<uintptr_t>(c) + n;
  for (uintptr_t a = start; a < end; a += 64)
    _mm_clflushopt(reinterpret_cast<void *>(a));
}

struct Segment {
  const void *p;
  size_t n;
};

// The main program's non-executable loaded segments: the qat-compile'd
// objects' packed weights, per-channel constants and multipliers live in
// their .rodata, linked into this executable.
std::vector<Segment> programDataSegments() {
  std::vector<Segment> segs;
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *data) -> int {
        auto *out = static_cast<std::vector<Segment> *>(data);
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          if (ph.p_type == PT_LOAD && !(ph.p_flags & PF_X))
            out->push_back(
                {reinterpret_cast<const void *>(info->dlpi_addr + ph.p_vaddr),
                 ph.p_memsz});
        }
        return 1; // the first object is the main program
      },
      &segs);
  return segs;
}

// Read bandwidth of one pass over `n` bytes (zmm loads into 8 independent
// sums), hot (after a warm pass) or cold (after flushing the buffer).
__attribute__((noinline, target("avx512f"))) double
readSeconds(const uint8_t *p, size_t n) {
  __m512i s[8];
  for (int j = 0; j < 8; ++j)
    s[j] = _mm512_setzero_si512();
  auto t0 = Clock::now();
  for (size_t i = 0; i < n; i += 512) {
#pragma GCC unroll 8
    for (int j = 0; j < 8; ++j)
      s[j] = _mm512_add_epi32(s[j], _mm512_load_si512(p + i + 64 * j));
  }
  auto t1 = Clock::now();
  for (int j = 1; j < 8; ++j)
    s[0] = _mm512_add_epi32(s[0], s[j]);
  volatile int sink = _mm512_reduce_add_epi32(s[0]);
  (void)sink;
  return seconds(t0, t1);
}

struct Bandwidth {
  Stats hot, cold; // GB/s: median, max (in the min field: best)
};

Bandwidth measureReadBandwidth(size_t n, int runs) {
  uint8_t *buf = static_cast<uint8_t *>(aligned_alloc(4096, n));
  for (size_t i = 0; i < n; ++i)
    buf[i] = uint8_t(i * 7);
  std::vector<double> hot, cold;
  // All hot passes first: a pass right after a flushed one would find the
  // buffer only partly back in the L3 (victim cache on recent Intel cores).
  for (int r = 0; r < 3; ++r)
    readSeconds(buf, n);
  for (int r = 0; r < runs; ++r)
    hot.push_back(readSeconds(buf, n));
  for (int r = 0; r < runs; ++r) {
    flushRange(buf, n);
    _mm_mfence();
    cold.push_back(readSeconds(buf, n));
  }
  free(buf);
  Stats h = stats(hot), c = stats(cold);
  return {{n / h.median / 1e9, n / h.min / 1e9},
          {n / c.median / 1e9, n / c.min / 1e9}};
}

//===----------------------------------------------------------------------===//
// A case
//===----------------------------------------------------------------------===//

struct Case {
  std::string name;
  void (*fwd)(const uint8_t *, uint8_t *);
  int64_t m, n, k;
  float sx, sy;
  int zx, zy;
  std::vector<int8_t> w; // [N][K]
  std::vector<int32_t> b;
  std::vector<float> sw;
  std::vector<uint8_t> x; // [M][K]
};

Case loadCase(const std::string &dir, const std::string &name,
              void (*fwd)(const uint8_t *, uint8_t *), int64_t m, int64_t n,
              int64_t k) {
  Case c;
  c.name = name;
  c.fwd = fwd;
  std::ifstream qp(dir + "/" + name + ".qp");
  int64_t qm, qn, qk;
  double sx, sy;
  if (!(qp >> qm >> qn >> qk >> sx >> c.zx >> sy >> c.zy) || qm != m ||
      qn != n || qk != k) {
    fprintf(stderr,
            "int8_gemm_bench: %s/%s.qp missing or not M=%ld N=%ld K=%ld\n",
            dir.c_str(), name.c_str(), (long)m, (long)n, (long)k);
    exit(2);
  }
  c.m = m, c.n = n, c.k = k;
  c.sx = float(sx), c.sy = float(sy);
  c.w = readFile<int8_t>(dir + "/" + name + ".w.bin", n * k);
  c.b = readFile<int32_t>(dir + "/" + name + ".b.bin", n);
  c.sw = readFile<float>(dir + "/" + name + ".sw.bin", n);
  c.x = readFile<uint8_t>(dir + "/" + name + ".x.bin", m * k);
  return c;
}

// docs/numerics.md's integer inference, scalar: int32 acc with the bias,
// M = float(sx) * float(sw[c]) / float(sy) in float32 in that order,
// q = clamp(nearbyintf(float(acc) * M) + zp_y). Built with
// -ffp-contract=off.
std::vector<float> multipliers(const Case &c) {
  std::vector<float> mult(c.n);
  for (int64_t j = 0; j < c.n; ++j) {
    volatile float t = c.sx * c.sw[j];
    mult[j] = t / c.sy;
  }
  return mult;
}

std::vector<uint8_t> reference(const Case &c) {
  std::vector<float> mult = multipliers(c);
  std::vector<uint8_t> y(c.m * c.n);
  std::vector<int32_t> xs(c.k);
  for (int64_t i = 0; i < c.m; ++i) {
    for (int64_t kk = 0; kk < c.k; ++kk)
      xs[kk] = int32_t(c.x[i * c.k + kk]) - c.zx;
    for (int64_t j = 0; j < c.n; ++j) {
      const int8_t *wr = &c.w[j * c.k];
      int32_t acc = 0;
      for (int64_t kk = 0; kk < c.k; ++kk)
        acc += xs[kk] * int32_t(wr[kk]);
      acc += c.b[j];
      float r = nearbyintf(float(acc) * mult[j]) + float(c.zy);
      r = std::min(255.0f, std::max(0.0f, r));
      y[i * c.n + j] = uint8_t(r);
    }
  }
  return y;
}

struct Diff {
  size_t count = 0;
  int maxAbs = 0;
};

Diff compare(const std::vector<uint8_t> &a, const uint8_t *b) {
  Diff d;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i]) {
      ++d.count;
      d.maxAbs = std::max(d.maxAbs, std::abs(int(a[i]) - int(b[i])));
    }
  return d;
}

//===----------------------------------------------------------------------===//
// oneDNN
//===----------------------------------------------------------------------===//

struct OneDnnMatmul {
  dnnl::matmul prim;
  dnnl::memory src, wei, bias, dst;
  std::string impl;
  bool hasBias = false;
  void run(dnnl::stream &s) {
    if (hasBias)
      prim.execute(s, {{DNNL_ARG_SRC, src},
                       {DNNL_ARG_WEIGHTS, wei},
                       {DNNL_ARG_BIAS, bias},
                       {DNNL_ARG_DST, dst}});
    else
      prim.execute(
          s,
          {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wei}, {DNNL_ARG_DST, dst}});
    s.wait();
  }
};

// u8 x s8 -> u8 with per-channel output scales (the requant multipliers),
// src and dst zero points and an s32 bias: oneDNN 2.6's
// dst = sat_u8(round(scale[c] * (sum_k (x - zx) * w + b)) + zy)
// (its rounding step may differ; differences are counted). With requant =
// false: u8 x s8 -> s32, no zero point, no bias, no scale (the raw GEMM).
OneDnnMatmul makeOneDnn(dnnl::engine &eng, dnnl::stream &s, const Case &c,
                        bool requant, uint8_t *srcData) {
  using namespace dnnl;
  using dt = memory::data_type;
  using tag = memory::format_tag;
  memory::dims sd{c.m, c.k}, wd{c.k, c.n}, bd{1, c.n}, dd{c.m, c.n};
  memory::desc srcMd(sd, dt::u8, tag::ab);
  memory::desc weiAny(wd, dt::s8, tag::any);
  memory::desc biasMd(bd, dt::s32, tag::ab);
  memory::desc dstMd(dd, requant ? dt::u8 : dt::s32, tag::ab);
  primitive_attr attr;
  if (requant) {
    std::vector<float> mult = multipliers(c);
    attr.set_output_scales(1 << 1, mult);
    attr.set_zero_points(DNNL_ARG_SRC, 0, {c.zx});
    attr.set_zero_points(DNNL_ARG_DST, 0, {c.zy});
  }
  matmul::desc md = requant ? matmul::desc(srcMd, weiAny, biasMd, dstMd)
                            : matmul::desc(srcMd, weiAny, dstMd);
  matmul::primitive_desc pd(md, attr, eng);
  OneDnnMatmul o;
  o.impl = pd.impl_info_str();
  o.hasBias = requant;
  o.prim = matmul(pd);
  o.src = memory(srcMd, eng, srcData);
  o.dst = memory(pd.dst_desc(), eng);
  o.bias = memory(biasMd, eng, const_cast<int32_t *>(c.b.data()));
  // Our weights are [N][K] row-major: the {K, N} matrix in format ba.
  memory userW(memory::desc(wd, dt::s8, tag::ba), eng,
               const_cast<int8_t *>(c.w.data()));
  o.wei = memory(pd.weights_desc(), eng);
  reorder(userW, o.wei).execute(s, userW, o.wei);
  s.wait();
  return o;
}

struct Options {
  std::string dir = ".", json;
  int runs = 50, warmup = 5, threads = 0;
  std::vector<std::string> cases{"g1", "g2", "g3"};
  bool nativeIsa = false, cold = true;
};

double gops(const Case &c, double sec) {
  return 2.0 * c.m * c.n * c.k / sec / 1e9;
}

// omp_set_num_threads(n) of the OpenMP runtime oneDNN's calls bind to
// (the first in the process's global lookup scope); `runtime` gets its file.
bool setOneDnnThreads(int n, std::string &runtime) {
  auto set = reinterpret_cast<void (*)(int)>(
      dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  auto get =
      reinterpret_cast<int (*)()>(dlsym(RTLD_DEFAULT, "omp_get_max_threads"));
  Dl_info info;
  if (!set || !get || !dladdr(reinterpret_cast<void *>(set), &info)) {
    fprintf(stderr, "int8_gemm_bench: no OpenMP runtime in the process (is "
                    "oneDNN built on OpenMP?)\n");
    return false;
  }
  set(n);
  if (get() != n) {
    fprintf(stderr, "int8_gemm_bench: %s gives %d threads, not %d\n",
            info.dli_fname, get(), n);
    return false;
  }
  runtime = info.dli_fname;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        fprintf(stderr, "int8_gemm_bench: %s needs a value\n", a.c_str());
        exit(2);
      }
      return argv[++i];
    };
    if (a == "--dir")
      opt.dir = next();
    else if (a == "--runs")
      opt.runs = std::stoi(next());
    else if (a == "--warmup")
      opt.warmup = std::stoi(next());
    else if (a == "--cases") {
      opt.cases.clear();
      std::string s = next();
      for (size_t p = 0; p <= s.size();) {
        size_t q = s.find(',', p);
        if (q == std::string::npos)
          q = s.size();
        opt.cases.push_back(s.substr(p, q - p));
        p = q + 1;
      }
    } else if (a == "--onednn-isa") {
      std::string v = next();
      if (v != "vnni" && v != "native") {
        fprintf(stderr, "int8_gemm_bench: --onednn-isa vnni|native\n");
        return 2;
      }
      opt.nativeIsa = v == "native";
    } else if (a == "--no-cold")
      opt.cold = false;
    else if (a == "--threads") {
      opt.threads = std::atoi(next().c_str());
      if (opt.threads < 1) {
        fprintf(stderr, "int8_gemm_bench: --threads must be at least 1\n");
        return 2;
      }
    } else if (a == "--json")
      opt.json = next();
    else {
      fprintf(stderr, "int8_gemm_bench: unknown option %s\n", a.c_str());
      return 2;
    }
  }

  // oneDNN's ISA: by default capped at avx512_core_vnni, the vpdpbusd
  // instruction our kernel uses (bench/README.md's G1-G3 peer); --onednn-isa
  // native lets it use everything the CPU has (AMX on Sapphire Rapids).
  if (!opt.nativeIsa)
    dnnl::set_max_cpu_isa(dnnl::cpu_isa::avx512_core_vnni);
  // Before any primitive exists: oneDNN sizes a primitive's work split by
  // the thread count at creation.
  std::string ompRuntime;
  if (opt.threads && !setOneDnnThreads(opt.threads, ompRuntime))
    return 2;
  dnnl::engine eng(dnnl::engine::kind::cpu, 0);
  dnnl::stream strm(eng);

  double limitGmacs = measureLimitGmacs();
  double limitGops = 2 * limitGmacs;
  printf("vpdpbusd zmm limit (measured, best of 12/24 independent chains): "
         "%.0f GMAC/s = %.0f int8 GOPS\n",
         limitGmacs, limitGops);
  printf("oneDNN %d.%d.%d, max ISA %s; %d runs after %d warm-up calls, "
         "ours and oneDNN interleaved\n",
         dnnl_version()->major, dnnl_version()->minor, dnnl_version()->patch,
         opt.nativeIsa ? "native" : "avx512_core_vnni", opt.runs, opt.warmup);
  if (opt.threads)
    printf("threads: %d (ours: qat-compile --threads %d; oneDNN: "
           "omp_set_num_threads(%d) of %s)\n",
           opt.threads, opt.threads, opt.threads, ompRuntime.c_str());
  int threads = opt.threads ? opt.threads : 1;

  Bandwidth bw = measureReadBandwidth(size_t(16) << 20, 20);
  printf("read bandwidth, 16 MiB buffer, 1 core (median [best]): hot %.1f "
         "[%.1f] GB/s, after clflushopt %.1f [%.1f] GB/s\n",
         bw.hot.median, bw.hot.min, bw.cold.median, bw.cold.min);

  std::vector<Segment> progSegs = programDataSegments();
  int failures = 0;
  struct Row {
    std::string label;
    Stats ours, dnnl, dnnlS32;
    bool hasS32;
    const Case *c;
  };
  std::vector<Row> rows;
  std::vector<Case> cases;
  cases.reserve(3);

  for (const std::string &name : opt.cases) {
    if (name == "g1")
      cases.push_back(loadCase(opt.dir, "g1", g1_forward_q, 1024, 1024, 1024));
    else if (name == "g2")
      cases.push_back(loadCase(opt.dir, "g2", g2_forward_q, 1, 4096, 4096));
    else if (name == "g3")
      cases.push_back(loadCase(opt.dir, "g3", g3_forward_q, 128, 3072, 768));
    else {
      fprintf(stderr, "int8_gemm_bench: unknown case %s\n", name.c_str());
      return 2;
    }
    Case &c = cases.back();
    std::vector<uint8_t> ref = reference(c);
    std::vector<uint8_t> src = c.x, ours(c.m * c.n, 0);
    c.fwd(src.data(), ours.data());
    Diff d = compare(ref, ours.data());

    OneDnnMatmul req = makeOneDnn(eng, strm, c, true, src.data());
    OneDnnMatmul raw = makeOneDnn(eng, strm, c, false, src.data());
    req.run(strm);
    Diff dd = compare(ref, static_cast<uint8_t *>(req.dst.get_data_handle()));
    printf("\n%s M=%ld N=%ld K=%ld  oneDNN u8 requant: %s; s32: %s\n",
           c.name.c_str(), (long)c.m, (long)c.n, (long)c.k, req.impl.c_str(),
           raw.impl.c_str());
    printf("  check vs scalar reference (%zu elements): ours %zu differ%s; "
           "oneDNN %zu differ (max %d steps)\n",
           ref.size(), d.count, d.count ? " (WRONG)" : " (bit-exact)", dd.count,
           dd.maxAbs);
    if (d.count)
      ++failures;

    auto timeAll = [&](bool cold) {
      auto flushAll = [&]() {
        for (const Segment &s : progSegs)
          flushRange(s.p, s.n);
        flushRange(src.data(), src.size());
        flushRange(ours.data(), ours.size());
        for (dnnl::memory *m : {&req.wei, &req.dst, &raw.wei, &raw.dst})
          flushRange(m->get_data_handle(), m->get_desc().get_size());
        flushRange(c.b.data(), c.b.size() * 4);
        _mm_mfence();
      };
      for (int i = 0; i < opt.warmup; ++i) {
        c.fwd(src.data(), ours.data());
        req.run(strm);
        raw.run(strm);
      }
      std::vector<double> to, tr, ts;
      for (int r = 0; r < opt.runs; ++r) {
        if (cold)
          flushAll();
        auto t0 = Clock::now();
        c.fwd(src.data(), ours.data());
        auto t1 = Clock::now();
        if (cold)
          flushAll();
        auto t2 = Clock::now();
        req.run(strm);
        auto t3 = Clock::now();
        if (cold)
          flushAll();
        auto t4 = Clock::now();
        raw.run(strm);
        auto t5 = Clock::now();
        to.push_back(seconds(t0, t1));
        tr.push_back(seconds(t2, t3));
        ts.push_back(seconds(t4, t5));
      }
      return Row{c.name + (cold ? " cold" : (c.m == 1 ? " hot" : "")),
                 stats(to),
                 stats(tr),
                 stats(ts),
                 true,
                 &c};
    };
    rows.push_back(timeAll(false));
    if (c.m == 1 && opt.cold)
      rows.push_back(timeAll(true));
    // The outputs after timing are still the checked ones.
    if (compare(ref, ours.data()).count) {
      printf("  ours: output changed after the timed runs (WRONG)\n");
      ++failures;
    }
  }

  // N threads on N cores: N times one core's limit.
  if (threads == 1)
    printf("\nint8 GEMM, 1 thread: median [min]; GOPS = 2*M*N*K / time; "
           "ratio = ours/oneDNN speed (>= 1: ours is as fast or faster); %% "
           "of the measured vpdpbusd limit (%.0f GOPS)\n",
           limitGops);
  else
    printf("\nint8 GEMM, %d threads: median [min]; GOPS = 2*M*N*K / time; "
           "ratio = ours/oneDNN speed (>= 1: ours is as fast or faster); %% "
           "of %d x the measured vpdpbusd limit of one core (%.0f GOPS)\n",
           threads, threads, threads * limitGops);
  limitGops *= threads;
  printf("%-8s | %-22s | %-22s | %-13s | %-21s | %-22s\n", "case",
         "ours u8 requant GOPS", "oneDNN u8 requant GOPS", "ratio",
         "% limit ours/oneDNN", "oneDNN s32 GOPS");
  for (const Row &r : rows) {
    const Case &c = *r.c;
    printf("%-8s | %8.0f [%8.0f]    | %8.0f [%8.0f]    | %5.2fx [%4.2fx] | "
           "%5.1f%% / %5.1f%%      | %8.0f [%8.0f]\n",
           r.label.c_str(), gops(c, r.ours.median), gops(c, r.ours.min),
           gops(c, r.dnnl.median), gops(c, r.dnnl.min),
           r.dnnl.median / r.ours.median, r.dnnl.min / r.ours.min,
           100 * gops(c, r.ours.median) / limitGops,
           100 * gops(c, r.dnnl.median) / limitGops, gops(c, r.dnnlS32.median),
           gops(c, r.dnnlS32.min));
  }
  bool anyG2 = false;
  for (const Row &r : rows)
    anyG2 |= r.c->m == 1;
  if (anyG2) {
    printf("\nG2 (M=1 GEMV, %.0f MiB weights): microseconds and weight GB/s "
           "(N*K bytes / time), median [min]\n",
           4096.0 * 4096 / (1 << 20));
    printf("(read bandwidth of a 16 MiB buffer on this core, median: hot %.1f "
           "GB/s, flushed %.1f GB/s)\n",
           bw.hot.median, bw.cold.median);
    printf("%-8s | %-20s | %-20s | %-13s | %-16s | %-16s | %s\n", "case",
           "ours us", "oneDNN u8 us", "ratio", "ours GB/s", "oneDNN GB/s",
           "oneDNN s32 us");
    for (const Row &r : rows) {
      if (r.c->m != 1)
        continue;
      double bytes = double(r.c->n) * r.c->k;
      printf("%-8s | %8.1f [%8.1f] | %8.1f [%8.1f] | %5.2fx [%4.2fx] | "
             "%6.1f [%6.1f] | %6.1f [%6.1f] | %8.1f [%8.1f]\n",
             r.label.c_str(), 1e6 * r.ours.median, 1e6 * r.ours.min,
             1e6 * r.dnnl.median, 1e6 * r.dnnl.min,
             r.dnnl.median / r.ours.median, r.dnnl.min / r.ours.min,
             bytes / r.ours.median / 1e9, bytes / r.ours.min / 1e9,
             bytes / r.dnnl.median / 1e9, bytes / r.dnnl.min / 1e9,
             1e6 * r.dnnlS32.median, 1e6 * r.dnnlS32.min);
    }
    if (opt.cold)
      printf("cold: before every timed call, clflushopt over the weights "
             "(ours: the executable's data segments holding the packed "
             "weights; oneDNN: its reordered weight buffer), the bias, input "
             "and output buffers of both peers, then mfence\n");
  }
  if (!opt.json.empty()) {
    FILE *f = fopen(opt.json.c_str(), "w");
    if (!f) {
      fprintf(stderr, "int8_gemm_bench: cannot write %s\n", opt.json.c_str());
      return 2;
    }
    fprintf(f,
            "{\"threads\": %d, \"limit_gops\": %.3f, \"failures\": %d, "
            "\"rows\": [",
            threads, limitGops, failures);
    for (size_t i = 0; i < rows.size(); ++i) {
      const Row &r = rows[i];
      fprintf(f,
              "%s\n {\"case\": \"%s\", \"m\": %ld, \"n\": %ld, \"k\": %ld, "
              "\"ours\": [%.9g, %.9g], \"onednn\": [%.9g, %.9g], "
              "\"onednn_s32\": [%.9g, %.9g]}",
              i ? "," : "", r.label.c_str(), (long)r.c->m, (long)r.c->n,
              (long)r.c->k, r.ours.median, r.ours.min, r.dnnl.median,
              r.dnnl.min, r.dnnlS32.median, r.dnnlS32.min);
    }
    fprintf(f, "]}\n");
    fclose(f);
  }
  if (failures)
    printf("\nFAILED: %d correctness check(s) above\n", failures);
  return failures ? 1 : 0;
}

//===- IntReferenceTest.cpp - generated int8 code vs the reference --------===//
//
// docs/numerics.md#one-integer-reference: the generic lowering of the integer
// ops reproduces the scalar reference bit-exactly on every element, on odd
// shapes.
//
//===----------------------------------------------------------------------===//

#include "qat/Numerics/IntReference.h"
#include "qat/InitAll.h"
#include "qat/JIT/JitModule.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace mlir;
using namespace mlir::qat;
using runtime::DType;
using runtime::Tensor;

namespace {
struct QLinearCase {
  int64_t n, k, c;
  bool unsignedX;
  bool perChannel;
  int64_t clampMin, clampMax;
  /// Per-channel weight scales 0.0037 * 2^(c % 12): multipliers from 2^-10
  /// to above 2, so the fixed-point shifts differ in sign across lanes.
  bool wideScales = false;
};

std::string fmt(double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%.9e", v);
  return s;
}

/// The int8 kernel sets (--qat-lower-x86): every one must reproduce the
/// reference; those this CPU cannot run are skipped.
const char *const kIsas[] = {"generic", "avx2", "avxvnni", "avx512vnni"};

/// The op attribute of a requant mode (float is the default: no attribute).
std::string requantAttr(bool fixedPoint) {
  return fixedPoint ? ", requant = #qat.requant<fixed_point>" : "";
}

runtime::Requant requantMode(bool fixedPoint) {
  return fixedPoint ? runtime::Requant::FixedPoint : runtime::Requant::Float;
}

bool hostRuns(llvm::StringRef isa) {
  auto f = llvm::sys::getHostCPUFeatures();
  if (isa == "avx512vnni")
    return f.lookup("avx512vnni") && f.lookup("avx512bw") &&
           f.lookup("avx512vl");
  if (isa == "avxvnni")
    return f.lookup("avxvnni");
  if (isa == "avx2")
    return f.lookup("avx2");
  return true;
}

class QLinearVsReference : public ::testing::TestWithParam<
                               std::tuple<QLinearCase, const char *, bool>> {};

TEST_P(QLinearVsReference, BitExact) {
  QLinearCase p = std::get<0>(GetParam());
  const char *isa = std::get<1>(GetParam());
  bool fixedPoint = std::get<2>(GetParam());
  if (!hostRuns(isa))
    GTEST_SKIP() << "this CPU cannot run " << isa;
  std::mt19937 rng(static_cast<unsigned>(p.n * 1000 + p.k * 10 + p.c));
  std::uniform_int_distribution<int> w8(-128, 127);
  std::uniform_int_distribution<int> bias(-5000, 5000);
  std::uniform_real_distribution<float> xs(-3.0f, 3.0f);
  float sx = 0.0234375f, sy = 0.0625f;
  int32_t zpX = p.unsignedX ? 117 : -3, zpY = p.unsignedX ? 9 : -7;
  std::vector<float> sw(p.c);
  for (int64_t i = 0; i < p.c; ++i)
    sw[i] = p.wideScales
                ? std::ldexp(0.0037f, static_cast<int>(i % 12))
                : (p.perChannel ? 0.001f * static_cast<float>(i + 1) + 0.0037f
                                : 0.0041f);
  std::vector<int32_t> w(p.c * p.k), b(p.c);
  for (auto &v : w)
    v = w8(rng);
  for (auto &v : b)
    v = bias(rng);

  std::string xt = p.unsignedX ? "u8" : "i8";
  std::string qx = "!quant.uniform<" + xt + ":f32, " + fmt(sx) + ":" +
                   std::to_string(zpX) + ">";
  std::string qy = "!quant.uniform<" + xt + ":f32, " + fmt(sy) + ":" +
                   std::to_string(zpY) + ">";
  std::string qw;
  if (p.perChannel) {
    qw = "!quant.uniform<i8:f32:0, {";
    for (int64_t i = 0; i < p.c; ++i)
      qw += (i ? ", " : "") + fmt(sw[i]);
    qw += "}>";
  } else {
    qw = "!quant.uniform<i8:f32, " + fmt(sw[0]) + ">";
  }
  auto dims = [](std::initializer_list<int64_t> d) {
    std::string s;
    for (int64_t v : d)
      s += std::to_string(v) + "x";
    return s;
  };
  std::string wLit = "[", bLit = "[";
  for (int64_t i = 0; i < p.c; ++i) {
    wLit += (i ? ", [" : "[");
    for (int64_t j = 0; j < p.k; ++j)
      wLit += (j ? ", " : "") + std::to_string(w[i * p.k + j]);
    wLit += "]";
    bLit += (i ? ", " : "") + std::to_string(b[i]);
  }
  wLit += "]";
  bLit += "]";
  std::string xT = "tensor<" + dims({p.n, p.k}) + "f32>";
  std::string xQ = "tensor<" + dims({p.n, p.k}) + qx + ">";
  std::string wI = "tensor<" + dims({p.c, p.k}) + "i8>";
  std::string wQ = "tensor<" + dims({p.c, p.k}) + qw + ">";
  std::string bT = "tensor<" + std::to_string(p.c) + "xi32>";
  std::string yQ = "tensor<" + dims({p.n, p.c}) + qy + ">";
  std::string yT = "tensor<" + dims({p.n, p.c}) + "f32>";
  std::string src =
      "qat.param @w = dense<" + wLit + "> : " + wI + "\n" +
      "qat.param @b = dense<" + bLit + "> : " + bT + "\n" +
      "func.func @forward(%x: " + xT + ") -> " + yT + " {\n" +
      "  %xq = qat.quantize %x : " + xT + " -> " + xQ + "\n" +
      "  %w = qat.load @w : " + wI + "\n" + "  %wq = quant.scast %w : " + wI +
      " to " + wQ + "\n" + "  %b = qat.load @b : " + bT + "\n" +
      "  %y = qat.qlinear %xq, %wq, %b {clamp_min = " +
      std::to_string(p.clampMin) +
      " : i64, clamp_max = " + std::to_string(p.clampMax) + " : i64" +
      requantAttr(fixedPoint) + "} : (" + xQ + ", " + wQ + ", " + bT + ") -> " +
      yQ + "\n" + "  %d = qat.dequantize %y : " + yQ + " -> " + yT + "\n" +
      "  return %d : " + yT + "\n}\n";

  DialectRegistry registry;
  registerQatDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(src, &ctx);
  ASSERT_TRUE(module) << src;
  auto jit = JitModule::compile(std::move(module), {"forward"},
                                JitOptions{std::string(isa)});
  ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());

  Tensor x = Tensor::zeros(DType::F32, {p.n, p.k});
  for (int64_t i = 0; i < x.getNumElements(); ++i)
    x.data<float>()[i] = xs(rng);
  // Exact ties and extremes.
  x.data<float>()[0] = 2.5f * sx;
  x.data<float>()[x.getNumElements() - 1] = 1e9f;
  auto out = (*jit)->run({&x});
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());

  int64_t qmin = p.unsignedX ? 0 : -128, qmax = p.unsignedX ? 255 : 127;
  std::vector<int32_t> xq(p.n * p.k), y(p.n * p.c);
  for (int64_t i = 0; i < p.n * p.k; ++i)
    xq[i] = runtime::quantizeValue(x.data<float>()[i], sx, zpX, qmin, qmax);
  runtime::qlinearReference(xq.data(), p.n, p.k, zpX, sx, w.data(), sw.data(),
                            p.c, b.data(), sy, zpY, p.clampMin, p.clampMax,
                            y.data(), requantMode(fixedPoint));
  int64_t differ = 0;
  for (int64_t i = 0; i < p.n * p.c; ++i) {
    float ref = runtime::dequantizeValue(y[i], sy, zpY);
    differ += (*out)[0].data<float>()[i] != ref;
  }
  EXPECT_EQ(differ, 0) << "of " << p.n * p.c << " outputs";
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QLinearVsReference,
    ::testing::Combine(
        ::testing::Values(QLinearCase{3, 17, 5, true, true, 0, 255},
                          QLinearCase{1, 1, 1, true, false, 0, 255},
                          QLinearCase{7, 300, 3, true, true, 9, 255},
                          QLinearCase{4, 64, 10, false, true, -128, 127},
                          QLinearCase{2, 33, 1, false, false, -7, 100},
                          QLinearCase{5, 2000, 4, true, true, 0, 200},
                          // Register tiles: full and leftover rows, full
                          // vector groups, leftover vectors, a masked tail.
                          QLinearCase{13, 131, 70, true, true, 0, 255},
                          QLinearCase{8, 3, 33, false, true, -128, 127},
                          QLinearCase{19, 256, 129, true, false, 4, 250},
                          // Fixed-point shifts of both signs across lanes.
                          QLinearCase{5, 3, 37, true, true, 0, 255, true},
                          QLinearCase{6, 7, 24, false, true, -128, 127, true}),
        ::testing::ValuesIn(kIsas), ::testing::Bool()));
} // namespace

namespace {
struct QConvCase {
  int64_t n, c, h, w, o, kh, kw;
  int64_t stride, pad, dil;
  bool unsignedX, perChannel;
  int64_t groups = 1;
};

class QConv2dVsReference : public ::testing::TestWithParam<
                               std::tuple<QConvCase, const char *, bool>> {};

TEST_P(QConv2dVsReference, BitExact) {
  QConvCase p = std::get<0>(GetParam());
  const char *isa = std::get<1>(GetParam());
  bool fixedPoint = std::get<2>(GetParam());
  if (!hostRuns(isa))
    GTEST_SKIP() << "this CPU cannot run " << isa;
  std::mt19937 rng(static_cast<unsigned>(p.c * 100 + p.o * 10 + p.kh));
  std::uniform_int_distribution<int> w8(-128, 127), bias(-3000, 3000);
  std::uniform_real_distribution<float> xs(-2.0f, 2.0f);
  int64_t oh = (p.h + 2 * p.pad - p.dil * (p.kh - 1) - 1) / p.stride + 1;
  int64_t ow = (p.w + 2 * p.pad - p.dil * (p.kw - 1) - 1) / p.stride + 1;
  float sx = 0.017f, sy = 0.09f;
  int32_t zpX = p.unsignedX ? 100 : 5, zpY = p.unsignedX ? 20 : -11;
  std::vector<float> sw(p.o);
  for (int64_t i = 0; i < p.o; ++i)
    sw[i] = p.perChannel ? 0.002f * static_cast<float>(i + 2) : 0.0033f;
  int64_t cg = p.c / p.groups;
  std::vector<int32_t> w(p.o * cg * p.kh * p.kw), b(p.o);
  for (auto &v : w)
    v = w8(rng);
  for (auto &v : b)
    v = bias(rng);
  auto lit = [](const std::vector<int32_t> &v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i)
      s += (i ? ", " : "") + std::to_string(v[i]);
    return s + "]";
  };
  auto shape = [](std::initializer_list<int64_t> d, const std::string &e) {
    std::string s = "tensor<";
    for (int64_t v : d)
      s += std::to_string(v) + "x";
    return s + e + ">";
  };
  std::string xt = p.unsignedX ? "u8" : "i8";
  std::string qx = "!quant.uniform<" + xt + ":f32, " + fmt(sx) + ":" +
                   std::to_string(zpX) + ">";
  std::string qy = "!quant.uniform<" + xt + ":f32, " + fmt(sy) + ":" +
                   std::to_string(zpY) + ">";
  std::string qw;
  if (p.perChannel) {
    qw = "!quant.uniform<i8:f32:0, {";
    for (int64_t i = 0; i < p.o; ++i)
      qw += (i ? ", " : "") + fmt(sw[i]);
    qw += "}>";
  } else {
    qw = "!quant.uniform<i8:f32, " + fmt(sw[0]) + ">";
  }
  std::string xT = shape({p.n, p.c, p.h, p.w}, "f32"),
              xQ = shape({p.n, p.c, p.h, p.w}, qx);
  std::string wI = shape({p.o, cg, p.kh, p.kw}, "i8"),
              wQ = shape({p.o, cg, p.kh, p.kw}, qw);
  std::string yQ = shape({p.n, p.o, oh, ow}, qy),
              yT = shape({p.n, p.o, oh, ow}, "f32");
  std::string bT = "tensor<" + std::to_string(p.o) + "xi32>";
  std::string attrs =
      "{strides = array<i64: " + std::to_string(p.stride) + ", " +
      std::to_string(p.stride) +
      ">, padding = array<i64: " + std::to_string(p.pad) + ", " +
      std::to_string(p.pad) +
      ">, dilation = array<i64: " + std::to_string(p.dil) + ", " +
      std::to_string(p.dil) + ">, groups = " + std::to_string(p.groups) +
      " : i64, clamp_min = " + std::to_string(p.unsignedX ? 0 : -128) +
      " : i64, clamp_max = " + std::to_string(p.unsignedX ? 255 : 127) +
      " : i64" + requantAttr(fixedPoint) + "}";
  std::string src =
      "qat.param @w = dense<" + lit(w) + "> : " + wI + "\n" +
      "qat.param @b = dense<" + lit(b) + "> : " + bT + "\n" +
      "func.func @forward(%x: " + xT + ") -> " + yT + " {\n" +
      "  %xq = qat.quantize %x : " + xT + " -> " + xQ + "\n" +
      "  %w = qat.load @w : " + wI + "\n" + "  %wf = qat.reshape %w : " + wI +
      " -> " + wI + "\n" + "  %wq = quant.scast %wf : " + wI + " to " + wQ +
      "\n" + "  %b = qat.load @b : " + bT + "\n" +
      "  %y = qat.qconv2d %xq, %wq, %b " + attrs + " : (" + xQ + ", " + wQ +
      ", " + bT + ") -> " + yQ + "\n" + "  %d = qat.dequantize %y : " + yQ +
      " -> " + yT + "\n" + "  return %d : " + yT + "\n}\n";
  // dense<[flat]> needs the nested form for rank > 1: use a splat-free
  // reshape trick instead: declare the weight flat.
  std::string flatW = "tensor<" + std::to_string(w.size()) + "xi8>";
  size_t at = src.find("qat.param @w = dense<");
  src.replace(at, src.find('\n', at) - at,
              "qat.param @w = dense<" + lit(w) + "> : " + flatW);
  at = src.find("  %w = qat.load @w : " + wI);
  src.replace(at, src.find('\n', at) - at, "  %w = qat.load @w : " + flatW);
  at = src.find("  %wf = qat.reshape %w : " + wI + " -> " + wI);
  src.replace(at, src.find('\n', at) - at,
              "  %wf = qat.reshape %w : " + flatW + " -> " + wI);

  DialectRegistry registry;
  registerQatDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(src, &ctx);
  ASSERT_TRUE(module) << src;
  auto jit = JitModule::compile(std::move(module), {"forward"},
                                JitOptions{std::string(isa)});
  ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
  Tensor x = Tensor::zeros(DType::F32, {p.n, p.c, p.h, p.w});
  for (int64_t i = 0; i < x.getNumElements(); ++i)
    x.data<float>()[i] = xs(rng);
  auto out = (*jit)->run({&x});
  ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  int64_t qmin = p.unsignedX ? 0 : -128, qmax = p.unsignedX ? 255 : 127;
  std::vector<int32_t> xq(x.getNumElements()), y(p.n * p.o * oh * ow);
  for (int64_t i = 0; i < x.getNumElements(); ++i)
    xq[i] = runtime::quantizeValue(x.data<float>()[i], sx, zpX, qmin, qmax);
  int64_t strides[2] = {p.stride, p.stride};
  int64_t pads[4] = {p.pad, p.pad, p.pad, p.pad};
  int64_t dil[2] = {p.dil, p.dil};
  runtime::qconv2dReference(xq.data(), p.n, p.c, p.h, p.w, zpX, sx, w.data(),
                            p.o, p.kh, p.kw, sw.data(), b.data(), strides, pads,
                            dil, p.groups, oh, ow, sy, zpY, qmin, qmax,
                            y.data(), requantMode(fixedPoint));
  int64_t differ = 0;
  for (size_t i = 0; i < y.size(); ++i)
    differ +=
        (*out)[0].data<float>()[i] != runtime::dequantizeValue(y[i], sy, zpY);
  EXPECT_EQ(differ, 0) << "of " << y.size() << " outputs";
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QConv2dVsReference,
    ::testing::Combine(
        ::testing::Values(
            QConvCase{2, 3, 7, 6, 4, 3, 3, 1, 0, 1, true, true},
            // Many output channels: full, leftover, masked vectors.
            QConvCase{2, 8, 9, 9, 70, 3, 3, 1, 1, 1, true, true},
            QConvCase{1, 7, 6, 5, 33, 2, 2, 1, 0, 1, false, true},
            QConvCase{1, 2, 9, 9, 5, 3, 3, 2, 1, 1, true, false},
            QConvCase{2, 1, 8, 7, 3, 3, 2, 1, 2, 2, false, true},
            QConvCase{1, 5, 5, 5, 1, 1, 1, 1, 0, 1, false, false},
            // Grouped: 2 groups of 3 input and 2 output channels.
            QConvCase{2, 6, 7, 5, 4, 3, 3, 1, 1, 1, true, true, 2},
            // 3 groups of 2 input channels, one output each.
            QConvCase{1, 6, 5, 6, 3, 3, 1, 2, 1, 1, false, false, 3},
            // Depthwise (groups = C = O).
            QConvCase{2, 5, 9, 7, 5, 3, 3, 1, 1, 1, true, true, 5},
            // Depthwise, channel multiplier 2, stride and dilation.
            QConvCase{1, 3, 11, 10, 6, 3, 3, 2, 2, 2, false, true, 3},
            // Depthwise, non-square kernel, per-tensor weights.
            QConvCase{3, 4, 6, 8, 4, 2, 3, 1, 0, 1, true, false, 4}),
        ::testing::ValuesIn(kIsas), ::testing::Bool()));
} // namespace

namespace {
// Max-pooling quantized values: the maximum of the stored integers over the
// window (padding never wins), compared unsigned for u8 and signed for i8.
TEST(QMaxPoolVsReference, BitExact) {
  for (bool isUnsigned : {true, false}) {
    std::string xt = isUnsigned ? "u8" : "i8";
    int32_t zp = isUnsigned ? 130 : -20;
    float s = 0.031f;
    std::string q = "!quant.uniform<" + xt + ":f32, " + fmt(s) + ":" +
                    std::to_string(zp) + ">";
    std::string src =
        "func.func @forward(%x: tensor<2x3x7x6xf32>) -> tensor<2x3x4x3xf32> {\n"
        "  %q = qat.quantize %x : tensor<2x3x7x6xf32> -> tensor<2x3x7x6x" +
        q +
        ">\n"
        "  %p = qat.max_pool2d %q {kernel_size = array<i64: 3, 3>, strides = "
        "array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<2x3x7x6x" +
        q + "> -> tensor<2x3x4x3x" + q +
        ">\n"
        "  %d = qat.dequantize %p : tensor<2x3x4x3x" +
        q +
        "> -> tensor<2x3x4x3xf32>\n"
        "  return %d : tensor<2x3x4x3xf32>\n}\n";
    DialectRegistry registry;
    registerQatDialects(registry);
    MLIRContext ctx(registry);
    ctx.loadAllAvailableDialects();
    OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(src, &ctx);
    ASSERT_TRUE(module) << src;
    auto jit = JitModule::compile(std::move(module), {"forward"});
    ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> xs(-5.0f, 5.0f);
    Tensor x = Tensor::zeros(DType::F32, {2, 3, 7, 6});
    for (int64_t i = 0; i < x.getNumElements(); ++i)
      x.data<float>()[i] = xs(rng);
    auto out = (*jit)->run({&x});
    ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
    int64_t qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
    int64_t differ = 0;
    for (int64_t nc = 0; nc < 6; ++nc)
      for (int64_t i = 0; i < 4; ++i)
        for (int64_t j = 0; j < 3; ++j) {
          int32_t best = INT32_MIN;
          for (int64_t p = 0; p < 3; ++p)
            for (int64_t r = 0; r < 3; ++r) {
              int64_t y = i * 2 + p - 1, xx = j * 2 + r - 1;
              if (y < 0 || y >= 7 || xx < 0 || xx >= 6)
                continue;
              best = std::max(best, runtime::quantizeValue(
                                        x.data<float>()[(nc * 7 + y) * 6 + xx],
                                        s, zp, qmin, qmax));
            }
          differ += (*out)[0].data<float>()[(nc * 4 + i) * 3 + j] !=
                    runtime::dequantizeValue(best, s, zp);
        }
    EXPECT_EQ(differ, 0) << (isUnsigned ? "u8" : "i8");
  }
}
} // namespace

namespace {
TEST(QAddVsReference, BitExact) {
  for (bool fixedPoint : {false, true})
    for (bool isUnsigned : {true, false}) {
      std::string t = isUnsigned ? "u8" : "i8";
      float sa = 0.037f, sb = 0.011f, sy = 0.045f;
      int32_t za = isUnsigned ? 120 : 3, zb = isUnsigned ? 7 : -50,
              zy = isUnsigned ? 64 : -1;
      auto q = [&](float s, int32_t z) {
        return "!quant.uniform<" + t + ":f32, " + fmt(s) + ":" +
               std::to_string(z) + ">";
      };
      int64_t lo = isUnsigned ? 64 : -1, hi = isUnsigned ? 255 : 127;
      std::string A = "tensor<5x13x" + q(sa, za) + ">",
                  B = "tensor<5x13x" + q(sb, zb) + ">",
                  Y = "tensor<5x13x" + q(sy, zy) + ">";
      std::string src = "func.func @forward(%a: tensor<5x13xf32>, %b: "
                        "tensor<5x13xf32>) -> tensor<5x13xf32> {\n"
                        "  %qa = qat.quantize %a : tensor<5x13xf32> -> " +
                        A +
                        "\n"
                        "  %qb = qat.quantize %b : tensor<5x13xf32> -> " +
                        B +
                        "\n"
                        "  %y = qat.qadd %qa, %qb {clamp_min = " +
                        std::to_string(lo) +
                        " : i64, clamp_max = " + std::to_string(hi) + " : i64" +
                        requantAttr(fixedPoint) + "} : (" + A + ", " + B +
                        ") -> " + Y +
                        "\n"
                        "  %d = qat.dequantize %y : " +
                        Y +
                        " -> tensor<5x13xf32>\n"
                        "  return %d : tensor<5x13xf32>\n}\n";
      DialectRegistry registry;
      registerQatDialects(registry);
      MLIRContext ctx(registry);
      ctx.loadAllAvailableDialects();
      OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(src, &ctx);
      ASSERT_TRUE(module) << src;
      auto jit = JitModule::compile(std::move(module), {"forward"});
      ASSERT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
      std::mt19937 rng(11);
      std::uniform_real_distribution<float> xs(-6.0f, 6.0f);
      Tensor a = Tensor::zeros(DType::F32, {5, 13}),
             b = Tensor::zeros(DType::F32, {5, 13});
      for (int64_t i = 0; i < 65; ++i) {
        a.data<float>()[i] = xs(rng);
        b.data<float>()[i] = xs(rng);
      }
      auto out = (*jit)->run({&a, &b});
      ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
      int64_t qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
      int64_t differ = 0;
      for (int64_t i = 0; i < 65; ++i) {
        int32_t qa =
            runtime::quantizeValue(a.data<float>()[i], sa, za, qmin, qmax);
        int32_t qb =
            runtime::quantizeValue(b.data<float>()[i], sb, zb, qmin, qmax);
        int32_t y = runtime::qaddValue(qa, sa, za, qb, sb, zb, sy, zy, lo, hi,
                                       requantMode(fixedPoint));
        differ +=
            (*out)[0].data<float>()[i] != runtime::dequantizeValue(y, sy, zy);
      }
      EXPECT_EQ(differ, 0) << t << (fixedPoint ? " fixed-point" : " float");
    }
}
} // namespace

namespace {
/// Compiles `src` (@forward) and runs it on `inputs`; the first result.
Tensor compileAndRun(const std::string &src,
                     std::vector<const Tensor *> inputs) {
  DialectRegistry registry;
  registerQatDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(src, &ctx);
  EXPECT_TRUE(module) << src;
  if (!module)
    return Tensor::zeros(DType::F32, {0});
  auto jit = JitModule::compile(std::move(module), {"forward"});
  EXPECT_TRUE(static_cast<bool>(jit)) << llvm::toString(jit.takeError());
  if (!jit)
    return Tensor::zeros(DType::F32, {0});
  auto out = (*jit)->run(inputs);
  EXPECT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
  if (!out)
    return Tensor::zeros(DType::F32, {0});
  return std::move((*out)[0]);
}

std::string tensorType(const std::vector<int64_t> &shape,
                       const std::string &elt) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + elt + ">";
}

std::string uniform(bool isUnsigned, float scale, int32_t zp) {
  return std::string("!quant.uniform<") + (isUnsigned ? "u8" : "i8") +
         ":f32, " + fmt(scale) + ":" + std::to_string(zp) + ">";
}

/// The flat index into `in` (trailing-aligned, extents of 1 broadcast) of
/// the element at flat index `i` of a tensor of shape `out`.
int64_t broadcastIndex(int64_t i, const std::vector<int64_t> &out,
                       const std::vector<int64_t> &in) {
  int64_t index = 0, stride = 1;
  for (int64_t d = static_cast<int64_t>(out.size()) - 1,
               e = static_cast<int64_t>(in.size()) - 1;
       d >= 0; --d, --e) {
    int64_t coord = i % out[d];
    i /= out[d];
    if (e < 0)
      continue;
    index += (in[e] == 1 ? 0 : coord) * stride;
    stride *= in[e];
  }
  return index;
}

struct BinaryCase {
  std::string op; // "qadd" or "qmul"
  std::vector<int64_t> a, b, y;
  bool isUnsigned;
  bool fixedPoint = false;
};

class QBinaryVsReference : public ::testing::TestWithParam<BinaryCase> {};

// qadd/qmul with NumPy broadcasting: every output element equals the scalar
// reference applied to the broadcast operands.
TEST_P(QBinaryVsReference, BitExact) {
  BinaryCase p = GetParam();
  bool isMul = p.op == "qmul";
  float sa = 0.037f, sb = isMul ? 0.0213f : 0.011f,
        sy = isMul ? 0.061f : 0.045f;
  int32_t za = p.isUnsigned ? 120 : 3, zb = p.isUnsigned ? 7 : -50,
          zy = p.isUnsigned ? 64 : -1;
  int64_t lo = p.isUnsigned ? 64 : -1, hi = p.isUnsigned ? 250 : 127;
  std::string A = tensorType(p.a, uniform(p.isUnsigned, sa, za)),
              B = tensorType(p.b, uniform(p.isUnsigned, sb, zb)),
              Y = tensorType(p.y, uniform(p.isUnsigned, sy, zy));
  std::string Af = tensorType(p.a, "f32"), Bf = tensorType(p.b, "f32"),
              Yf = tensorType(p.y, "f32");
  std::string src =
      "func.func @forward(%a: " + Af + ", %b: " + Bf + ") -> " + Yf +
      " {\n"
      "  %qa = qat.quantize %a : " +
      Af + " -> " + A +
      "\n"
      "  %qb = qat.quantize %b : " +
      Bf + " -> " + B +
      "\n"
      "  %y = qat." +
      p.op + " %qa, %qb {clamp_min = " + std::to_string(lo) +
      " : i64, clamp_max = " + std::to_string(hi) + " : i64" +
      requantAttr(p.fixedPoint) + "} : (" + A + ", " + B + ") -> " + Y +
      "\n"
      "  %d = qat.dequantize %y : " +
      Y + " -> " + Yf +
      "\n"
      "  return %d : " +
      Yf + "\n}\n";
  std::mt19937 rng(static_cast<unsigned>(p.y.size() * 31 + p.a.size()));
  std::uniform_real_distribution<float> xs(-6.0f, 6.0f);
  Tensor a = Tensor::zeros(DType::F32, p.a), b = Tensor::zeros(DType::F32, p.b);
  for (int64_t i = 0; i < a.getNumElements(); ++i)
    a.data<float>()[i] = xs(rng);
  for (int64_t i = 0; i < b.getNumElements(); ++i)
    b.data<float>()[i] = xs(rng);
  // Exact ties of the requant (the product 2.5 steps of the output scale).
  a.data<float>()[0] = 5.0f * sa;
  b.data<float>()[0] = 0.5f * sb;
  Tensor out = compileAndRun(src, {&a, &b});
  ASSERT_EQ(out.getNumElements(),
            Tensor::zeros(DType::F32, p.y).getNumElements());
  int64_t qmin = p.isUnsigned ? 0 : -128, qmax = p.isUnsigned ? 255 : 127;
  int64_t differ = 0;
  for (int64_t i = 0; i < out.getNumElements(); ++i) {
    int32_t qa = runtime::quantizeValue(
        a.data<float>()[broadcastIndex(i, p.y, p.a)], sa, za, qmin, qmax);
    int32_t qb = runtime::quantizeValue(
        b.data<float>()[broadcastIndex(i, p.y, p.b)], sb, zb, qmin, qmax);
    runtime::Requant mode = requantMode(p.fixedPoint);
    int32_t y =
        isMul
            ? runtime::qmulValue(qa, sa, za, qb, sb, zb, sy, zy, lo, hi, mode)
            : runtime::qaddValue(qa, sa, za, qb, sb, zb, sy, zy, lo, hi, mode);
    differ += out.data<float>()[i] != runtime::dequantizeValue(y, sy, zy);
  }
  EXPECT_EQ(differ, 0) << p.op << " of " << out.getNumElements();
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QBinaryVsReference,
    ::testing::Values(
        BinaryCase{"qmul", {5, 13}, {5, 13}, {5, 13}, true},
        BinaryCase{"qmul", {3, 7}, {3, 7}, {3, 7}, false},
        // Per-channel scaling of a feature map (squeeze-excitation style).
        BinaryCase{"qmul", {2, 3, 5, 7}, {2, 3, 1, 1}, {2, 3, 5, 7}, true},
        BinaryCase{"qadd", {2, 3, 5, 7}, {1, 3, 1, 1}, {2, 3, 5, 7}, true},
        BinaryCase{"qadd", {1, 3, 1, 1}, {2, 3, 5, 7}, {2, 3, 5, 7}, false},
        // Both operands broadcast, and ranks differ.
        BinaryCase{"qadd", {3, 1, 5}, {4, 1}, {3, 4, 5}, true},
        BinaryCase{"qmul", {3, 1, 5}, {4, 1}, {3, 4, 5}, false},
        // TFLite's fixed-point add and mul.
        BinaryCase{"qmul", {5, 13}, {5, 13}, {5, 13}, true, true},
        BinaryCase{
            "qmul", {2, 3, 5, 7}, {2, 3, 1, 1}, {2, 3, 5, 7}, false, true},
        BinaryCase{
            "qadd", {2, 3, 5, 7}, {1, 3, 1, 1}, {2, 3, 5, 7}, true, true},
        BinaryCase{"qadd", {3, 1, 5}, {4, 1}, {3, 4, 5}, false, true}));
} // namespace

namespace {
struct AvgPoolCase {
  int64_t n, c, h, w;
  int64_t kh, kw, stride, pad;
  bool ceilMode, countIncludePad, isUnsigned;
  bool fixedPoint = false;
};

class QAvgPool2dVsReference : public ::testing::TestWithParam<AvgPoolCase> {};

TEST_P(QAvgPool2dVsReference, BitExact) {
  AvgPoolCase p = GetParam();
  int64_t kernel[2] = {p.kh, p.kw}, strides[2] = {p.stride, p.stride};
  int64_t pads[4] = {p.pad, p.pad, p.pad, p.pad};
  auto outSize = [&](int64_t in, int64_t k) {
    int64_t span = in + 2 * p.pad - k;
    int64_t o =
        (p.ceilMode ? (span + p.stride - 1) / p.stride : span / p.stride) + 1;
    if (p.ceilMode && (o - 1) * p.stride >= in + p.pad)
      --o;
    return o;
  };
  int64_t oh = outSize(p.h, p.kh), ow = outSize(p.w, p.kw);
  float sx = 0.043f, sy = 0.0271f;
  int32_t zx = p.isUnsigned ? 131 : -9, zy = p.isUnsigned ? 17 : 6;
  int64_t qmin = p.isUnsigned ? 0 : -128, qmax = p.isUnsigned ? 255 : 127;
  std::vector<int64_t> xs = {p.n, p.c, p.h, p.w}, ys = {p.n, p.c, oh, ow};
  std::string X = tensorType(xs, uniform(p.isUnsigned, sx, zx)),
              Y = tensorType(ys, uniform(p.isUnsigned, sy, zy));
  std::string Xf = tensorType(xs, "f32"), Yf = tensorType(ys, "f32");
  std::string attrs =
      "{kernel_size = array<i64: " + std::to_string(p.kh) + ", " +
      std::to_string(p.kw) +
      ">, strides = array<i64: " + std::to_string(p.stride) + ", " +
      std::to_string(p.stride) +
      ">, padding = array<i64: " + std::to_string(p.pad) + ", " +
      std::to_string(p.pad) + ">" + (p.ceilMode ? ", ceil_mode" : "") +
      ", count_include_pad = " + (p.countIncludePad ? "true" : "false") +
      ", clamp_min = " + std::to_string(qmin) +
      " : i64, clamp_max = " + std::to_string(qmax) + " : i64" +
      requantAttr(p.fixedPoint) + "}";
  std::string src = "func.func @forward(%x: " + Xf + ") -> " + Yf +
                    " {\n"
                    "  %q = qat.quantize %x : " +
                    Xf + " -> " + X +
                    "\n"
                    "  %p = qat.qavg_pool2d %q " +
                    attrs + " : " + X + " -> " + Y +
                    "\n"
                    "  %d = qat.dequantize %p : " +
                    Y + " -> " + Yf +
                    "\n"
                    "  return %d : " +
                    Yf + "\n}\n";
  std::mt19937 rng(static_cast<unsigned>(p.h * 100 + p.w * 10 + p.kh));
  std::uniform_real_distribution<float> dist(-6.0f, 6.0f);
  Tensor x = Tensor::zeros(DType::F32, xs);
  for (int64_t i = 0; i < x.getNumElements(); ++i)
    x.data<float>()[i] = dist(rng);
  Tensor out = compileAndRun(src, {&x});
  std::vector<int32_t> xq(x.getNumElements()), y(p.n * p.c * oh * ow);
  ASSERT_EQ(out.getNumElements(), static_cast<int64_t>(y.size()));
  for (int64_t i = 0; i < x.getNumElements(); ++i)
    xq[i] = runtime::quantizeValue(x.data<float>()[i], sx, zx, qmin, qmax);
  runtime::qavgPool2dReference(xq.data(), p.n, p.c, p.h, p.w, zx, sx, kernel,
                               strides, pads, p.countIncludePad, oh, ow, sy, zy,
                               qmin, qmax, y.data(), requantMode(p.fixedPoint));
  int64_t differ = 0;
  for (size_t i = 0; i < y.size(); ++i)
    differ += out.data<float>()[i] != runtime::dequantizeValue(y[i], sy, zy);
  EXPECT_EQ(differ, 0) << "of " << y.size() << " outputs";
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QAvgPool2dVsReference,
    ::testing::Values(
        AvgPoolCase{2, 3, 6, 6, 2, 2, 2, 0, false, true, true},
        AvgPoolCase{1, 4, 7, 5, 3, 3, 2, 1, false, true, false},
        AvgPoolCase{2, 2, 7, 6, 3, 3, 2, 1, false, false, true},
        // ceil_mode: the last window hangs over the input.
        AvgPoolCase{1, 3, 7, 7, 2, 2, 2, 0, true, true, true},
        AvgPoolCase{2, 3, 8, 5, 3, 2, 2, 1, true, false, false},
        // A global average pool is one window of [H, W].
        AvgPoolCase{3, 5, 7, 9, 7, 9, 1, 0, false, true, true},
        // TFLite's fixed-point mean (s_x / s_y > 1: a left
        // shift), with each divisor case.
        AvgPoolCase{2, 3, 6, 6, 2, 2, 2, 0, false, true, true, true},
        AvgPoolCase{1, 4, 7, 5, 3, 3, 2, 1, false, true, false, true},
        AvgPoolCase{2, 2, 7, 6, 3, 3, 2, 1, false, false, true, true},
        AvgPoolCase{2, 3, 8, 5, 3, 2, 2, 1, true, false, false, true},
        AvgPoolCase{3, 5, 7, 9, 7, 9, 1, 0, false, true, false, true}));

// The divisor follows PyTorch's avg_pool2d (counted by hand for a 5-wide
// axis, kernel 3, stride 2, padding 1, ceil_mode giving 3 windows).
TEST(AvgPoolExtent, PyTorchDivisor) {
  // Windows [-1, 2), [1, 4), [3, 6): the last is clipped at in + padHi = 6.
  EXPECT_EQ(runtime::avgPoolExtent(0, 5, 3, 2, 1, 1, true), 3);
  EXPECT_EQ(runtime::avgPoolExtent(2, 5, 3, 2, 1, 1, true), 3);
  EXPECT_EQ(runtime::avgPoolExtent(0, 5, 3, 2, 1, 1, false), 2);
  EXPECT_EQ(runtime::avgPoolExtent(2, 5, 3, 2, 1, 1, false), 2);
  // Without padding, ceil_mode's overhang [4, 6) of an extent 5 counts 1.
  EXPECT_EQ(runtime::avgPoolExtent(2, 5, 2, 2, 0, 0, true), 1);
}
} // namespace

namespace {
// TFLite's fixed-point requant. Expected values are worked out by hand (and
// cross-checked with an independent Python transcription) from
// tensorflow/lite/kernels/internal/quantization_util.cc (QuantizeMultiplier),
// common.h (MultiplyByQuantizedMultiplier, classic double rounding) and
// gemmlowp/fixedpoint (SaturatingRoundingDoublingHighMul,
// RoundingDivideByPOT).
using runtime::FixedPointMultiplier;

void expectMultiplier(double m, int32_t multiplier, int shift) {
  FixedPointMultiplier q = runtime::quantizeMultiplier(m);
  EXPECT_EQ(q.multiplier, multiplier) << "M = " << m;
  EXPECT_EQ(q.shift, shift) << "M = " << m;
}

TEST(FixedPoint, QuantizeMultiplier) {
  expectMultiplier(0.0, 0, 0);
  // frexp(0.5) = 0.5 * 2^0, frexp(1) = 0.5 * 2^1.
  expectMultiplier(0.5, 1 << 30, 0);
  expectMultiplier(1.0, 1 << 30, 1);
  expectMultiplier(0.75, 1610612736, 0);
  // M > 1: left shifts.
  expectMultiplier(3.0, 1610612736, 2);
  expectMultiplier(805306368.0, 1610612736, 30);
  // A tie of q * 2^31: 2^30 + 0.5 rounds away from zero (std::round), to an
  // odd multiplier where round-half-even would give 2^30.
  expectMultiplier(0.5 + std::ldexp(1.0, -32), (1 << 30) + 1, 0);
  // q * 2^31 rounds up to 2^31: the fix-up halves it and bumps the shift.
  expectMultiplier(1.0 - std::ldexp(1.0, -40), 1 << 30, 1);
  // The smallest kept shift is -31; below it, flushed to zero.
  expectMultiplier(std::ldexp(1.0, -32), 1 << 30, -31);
  expectMultiplier(std::ldexp(1.0, -33), 0, 0);
  expectMultiplier(1e-10, 0, 0);
  // TFLite's conv multiplier double(s_x) * double(s_w) / double(s_y) of
  // float32 scales (0.0234375f * 0.0041f / 0.0625f = 0.0015375000075...).
  double m = runtime::fixedPointRealMultiplier(0.0234375f, 0.0041f, 0.0625f);
  EXPECT_EQ(m, static_cast<double>(0.0234375f) * static_cast<double>(0.0041f) /
                   static_cast<double>(0.0625f));
  expectMultiplier(m, 1690499136, -9);
  expectMultiplier(runtime::fixedPointRealMultiplier(0.017f, 0.004f, 0.09f),
                   1661484341, -10);
}

TEST(FixedPoint, SaturatingRoundingDoublingHighMul) {
  // round(a * b / 2^31), ties upwards (gemmlowp's nudge with C++'s
  // truncating division, like NEON's vqrdmulh): +0.5 -> 1, -0.5 -> 0.
  EXPECT_EQ(runtime::saturatingRoundingDoublingHighMul(1, 1 << 30), 1);
  EXPECT_EQ(runtime::saturatingRoundingDoublingHighMul(-1, 1 << 30), 0);
  EXPECT_EQ(runtime::saturatingRoundingDoublingHighMul(3, 1 << 30), 2);
  EXPECT_EQ(runtime::saturatingRoundingDoublingHighMul(-3, 1 << 30), -1);
  // The one overflow saturates.
  EXPECT_EQ(runtime::saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN),
            INT32_MAX);
}

TEST(FixedPoint, RoundingDivideByPOT) {
  // Ties away from zero.
  EXPECT_EQ(runtime::roundingDivideByPOT(5, 1), 3);
  EXPECT_EQ(runtime::roundingDivideByPOT(-5, 1), -3);
  EXPECT_EQ(runtime::roundingDivideByPOT(6, 2), 2);
  EXPECT_EQ(runtime::roundingDivideByPOT(-6, 2), -2);
  EXPECT_EQ(runtime::roundingDivideByPOT(-7, 2), -2);
  EXPECT_EQ(runtime::roundingDivideByPOT(INT32_MAX, 31), 1);
  EXPECT_EQ(runtime::roundingDivideByPOT(INT32_MIN, 31), -1);
  EXPECT_EQ(runtime::roundingDivideByPOT(-(1 << 30), 31), -1);
  EXPECT_EQ(runtime::roundingDivideByPOT(-(1 << 30) + 1, 31), 0);
  EXPECT_EQ(runtime::roundingDivideByPOT(42, 0), 42);
}

TEST(FixedPoint, MultiplyByQuantizedMultiplier) {
  auto mbqm = [](int32_t x, int32_t m, int shift) {
    return runtime::multiplyByQuantizedMultiplier(x, m, shift);
  };
  EXPECT_EQ(mbqm(100, 1 << 30, 0), 50);
  // 1.25 -> 2: the classic variant rounds twice (2.5 -> 3, then 1.5 -> 2),
  // where a single rounding would give 1.
  EXPECT_EQ(mbqm(5, 1 << 30, -1), 2);
  // Negative accumulators: -2.5 -> -2 (ties up), then -1 exactly.
  EXPECT_EQ(mbqm(-5, 1 << 30, -1), -1);
  // -0.75: -1.5 -> -1, then -0.5 -> -1 (away from zero).
  EXPECT_EQ(mbqm(-3, 1 << 30, -1), -1);
  // Positive shifts multiply first: 7 * 3.
  EXPECT_EQ(mbqm(7, 1610612736, 2), 21);
  EXPECT_EQ(mbqm(-3, (1 << 30) + 1, 1), -3);
  EXPECT_EQ(mbqm(1, 1610612736, 30), 805306368);
  // x * 2^shift wraps modulo 2^32 (3 << 30 = -2^30).
  EXPECT_EQ(mbqm(3, 1 << 30, 30), -536870912);
  // The largest right shift.
  EXPECT_EQ(mbqm(INT32_MAX, 1 << 30, -31), 1);
  EXPECT_EQ(mbqm(INT32_MIN, 1 << 30, -31), -1);
  // A zero (flushed) multiplier.
  EXPECT_EQ(mbqm(123456, 0, 0), 0);
  // Realistic conv multipliers (see QuantizeMultiplier above).
  EXPECT_EQ(mbqm(1000, 1690499136, -9), 2);
  EXPECT_EQ(mbqm(-1000, 1690499136, -9), -2);
  EXPECT_EQ(mbqm(12345, 1661484341, -10), 9);
  EXPECT_EQ(mbqm(-12345, 1661484341, -10), -9);
  // requantizeFixedPoint adds the zero point, then clamps.
  FixedPointMultiplier half{1 << 30, 0};
  EXPECT_EQ(runtime::requantizeFixedPoint(100, half, 3, -128, 127), 53);
  EXPECT_EQ(runtime::requantizeFixedPoint(1000, half, 3, -128, 127), 127);
  EXPECT_EQ(runtime::requantizeFixedPoint(-1000, half, 3, 0, 255), 0);
}

TEST(FixedPoint, AddAndMeanMultipliers) {
  // add.cc: twice_max = 2 * 0.037f; 0.037 / twice_max = 0.5 exactly;
  // 0.011 / twice_max = 0.1486...; twice_max / (2^20 * 0.045f).
  runtime::QAddFixedPoint p =
      runtime::qaddFixedPointMultipliers(0.037f, 0.011f, 0.045f);
  EXPECT_EQ(p.a.multiplier, 1 << 30);
  EXPECT_EQ(p.a.shift, 0);
  EXPECT_EQ(p.b.multiplier, 1276882146);
  EXPECT_EQ(p.b.shift, -2);
  EXPECT_EQ(p.y.multiplier, 1765708730);
  EXPECT_EQ(p.y.shift, -19);
  // TFLite's add of 10 steps of 0.037 and 0 steps of 0.011 at 0.045:
  // 10 * 2^20 * 0.5 = 5242880, then * 1765708730 * 2^-50 = 8.22 -> 8, plus
  // the zero point -1.
  EXPECT_EQ(runtime::qaddValue(13, 0.037f, 3, -50, 0.011f, -50, 0.045f, -1,
                               -128, 127, runtime::Requant::FixedPoint),
            7);
  // Mean: s_x == s_y is TFLite's AveragePool, (acc +- count / 2) / count.
  FixedPointMultiplier one = runtime::quantizeMultiplier(1.0);
  EXPECT_EQ(runtime::avgPoolFixedPoint(10, 4, one, 0, -128, 127), 3); // 2.5
  EXPECT_EQ(runtime::avgPoolFixedPoint(-10, 4, one, 0, -128, 127), -3);
  EXPECT_EQ(runtime::avgPoolFixedPoint(-9, 4, one, 0, -128, 127), -2);
  EXPECT_EQ(runtime::avgPoolFixedPoint(7, 3, one, 5, -128, 127), 7); // 2.33
  EXPECT_EQ(runtime::avgPoolFixedPoint(0, 9, one, 5, -128, 127), 5);
  // s_x / s_y = 0.043f / 0.0271f = 1.5867...: multiplier first (10 ->
  // 16), then the division by the count (16 / 4 = 4).
  FixedPointMultiplier r = runtime::quantizeMultiplier(
      static_cast<double>(0.043f) / static_cast<double>(0.0271f));
  EXPECT_EQ(r.multiplier, 1703723214);
  EXPECT_EQ(r.shift, 1);
  EXPECT_EQ(runtime::avgPoolFixedPoint(10, 4, r, 0, -128, 127), 4);
  EXPECT_EQ(runtime::avgPoolFixedPoint(-10, 4, r, 0, -128, 127), -4);
}
} // namespace

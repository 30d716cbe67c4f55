//===- IntReferenceTest.cpp - generated int8 code vs the reference --------===//
//
// NUMERICS.md promise 2: the generic lowering of the integer ops reproduces
// the scalar reference bit-exactly on every element, on odd shapes.
//
//===----------------------------------------------------------------------===//

#include "qat/InitAll.h"
#include "qat/JIT/JitModule.h"
#include "qat/Runtime/IntReference.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

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
};

std::string fmt(double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%.9e", v);
  return s;
}

class QLinearVsReference : public ::testing::TestWithParam<QLinearCase> {};

TEST_P(QLinearVsReference, BitExact) {
  QLinearCase p = GetParam();
  std::mt19937 rng(static_cast<unsigned>(p.n * 1000 + p.k * 10 + p.c));
  std::uniform_int_distribution<int> w8(-128, 127);
  std::uniform_int_distribution<int> bias(-5000, 5000);
  std::uniform_real_distribution<float> xs(-3.0f, 3.0f);
  float sx = 0.0234375f, sy = 0.0625f;
  int32_t zpX = p.unsignedX ? 117 : -3, zpY = p.unsignedX ? 9 : -7;
  std::vector<float> sw(p.c);
  for (int64_t i = 0; i < p.c; ++i)
    sw[i] = p.perChannel ? 0.001f * static_cast<float>(i + 1) + 0.0037f : 0.0041f;
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
      "  %w = qat.load @w : " + wI + "\n" +
      "  %wq = quant.scast %w : " + wI + " to " + wQ + "\n" +
      "  %b = qat.load @b : " + bT + "\n" +
      "  %y = qat.qlinear %xq, %wq, %b {clamp_min = " +
      std::to_string(p.clampMin) + " : i64, clamp_max = " +
      std::to_string(p.clampMax) + " : i64} : (" + xQ + ", " + wQ + ", " + bT +
      ") -> " + yQ + "\n" +
      "  %d = qat.dequantize %y : " + yQ + " -> " + yT + "\n" +
      "  return %d : " + yT + "\n}\n";

  DialectRegistry registry;
  registerQatDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(src, &ctx);
  ASSERT_TRUE(module) << src;
  auto jit = JitModule::compile(std::move(module), {"forward"});
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
                            y.data());
  int64_t differ = 0;
  for (int64_t i = 0; i < p.n * p.c; ++i) {
    float ref = runtime::dequantizeValue(y[i], sy, zpY);
    differ += (*out)[0].data<float>()[i] != ref;
  }
  EXPECT_EQ(differ, 0) << "of " << p.n * p.c << " outputs";
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QLinearVsReference,
    ::testing::Values(QLinearCase{3, 17, 5, true, true, 0, 255},
                      QLinearCase{1, 1, 1, true, false, 0, 255},
                      QLinearCase{7, 300, 3, true, true, 9, 255},
                      QLinearCase{4, 64, 10, false, true, -128, 127},
                      QLinearCase{2, 33, 1, false, false, -7, 100},
                      QLinearCase{5, 2000, 4, true, true, 0, 200}));
} // namespace

namespace {
struct QConvCase {
  int64_t n, c, h, w, o, kh, kw;
  int64_t stride, pad, dil;
  bool unsignedX, perChannel;
};

class QConv2dVsReference : public ::testing::TestWithParam<QConvCase> {};

TEST_P(QConv2dVsReference, BitExact) {
  QConvCase p = GetParam();
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
  std::vector<int32_t> w(p.o * p.c * p.kh * p.kw), b(p.o);
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
  std::string qx = "!quant.uniform<" + xt + ":f32, " + fmt(sx) + ":" + std::to_string(zpX) + ">";
  std::string qy = "!quant.uniform<" + xt + ":f32, " + fmt(sy) + ":" + std::to_string(zpY) + ">";
  std::string qw;
  if (p.perChannel) {
    qw = "!quant.uniform<i8:f32:0, {";
    for (int64_t i = 0; i < p.o; ++i)
      qw += (i ? ", " : "") + fmt(sw[i]);
    qw += "}>";
  } else {
    qw = "!quant.uniform<i8:f32, " + fmt(sw[0]) + ">";
  }
  std::string xT = shape({p.n, p.c, p.h, p.w}, "f32"), xQ = shape({p.n, p.c, p.h, p.w}, qx);
  std::string wI = shape({p.o, p.c, p.kh, p.kw}, "i8"), wQ = shape({p.o, p.c, p.kh, p.kw}, qw);
  std::string yQ = shape({p.n, p.o, oh, ow}, qy), yT = shape({p.n, p.o, oh, ow}, "f32");
  std::string bT = "tensor<" + std::to_string(p.o) + "xi32>";
  std::string attrs = "{strides = array<i64: " + std::to_string(p.stride) + ", " +
                      std::to_string(p.stride) + ">, padding = array<i64: " +
                      std::to_string(p.pad) + ", " + std::to_string(p.pad) +
                      ">, dilation = array<i64: " + std::to_string(p.dil) + ", " +
                      std::to_string(p.dil) + ">, clamp_min = " +
                      std::to_string(p.unsignedX ? 0 : -128) +
                      " : i64, clamp_max = " + std::to_string(p.unsignedX ? 255 : 127) +
                      " : i64}";
  std::string src =
      "qat.param @w = dense<" + lit(w) + "> : " + wI + "\n" +
      "qat.param @b = dense<" + lit(b) + "> : " + bT + "\n" +
      "func.func @forward(%x: " + xT + ") -> " + yT + " {\n" +
      "  %xq = qat.quantize %x : " + xT + " -> " + xQ + "\n" +
      "  %w = qat.load @w : " + wI + "\n" +
      "  %wf = qat.reshape %w : " + wI + " -> " + wI + "\n" +
      "  %wq = quant.scast %wf : " + wI + " to " + wQ + "\n" +
      "  %b = qat.load @b : " + bT + "\n" +
      "  %y = qat.qconv2d %xq, %wq, %b " + attrs + " : (" + xQ + ", " + wQ + ", " +
      bT + ") -> " + yQ + "\n" +
      "  %d = qat.dequantize %y : " + yQ + " -> " + yT + "\n" +
      "  return %d : " + yT + "\n}\n";
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
  auto jit = JitModule::compile(std::move(module), {"forward"});
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
                            dil, oh, ow, sy, zpY, qmin, qmax, y.data());
  int64_t differ = 0;
  for (size_t i = 0; i < y.size(); ++i)
    differ += (*out)[0].data<float>()[i] != runtime::dequantizeValue(y[i], sy, zpY);
  EXPECT_EQ(differ, 0) << "of " << y.size() << " outputs";
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, QConv2dVsReference,
    ::testing::Values(QConvCase{2, 3, 7, 6, 4, 3, 3, 1, 0, 1, true, true},
                      QConvCase{1, 2, 9, 9, 5, 3, 3, 2, 1, 1, true, false},
                      QConvCase{2, 1, 8, 7, 3, 3, 2, 1, 2, 2, false, true},
                      QConvCase{1, 5, 5, 5, 1, 1, 1, 1, 0, 1, false, false}));
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
        "  %q = qat.quantize %x : tensor<2x3x7x6xf32> -> tensor<2x3x7x6x" + q + ">\n"
        "  %p = qat.max_pool2d %q {kernel_size = array<i64: 3, 3>, strides = array<i64: 2, 2>, padding = array<i64: 1, 1>} : tensor<2x3x7x6x" + q + "> -> tensor<2x3x4x3x" + q + ">\n"
        "  %d = qat.dequantize %p : tensor<2x3x4x3x" + q + "> -> tensor<2x3x4x3xf32>\n"
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
  for (bool isUnsigned : {true, false}) {
    std::string t = isUnsigned ? "u8" : "i8";
    float sa = 0.037f, sb = 0.011f, sy = 0.045f;
    int32_t za = isUnsigned ? 120 : 3, zb = isUnsigned ? 7 : -50,
            zy = isUnsigned ? 64 : -1;
    auto q = [&](float s, int32_t z) {
      return "!quant.uniform<" + t + ":f32, " + fmt(s) + ":" + std::to_string(z) + ">";
    };
    int64_t lo = isUnsigned ? 64 : -1, hi = isUnsigned ? 255 : 127;
    std::string A = "tensor<5x13x" + q(sa, za) + ">", B = "tensor<5x13x" + q(sb, zb) + ">",
                Y = "tensor<5x13x" + q(sy, zy) + ">";
    std::string src =
        "func.func @forward(%a: tensor<5x13xf32>, %b: tensor<5x13xf32>) -> tensor<5x13xf32> {\n"
        "  %qa = qat.quantize %a : tensor<5x13xf32> -> " + A + "\n"
        "  %qb = qat.quantize %b : tensor<5x13xf32> -> " + B + "\n"
        "  %y = qat.qadd %qa, %qb {clamp_min = " + std::to_string(lo) +
        " : i64, clamp_max = " + std::to_string(hi) + " : i64} : (" + A + ", " + B +
        ") -> " + Y + "\n"
        "  %d = qat.dequantize %y : " + Y + " -> tensor<5x13xf32>\n"
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
    Tensor a = Tensor::zeros(DType::F32, {5, 13}), b = Tensor::zeros(DType::F32, {5, 13});
    for (int64_t i = 0; i < 65; ++i) {
      a.data<float>()[i] = xs(rng);
      b.data<float>()[i] = xs(rng);
    }
    auto out = (*jit)->run({&a, &b});
    ASSERT_TRUE(static_cast<bool>(out)) << llvm::toString(out.takeError());
    int64_t qmin = isUnsigned ? 0 : -128, qmax = isUnsigned ? 255 : 127;
    int64_t differ = 0;
    for (int64_t i = 0; i < 65; ++i) {
      int32_t qa = runtime::quantizeValue(a.data<float>()[i], sa, za, qmin, qmax);
      int32_t qb = runtime::quantizeValue(b.data<float>()[i], sb, zb, qmin, qmax);
      int32_t y = runtime::qaddValue(qa, sa, za, qb, sb, zb, sy, zy, lo, hi);
      differ += (*out)[0].data<float>()[i] != runtime::dequantizeValue(y, sy, zy);
    }
    EXPECT_EQ(differ, 0) << t;
  }
}
} // namespace

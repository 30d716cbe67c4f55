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

//===- QParamsGoldenTest.cpp - chooseQParams vs PyTorch goldens -----------===//
//
// docs/numerics.md: qparams follow PyTorch's Python observer formula bit for
// bit. scripts/gen_torch_goldens.py writes, for each range configuration, a few
// thousand random and edge (min, max) pairs (exact .5 ties of min / scale and
// values a few ulps around them, min == max, one-sided, tiny and huge ranges)
// with the scale and zero point of PyTorch 1.13's
// MinMaxObserver.calculate_qparams() (min_val / max_val set directly):
//   test/Integration/quant/Inputs/qparams_<config>.npy: f32 [N, 4] rows
//     (min, max, scale, zero_point), the zero point exact as a float;
//   qparams_<config>.range.npy: i64 [qmin, qmax, symmetric, unsigned].
// chooseQParams and the C entry points the generated code calls must match
// every row bit for bit. The source directory comes from QAT_SOURCE_DIR
// (set by test/unit/lit.cfg.py), else from the build's configuration.
//
//===----------------------------------------------------------------------===//

#include "qat/Data/Npy.h"
#include "qat/Numerics/QParams.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace mlir::qat::runtime;

namespace {

std::string goldenPath(const std::string &file) {
  const char *src = std::getenv("QAT_SOURCE_DIR");
#ifdef QAT_DEFAULT_SOURCE_DIR
  if (!src || !*src)
    src = QAT_DEFAULT_SOURCE_DIR;
#endif
  EXPECT_TRUE(src && *src) << "QAT_SOURCE_DIR is not set";
  return std::string(src ? src : "") + "/test/Integration/quant/Inputs/" + file;
}

/// Reads a golden .npy of `dtype` and rank 1 or 2, failing the test if it
/// is missing or has the wrong type.
bool readGolden(const std::string &file, DType dtype, Tensor &out) {
  std::string path = goldenPath(file);
  llvm::Expected<Tensor> t = readNpy(path);
  if (!t) {
    ADD_FAILURE() << llvm::toString(t.takeError())
                  << " (regenerate with /usr/bin/python3 "
                     "scripts/gen_torch_goldens.py)";
    return false;
  }
  if (t->dtype != dtype) {
    ADD_FAILURE() << path << ": dtype " << getDTypeName(t->dtype).str()
                  << ", expected " << getDTypeName(dtype).str();
    return false;
  }
  out = std::move(*t);
  return true;
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, sizeof(u));
  return u;
}

std::string describe(float f) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.9g (0x%08x)", f, bitsOf(f));
  return s;
}

class QParamsGoldenTest : public ::testing::TestWithParam<const char *> {};

TEST_P(QParamsGoldenTest, MatchesPyTorchMinMaxObserver) {
  std::string name = GetParam();
  Tensor range, rows;
  if (!readGolden("qparams_" + name + ".range.npy", DType::I64, range) ||
      !readGolden("qparams_" + name + ".npy", DType::F32, rows))
    return;
  ASSERT_EQ(range.getNumElements(), 4);
  const int64_t *r = range.data<int64_t>();
  QRange q{r[0], r[1], r[2] != 0, r[3] != 0};
  ASSERT_EQ(rows.getRank(), 2u);
  ASSERT_EQ(rows.shape[1], 4);
  int64_t n = rows.shape[0];
  // Thousands of pairs, not a vacuous file.
  ASSERT_GE(n, 2000) << name;

  const float *d = rows.data<float>();
  int64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    float lo = d[4 * i], hi = d[4 * i + 1], wantScale = d[4 * i + 2];
    float wantZpF = d[4 * i + 3];
    ASSERT_EQ(wantZpF, std::nearbyint(wantZpF)) << "row " << i;
    auto wantZp = static_cast<int32_t>(wantZpF);
    QParams got = chooseQParams(lo, hi, q);
    int32_t flags = (q.symmetric ? kQParamsSymmetric : 0) |
                    (q.isUnsigned ? kQParamsUnsigned : 0);
    float cScale = qat_rt_qparams_scale(lo, hi, q.qmin, q.qmax, flags);
    int32_t cZp = qat_rt_qparams_zero_point(lo, hi, q.qmin, q.qmax, flags);
    bool ok = bitsOf(got.scale) == bitsOf(wantScale) &&
              got.zeroPoint == wantZp && bitsOf(cScale) == bitsOf(wantScale) &&
              cZp == wantZp;
    if (!ok && ++bad <= 10)
      ADD_FAILURE() << name << " row " << i << ": min " << describe(lo)
                    << ", max " << describe(hi) << ": got scale "
                    << describe(got.scale) << " zp " << got.zeroPoint
                    << " (C entry points: " << describe(cScale) << ", " << cZp
                    << "), PyTorch " << describe(wantScale) << " zp " << wantZp;
  }
  EXPECT_EQ(bad, 0) << name << ": " << bad << " of " << n
                    << " pairs differ from PyTorch";
}

INSTANTIATE_TEST_SUITE_P(
    PyTorch, QParamsGoldenTest,
    ::testing::Values("u8_affine", "u8_affine_reduce_range", "i8_affine",
                      "i8_narrow_affine", "i8_symmetric",
                      "i8_symmetric_reduce_range", "i8_narrow_symmetric",
                      "u8_symmetric", "u8_symmetric_0_127"),
    [](const ::testing::TestParamInfo<const char *> &info) {
      return std::string(info.param);
    });

// The two places where we knowingly differ from PyTorch's
// calculate_qparams, checked against its actual values
// (qparams_degenerate.npy, f32 rows: qmin, qmax, symmetric, unsigned, min,
// max, PyTorch scale, PyTorch zero point, for every configuration above):
// - min == max == 0 (an all-zero tensor): PyTorch computes scale 0 and
//   clamps it to eps = FLT_EPSILON; docs/numerics.md (the contract) says scale
//   1.0, so that a zero tensor does not get an absurd 2^23 inverse scale. The
//   zero points agree (qmin, or the symmetric zero point).
// - an observer that saw nothing (min = +inf, max = -inf): both give scale
//   1.0, but PyTorch returns zero point 0 whatever the range (outside the
//   affine convention for int8 [-128, 127], not the midpoint of a symmetric
//   uint8 range); we return the zero point an all-zero input would get
//   (qmin, or the symmetric zero point), see QParams.h.
// (A third, PyTorch's zero point 128 for a symmetric uint8 observer with
// reduce_range=True, outside its own [0, 127], is not reproduced either: we
// take the midpoint 63, as PyTorch does for a customized [0, 127] range; the
// u8_symmetric_0_127 configuration checks that.)
TEST(QParamsGoldenDegenerate, DocumentedDifferencesFromPyTorch) {
  Tensor rows;
  if (!readGolden("qparams_degenerate.npy", DType::F32, rows))
    return;
  ASSERT_EQ(rows.getRank(), 2u);
  ASSERT_EQ(rows.shape[1], 8);
  ASSERT_EQ(rows.shape[0], 18); // 9 configurations x 2 cases
  const float *d = rows.data<float>();
  for (int64_t i = 0; i < rows.shape[0]; ++i) {
    const float *row = d + 8 * i;
    QRange q{static_cast<int64_t>(row[0]), static_cast<int64_t>(row[1]),
             row[2] != 0, row[3] != 0};
    float lo = row[4], hi = row[5], torchScale = row[6];
    auto torchZp = static_cast<int32_t>(row[7]);
    int32_t ourZp =
        q.symmetric ? getSymmetricZeroPoint(q) : static_cast<int32_t>(q.qmin);
    QParams got = chooseQParams(lo, hi, q);
    SCOPED_TRACE(::testing::Message()
                 << "range [" << q.qmin << ", " << q.qmax << "] symmetric "
                 << q.symmetric << " unsigned " << q.isUnsigned << ", min "
                 << lo << " max " << hi);
    EXPECT_EQ(got.scale, 1.0f);
    EXPECT_EQ(got.zeroPoint, ourZp);
    if (lo == 0.0f && hi == 0.0f) {
      EXPECT_EQ(torchScale, FLT_EPSILON);
      EXPECT_EQ(torchZp, ourZp);
    } else {
      ASSERT_TRUE(std::isinf(lo) && lo > 0 && std::isinf(hi) && hi < 0);
      EXPECT_EQ(torchScale, 1.0f);
      EXPECT_EQ(torchZp, 0);
    }
  }
}

} // namespace

//===- QParamsTest.cpp - the one qparams function -------------------------===//

#include "qat/Numerics/QParams.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <limits>

using namespace mlir::qat::runtime;

namespace {
const QRange kU8{0, 255, false, true};
const QRange kU8Reduced{0, 127, false, true};
const QRange kI8Sym{-128, 127, true, false};
const QRange kI8Narrow{-127, 127, true, false};

TEST(QParamsTest, AffineUint8) {
  QParams q = chooseQParams(-1.0f, 1.0f, kU8);
  EXPECT_EQ(q.scale, 2.0f / 255.0f);
  // float(2/255) rounds up, so -1 / s = -127.49999 (not -127.5): zp 127.
  EXPECT_EQ(q.zeroPoint, 127);
  // An exact half: s = 255 / 255 = 1, -63.5 rounds to even -64: zp 64.
  q = chooseQParams(-63.5f, 191.5f, kU8);
  EXPECT_EQ(q.scale, 1.0f);
  EXPECT_EQ(q.zeroPoint, 64);
}

TEST(QParamsTest, AffineIncludesZero) {
  // A range that excludes 0 is widened to include it.
  QParams q = chooseQParams(2.0f, 4.0f, kU8Reduced);
  EXPECT_EQ(q.scale, 4.0f / 127.0f);
  EXPECT_EQ(q.zeroPoint, 0);
  q = chooseQParams(-4.0f, -2.0f, kU8Reduced);
  EXPECT_EQ(q.scale, 4.0f / 127.0f);
  EXPECT_EQ(q.zeroPoint, 127);
}

TEST(QParamsTest, SymmetricInt8) {
  QParams q = chooseQParams(-1.0f, 0.5f, kI8Sym);
  EXPECT_EQ(q.scale, 1.0f / 127.5f);
  EXPECT_EQ(q.zeroPoint, 0);
  q = chooseQParams(-0.25f, 2.0f, kI8Narrow);
  EXPECT_EQ(q.scale, 2.0f / 127.0f);
}

TEST(QParamsTest, SymmetricUint8ZeroPoint) {
  EXPECT_EQ(chooseQParams(-1.0f, 1.0f, {0, 255, true, true}).zeroPoint, 128);
  EXPECT_EQ(chooseQParams(-1.0f, 1.0f, {0, 127, true, true}).zeroPoint, 63);
}

TEST(QParamsTest, ScaleIsAtLeastEpsilon) {
  QParams q = chooseQParams(0.0f, 1e-12f, kU8);
  EXPECT_EQ(q.scale, FLT_EPSILON);
  EXPECT_EQ(q.zeroPoint, 0);
}

TEST(QParamsTest, EmptyAndZeroRanges) {
  float inf = std::numeric_limits<float>::infinity();
  // An observer that saw nothing (min = +inf, max = -inf).
  EXPECT_EQ(chooseQParams(inf, -inf, kU8).scale, 1.0f);
  EXPECT_EQ(chooseQParams(inf, -inf, kU8).zeroPoint, 0);
  EXPECT_EQ(chooseQParams(inf, -inf, {-128, 127, false, false}).zeroPoint,
            -128);
  EXPECT_EQ(chooseQParams(0.0f, 0.0f, kI8Sym).scale, 1.0f);
  EXPECT_EQ(chooseQParams(0.0f, 0.0f, kI8Sym).zeroPoint, 0);
  EXPECT_EQ(chooseQParams(0.0f, 0.0f, {-128, 127, false, false}).zeroPoint,
            -128);
  EXPECT_EQ(chooseQParams(NAN, 1.0f, kU8).scale, 1.0f);
}

TEST(QParamsTest, CEntryPointsMatch) {
  for (float lo : {-3.0f, -0.1f, 0.0f})
    for (float hi : {0.0f, 0.7f, 5.0f}) {
      QParams q = chooseQParams(lo, hi, kU8Reduced);
      EXPECT_EQ(qat_rt_qparams_scale(lo, hi, 0, 127, kQParamsUnsigned),
                q.scale);
      EXPECT_EQ(qat_rt_qparams_zero_point(lo, hi, 0, 127, kQParamsUnsigned),
                q.zeroPoint);
      QParams s = chooseQParams(lo, hi, kI8Sym);
      EXPECT_EQ(qat_rt_qparams_scale(lo, hi, -128, 127, kQParamsSymmetric),
                s.scale);
    }
}
} // namespace

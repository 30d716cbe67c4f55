//===- DatasetTest.cpp - Tests of the datasets and the trainer's schedules ===//

#include "qat/Data/Dataset.h"
#include "qat/Data/Npy.h"
#include "qat/Train/Schedule.h"

#include "TempDirTest.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir::qat;
using namespace mlir::qat::runtime;

namespace {

class DatasetTest : public mlir::qat::unittest::TempDirTest {
protected:
  DatasetTest() : TempDirTest("qat-dataset") {}

  static std::string error(llvm::StringRef spec) {
    auto ds = openDataset(spec, "train");
    return ds ? std::string() : llvm::toString(ds.takeError());
  }
};

TEST_F(DatasetTest, CsvBatches) {
  std::string csv = writeFile("d.csv", "1,2,0\n\n3,4,1\n5,6,1\n");
  auto ds = openDataset("csv:" + csv, "train");
  ASSERT_TRUE(bool(ds)) << llvm::toString(ds.takeError());
  EXPECT_EQ((*ds)->getName(), csv);
  EXPECT_EQ((*ds)->getNumRecords(), 3);
  EXPECT_EQ((*ds)->getFeaturesPerRecord(), 2);
  EXPECT_FALSE(bool((*ds)->checkLabels(2)));
  EXPECT_EQ(llvm::toString((*ds)->checkLabels(1)),
            csv + ": record 1: label 1 is out of range [0, 1)");

  // Records 2 and 0, then a zero-padded position past the order's end.
  Tensor x = Tensor::zeros(DType::F32, {3, 2});
  Tensor y = Tensor::zeros(DType::I32, {3});
  int64_t order[] = {2, 0};
  (*ds)->fillBatch(order, 0, x, y);
  const float *xp = x.data<float>();
  EXPECT_EQ(std::vector<float>(xp, xp + 6),
            (std::vector<float>{5, 6, 1, 2, 0, 0}));
  const int32_t *yp = y.data<int32_t>();
  EXPECT_EQ(std::vector<int32_t>(yp, yp + 3), (std::vector<int32_t>{1, 0, 0}));

  auto labels = (*ds)->getLabelArgument(1, 2, DType::I64, {2});
  ASSERT_TRUE(bool(labels)) << llvm::toString(labels.takeError());
  EXPECT_EQ(labels->data<int64_t>()[0], 1);
}

TEST_F(DatasetTest, NpyU8FeaturesAreScaled) {
  Tensor f = Tensor::zeros(DType::U8, {2, 1, 2});
  f.data<uint8_t>()[1] = 255;
  f.data<uint8_t>()[2] = 51;
  Tensor l = Tensor::zeros(DType::I64, {2});
  l.data<int64_t>()[1] = 3;
  std::string fp = writeFile("f.npy", ""), lp = writeFile("l.npy", "");
  ASSERT_FALSE(bool(writeNpy(fp, f)));
  ASSERT_FALSE(bool(writeNpy(lp, l)));
  auto ds = openDataset("npy:" + fp + "," + lp, "ignored");
  ASSERT_TRUE(bool(ds)) << llvm::toString(ds.takeError());
  EXPECT_EQ((*ds)->getFeaturesPerRecord(), 2);
  Tensor x = Tensor::zeros(DType::F32, {2, 2});
  Tensor y = Tensor::zeros(DType::I32, {2});
  int64_t order[] = {1, 0};
  (*ds)->fillBatch(order, 0, x, y);
  EXPECT_EQ(x.data<float>()[0], 51 / 255.0f);
  EXPECT_EQ(x.data<float>()[3], 1.0f);
  EXPECT_EQ(y.data<int32_t>()[0], 3);

  // As an entry argument, stored records keep their shape and dtype.
  auto arg = (*ds)->getFeatureArgument(0, 2, DType::U8, {2, 2});
  ASSERT_TRUE(bool(arg)) << llvm::toString(arg.takeError());
  EXPECT_EQ(arg->data<uint8_t>()[1], 255);
}

TEST_F(DatasetTest, SpecErrors) {
  EXPECT_EQ(error("parquet:x"),
            "unknown dataset 'parquet:x' (known: fashion-mnist[:DIR], "
            "npy:FEATURES,LABELS, csv:FILE)");
  EXPECT_EQ(error("npy:only.npy"),
            "--data=npy:FEATURES.npy,LABELS.npy needs both files");
  std::string ragged = writeFile("r.csv", "1,2,0\n1,2,3,0\n");
  EXPECT_EQ(error("csv:" + ragged),
            ragged + ":2: record 1 has 4 fields, expected 3");
  std::string empty = writeFile("e.csv", "\n \n");
  EXPECT_EQ(error("csv:" + empty), empty + ": no records");
  std::string label = writeFile("l.csv", "1,2,0.5\n");
  EXPECT_EQ(error("csv:" + label),
            label + ":1: record 0: label 0.5 is not an integer");

  Tensor f = Tensor::zeros(DType::F32, {3, 2});
  Tensor l = Tensor::zeros(DType::I32, {2});
  std::string fp = writeFile("f.npy", ""), lp = writeFile("l.npy", "");
  ASSERT_FALSE(bool(writeNpy(fp, f)));
  ASSERT_FALSE(bool(writeNpy(lp, l)));
  EXPECT_EQ(error("npy:" + fp + "," + lp),
            fp + " has 3 records but " + lp + " has 2 labels");
  Tensor f16 = Tensor::zeros(DType::I16, {2, 2});
  ASSERT_FALSE(bool(writeNpy(fp, f16)));
  EXPECT_EQ(error("npy:" + fp + "," + lp),
            fp + ": features must be u8, f32 or f64, got i16");
}

TEST_F(DatasetTest, WideLabelsAreCheckedAtFullWidth) {
  // int64 labels that an int32 cast would turn into valid classes (2^40 ->
  // 0, 2^32 + 3 -> 3, -2^32 + 1 -> 1) are out of range as they are.
  Tensor f = Tensor::zeros(DType::F32, {3, 2});
  std::string fp = writeFile("f.npy", ""), lp = writeFile("l.npy", "");
  ASSERT_FALSE(bool(writeNpy(fp, f)));
  for (int64_t bad :
       {int64_t(1) << 40, (int64_t(1) << 32) + 3, -(int64_t(1) << 32) + 1}) {
    Tensor l = Tensor::zeros(DType::I64, {3});
    l.data<int64_t>()[0] = 9;
    l.data<int64_t>()[2] = bad;
    ASSERT_FALSE(bool(writeNpy(lp, l)));
    auto ds = openDataset("npy:" + fp + "," + lp, "train");
    ASSERT_TRUE(bool(ds)) << llvm::toString(ds.takeError());
    EXPECT_EQ(llvm::toString((*ds)->checkLabels(10)),
              fp + "," + lp + ": record 2: label " + std::to_string(bad) +
                  " is out of range [0, 10)");
  }

  // CSV labels are int32: a wider value is an error naming the record.
  std::string csv = writeFile("w.csv", "1,2,0\n3,4,4294967299\n");
  EXPECT_EQ(error("csv:" + csv),
            csv + ":2: record 1: label 4294967299 is out of the int32 range");
  csv = writeFile("inf.csv", "1,2,inf\n");
  EXPECT_EQ(error("csv:" + csv),
            csv + ":1: record 0: label inf is out of the int32 range");
  csv = writeFile("min.csv", "1,2,-2147483648\n1,2,2147483647\n");
  auto ds = openDataset("csv:" + csv, "train");
  ASSERT_TRUE(bool(ds)) << llvm::toString(ds.takeError());
  EXPECT_EQ(llvm::toString((*ds)->checkLabels(10)),
            csv + ": record 0: label -2147483648 is out of range [0, 10)");
}

TEST(DatasetSpecTest, TestDataSpec) {
  EXPECT_EQ(getTestDataSpec("fashion-mnist:/d", ""), "fashion-mnist:/d");
  EXPECT_EQ(getTestDataSpec("csv:a.csv", ""), "");
  EXPECT_EQ(getTestDataSpec("csv:a.csv", "csv:b.csv"), "csv:b.csv");
}

TEST(CompareTensorsTest, AllClose) {
  Tensor a = Tensor::zeros(DType::F32, {3}), b = Tensor::zeros(DType::F32, {3});
  a.data<float>()[0] = NAN;
  b.data<float>()[0] = NAN;
  a.data<float>()[1] = 1.0f;
  b.data<float>()[2] = 2.0f;
  TensorComparison c = compareTensors(a, b, 1.5, 0.0);
  EXPECT_EQ(c.maxAbsError, 2.0);
  EXPECT_EQ(c.numOutside, 1);
  EXPECT_EQ(c.firstOutside, 2);
}

//===----------------------------------------------------------------------===//
// Learning-rate schedules and Adam's scalars
//===----------------------------------------------------------------------===//

TEST(ScheduleTest, LearningRates) {
  LRSchedule s;
  s.lr = 0.1;
  EXPECT_EQ(s.getLearningRate(5), 0.1);
  s.kind = LRSchedule::Kind::Step;
  s.stepEpochs = 2;
  s.gamma = 0.5;
  EXPECT_EQ(s.getLearningRate(1), 0.1);
  EXPECT_EQ(s.getLearningRate(2), 0.05);
  EXPECT_EQ(s.getLearningRate(5), 0.1 * 0.25);
  s.kind = LRSchedule::Kind::Cosine;
  s.epochs = 4;
  EXPECT_EQ(s.getLearningRate(0), 0.1);
  EXPECT_DOUBLE_EQ(s.getLearningRate(2), 0.05);
  EXPECT_EQ(LRSchedule::parseKind("cosine"), LRSchedule::Kind::Cosine);
  EXPECT_EQ(LRSchedule::parseKind("linear"), std::nullopt);
}

TEST(ScheduleTest, AdamScalars) {
  // PyTorch's Adam at step 1: step_size = lr / (1 - 0.9), sqrt(1 - 0.999).
  AdamScalars a = getAdamScalars(0.001, 1);
  EXPECT_EQ(a.stepSize, static_cast<float>(0.001 / (1.0 - 0.9)));
  EXPECT_EQ(a.biasCorrection2Sqrt, static_cast<float>(std::sqrt(1.0 - 0.999)));
}

} // namespace

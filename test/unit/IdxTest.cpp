//===- IdxTest.cpp - Tests of the IDX reader and dataset helpers ----------===//

#include "qat/Data/Idx.h"
#include "qat/Data/InputFile.h"

#include "TempDirTest.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>

using namespace mlir::qat::runtime;
using llvm::StringRef;

namespace {

/// Builds an IDX file: magic, big-endian dimensions, then `data` verbatim.
std::string makeIdx(uint8_t typeCode, std::vector<uint32_t> dims,
                    StringRef data) {
  std::string bytes = {0, 0, static_cast<char>(typeCode),
                       static_cast<char>(dims.size())};
  for (uint32_t d : dims)
    for (int shift = 24; shift >= 0; shift -= 8)
      bytes.push_back(static_cast<char>((d >> shift) & 0xFF));
  return bytes + data.str();
}

/// Returns `count` u8 values 0, 1, 2, ... (mod 256).
std::string ramp(size_t count, unsigned start = 0) {
  std::string bytes(count, '\0');
  for (size_t i = 0; i < count; ++i)
    bytes[i] = static_cast<char>((start + i) & 0xFF);
  return bytes;
}

class IdxTest : public mlir::qat::unittest::TempDirTest {
protected:
  IdxTest() : TempDirTest("qat-idx-test") {}

  /// Writes `bytes` gzip-compressed with zlib; returns the path.
  std::string writeGz(StringRef name, StringRef bytes) {
    std::string path = pathOf(name);
    gzFile file = gzopen(path.c_str(), "wb");
    EXPECT_NE(file, nullptr);
    if (!file)
      return path;
    if (!bytes.empty()) {
      EXPECT_EQ(gzwrite(file, bytes.data(), bytes.size()),
                static_cast<int>(bytes.size()));
    }
    EXPECT_EQ(gzclose(file), Z_OK);
    return path;
  }

  /// Writes a synthetic Fashion-MNIST split `prefix` ("train" or "t10k") of
  /// `numImages` images of `height` x 28 and the given labels.
  void writeSplit(StringRef prefix, uint32_t numImages,
                  std::vector<uint8_t> labels, uint32_t height = 28) {
    writeGz(
        (prefix + "-images-idx3-ubyte.gz").str(),
        makeIdx(0x08, {numImages, height, 28}, ramp(numImages * height * 28)));
    std::string labelBytes(labels.begin(), labels.end());
    writeGz((prefix + "-labels-idx1-ubyte.gz").str(),
            makeIdx(0x08, {static_cast<uint32_t>(labels.size())}, labelBytes));
  }

  /// Returns the error message of readIdx(path), or "" on success.
  std::string idxError(StringRef path) {
    llvm::Expected<Tensor> t = readIdx(path);
    return t ? std::string() : llvm::toString(t.takeError());
  }
};

} // namespace

//===----------------------------------------------------------------------===//
// readIdx
//===----------------------------------------------------------------------===//

TEST_F(IdxTest, ReadU8GzipAndRaw) {
  std::string bytes = makeIdx(0x08, {3, 2, 2}, ramp(12, 250));
  for (const std::string &path :
       {writeGz("a-idx3-ubyte.gz", bytes), writeFile("a-idx3-ubyte", bytes)}) {
    llvm::Expected<Tensor> t = readIdx(path);
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::U8);
    EXPECT_EQ(t->shape, (std::vector<int64_t>{3, 2, 2}));
    ASSERT_EQ(t->storage.size(), 12u);
    EXPECT_EQ(t->data<uint8_t>()[0], 250);
    EXPECT_EQ(t->data<uint8_t>()[5], 255);
    EXPECT_EQ(t->data<uint8_t>()[6], 0);
    EXPECT_EQ(t->data<uint8_t>()[11], 5);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(t->storage.data()) %
                  kTensorStorageAlignment,
              0u);
  }
  // The compressed file really is compressed (gzip magic).
  EXPECT_EQ(readFile(pathOf("a-idx3-ubyte.gz")).substr(0, 2), "\x1f\x8b");
}

TEST_F(IdxTest, ReadBigEndianTypes) {
  {
    llvm::Expected<Tensor> t = readIdx(
        writeGz("i8.gz", makeIdx(0x09, {3}, StringRef("\x80\xff\x7f", 3))));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::I8);
    EXPECT_EQ(t->data<int8_t>()[0], -128);
    EXPECT_EQ(t->data<int8_t>()[1], -1);
    EXPECT_EQ(t->data<int8_t>()[2], 127);
  }
  {
    llvm::Expected<Tensor> t = readIdx(writeGz(
        "i16.gz", makeIdx(0x0B, {1, 2}, StringRef("\x01\x02\xff\xfe", 4))));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::I16);
    EXPECT_EQ(t->shape, (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(t->data<int16_t>()[0], 0x0102);
    EXPECT_EQ(t->data<int16_t>()[1], -2);
  }
  {
    llvm::Expected<Tensor> t = readIdx(writeGz(
        "i32.gz",
        makeIdx(0x0C, {2}, StringRef("\x01\x02\x03\x04\x80\x00\x00\x00", 8))));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::I32);
    EXPECT_EQ(t->data<int32_t>()[0], 0x01020304);
    EXPECT_EQ(t->data<int32_t>()[1], INT32_MIN);
  }
  {
    // 1.5f = 0x3fc00000, -2.0f = 0xc0000000.
    llvm::Expected<Tensor> t = readIdx(writeGz(
        "f32.gz",
        makeIdx(0x0D, {2}, StringRef("\x3f\xc0\x00\x00\xc0\x00\x00\x00", 8))));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::F32);
    EXPECT_EQ(t->data<float>()[0], 1.5f);
    EXPECT_EQ(t->data<float>()[1], -2.0f);
  }
  {
    // 0.1 = 0x3fb999999999999a.
    llvm::Expected<Tensor> t = readIdx(writeFile(
        "f64",
        makeIdx(0x0E, {1}, StringRef("\x3f\xb9\x99\x99\x99\x99\x99\x9a", 8))));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::F64);
    EXPECT_EQ(t->data<double>()[0], 0.1);
  }
}

TEST_F(IdxTest, ReadEmptyAndLarge) {
  llvm::Expected<Tensor> empty =
      readIdx(writeGz("empty.gz", makeIdx(0x08, {0, 28, 28}, "")));
  ASSERT_TRUE(bool(empty)) << llvm::toString(empty.takeError());
  EXPECT_EQ(empty->shape, (std::vector<int64_t>{0, 28, 28}));
  EXPECT_TRUE(empty->storage.empty());

  // More than one read chunk (1 MiB) of data.
  std::string data = ramp(3 * 1024 * 1024 + 5, 7);
  llvm::Expected<Tensor> large =
      readIdx(writeGz("large.gz", makeIdx(0x08, {3 * 1024 * 1024 + 5}, data)));
  ASSERT_TRUE(bool(large)) << llvm::toString(large.takeError());
  ASSERT_EQ(large->storage.size(), data.size());
  EXPECT_EQ(std::memcmp(large->storage.data(), data.data(), data.size()), 0);
}

TEST_F(IdxTest, ErrorMissingFile) {
  std::string path = pathOf("missing-idx1-ubyte.gz");
  EXPECT_EQ(idxError(path), path + ": cannot open: No such file or directory");
}

TEST_F(IdxTest, ErrorBadHeaders) {
  std::string path = writeGz("bad.gz", "\x1f\x8b not idx");
  EXPECT_EQ(idxError(path), path + ": not an IDX file (bad magic 0x1f 0x8b)");
  path = writeGz("empty.gz", "");
  EXPECT_EQ(idxError(path), path + ": not an IDX file (empty)");
  path = writeFile("short", StringRef("\0\0", 2));
  EXPECT_EQ(idxError(path),
            path + ": truncated header: expected 4 magic bytes, got 2");
  path = writeGz("type.gz", makeIdx(0x0A, {1}, "x"));
  EXPECT_EQ(idxError(path),
            path + ": unsupported IDX type code 0x0a (supported: 0x08 u8, "
                   "0x09 i8, 0x0b i16, 0x0c i32, 0x0d f32, 0x0e f64)");
  path = writeGz("rank0.gz", makeIdx(0x08, {}, "x"));
  EXPECT_EQ(idxError(path), path + ": IDX file has rank 0 (expected at least "
                                   "one dimension)");
  path = writeGz("dims.gz", makeIdx(0x08, {10, 28, 28}, "").substr(0, 10));
  EXPECT_EQ(idxError(path), path + ": truncated header: expected 3 dimensions "
                                   "(12 bytes), got 6 bytes");
}

TEST_F(IdxTest, ErrorHugeDimensions) {
  // 2^32-1 four times overflows int64.
  std::string path = writeGz(
      "overflow.gz",
      makeIdx(0x08, {0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF}, ""));
  EXPECT_EQ(idxError(path), path + ": shape [4294967295, 4294967295, "
                                   "4294967295, 4294967295] is too large "
                                   "(element count overflows)");
  // 2^62 bytes claimed: more than the memory, refused before reading.
  path = writeGz("huge.gz",
                 makeIdx(0x08, {0x80000000, 0x80000000}, StringRef("abc")));
  EXPECT_EQ(idxError(path), path +
                                ": shape [2147483648, 2147483648] needs "
                                "4611686018427387904 bytes, more than the " +
                                std::to_string(getMemoryLimit()) +
                                " bytes of memory available");
  // 1 GiB claimed with 3 bytes present: fails fast, allocating only as the
  // data arrives.
  path = writeGz("claims.gz", makeIdx(0x08, {0x400000, 0x100}, "abc"));
  EXPECT_EQ(idxError(path), path + ": truncated at record 0 of 4194304 "
                                   "(expected 256 bytes per record)");
}

TEST_F(IdxTest, ErrorTruncatedData) {
  // 10 records of 784 bytes, the last one 100 bytes short.
  std::string full = makeIdx(0x08, {10, 28, 28}, ramp(10 * 784));
  std::string path =
      writeGz("t10k-images-idx3-ubyte.gz", StringRef(full).drop_back(100));
  EXPECT_EQ(idxError(path), path + ": truncated at record 9 of 10 (expected "
                                   "784 bytes per record)");
  path = writeFile("raw-idx3-ubyte", StringRef(full).drop_back(3 * 784 + 1));
  EXPECT_EQ(idxError(path), path + ": truncated at record 6 of 10 (expected "
                                   "784 bytes per record)");
  // Exactly on a record boundary.
  path = writeGz("labels.gz", makeIdx(0x08, {5}, "abc"));
  EXPECT_EQ(idxError(path), path + ": truncated at record 3 of 5 (expected 1 "
                                   "bytes per record)");
  // Multi-byte elements count bytes per record.
  path = writeGz("f32.gz", makeIdx(0x0D, {4, 3}, ramp(30)));
  EXPECT_EQ(idxError(path), path + ": truncated at record 2 of 4 (expected 12 "
                                   "bytes per record)");
}

TEST_F(IdxTest, ErrorTruncatedGzipStream) {
  // A compressed file cut in half: the records that inflate are read, the
  // error names the first incomplete one and says the stream ended early.
  std::string full = makeIdx(0x08, {100, 28, 28}, ramp(100 * 784));
  std::string gz = readFile(writeGz("full.gz", full));
  ASSERT_GT(gz.size(), 100u);
  std::string path =
      writeFile("cut.gz", StringRef(gz).take_front(gz.size() / 2));
  std::string message = idxError(path);
  EXPECT_EQ(message.rfind(path + ": truncated at record ", 0), 0u) << message;
  EXPECT_NE(message.find(" of 100 (expected 784 bytes per record); the gzip "
                         "stream ends early"),
            std::string::npos)
      << message;

  // Only the 8-byte trailer (CRC-32, length) is missing.
  path = writeFile("notrailer.gz", StringRef(gz).drop_back(8));
  EXPECT_EQ(idxError(path), path + ": corrupt gzip stream: unexpected end of "
                                   "file after the last record");
}

TEST_F(IdxTest, ErrorCorruptGzip) {
  // A gzip header followed by a deflate block of the reserved type 3.
  std::string bytes("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
  bytes.append(32, '\xff');
  std::string path = writeFile("corrupt.gz", bytes);
  EXPECT_EQ(idxError(path), path + ": corrupt gzip stream: invalid block type");

  // A flipped bit in the CRC-32 of the trailer.
  std::string gz = readFile(writeGz("good.gz", makeIdx(0x08, {4, 2}, ramp(8))));
  ASSERT_GT(gz.size(), 8u);
  gz[gz.size() - 8] ^= 1;
  path = writeFile("crc.gz", gz);
  EXPECT_EQ(idxError(path),
            path + ": corrupt gzip stream: incorrect data check");
}

TEST_F(IdxTest, ErrorTrailingData) {
  std::string path = writeGz("extra.gz", makeIdx(0x08, {2, 2}, ramp(5)));
  EXPECT_EQ(idxError(path),
            path + ": more data than the header declares (u8 [2, 2], 4 "
                   "bytes): the header's type, rank or dimensions are wrong, "
                   "or the file holds more than its 2 records");
}

TEST_F(IdxTest, ErrorNotAFile) {
  std::string path = pathOf("train-images-idx3-ubyte.gz");
  ASSERT_FALSE(llvm::sys::fs::create_directory(path));
  EXPECT_EQ(idxError(path),
            path + ": not a regular file or a pipe (directory)");
  EXPECT_EQ(idxError("/dev/zero"),
            "/dev/zero: not a regular file or a pipe (character device)");
}

TEST_F(IdxTest, ErrorReadFails) {
  // /proc/self/mem opens, but read(2) of its first page fails (EIO).
  EXPECT_EQ(idxError("/proc/self/mem"),
            "/proc/self/mem: read error: Input/output error");
}

//===----------------------------------------------------------------------===//
// loadFashionMnist on synthetic files
//===----------------------------------------------------------------------===//

TEST_F(IdxTest, LoadSyntheticSplits) {
  writeSplit("train", 3, {0, 9, 4});
  writeSplit("t10k", 2, {7, 1});
  llvm::Expected<LabeledImages> train = loadFashionMnist(dir, "train");
  ASSERT_TRUE(bool(train)) << llvm::toString(train.takeError());
  EXPECT_EQ(train->images.shape, (std::vector<int64_t>{3, 28, 28}));
  EXPECT_EQ(train->labels.shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(train->labels.data<uint8_t>()[1], 9);
  EXPECT_EQ(train->images.data<uint8_t>()[784 + 1], (784 + 1) % 256);

  llvm::Expected<LabeledImages> test = loadFashionMnist(dir, "test");
  ASSERT_TRUE(bool(test)) << llvm::toString(test.takeError());
  EXPECT_EQ(test->images.shape[0], 2);
  EXPECT_EQ(test->labels.data<uint8_t>()[0], 7);

  llvm::Expected<LabeledImages> bad = loadFashionMnist(dir, "validation");
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "unknown Fashion-MNIST split 'validation' (expected 'train' or "
            "'test')");
}

TEST_F(IdxTest, LoadErrors) {
  auto loadError = [&]() {
    llvm::Expected<LabeledImages> d = loadFashionMnist(dir, "train");
    return d ? std::string() : llvm::toString(d.takeError());
  };
  std::string images = pathOf("train-images-idx3-ubyte.gz");
  std::string labels = pathOf("train-labels-idx1-ubyte.gz");

  EXPECT_EQ(loadError(), images + ": cannot open: No such file or directory");

  writeSplit("train", 5, {1, 2, 3, 4});
  EXPECT_EQ(loadError(), labels + ": 5 images but 4 labels");

  writeSplit("train", 4, {1, 2, 3, 12});
  EXPECT_EQ(loadError(),
            labels + ": record 3: label 12 is out of range [0, 10)");

  writeSplit("train", 2, {1, 2}, /*height=*/27);
  EXPECT_EQ(loadError(), images + ": expected 28x28 u8 images [N, 28, 28], "
                                  "got u8 [2, 27, 28]");

  writeSplit("train", 2, {1, 2});
  writeGz("train-labels-idx1-ubyte.gz", makeIdx(0x0C, {2}, ramp(8)));
  EXPECT_EQ(loadError(), labels + ": expected u8 labels [N], got i32 [2]");
}

//===----------------------------------------------------------------------===//
// The real Fashion-MNIST
//===----------------------------------------------------------------------===//

static const char kFashionMnistDir[] = "/usr/share/datasets/fashion-mnist";

TEST(FashionMnistTest, TestSplit) {
  if (!llvm::sys::fs::exists(llvm::Twine(kFashionMnistDir) +
                             "/t10k-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Fashion-MNIST not installed in " << kFashionMnistDir;
  llvm::Expected<LabeledImages> d = loadFashionMnist(kFashionMnistDir, "test");
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(d->images.shape, (std::vector<int64_t>{10000, 28, 28}));
  EXPECT_EQ(d->labels.shape, (std::vector<int64_t>{10000}));

  int64_t histogram[10] = {};
  for (int64_t i = 0; i < 10000; ++i)
    ++histogram[d->labels.data<uint8_t>()[i]];
  for (int c = 0; c < 10; ++c)
    EXPECT_EQ(histogram[c], 1000) << "class " << c;
  EXPECT_EQ(d->labels.data<uint8_t>()[0], 9); // Ankle boot.

  // Computed independently with Python:
  //   img = gzip.open('t10k-images-idx3-ubyte.gz').read()
  //   p = img[16:16 + 784]; sum(p) -> 33456
  //   sum((i + 1) * v for i, v in enumerate(p)) -> 16008570
  //   sum(img[16 + 9999 * 784:16 + 10000 * 784]) -> 24390
  const uint8_t *pixels = d->images.data<uint8_t>();
  int64_t sum = 0, weighted = 0, lastSum = 0;
  for (int64_t i = 0; i < 784; ++i) {
    sum += pixels[i];
    weighted += (i + 1) * pixels[i];
    lastSum += pixels[9999 * 784 + i];
  }
  EXPECT_EQ(sum, 33456);
  EXPECT_EQ(weighted, 16008570);
  EXPECT_EQ(lastSum, 24390);
}

TEST(FashionMnistTest, TrainSplit) {
  if (!llvm::sys::fs::exists(llvm::Twine(kFashionMnistDir) +
                             "/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "Fashion-MNIST not installed in " << kFashionMnistDir;
  llvm::Expected<LabeledImages> d = loadFashionMnist(kFashionMnistDir, "train");
  ASSERT_TRUE(bool(d)) << llvm::toString(d.takeError());
  EXPECT_EQ(d->images.shape, (std::vector<int64_t>{60000, 28, 28}));
  EXPECT_EQ(d->labels.shape, (std::vector<int64_t>{60000}));
  // Python: gzip.open('train-labels-idx1-ubyte.gz').read()[8:12] -> 9 0 0 3
  EXPECT_EQ(d->labels.data<uint8_t>()[0], 9);
  EXPECT_EQ(d->labels.data<uint8_t>()[3], 3);
}

//===----------------------------------------------------------------------===//
// sliceRecords / convertForArgument
//===----------------------------------------------------------------------===//

TEST(RecordsTest, SliceRecords) {
  Tensor t = Tensor::zeros(DType::I16, {5, 3});
  for (int i = 0; i < 15; ++i)
    t.data<int16_t>()[i] = static_cast<int16_t>(i * 100);
  llvm::Expected<Tensor> s = sliceRecords(t, 1, 3);
  ASSERT_TRUE(bool(s)) << llvm::toString(s.takeError());
  EXPECT_EQ(s->dtype, DType::I16);
  EXPECT_EQ(s->shape, (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(s->data<int16_t>()[0], 300);
  EXPECT_EQ(s->data<int16_t>()[8], 1100);

  llvm::Expected<Tensor> empty = sliceRecords(t, 5, 0);
  ASSERT_TRUE(bool(empty)) << llvm::toString(empty.takeError());
  EXPECT_EQ(empty->shape, (std::vector<int64_t>{0, 3}));

  llvm::Expected<Tensor> bad = sliceRecords(t, 3, 4);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "sliceRecords: cannot take 4 records at offset 3 from a tensor "
            "with 5 records");
  bad = sliceRecords(t, -1, 1);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "sliceRecords: cannot take 1 records at offset -1 from a tensor "
            "with 5 records");
  bad = sliceRecords(t, 1, INT64_MAX);
  ASSERT_FALSE(bool(bad));
  llvm::consumeError(bad.takeError());
  bad = sliceRecords(Tensor::zeros(DType::F32, {}), 0, 1);
  ASSERT_FALSE(bool(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()),
            "sliceRecords: cannot slice records of a 0-d tensor");
}

TEST(RecordsTest, ConvertImages) {
  Tensor images = Tensor::zeros(DType::U8, {2, 28, 28});
  images.data<uint8_t>()[0] = 255;
  images.data<uint8_t>()[1] = 51;
  images.data<uint8_t>()[784 + 783] = 128;

  llvm::Expected<Tensor> nchw =
      convertForArgument(images, DType::F32, {2, 1, 28, 28}, true);
  ASSERT_TRUE(bool(nchw)) << llvm::toString(nchw.takeError());
  EXPECT_EQ(nchw->dtype, DType::F32);
  EXPECT_EQ(nchw->shape, (std::vector<int64_t>{2, 1, 28, 28}));
  EXPECT_EQ(nchw->data<float>()[0], 1.0f);
  EXPECT_EQ(nchw->data<float>()[1], 51.0f / 255.0f);
  EXPECT_EQ(nchw->data<float>()[2], 0.0f);
  EXPECT_EQ(nchw->data<float>()[784 + 783], 128.0f / 255.0f);

  // A dynamic batch dimension and a flat record; no scaling.
  llvm::Expected<Tensor> flat =
      convertForArgument(images, DType::F64, {-1, 784}, false);
  ASSERT_TRUE(bool(flat)) << llvm::toString(flat.takeError());
  EXPECT_EQ(flat->shape, (std::vector<int64_t>{2, 784}));
  EXPECT_EQ(flat->data<double>()[0], 255.0);
  EXPECT_EQ(flat->data<double>()[1], 51.0);

  // Same dtype: a pure reshape.
  llvm::Expected<Tensor> same =
      convertForArgument(images, DType::U8, {2, 784}, true);
  ASSERT_TRUE(bool(same)) << llvm::toString(same.takeError());
  EXPECT_TRUE(same->storage == images.storage);
}

TEST(RecordsTest, ConvertLabels) {
  Tensor labels = Tensor::zeros(DType::U8, {3});
  labels.data<uint8_t>()[0] = 9;
  labels.data<uint8_t>()[2] = 255;
  // Integer widening never scales, even when asked to scale pixels.
  llvm::Expected<Tensor> i32 =
      convertForArgument(labels, DType::I32, {3}, true);
  ASSERT_TRUE(bool(i32)) << llvm::toString(i32.takeError());
  EXPECT_EQ(i32->data<int32_t>()[0], 9);
  EXPECT_EQ(i32->data<int32_t>()[2], 255);
  llvm::Expected<Tensor> i64 =
      convertForArgument(labels, DType::I64, {-1}, false);
  ASSERT_TRUE(bool(i64)) << llvm::toString(i64.takeError());
  EXPECT_EQ(i64->shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(i64->data<int64_t>()[0], 9);

  Tensor signedLabels = Tensor::zeros(DType::I8, {1});
  signedLabels.data<int8_t>()[0] = -3;
  llvm::Expected<Tensor> widened =
      convertForArgument(signedLabels, DType::I64, {1}, false);
  ASSERT_TRUE(bool(widened)) << llvm::toString(widened.takeError());
  EXPECT_EQ(widened->data<int64_t>()[0], -3);
}

TEST(RecordsTest, ConvertErrors) {
  Tensor images = Tensor::zeros(DType::U8, {10, 28, 28});
  auto convertError = [](const Tensor &t, DType dtype,
                         llvm::ArrayRef<int64_t> shape) {
    llvm::Expected<Tensor> r = convertForArgument(t, dtype, shape, true);
    return r ? std::string() : llvm::toString(r.takeError());
  };
  EXPECT_EQ(convertError(images, DType::F32, {10, 785}),
            "cannot convert records u8 [10, 28, 28] to argument f32 [10, 785]: "
            "784 elements per record but the argument needs 785");
  EXPECT_EQ(convertError(images, DType::F32, {64, 1, 28, 28}),
            "cannot convert records u8 [10, 28, 28] to argument f32 [64, 1, "
            "28, 28]: 10 records but the argument has 64 rows");
  EXPECT_EQ(convertError(Tensor::zeros(DType::F32, {2, 3}), DType::I32, {2, 3}),
            "cannot convert records f32 [2, 3] to argument i32 [2, 3]: "
            "unsupported dtype conversion f32 -> i32");
  EXPECT_EQ(convertError(Tensor::zeros(DType::I32, {2}), DType::F32, {2}),
            "cannot convert records i32 [2] to argument f32 [2]: unsupported "
            "dtype conversion i32 -> f32");
  EXPECT_EQ(convertError(Tensor::zeros(DType::U8, {2}), DType::I8, {2}),
            "cannot convert records u8 [2] to argument i8 [2]: unsupported "
            "dtype conversion u8 -> i8");
  EXPECT_EQ(convertError(Tensor::zeros(DType::F32, {}), DType::F32, {1}),
            "cannot convert records f32 [] to argument f32 [1]: records need a "
            "leading record dimension");
  EXPECT_EQ(convertError(Tensor::zeros(DType::F32, {2}), DType::F32, {}),
            "cannot convert records f32 [2] to argument f32 []: the argument "
            "needs a leading record dimension");
  EXPECT_EQ(
      convertError(Tensor::zeros(DType::F32, {2, 3}), DType::F32, {2, -3}),
      "cannot convert records f32 [2, 3] to argument f32 [2, -3]: the "
      "argument has a negative dimension after the first, or an element "
      "count per record that overflows int64");
  // Element counts that overflow int64 (tensors without storage: the shapes
  // are checked before it).
  Tensor huge;
  huge.dtype = DType::U8;
  huge.shape = {1, int64_t(1) << 40, int64_t(1) << 40};
  EXPECT_EQ(convertError(huge, DType::U8, {1, -1}),
            "cannot convert records u8 [1, 1099511627776, 1099511627776] to "
            "argument u8 [1, -1]: the records have a negative dimension after "
            "the first, or an element count per record that overflows int64");
  huge.shape = {int64_t(1) << 40, int64_t(1) << 30};
  EXPECT_EQ(convertError(huge, DType::U8, {-1, int64_t(1) << 30}),
            "cannot convert records u8 [1099511627776, 1073741824] to argument "
            "u8 [-1, 1073741824]: the element count of 1099511627776 records "
            "of 1073741824 elements is negative or overflows int64");
}

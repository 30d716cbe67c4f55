//===- NpyTest.cpp - Tests of runtime tensors and the NPY reader/writer ---===//

#include "qat/Data/Npy.h"
#include "qat/Data/InputFile.h"
#include "qat/Data/Tensor.h"

#include "TempDirTest.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <csignal>
#include <cstring>

#include <sys/resource.h>
#include <unistd.h>

using namespace mlir::qat::runtime;
using llvm::StringRef;

namespace {

//===----------------------------------------------------------------------===//
// Fixtures written by NumPy 1.24.2 (`f = io.BytesIO(); <expression>;
// f.getvalue()`), embedded byte for byte.
//===----------------------------------------------------------------------===//

// clang-format off
// np.save(f, (np.arange(6, dtype='<f4').reshape(2, 3) * 0.5 - 1))
static const char kNumpyF32_2x3[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } "
    "                                                         \x0a""\x00"
    "\x00""\x80""\xbf""\x00""\x00""\x00""\xbf""\x00""\x00""\x00""\x00""\x00"
    "\x00""\x00""\x3f""\x00""\x00""\x80""\x3f""\x00""\x00""\xc0""\x3f";
// np.save(f, np.array(3.25, dtype='<f8'))
static const char kNumpyF64_0d[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '<f8', 'fortran_order': False, 'shape': (), }     "
    "                                                         \x0a""\x00"
    "\x00""\x00""\x00""\x00""\x00""\x0a""@";
// np.save(f, np.array([-128, -1, 0, 1, 127], dtype='i1'))
static const char kNumpyI8_5[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '|i1', 'fortran_order': False, 'shape': (5,), }   "
    "                                                         \x0a""\x80"
    "\xff""\x00""\x01""\x7f";
// np.save(f, np.array([0, 1, 254, 255], dtype='u1').reshape(1, 2, 2, 1))
static const char kNumpyU8_1x2x2x1[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 2, "
    "1), }                                                    \x0a""\x00"
    "\x01""\xfe""\xff";
// np.save(f, np.array([-32768, 2, 32767], dtype='<i2'))
static const char kNumpyI16_3[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }   "
    "                                                         \x0a""\x00"
    "\x80""\x02""\x00""\xff""\x7f";
// np.save(f, np.array([[-2**31, 1], [2, 2**31 - 1]], dtype='<i4'))
static const char kNumpyI32_2x2[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 2), } "
    "                                                         \x0a""\x00"
    "\x00""\x00""\x80""\x01""\x00""\x00""\x00""\x02""\x00""\x00""\x00""\xff"
    "\xff""\xff""\x7f";
// np.save(f, np.array([-2**63, 2**63 - 1], dtype='<i8'))
static const char kNumpyI64_2[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }   "
    "                                                         \x0a""\x00"
    "\x00""\x00""\x00""\x00""\x00""\x00""\x80""\xff""\xff""\xff""\xff""\xff"
    "\xff""\xff""\x7f";
// np.save(f, np.array([True, False, False, True]))
static const char kNumpyBool_4[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '|b1', 'fortran_order': False, 'shape': (4,), }   "
    "                                                         \x0a""\x01"
    "\x00""\x00""\x01";
// format.write_array(f, np.array([1.5, -2.0], dtype='<f4'), version=(2, 0))
static const char kNumpyV2[] =
    "\x93""NUMPY\x02""\x00""t\x00""\x00""\x00"
    "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }   "
    "                                                       \x0a""\x00""\x00"
    "\xc0""\x3f""\x00""\x00""\x00""\xc0";
// format.write_array(f, np.array([[7, 8, 9]], dtype='<i2'), version=(3, 0))
static const char kNumpyV3[] =
    "\x93""NUMPY\x03""\x00""t\x00""\x00""\x00"
    "{'descr': '<i2', 'fortran_order': False, 'shape': (1, 3), } "
    "                                                       \x0a""\x07""\x00"
    "\x08""\x00""\x09""\x00";
// np.save(f, np.asfortranarray(np.arange(6, dtype='<f4').reshape(2, 3)))
static const char kNumpyFortran[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }  "
    "                                                         \x0a""\x00"
    "\x00""\x00""\x00""\x00""\x00""@@\x00""\x00""\x80""\x3f""\x00""\x00""\x80"
    "@\x00""\x00""\x00""@\x00""\x00""\xa0""@";
// np.save(f, np.array([1, 2], dtype='>f4'))
static const char kNumpyBigEndian[] =
    "\x93""NUMPY\x01""\x00""v\x00"
    "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }   "
    "                                                         \x0a""\x3f"
    "\x80""\x00""\x00""@\x00""\x00""\x00";
// clang-format on

template <size_t N> StringRef bytesOf(const char (&array)[N]) {
  return StringRef(array, N - 1);
}

class NpyTest : public mlir::qat::unittest::TempDirTest {
protected:
  NpyTest() : TempDirTest("qat-npy-test") {}

  /// Reads `bytes` as an NPY file and returns the error message ("" on
  /// success).
  std::string readError(StringRef bytes, StringRef name = "x.npy") {
    std::string path = writeFile(name, bytes);
    llvm::Expected<Tensor> tensor = readNpy(path);
    if (tensor)
      return "";
    return llvm::toString(tensor.takeError());
  }
};

/// Builds an NPY v1.0 file with the given header dictionary text and data.
std::string makeNpy(StringRef dict, StringRef data) {
  std::string header = dict.str() + "\n";
  std::string result = "\x93NUMPY";
  result.push_back(1);
  result.push_back(0);
  result.push_back(static_cast<char>(header.size() & 0xFF));
  result.push_back(static_cast<char>(header.size() >> 8));
  return result + header + data.str();
}

/// Fills `tensor` with a deterministic pattern valid for its dtype.
void fillPattern(Tensor &tensor) {
  for (size_t i = 0; i < tensor.storage.size(); ++i)
    tensor.storage[i] = tensor.dtype == DType::Bool
                            ? static_cast<uint8_t>(i % 3 == 0)
                            : static_cast<uint8_t>(i * 37 + 11);
}

const DType kAllDTypes[] = {DType::F32, DType::F64, DType::I8,  DType::U8,
                            DType::I16, DType::I32, DType::I64, DType::Bool};

} // namespace

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

TEST(TensorTest, DTypeSizesAndNames) {
  EXPECT_EQ(getDTypeSize(DType::F32), 4u);
  EXPECT_EQ(getDTypeSize(DType::F64), 8u);
  EXPECT_EQ(getDTypeSize(DType::I8), 1u);
  EXPECT_EQ(getDTypeSize(DType::U8), 1u);
  EXPECT_EQ(getDTypeSize(DType::I16), 2u);
  EXPECT_EQ(getDTypeSize(DType::I32), 4u);
  EXPECT_EQ(getDTypeSize(DType::I64), 8u);
  EXPECT_EQ(getDTypeSize(DType::Bool), 1u);
  EXPECT_EQ(getDTypeName(DType::F32), "f32");
  EXPECT_EQ(getDTypeName(DType::F64), "f64");
  EXPECT_EQ(getDTypeName(DType::I8), "i8");
  EXPECT_EQ(getDTypeName(DType::U8), "u8");
  EXPECT_EQ(getDTypeName(DType::I16), "i16");
  EXPECT_EQ(getDTypeName(DType::I32), "i32");
  EXPECT_EQ(getDTypeName(DType::I64), "i64");
  EXPECT_EQ(getDTypeName(DType::Bool), "bool");
}

TEST(TensorTest, FormatShape) {
  EXPECT_EQ(formatShape({4, 10}), "[4, 10]");
  EXPECT_EQ(formatShape({5}), "[5]");
  EXPECT_EQ(formatShape({}), "[]");
}

TEST(TensorTest, CheckedNumElements) {
  EXPECT_EQ(getCheckedNumElements({}), 1);
  EXPECT_EQ(getCheckedNumElements({2, 3, 4}), 24);
  EXPECT_EQ(getCheckedNumElements({7, 0, 5}), 0);
  EXPECT_EQ(getCheckedNumElements({-1, 4}), std::nullopt);
  EXPECT_EQ(getCheckedNumElements({INT64_MAX, 2}), std::nullopt);
  EXPECT_EQ(getCheckedNumElements({int64_t(1) << 32, int64_t(1) << 31}),
            std::nullopt);
  EXPECT_EQ(getCheckedNumElements({int64_t(1) << 31, int64_t(1) << 31}),
            int64_t(1) << 62);
}

TEST(TensorTest, ZerosAndAlignment) {
  for (DType dtype : kAllDTypes) {
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{}, {1}, {3}, {2, 5, 7}, {1, 1, 28, 28}}) {
      Tensor t = Tensor::zeros(dtype, shape);
      EXPECT_EQ(t.dtype, dtype);
      EXPECT_EQ(t.shape, shape);
      int64_t expected = 1;
      for (int64_t d : shape)
        expected *= d;
      EXPECT_EQ(t.getNumElements(), expected);
      EXPECT_EQ(t.getNumBytes(), expected * getDTypeSize(dtype));
      ASSERT_EQ(t.storage.size(), t.getNumBytes());
      EXPECT_EQ(reinterpret_cast<uintptr_t>(t.storage.data()) %
                    kTensorStorageAlignment,
                0u);
      for (uint8_t byte : t.storage)
        ASSERT_EQ(byte, 0);
      // Copies and growth keep the alignment.
      Tensor copy = t;
      copy.storage.resize(copy.storage.size() * 3 + 1);
      EXPECT_EQ(reinterpret_cast<uintptr_t>(copy.storage.data()) %
                    kTensorStorageAlignment,
                0u);
    }
  }
  Tensor t = Tensor::zeros(DType::F32, {2, 2});
  t.data<float>()[3] = 1.5f;
  EXPECT_EQ(static_cast<const Tensor &>(t).data<float>()[3], 1.5f);
  EXPECT_EQ(t.storage[12 + 3], 0x3f); // 1.5f = 0x3fc00000, little-endian.
}

//===----------------------------------------------------------------------===//
// Reading NumPy's files
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, ReadNumpyF32) {
  llvm::Expected<Tensor> t =
      readNpy(writeFile("a.npy", bytesOf(kNumpyF32_2x3)));
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->dtype, DType::F32);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 3}));
  const float expected[] = {-1, -0.5, 0, 0.5, 1, 1.5};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(t->data<float>()[i], expected[i]) << i;
}

TEST_F(NpyTest, ReadNumpyEveryDType) {
  {
    llvm::Expected<Tensor> t =
        readNpy(writeFile("f64.npy", bytesOf(kNumpyF64_0d)));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::F64);
    EXPECT_TRUE(t->shape.empty());
    EXPECT_EQ(t->getNumElements(), 1);
    EXPECT_EQ(t->data<double>()[0], 3.25);
  }
  {
    llvm::Expected<Tensor> t =
        readNpy(writeFile("i8.npy", bytesOf(kNumpyI8_5)));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::I8);
    EXPECT_EQ(t->shape, (std::vector<int64_t>{5}));
    const int8_t expected[] = {-128, -1, 0, 1, 127};
    EXPECT_EQ(std::memcmp(t->data<int8_t>(), expected, 5), 0);
  }
  {
    llvm::Expected<Tensor> t =
        readNpy(writeFile("u8.npy", bytesOf(kNumpyU8_1x2x2x1)));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::U8);
    EXPECT_EQ(t->shape, (std::vector<int64_t>{1, 2, 2, 1}));
    EXPECT_EQ(t->data<uint8_t>()[2], 254);
    EXPECT_EQ(t->data<uint8_t>()[3], 255);
  }
  {
    llvm::Expected<Tensor> t =
        readNpy(writeFile("i16.npy", bytesOf(kNumpyI16_3)));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::I16);
    EXPECT_EQ(t->data<int16_t>()[0], -32768);
    EXPECT_EQ(t->data<int16_t>()[1], 2);
    EXPECT_EQ(t->data<int16_t>()[2], 32767);
  }
  {
    llvm::Expected<Tensor> t =
        readNpy(writeFile("i32.npy", bytesOf(kNumpyI32_2x2)));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::I32);
    EXPECT_EQ(t->shape, (std::vector<int64_t>{2, 2}));
    EXPECT_EQ(t->data<int32_t>()[0], INT32_MIN);
    EXPECT_EQ(t->data<int32_t>()[2], 2);
    EXPECT_EQ(t->data<int32_t>()[3], INT32_MAX);
  }
  {
    llvm::Expected<Tensor> t =
        readNpy(writeFile("i64.npy", bytesOf(kNumpyI64_2)));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::I64);
    EXPECT_EQ(t->data<int64_t>()[0], INT64_MIN);
    EXPECT_EQ(t->data<int64_t>()[1], INT64_MAX);
  }
  {
    llvm::Expected<Tensor> t =
        readNpy(writeFile("b.npy", bytesOf(kNumpyBool_4)));
    ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
    EXPECT_EQ(t->dtype, DType::Bool);
    const uint8_t expected[] = {1, 0, 0, 1};
    EXPECT_EQ(std::memcmp(t->data<uint8_t>(), expected, 4), 0);
  }
}

TEST_F(NpyTest, ReadVersions2And3) {
  llvm::Expected<Tensor> v2 = readNpy(writeFile("v2.npy", bytesOf(kNumpyV2)));
  ASSERT_TRUE(bool(v2)) << llvm::toString(v2.takeError());
  EXPECT_EQ(v2->shape, (std::vector<int64_t>{2}));
  EXPECT_EQ(v2->data<float>()[0], 1.5f);
  EXPECT_EQ(v2->data<float>()[1], -2.0f);

  llvm::Expected<Tensor> v3 = readNpy(writeFile("v3.npy", bytesOf(kNumpyV3)));
  ASSERT_TRUE(bool(v3)) << llvm::toString(v3.takeError());
  EXPECT_EQ(v3->dtype, DType::I16);
  EXPECT_EQ(v3->shape, (std::vector<int64_t>{1, 3}));
  EXPECT_EQ(v3->data<int16_t>()[2], 9);
}

TEST_F(NpyTest, ReadAlternativeSpellings) {
  // '<u1' instead of '|u1', keys in another order, no trailing comma and a
  // Python 2 long dimension.
  std::string bytes =
      makeNpy("{'shape': (3L,), 'fortran_order': False, 'descr': '<u1'}",
              "\x05\x06\x07");
  std::string path = writeFile("alt.npy", bytes);
  llvm::Expected<Tensor> t = readNpy(path);
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(t->dtype, DType::U8);
  EXPECT_EQ(t->shape, (std::vector<int64_t>{3}));
  EXPECT_EQ(t->data<uint8_t>()[2], 7);
}

TEST_F(NpyTest, ReadStorageIsAligned) {
  llvm::Expected<Tensor> t = readNpy(writeFile("a.npy", bytesOf(kNumpyI64_2)));
  ASSERT_TRUE(bool(t)) << llvm::toString(t.takeError());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t->storage.data()) %
                kTensorStorageAlignment,
            0u);
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, RoundTripEveryDTypeAndRank) {
  for (DType dtype : kAllDTypes) {
    for (std::vector<int64_t> shape :
         {std::vector<int64_t>{}, {5}, {2, 3, 4, 5}, {0}, {3, 0, 2}}) {
      Tensor t = Tensor::zeros(dtype, shape);
      fillPattern(t);
      std::string path = pathOf("rt.npy");
      ASSERT_FALSE(bool(writeNpy(path, t)));
      llvm::Expected<Tensor> back = readNpy(path);
      ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
      EXPECT_EQ(back->dtype, dtype) << getDTypeName(dtype).str();
      EXPECT_EQ(back->shape, shape) << getDTypeName(dtype).str();
      EXPECT_TRUE(back->storage == t.storage)
          << getDTypeName(dtype).str() << " " << formatShape(shape);
    }
  }
}

TEST_F(NpyTest, WriteIsByteIdenticalToNumpy) {
  struct Case {
    StringRef expected;
    DType dtype;
    std::vector<int64_t> shape;
  };
  const Case cases[] = {
      {bytesOf(kNumpyF32_2x3), DType::F32, {2, 3}},
      {bytesOf(kNumpyF64_0d), DType::F64, {}},
      {bytesOf(kNumpyI8_5), DType::I8, {5}},
      {bytesOf(kNumpyU8_1x2x2x1), DType::U8, {1, 2, 2, 1}},
      {bytesOf(kNumpyI16_3), DType::I16, {3}},
      {bytesOf(kNumpyI32_2x2), DType::I32, {2, 2}},
      {bytesOf(kNumpyI64_2), DType::I64, {2}},
      {bytesOf(kNumpyBool_4), DType::Bool, {4}},
  };
  for (const Case &c : cases) {
    Tensor t = Tensor::zeros(c.dtype, c.shape);
    ASSERT_LE(t.storage.size(), c.expected.size());
    // The data is the tail of NumPy's file.
    std::memcpy(t.storage.data(),
                c.expected.data() + c.expected.size() - t.storage.size(),
                t.storage.size());
    std::string path = pathOf("w.npy");
    ASSERT_FALSE(bool(writeNpy(path, t)));
    EXPECT_EQ(readFile(path), c.expected.str()) << getDTypeName(c.dtype).str();
  }
}

TEST_F(NpyTest, WriteMaxRank) {
  Tensor t = Tensor::zeros(DType::U8, std::vector<int64_t>(64, 1));
  t.storage[0] = 9;
  std::string path = pathOf("r64.npy");
  ASSERT_FALSE(bool(writeNpy(path, t)));
  std::string bytes = readFile(path);
  ASSERT_GT(bytes.size(), 8u);
  EXPECT_EQ(bytes[6], 1);                 // Version 1.0.
  EXPECT_EQ((bytes.size() - 1) % 64, 0u); // Aligned header, then 1 byte.
  llvm::Expected<Tensor> back = readNpy(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->shape, t.shape);
  EXPECT_EQ(back->storage[0], 9);

  Tensor tooBig = Tensor::zeros(DType::U8, std::vector<int64_t>(65, 1));
  llvm::Error err = writeNpy(path, tooBig);
  ASSERT_TRUE(bool(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            path + ": cannot write: rank 65 exceeds the maximum of 64");
}

TEST_F(NpyTest, WriteIsAtomicAndOverwrites) {
  std::string path = pathOf("model.npy");
  Tensor a = Tensor::zeros(DType::I32, {3});
  a.data<int32_t>()[0] = 42;
  ASSERT_FALSE(bool(writeNpy(path, a)));
  Tensor b = Tensor::zeros(DType::F64, {2, 2});
  b.data<double>()[3] = -7.5;
  ASSERT_FALSE(bool(writeNpy(path, b)));
  llvm::Expected<Tensor> back = readNpy(path);
  ASSERT_TRUE(bool(back)) << llvm::toString(back.takeError());
  EXPECT_EQ(back->dtype, DType::F64);
  EXPECT_EQ(back->data<double>()[3], -7.5);

  // A failed write leaves the previous file intact and no temporary behind.
  std::string before = readFile(path);
  Tensor bad = Tensor::zeros(DType::F32, {4});
  bad.storage.resize(3);
  llvm::Error err = writeNpy(path, bad);
  ASSERT_TRUE(bool(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            path + ": cannot write: tensor of shape [4] and dtype f32 has 3 "
                   "bytes of storage");
  EXPECT_EQ(readFile(path), before);

  std::error_code ec;
  std::vector<std::string> entries;
  for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
       it.increment(ec))
    entries.push_back(llvm::sys::path::filename(it->path()).str());
  EXPECT_EQ(entries, std::vector<std::string>{"model.npy"});
}

TEST_F(NpyTest, WriteIntoMissingDirectory) {
  std::string path = pathOf("no/such/dir/x.npy");
  llvm::Error err = writeNpy(path, Tensor::zeros(DType::F32, {1}));
  ASSERT_TRUE(bool(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            path + ": cannot create temporary file: No such file or directory");
}

TEST_F(NpyTest, WriteFailsWhenTheFileCannotGrow) {
  // A file size limit of 16 bytes makes write(2) fail with EFBIG (with
  // SIGXFSZ ignored), as a full disk fails it with ENOSPC.
  std::string path = pathOf("big.npy");
  struct rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
  struct rlimit limited = saved;
  limited.rlim_cur = 16;
  void (*savedHandler)(int) = std::signal(SIGXFSZ, SIG_IGN);
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &limited), 0);
  llvm::Error err = writeNpy(path, Tensor::zeros(DType::F32, {64}));
  ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &saved), 0);
  std::signal(SIGXFSZ, savedHandler);
  ASSERT_TRUE(bool(err));
  EXPECT_EQ(llvm::toString(std::move(err)),
            path + ": write failed: File too large");
  // Neither the file nor the temporary is left behind.
  std::error_code ec;
  EXPECT_EQ(llvm::sys::fs::directory_iterator(dir, ec),
            llvm::sys::fs::directory_iterator());
}

TEST_F(NpyTest, WriteOverADirectory) {
  // The temporary is written, but cannot replace a directory.
  std::string path = pathOf("out.npy");
  ASSERT_FALSE(llvm::sys::fs::create_directory(path));
  llvm::Error err = writeNpy(path, Tensor::zeros(DType::F32, {1}));
  ASSERT_TRUE(bool(err));
  std::string message = llvm::toString(std::move(err));
  // The temporary's name, <path>.tmp.XXXXXXXX, is random.
  size_t at = message.find(path + ".tmp.", path.size());
  ASSERT_NE(at, std::string::npos) << message;
  std::string tmpPath = message.substr(at, path.size() + 13);
  EXPECT_EQ(message, path + ": cannot rename temporary file " + tmpPath +
                         ": Is a directory");
  // It is removed.
  EXPECT_FALSE(llvm::sys::fs::exists(tmpPath)) << tmpPath;
}

//===----------------------------------------------------------------------===//
// Errors
//===----------------------------------------------------------------------===//

TEST_F(NpyTest, ErrorMissingFile) {
  std::string path = pathOf("missing.npy");
  llvm::Expected<Tensor> t = readNpy(path);
  ASSERT_FALSE(bool(t));
  EXPECT_EQ(llvm::toString(t.takeError()),
            path + ": cannot open: No such file or directory");
}

TEST_F(NpyTest, ErrorBadMagic) {
  EXPECT_EQ(readError("PK\x03\x04 this is a zip file"),
            pathOf("x.npy") + ": not an NPY file (bad magic)");
  EXPECT_EQ(readError(""), pathOf("x.npy") + ": not an NPY file (bad magic)");
  EXPECT_EQ(readError("\x93NUM"),
            pathOf("x.npy") + ": truncated header: file is only 4 bytes");
}

TEST_F(NpyTest, ErrorTruncatedHeader) {
  std::string full = bytesOf(kNumpyF32_2x3).str();
  EXPECT_EQ(readError(full.substr(0, 7)),
            pathOf("x.npy") + ": truncated header: missing the version");
  EXPECT_EQ(readError(full.substr(0, 9)),
            pathOf("x.npy") + ": truncated header: missing the header length");
  EXPECT_EQ(readError(full.substr(0, 50)),
            pathOf("x.npy") + ": truncated header: header length is 118 "
                              "bytes but only 40 bytes follow");
  // A v2 header length of 4 GiB - 1 with a tiny file.
  EXPECT_EQ(readError(StringRef("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14)),
            pathOf("x.npy") + ": truncated header: header length is "
                              "4294967295 bytes but only 2 bytes follow");
}

TEST_F(NpyTest, ErrorTruncatedData) {
  StringRef full = bytesOf(kNumpyF32_2x3);
  EXPECT_EQ(readError(full.drop_back(4)),
            pathOf("x.npy") + ": truncated: header says 6 elements (24 "
                              "bytes) but only 20 bytes of data follow");
  EXPECT_EQ(readError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                              "'shape': (4, 10), }",
                              std::string(100, '\0'))),
            pathOf("x.npy") + ": truncated: header says 40 elements (160 "
                              "bytes) but only 100 bytes of data follow");
}

TEST_F(NpyTest, ErrorEndlessOrHugeInputs) {
  // A device or a directory is refused before anything is read.
  llvm::Expected<Tensor> zero = readNpy("/dev/zero");
  ASSERT_FALSE(bool(zero));
  EXPECT_EQ(llvm::toString(zero.takeError()),
            "/dev/zero: not a regular file or a pipe (character device)");
  llvm::Expected<Tensor> directory = readNpy(dir);
  ASSERT_FALSE(bool(directory));
  EXPECT_EQ(llvm::toString(directory.takeError()),
            dir.str().str() + ": not a regular file or a pipe (directory)");
  // A header longer than numpy's own limit is not read.
  std::string longHeader("\x93NUMPY\x02\x00\x20\x4e\x00\x00", 12);
  longHeader.append(20000, ' ');
  EXPECT_EQ(readError(longHeader),
            pathOf("x.npy") + ": header length is 20000 bytes, more than the "
                              "limit of 10000");
  // Reading /proc/self/mem fails (EIO) at its first byte.
  llvm::Expected<Tensor> unreadable = readNpy("/proc/self/mem");
  ASSERT_FALSE(bool(unreadable));
  EXPECT_EQ(llvm::toString(unreadable.takeError()),
            "/proc/self/mem: read error: Input/output error");
}

TEST_F(NpyTest, ErrorMoreThanTheMemory) {
  // A sparse file as large as its header says, but larger than the memory:
  // refused before anything is allocated.
  uint64_t limit = getMemoryLimit();
  std::string bytes = makeNpy("{'descr': '|u1', 'fortran_order': False, "
                              "'shape': (" +
                                  std::to_string(limit + 1) + ",), }",
                              "");
  std::string path = writeFile("x.npy", bytes);
  if (::truncate(path.c_str(), static_cast<off_t>(bytes.size() + limit + 1)))
    GTEST_SKIP() << "cannot make a sparse file of " << limit << " bytes";
  llvm::Expected<Tensor> tensor = readNpy(path);
  ASSERT_FALSE(bool(tensor));
  EXPECT_EQ(llvm::toString(tensor.takeError()),
            path + ": header says " + std::to_string(limit + 1) +
                " elements (" + std::to_string(limit + 1) +
                " bytes), more than the " + std::to_string(limit) +
                " bytes of memory available");
}

TEST_F(NpyTest, ReadFromPipes) {
  // A pipe is read front to back and stops where the header says.
  auto fromPipe = [&](StringRef bytes) {
    int fds[2];
    EXPECT_EQ(::pipe(fds), 0);
    EXPECT_EQ(::write(fds[1], bytes.data(), bytes.size()),
              static_cast<ssize_t>(bytes.size()));
    ::close(fds[1]);
    std::string path = "/proc/self/fd/" + std::to_string(fds[0]);
    llvm::Expected<Tensor> tensor = readNpy(path);
    ::close(fds[0]);
    return tensor;
  };
  std::string good = bytesOf(kNumpyF32_2x3).str() + "trailing bytes";
  llvm::Expected<Tensor> tensor = fromPipe(good);
  ASSERT_TRUE(bool(tensor)) << llvm::toString(tensor.takeError());
  EXPECT_EQ(tensor->shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(tensor->data<float>()[5], 1.5f);

  // A header claiming far more than the pipe holds: memory grows only with
  // the data that arrives.
  llvm::Expected<Tensor> claims =
      fromPipe(makeNpy("{'descr': '|u1', 'fortran_order': False, "
                       "'shape': (1000000, 1000), }",
                       "abc"));
  ASSERT_FALSE(bool(claims));
  EXPECT_NE(llvm::toString(claims.takeError())
                .find(": truncated: header says 1000000000 elements "
                      "(1000000000 bytes) but only 3 bytes of data follow"),
            std::string::npos);
  // A v2 header length of 4 GiB - 1: refused before it is read.
  llvm::Expected<Tensor> header =
      fromPipe(StringRef("\x93NUMPY\x02\x00\xff\xff\xff\xff{}", 14));
  ASSERT_FALSE(bool(header));
  EXPECT_NE(llvm::toString(header.takeError())
                .find(": header length is 4294967295 bytes, more than the "
                      "limit of 10000"),
            std::string::npos);
  llvm::Expected<Tensor> shortHeader =
      fromPipe(bytesOf(kNumpyF32_2x3).take_front(50));
  ASSERT_FALSE(bool(shortHeader));
  EXPECT_NE(llvm::toString(shortHeader.takeError())
                .find(": truncated header: header length is 118 bytes but "
                      "only 40 bytes follow"),
            std::string::npos);
}

TEST_F(NpyTest, ErrorBigEndian) {
  EXPECT_EQ(readError(bytesOf(kNumpyBigEndian)),
            pathOf("x.npy") + ": unsupported dtype '>f4' (big-endian)");
  // Byte order does not matter for one byte.
  EXPECT_EQ(readError(makeNpy("{'descr': '>i1', 'fortran_order': False, "
                              "'shape': (1,), }",
                              "\x01")),
            "");
}

TEST_F(NpyTest, ErrorFortranOrder) {
  std::string message = readError(bytesOf(kNumpyFortran));
  EXPECT_EQ(message, pathOf("x.npy") +
                         ": fortran_order=True arrays are not supported (only "
                         "C order); save with numpy.ascontiguousarray");
}

TEST_F(NpyTest, ErrorHugeShape) {
  EXPECT_EQ(readError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                              "'shape': (4611686018427387904, 4), }",
                              "")),
            pathOf("x.npy") + ": shape [4611686018427387904, 4] is too "
                              "large (element count overflows)");
  // Elements fit in int64 but bytes do not fit in 64 bits.
  EXPECT_EQ(readError(makeNpy("{'descr': '<f8', 'fortran_order': False, "
                              "'shape': (4611686018427387904,), }",
                              "")),
            pathOf("x.npy") + ": shape [4611686018427387904] is too "
                              "large (element count overflows)");
  // Fits in 64 bits, but is far more data than the file has.
  EXPECT_EQ(readError(makeNpy("{'descr': '|u1', 'fortran_order': False, "
                              "'shape': (1000000000, 1000000000), }",
                              "abc")),
            pathOf("x.npy") + ": truncated: header says 1000000000000000000 "
                              "elements (1000000000000000000 bytes) but only "
                              "3 bytes of data follow");
  EXPECT_EQ(readError(makeNpy("{'descr': '|u1', 'fortran_order': False, "
                              "'shape': (99999999999999999999,), }",
                              "")),
            pathOf("x.npy") + ": malformed header: dimension does not fit in "
                              "int64 at offset 69");
}

TEST_F(NpyTest, ErrorUnsupportedDTypes) {
  auto withDescr = [&](StringRef descr) {
    return readError(makeNpy("{'descr': " + descr.str() +
                                 ", 'fortran_order': False, 'shape': (1,), }",
                             std::string(16, '\0')));
  };
  EXPECT_EQ(withDescr("'<c8'"),
            pathOf("x.npy") + ": unsupported dtype '<c8' (supported: <f4 <f8 "
                              "|i1 |u1 <i2 <i4 <i8 |b1)");
  EXPECT_EQ(withDescr("'|f4'"),
            pathOf("x.npy") + ": unsupported dtype '|f4' (multi-byte dtype "
                              "without explicit byte order)");
  EXPECT_EQ(withDescr("'O'"), pathOf("x.npy") + ": unsupported dtype 'O'");
  EXPECT_EQ(withDescr("[('a', '<f4')]"),
            pathOf("x.npy") +
                ": unsupported dtype: structured dtypes are not supported");
  EXPECT_EQ(readError(makeNpy("{'descr': '|b1', 'fortran_order': False, "
                              "'shape': (3,), }",
                              StringRef("\x01\x00\x02", 3))),
            pathOf("x.npy") + ": invalid bool value 2 at element 2");
}

TEST_F(NpyTest, ErrorUnsupportedVersion) {
  std::string bytes = bytesOf(kNumpyF32_2x3).str();
  bytes[6] = 4;
  EXPECT_EQ(readError(bytes), pathOf("x.npy") + ": unsupported NPY version "
                                                "4.0 (supported: 1.0, 2.0, "
                                                "3.0)");
}

TEST_F(NpyTest, ErrorMalformedHeaders) {
  auto header = [&](StringRef dict) { return readError(makeNpy(dict, "")); };
  std::string p = pathOf("x.npy") + ": ";
  EXPECT_EQ(header("'descr': '<f4'"),
            p + "malformed header: expected '{' at offset 0");
  EXPECT_EQ(header("{'descr' '<f4'}"),
            p + "malformed header: expected ':' after key 'descr' at offset 9");
  EXPECT_EQ(header("{'descr': '<f4', 'shape': (1,)}"),
            p + "malformed header: missing key 'fortran_order'");
  EXPECT_EQ(header("{'descr': '<f4', 'fortran_order': False}"),
            p + "malformed header: missing key 'shape'");
  EXPECT_EQ(header("{'descr': '<f4', 'fortran_order': Maybe, 'shape': ()}"),
            p + "malformed header: expected True or False for "
                "'fortran_order' at offset 34");
  EXPECT_EQ(header("{'descr': '<f4', 'fortran_order': False, 'shape': (1)}"),
            p + "malformed header: 'shape' is not a tuple (missing ',') at "
                "offset 53");
  EXPECT_EQ(header("{'descr': '<f4', 'fortran_order': False, 'shape': (-1,)}"),
            p + "malformed header: expected a non-negative integer dimension "
                "at offset 51");
  EXPECT_EQ(header("{'descr': '<f4', 'fortran_order': False, 'shape': (), "
                   "'extra': 1}"),
            p + "malformed header: unexpected key 'extra' at offset 63");
  EXPECT_EQ(header("{'descr': '<f4', 'fortran_order': False, 'shape': ()} x"),
            p + "malformed header: unexpected characters after the header "
                "dictionary at offset 54");
  EXPECT_EQ(header("{'descr: '<f4'"),
            p + "malformed header: expected ':' after key 'descr: ' at "
                "offset 10");
  EXPECT_EQ(header("{'descr"),
            p + "malformed header: unterminated string at offset 1");
}

TEST_F(NpyTest, GarbageNeverCrashes) {
  // Every prefix and every single-byte corruption of a valid file either
  // reads or fails with a message naming the file.
  std::string good = bytesOf(kNumpyI32_2x2).str();
  std::string prefix = pathOf("x.npy") + ": ";
  unsigned failures = 0;
  auto check = [&](const std::string &bytes) {
    std::string message = readError(bytes);
    if (!message.empty()) {
      ++failures;
      EXPECT_EQ(message.rfind(prefix, 0), 0u) << message;
    }
  };
  for (size_t len = 0; len < good.size(); ++len)
    check(good.substr(0, len));
  const char replacements[] = {'\0', '\xff', '(', ')', ',', '\'', '9', ' '};
  for (size_t i = 0; i < good.size() - 16; ++i) {
    for (char c : replacements) {
      std::string bytes = good;
      bytes[i] = c;
      check(bytes);
    }
  }
  // All prefixes fail; most corruptions of the preamble and header do too.
  EXPECT_GT(failures, good.size());
}

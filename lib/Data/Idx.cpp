//===- Idx.cpp - IDX (MNIST) reader and dataset helpers -------------------===//
//
// IDX is the format of MNIST and Fashion-MNIST
// (http://yann.lecun.com/exdb/mnist/): a 4-byte magic (0, 0, type code,
// rank), one big-endian 32-bit size per dimension, then the elements in
// big-endian C order. Files are read through zlib's gz* API, which inflates
// gzip files and passes other files through unchanged.
//
//===----------------------------------------------------------------------===//

#include "qat/Data/Idx.h"

#include "qat/Data/InputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SwapByteOrder.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>
#include <type_traits>

#include <unistd.h>

using namespace mlir::qat::runtime;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

static Error makeError(StringRef path, const Twine &message) {
  return llvm::createStringError(path + ": " + message);
}

/// Formats a byte as "0x0a".
static std::string hexByte(uint8_t byte) {
  return "0x" + llvm::utohexstr(byte, /*LowerCase=*/true, /*Width=*/2);
}

//===----------------------------------------------------------------------===//
// readIdx
//===----------------------------------------------------------------------===//

namespace {
/// Owns a zlib gzFile and reads from it with error reporting.
class GzReader {
public:
  GzReader(StringRef path) : path(path) {}
  ~GzReader() {
    if (file)
      gzclose(file);
  }
  GzReader(const GzReader &) = delete;
  GzReader &operator=(const GzReader &) = delete;

  Error open() {
    Expected<InputFile> input = InputFile::open(path);
    if (!input)
      return input.takeError();
    int fd = input->releaseFD();
    zlibName = "<fd:" + std::to_string(fd) + ">";
    file = gzdopen(fd, "rb");
    if (!file) {
      ::close(fd);
      return makeError(
          path, "cannot open: " +
                    std::error_code(ENOMEM, std::generic_category()).message());
    }
    // A larger buffer than zlib's 8 KiB default speeds up big files.
    gzbuffer(file, 1 << 17);
    return Error::success();
  }

  /// Reads up to `size` bytes into `buffer`, stopping early only at the end
  /// of the (decompressed) data; `bytesRead` is set either way. Fails on a
  /// corrupt gzip stream. A gzip stream that ends early is reported as a
  /// short read (`truncatedStream` is set) so the caller can name the record.
  Error read(void *buffer, size_t size, size_t &bytesRead) {
    bytesRead = 0;
    auto *out = static_cast<char *>(buffer);
    while (bytesRead < size) {
      unsigned chunk =
          static_cast<unsigned>(std::min<size_t>(size - bytesRead, 1u << 30));
      int n = gzread(file, out + bytesRead, chunk);
      if (n < 0 || n == 0) {
        int errnum = Z_OK;
        const char *message = gzerror(file, &errnum);
        if (errnum == Z_BUF_ERROR) {
          truncatedStream = true;
          return Error::success();
        }
        if (errnum == Z_ERRNO)
          return makeError(
              path,
              "read error: " +
                  std::error_code(errno, std::generic_category()).message());
        if (errnum != Z_OK) {
          // zlib prefixes its messages with "<fd:N>"; drop that.
          StringRef text = message ? message : "unknown error";
          text.consume_front(zlibName + ": ");
          return makeError(path, "corrupt gzip stream: " + text);
        }
        return Error::success(); // Clean end of data.
      }
      bytesRead += static_cast<size_t>(n);
    }
    return Error::success();
  }

  bool truncatedStream = false;

private:
  std::string path;
  /// What zlib calls the file in its messages.
  std::string zlibName;
  gzFile file = nullptr;
};

/// Maps an IDX type code to a DType.
std::optional<DType> getIdxDType(uint8_t typeCode) {
  switch (typeCode) {
  case 0x08:
    return DType::U8;
  case 0x09:
    return DType::I8;
  case 0x0B:
    return DType::I16;
  case 0x0C:
    return DType::I32;
  case 0x0D:
    return DType::F32;
  case 0x0E:
    return DType::F64;
  default:
    return std::nullopt;
  }
}

/// Converts `count` big-endian elements of `elemSize` bytes to host order.
void bigEndianToHost(uint8_t *data, size_t numBytes, size_t elemSize) {
  if (!llvm::sys::IsLittleEndianHost || elemSize == 1)
    return;
  for (size_t i = 0; i + elemSize <= numBytes; i += elemSize)
    std::reverse(data + i, data + i + elemSize);
}
} // namespace

Expected<Tensor> mlir::qat::runtime::readIdx(StringRef path) {
  GzReader reader(path);
  if (Error err = reader.open())
    return std::move(err);

  // Magic: 0x00 0x00 type rank.
  uint8_t magic[4];
  size_t got = 0;
  if (Error err = reader.read(magic, sizeof(magic), got))
    return std::move(err);
  if (got < sizeof(magic)) {
    if (got == 0)
      return makeError(path, "not an IDX file (empty)");
    return makeError(path, "truncated header: expected 4 magic bytes, got " +
                               Twine(got));
  }
  if (magic[0] != 0 || magic[1] != 0)
    return makeError(path, "not an IDX file (bad magic " + hexByte(magic[0]) +
                               " " + hexByte(magic[1]) + ")");
  std::optional<DType> dtype = getIdxDType(magic[2]);
  if (!dtype)
    return makeError(path, "unsupported IDX type code " + hexByte(magic[2]) +
                               " (supported: 0x08 u8, 0x09 i8, 0x0b i16, "
                               "0x0c i32, 0x0d f32, 0x0e f64)");
  unsigned rank = magic[3];
  if (rank == 0)
    return makeError(path, "IDX file has rank 0 (expected at least one "
                           "dimension)");

  // Dimensions.
  std::vector<uint8_t> dimBytes(4 * rank);
  if (Error err = reader.read(dimBytes.data(), dimBytes.size(), got))
    return std::move(err);
  if (got < dimBytes.size())
    return makeError(path, "truncated header: expected " + Twine(rank) +
                               " dimensions (" + Twine(dimBytes.size()) +
                               " bytes), got " + Twine(got) + " bytes");
  std::vector<int64_t> shape(rank);
  for (unsigned i = 0; i < rank; ++i)
    shape[i] = (int64_t(dimBytes[4 * i]) << 24) |
               (int64_t(dimBytes[4 * i + 1]) << 16) |
               (int64_t(dimBytes[4 * i + 2]) << 8) |
               int64_t(dimBytes[4 * i + 3]);

  std::optional<size_t> checkedNumBytes = getCheckedNumBytes(shape, *dtype);
  if (!checkedNumBytes)
    return makeError(path, "shape " + formatShape(shape) +
                               " is too large (element count overflows)");
  size_t numBytes = *checkedNumBytes;
  int64_t numRecords = shape[0];
  uint64_t memoryLimit = getMemoryLimit();
  if (numBytes > memoryLimit)
    return makeError(path, "shape " + formatShape(shape) + " needs " +
                               Twine(numBytes) + " bytes, more than the " +
                               Twine(memoryLimit) +
                               " bytes of memory available");
  size_t recordBytes =
      numRecords ? numBytes / static_cast<size_t>(numRecords) : 0;

  // Data. The buffer grows with what was actually read rather than with what
  // the header claims, so a corrupt header cannot cause a huge allocation.
  Tensor tensor;
  tensor.dtype = *dtype;
  tensor.shape = shape;
  size_t total = 0;
  while (total < numBytes) {
    size_t chunk =
        std::min<size_t>(numBytes - total, std::max<size_t>(total, 1u << 20));
    tensor.storage.resize(total + chunk);
    if (Error err = reader.read(tensor.storage.data() + total, chunk, got))
      return std::move(err);
    total += got;
    if (got < chunk) {
      int64_t record = static_cast<int64_t>(total / recordBytes);
      return makeError(
          path,
          "truncated at record " + Twine(record) + " of " + Twine(numRecords) +
              " (expected " + Twine(recordBytes) + " bytes per record)" +
              (reader.truncatedStream ? "; the gzip stream ends early" : ""));
    }
  }

  // Reading past the end validates the gzip trailer (CRC and length) and
  // catches files with more records than the header declares.
  uint8_t extra;
  if (Error err = reader.read(&extra, 1, got))
    return std::move(err);
  if (got != 0)
    return makeError(path, "more data than the header declares (" +
                               getDTypeName(*dtype) + " " + formatShape(shape) +
                               ", " + Twine(numBytes) +
                               " bytes): the header's type, rank or "
                               "dimensions are wrong, or the file holds more "
                               "than its " +
                               Twine(numRecords) + " records");
  if (reader.truncatedStream)
    return makeError(path, "corrupt gzip stream: unexpected end of file "
                           "after the last record");

  bigEndianToHost(tensor.storage.data(), tensor.storage.size(),
                  getDTypeSize(*dtype));
  return tensor;
}

//===----------------------------------------------------------------------===//
// loadFashionMnist
//===----------------------------------------------------------------------===//

Expected<LabeledImages> mlir::qat::runtime::loadFashionMnist(StringRef dir,
                                                             StringRef split) {
  StringRef prefix;
  if (split == "train")
    prefix = "train";
  else if (split == "test")
    prefix = "t10k";
  else
    return llvm::createStringError("unknown Fashion-MNIST split '" + split +
                                   "' (expected 'train' or 'test')");

  llvm::SmallString<256> imagesPath(dir), labelsPath(dir);
  llvm::sys::path::append(imagesPath, prefix + "-images-idx3-ubyte.gz");
  llvm::sys::path::append(labelsPath, prefix + "-labels-idx1-ubyte.gz");

  Expected<Tensor> images = readIdx(imagesPath);
  if (!images)
    return images.takeError();
  if (images->dtype != DType::U8 || images->getRank() != 3 ||
      images->shape[1] != 28 || images->shape[2] != 28)
    return makeError(imagesPath, "expected 28x28 u8 images [N, 28, 28], got " +
                                     getDTypeName(images->dtype) + " " +
                                     formatShape(images->shape));

  Expected<Tensor> labels = readIdx(labelsPath);
  if (!labels)
    return labels.takeError();
  if (labels->dtype != DType::U8 || labels->getRank() != 1)
    return makeError(labelsPath, "expected u8 labels [N], got " +
                                     getDTypeName(labels->dtype) + " " +
                                     formatShape(labels->shape));
  if (labels->shape[0] != images->shape[0])
    return makeError(labelsPath, Twine(images->shape[0]) + " images but " +
                                     Twine(labels->shape[0]) + " labels");
  const uint8_t *labelData = labels->data<uint8_t>();
  for (int64_t i = 0, e = labels->shape[0]; i < e; ++i)
    if (labelData[i] >= 10)
      return makeError(labelsPath, "record " + Twine(i) + ": label " +
                                       Twine(unsigned(labelData[i])) +
                                       " is out of range [0, 10)");

  return LabeledImages{std::move(*images), std::move(*labels)};
}

//===----------------------------------------------------------------------===//
// sliceRecords / convertForArgument
//===----------------------------------------------------------------------===//

Expected<Tensor> mlir::qat::runtime::sliceRecords(const Tensor &tensor,
                                                  int64_t offset,
                                                  int64_t count) {
  if (tensor.shape.empty())
    return llvm::createStringError(
        "sliceRecords: cannot slice records of a 0-d tensor");
  int64_t numRecords = tensor.shape[0];
  if (offset < 0 || count < 0 || offset > numRecords ||
      count > numRecords - offset)
    return llvm::createStringError("sliceRecords: cannot take " + Twine(count) +
                                   " records at offset " + Twine(offset) +
                                   " from a tensor with " + Twine(numRecords) +
                                   " records");
  size_t recordBytes =
      numRecords ? tensor.storage.size() / static_cast<size_t>(numRecords) : 0;
  Tensor result;
  result.dtype = tensor.dtype;
  result.shape = tensor.shape;
  result.shape[0] = count;
  auto begin = tensor.storage.begin() + offset * recordBytes;
  result.storage.assign(begin, begin + count * recordBytes);
  return result;
}

namespace {
bool isInteger(DType dtype) {
  return dtype == DType::I8 || dtype == DType::U8 || dtype == DType::I16 ||
         dtype == DType::I32 || dtype == DType::I64;
}

bool isFloat(DType dtype) { return dtype == DType::F32 || dtype == DType::F64; }

/// Returns true if every value of `src` is exactly representable in `dst`.
bool isLosslessConversion(DType src, DType dst) {
  if (src == dst)
    return true;
  if (src == DType::Bool)
    return isInteger(dst) || isFloat(dst);
  size_t srcBits = 8 * getDTypeSize(src), dstBits = 8 * getDTypeSize(dst);
  if (isInteger(src) && isInteger(dst)) {
    if (dst == DType::U8)
      return false; // Only u8 -> u8, handled above.
    // Signed targets: a wider one holds every value of any source.
    return dstBits > srcBits;
  }
  if (isInteger(src) && isFloat(dst)) {
    // f32 has a 24-bit significand, f64 a 53-bit one.
    size_t mantissaBits = dst == DType::F32 ? 24 : 53;
    return srcBits <= mantissaBits;
  }
  return src == DType::F32 && dst == DType::F64;
}
} // namespace

Expected<Tensor>
mlir::qat::runtime::convertForArgument(const Tensor &records, DType target,
                                       llvm::ArrayRef<int64_t> targetShape,
                                       bool scaleU8ToUnit) {
  auto fail = [&](const Twine &why) -> Error {
    return llvm::createStringError(
        "cannot convert records " + getDTypeName(records.dtype) + " " +
        formatShape(records.shape) + " to argument " + getDTypeName(target) +
        " " + formatShape(targetShape) + ": " + why);
  };
  if (records.shape.empty())
    return fail("records need a leading record dimension");
  if (targetShape.empty())
    return fail("the argument needs a leading record dimension");

  int64_t numRecords = records.shape[0];
  if (targetShape[0] >= 0 && targetShape[0] != numRecords)
    return fail(Twine(numRecords) + " records but the argument has " +
                Twine(targetShape[0]) + " rows");
  std::optional<int64_t> srcPerRecord =
      getCheckedNumElements(llvm::ArrayRef(records.shape).drop_front());
  std::optional<int64_t> dstPerRecord =
      getCheckedNumElements(targetShape.drop_front());
  if (!srcPerRecord || !dstPerRecord)
    return fail(Twine(srcPerRecord ? "the argument has" : "the records have") +
                " a negative dimension after the first, or an element count "
                "per record that overflows int64");
  if (*srcPerRecord != *dstPerRecord)
    return fail(Twine(*srcPerRecord) +
                " elements per record but the argument needs " +
                Twine(*dstPerRecord));
  if (!isLosslessConversion(records.dtype, target))
    return fail("unsupported dtype conversion " + getDTypeName(records.dtype) +
                " -> " + getDTypeName(target));

  std::vector<int64_t> shape(targetShape.begin(), targetShape.end());
  shape[0] = numRecords;
  std::optional<int64_t> numElements = getCheckedNumElements(shape);
  if (!numElements)
    return fail("the element count of " + Twine(numRecords) + " records of " +
                Twine(*dstPerRecord) +
                " elements is negative or overflows int64");
  if (records.storage.size() !=
      static_cast<size_t>(*numElements) * getDTypeSize(records.dtype))
    return fail("records have " + Twine(records.storage.size()) +
                " bytes of storage");

  Tensor result = Tensor::zeros(target, shape);
  bool scale = scaleU8ToUnit && records.dtype == DType::U8 && isFloat(target);
  size_t n = static_cast<size_t>(*numElements);
  visitDType(records.dtype, [&](auto srcTag) {
    using Src = decltype(srcTag);
    visitDType(target, [&](auto dstTag) {
      using Dst = decltype(dstTag);
      const Src *in = reinterpret_cast<const Src *>(records.storage.data());
      Dst *out = reinterpret_cast<Dst *>(result.storage.data());
      if constexpr (std::is_floating_point_v<Dst>) {
        if (scale) {
          for (size_t i = 0; i < n; ++i)
            out[i] = static_cast<Dst>(in[i]) / Dst(255);
          return;
        }
      }
      for (size_t i = 0; i < n; ++i)
        out[i] = static_cast<Dst>(in[i]);
    });
  });
  return result;
}

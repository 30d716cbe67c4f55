//===- Npy.cpp - NumPy .npy reader and writer -----------------------------===//
//
// Format reference: numpy/lib/format.py. A file is the magic "\x93NUMPY",
// a major and minor version byte, a little-endian header length (uint16 for
// 1.0, uint32 for 2.0 and 3.0), and an ASCII (3.0: UTF-8) Python dict literal
// {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded with spaces
// and a '\n' so that the data starts at a multiple of 64 bytes.
//
//===----------------------------------------------------------------------===//

#include "qat/Data/Npy.h"

#include "qat/Data/InputFile.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/SwapByteOrder.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>

#ifdef LLVM_ON_UNIX
#include <unistd.h>
#endif

using namespace mlir::qat::runtime;
using llvm::Error;
using llvm::Expected;
using llvm::StringRef;
using llvm::Twine;

static constexpr char kMagic[] = "\x93NUMPY";
static constexpr size_t kMagicLen = 6;
/// numpy.lib.format.ARRAY_ALIGN: the data starts at a multiple of this.
static constexpr size_t kArrayAlign = 64;
/// numpy.lib.format.GROWTH_AXIS_MAX_DIGITS: numpy pads the header so that the
/// first dimension can grow in place to this many digits.
static constexpr size_t kGrowthAxisMaxDigits = 21;
/// numpy.lib.format's default max_header_size: longer headers are refused
/// before they are read (numpy.save writes far shorter ones).
static constexpr uint64_t kMaxHeaderLen = 10000;
/// Upper bound on the rank we accept; NumPy's own limit is 64 (NPY_MAXDIMS).
static constexpr size_t kMaxRank = 64;

static Error makeError(StringRef path, const Twine &message) {
  return llvm::createStringError(path + ": " + message);
}

//===----------------------------------------------------------------------===//
// Header dictionary parsing
//===----------------------------------------------------------------------===//

namespace {
/// The fields of an NPY header dictionary.
struct NpyHeader {
  std::optional<std::string> descr;
  std::optional<bool> fortranOrder;
  std::optional<std::vector<int64_t>> shape;
};

/// A bounds-checked recursive-descent parser for the subset of Python literal
/// syntax that NPY headers use. Errors describe the problem and the offset
/// into the header; the caller prefixes the path.
class HeaderParser {
public:
  explicit HeaderParser(StringRef text) : text(text) {}

  Expected<NpyHeader> parse() {
    NpyHeader header;
    skipSpace();
    if (!consume('{'))
      return error("expected '{'");
    while (true) {
      skipSpace();
      if (consume('}'))
        break;
      Expected<std::string> key = parseString();
      if (!key)
        return key.takeError();
      skipSpace();
      if (!consume(':'))
        return error("expected ':' after key '" + *key + "'");
      skipSpace();
      if (Error err = parseValue(*key, header))
        return std::move(err);
      skipSpace();
      if (consume('}'))
        break;
      if (!consume(','))
        return error("expected ',' or '}'");
    }
    // Only the padding (spaces) and the terminating newline may follow.
    for (; pos < text.size(); ++pos)
      if (!llvm::is_contained(StringRef(" \t\r\n\0", 5), text[pos]))
        return error("unexpected characters after the header dictionary");
    if (!header.descr)
      return llvm::createStringError("malformed header: missing key 'descr'");
    if (!header.fortranOrder)
      return llvm::createStringError(
          "malformed header: missing key 'fortran_order'");
    if (!header.shape)
      return llvm::createStringError("malformed header: missing key 'shape'");
    return header;
  }

private:
  Error error(const Twine &message) const {
    return llvm::createStringError("malformed header: " + message +
                                   " at offset " + Twine(pos));
  }

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\r' || text[pos] == '\n'))
      ++pos;
  }

  bool consume(char c) {
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }

  bool consumeWord(StringRef word) {
    if (!text.substr(pos).starts_with(word))
      return false;
    size_t end = pos + word.size();
    if (end < text.size() && (llvm::isAlnum(text[end]) || text[end] == '_'))
      return false;
    pos = end;
    return true;
  }

  /// Parses a '...' or "..." string literal without escapes.
  Expected<std::string> parseString() {
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return error("expected a string");
    char quote = text[pos++];
    size_t begin = pos;
    while (pos < text.size() && text[pos] != quote) {
      if (text[pos] == '\\')
        return error("escape sequences are not supported in strings");
      ++pos;
    }
    if (pos >= text.size()) {
      pos = begin - 1;
      return error("unterminated string");
    }
    std::string result = text.slice(begin, pos).str();
    ++pos;
    return result;
  }

  Error parseValue(StringRef key, NpyHeader &header) {
    if (key == "descr") {
      if (header.descr)
        return error("duplicate key 'descr'");
      if (pos < text.size() && (text[pos] == '[' || text[pos] == '{'))
        return llvm::createStringError(
            "unsupported dtype: structured dtypes are not supported");
      Expected<std::string> descr = parseString();
      if (!descr)
        return descr.takeError();
      header.descr = std::move(*descr);
      return Error::success();
    }
    if (key == "fortran_order") {
      if (header.fortranOrder)
        return error("duplicate key 'fortran_order'");
      if (consumeWord("True"))
        header.fortranOrder = true;
      else if (consumeWord("False"))
        header.fortranOrder = false;
      else
        return error("expected True or False for 'fortran_order'");
      return Error::success();
    }
    if (key == "shape") {
      if (header.shape)
        return error("duplicate key 'shape'");
      Expected<std::vector<int64_t>> shape = parseShape();
      if (!shape)
        return shape.takeError();
      header.shape = std::move(*shape);
      return Error::success();
    }
    return error("unexpected key '" + key + "'");
  }

  /// Parses "()", "(5,)", "(3, 4)" or "(3, 4,)"; Python 2 "3L" is accepted.
  Expected<std::vector<int64_t>> parseShape() {
    std::vector<int64_t> shape;
    if (!consume('('))
      return error("expected '(' for 'shape'");
    skipSpace();
    if (consume(')'))
      return shape;
    while (true) {
      skipSpace();
      if (pos >= text.size() || !llvm::isDigit(text[pos]))
        return error("expected a non-negative integer dimension");
      uint64_t value = 0;
      while (pos < text.size() && llvm::isDigit(text[pos])) {
        unsigned digit = text[pos] - '0';
        if (value > (static_cast<uint64_t>(INT64_MAX) - digit) / 10)
          return error("dimension does not fit in int64");
        value = value * 10 + digit;
        ++pos;
      }
      consume('L');
      if (shape.size() == kMaxRank)
        return error("more than " + Twine(kMaxRank) + " dimensions");
      shape.push_back(static_cast<int64_t>(value));
      skipSpace();
      bool comma = consume(',');
      skipSpace();
      if (consume(')')) {
        // A 1-tuple must be written "(5,)"; "(5)" is just the integer 5.
        if (shape.size() == 1 && !comma)
          return error("'shape' is not a tuple (missing ',')");
        return shape;
      }
      if (!comma)
        return error("expected ',' or ')' in 'shape'");
    }
  }

  StringRef text;
  size_t pos = 0;
};
} // namespace

/// The NPY descriptor numpy.save writes for each DType; the reader accepts
/// any byte order for the one-byte types.
static constexpr std::pair<DType, llvm::StringLiteral> kDescrs[] = {
    {DType::F32, "<f4"}, {DType::F64, "<f8"}, {DType::I8, "|i1"},
    {DType::U8, "|u1"},  {DType::I16, "<i2"}, {DType::I32, "<i4"},
    {DType::I64, "<i8"}, {DType::Bool, "|b1"}};

/// Maps an NPY dtype descriptor to a DType, or returns an error (without the
/// path prefix) saying why it is unsupported.
static Expected<DType> parseDescr(StringRef descr) {
  auto unsupported = [&](const Twine &why) {
    return llvm::createStringError("unsupported dtype '" + descr + "'" + why);
  };
  if (descr.size() < 2)
    return unsupported("");
  char order = descr[0];
  StringRef code = descr.drop_front();
  std::optional<DType> dtype;
  for (auto [d, known] : kDescrs)
    if (known.drop_front() == code)
      dtype = d;
  if (!dtype || !llvm::is_contained(StringRef("<>|="), order))
    return unsupported(" (supported: <f4 <f8 |i1 |u1 <i2 <i4 <i8 |b1)");
  // Byte order is irrelevant for one-byte types.
  if (getDTypeSize(*dtype) == 1 || order == '<')
    return *dtype;
  if (order == '>')
    return unsupported(" (big-endian)");
  return unsupported(" (multi-byte dtype without explicit byte order)");
}

/// Reads up to `n` more bytes of `file` onto the end of `out`; returns how
/// many arrived (fewer only at the end of the file).
static Expected<size_t> readMore(InputFile &file, std::string &out, size_t n) {
  size_t used = out.size();
  out.resize(used + n);
  Expected<size_t> got =
      file.read(llvm::MutableArrayRef<char>(out.data() + used, n));
  if (!got)
    return got.takeError();
  out.resize(used + *got);
  return *got;
}

/// Reads the preamble (magic, version, header length) and the header
/// dictionary text, checking the length against the file before reading it.
/// Sets `dataStart` to the offset of the data.
static Expected<std::string> readHeaderText(InputFile &file,
                                            uint64_t &dataStart) {
  StringRef path = file.getName();
  std::string bytes;
  Expected<size_t> got = readMore(file, bytes, kMagicLen);
  if (!got)
    return got.takeError();
  if (bytes.size() < kMagicLen && !bytes.empty() &&
      StringRef(kMagic, kMagicLen).starts_with(bytes))
    return makeError(path, "truncated header: file is only " +
                               Twine(bytes.size()) + " bytes");
  if (bytes != StringRef(kMagic, kMagicLen))
    return makeError(path, "not an NPY file (bad magic)");
  if (!(got = readMore(file, bytes, 2)))
    return got.takeError();
  if (*got < 2)
    return makeError(path, "truncated header: missing the version");
  unsigned major = static_cast<uint8_t>(bytes[kMagicLen]);
  unsigned minor = static_cast<uint8_t>(bytes[kMagicLen + 1]);
  if (minor != 0 || major < 1 || major > 3)
    return makeError(path, "unsupported NPY version " + Twine(major) + "." +
                               Twine(minor) + " (supported: 1.0, 2.0, 3.0)");
  size_t lengthBytes = major == 1 ? 2 : 4;
  if (!(got = readMore(file, bytes, lengthBytes)))
    return got.takeError();
  if (*got < lengthBytes)
    return makeError(path, "truncated header: missing the header length");
  uint64_t headerLen = 0;
  for (size_t i = 0; i < lengthBytes; ++i)
    headerLen |=
        static_cast<uint64_t>(static_cast<uint8_t>(bytes[kMagicLen + 2 + i]))
        << (8 * i);
  auto truncated = [&](uint64_t follow) {
    return makeError(path, "truncated header: header length is " +
                               Twine(headerLen) + " bytes but only " +
                               Twine(follow) + " bytes follow");
  };
  uint64_t headerStart = bytes.size();
  std::optional<uint64_t> size = file.getSize();
  if (size && headerLen > *size - std::min(*size, headerStart))
    return truncated(*size - std::min(*size, headerStart));
  if (headerLen > kMaxHeaderLen)
    return makeError(path, "header length is " + Twine(headerLen) +
                               " bytes, more than the limit of " +
                               Twine(kMaxHeaderLen));
  std::string header;
  if (!(got = readMore(file, header, headerLen)))
    return got.takeError();
  if (*got < headerLen)
    return truncated(*got);
  dataStart = headerStart + headerLen;
  return header;
}

/// Reads the `numBytes` bytes of data that follow the header into `tensor`.
/// A pipe's data is read in growing chunks, so that memory grows with what
/// actually arrives, not with what the header claims.
static Error readData(InputFile &file, uint64_t dataStart, size_t numBytes,
                      Tensor &tensor) {
  StringRef path = file.getName();
  size_t elemSize = getDTypeSize(tensor.dtype);
  auto truncated = [&](uint64_t available) {
    return makeError(path, "truncated: header says " +
                               Twine(numBytes / elemSize) + " elements (" +
                               Twine(numBytes) + " bytes) but only " +
                               Twine(available) + " bytes of data follow");
  };
  std::optional<uint64_t> size = file.getSize();
  if (size && numBytes > *size - std::min(*size, dataStart))
    return truncated(*size - std::min(*size, dataStart));
  uint64_t memoryLimit = getMemoryLimit();
  if (numBytes > memoryLimit)
    return makeError(path, "header says " + Twine(numBytes / elemSize) +
                               " elements (" + Twine(numBytes) +
                               " bytes), more than the " + Twine(memoryLimit) +
                               " bytes of memory available");
  size_t total = 0;
  while (total < numBytes) {
    size_t chunk = size ? numBytes
                        : std::min<size_t>(numBytes - total,
                                           std::max<size_t>(total, 1u << 20));
    tensor.storage.resize(total + chunk);
    Expected<size_t> got = file.read(llvm::MutableArrayRef<char>(
        reinterpret_cast<char *>(tensor.storage.data()) + total, chunk));
    if (!got)
      return got.takeError();
    total += *got;
    if (*got < chunk)
      return truncated(total);
  }
  return Error::success();
}

Expected<Tensor> mlir::qat::runtime::readNpy(StringRef path) {
  Expected<InputFile> file = InputFile::open(path);
  if (!file)
    return file.takeError();
  uint64_t dataStart = 0;
  Expected<std::string> headerText = readHeaderText(*file, dataStart);
  if (!headerText)
    return headerText.takeError();
  Expected<NpyHeader> header = HeaderParser(*headerText).parse();
  if (!header)
    return makeError(path, llvm::toString(header.takeError()));
  Expected<DType> dtype = parseDescr(*header->descr);
  if (!dtype)
    return makeError(path, llvm::toString(dtype.takeError()));
  const std::vector<int64_t> &shape = *header->shape;
  if (*header->fortranOrder)
    return makeError(path, "fortran_order=True arrays are not supported (only "
                           "C order); save with numpy.ascontiguousarray");

  std::optional<size_t> checkedNumBytes = getCheckedNumBytes(shape, *dtype);
  if (!checkedNumBytes)
    return makeError(path, "shape " + formatShape(shape) +
                               " is too large (element count overflows)");
  size_t numBytes = *checkedNumBytes;
  size_t elemSize = getDTypeSize(*dtype);

  Tensor tensor;
  tensor.dtype = *dtype;
  tensor.shape = shape;
  if (Error err = readData(*file, dataStart, numBytes, tensor))
    return std::move(err);

  if (*dtype == DType::Bool) {
    for (size_t i = 0; i < numBytes; ++i)
      if (tensor.storage[i] > 1)
        return makeError(path, "invalid bool value " +
                                   Twine(unsigned(tensor.storage[i])) +
                                   " at element " + Twine(i));
  }
  if (llvm::sys::IsBigEndianHost && elemSize > 1) {
    for (size_t i = 0; i < numBytes; i += elemSize)
      std::reverse(tensor.storage.begin() + i,
                   tensor.storage.begin() + i + elemSize);
  }
  return tensor;
}

//===----------------------------------------------------------------------===//
// Writing
//===----------------------------------------------------------------------===//

static StringRef getDescr(DType dtype) {
  for (auto [d, descr] : kDescrs)
    if (d == dtype)
      return descr;
  llvm_unreachable("unknown DType");
}

/// Builds the preamble and padded header exactly as numpy.save does
/// (numpy.lib.format._write_array_header and _wrap_header).
static std::string buildHeader(const Tensor &tensor) {
  std::string dict;
  llvm::raw_string_ostream os(dict);
  os << "{'descr': '" << getDescr(tensor.dtype)
     << "', 'fortran_order': False, 'shape': (";
  llvm::interleaveComma(tensor.shape, os);
  if (tensor.shape.size() == 1)
    os << ',';
  os << "), }";
  if (!tensor.shape.empty())
    os.indent(kGrowthAxisMaxDigits - std::to_string(tensor.shape[0]).size());

  // hlen counts the trailing '\n'; padding always adds 1..64 spaces. With at
  // most kMaxRank dimensions the header always fits version 1.0.
  size_t hlen = dict.size() + 1;
  size_t padLen = kArrayAlign - (kMagicLen + 4 + hlen) % kArrayAlign;
  size_t totalLen = hlen + padLen;
  assert(totalLen <= 0xFFFF && "header too long for NPY 1.0");

  std::string result(kMagic, kMagicLen);
  result.push_back(1); // Version 1.0.
  result.push_back(0);
  result.push_back(static_cast<char>(totalLen & 0xFF));
  result.push_back(static_cast<char>(totalLen >> 8));
  result += dict;
  result.append(padLen, ' ');
  result.push_back('\n');
  return result;
}

Error mlir::qat::runtime::writeNpy(StringRef path, const Tensor &tensor) {
  std::optional<int64_t> numElements = getCheckedNumElements(tensor.shape);
  if (!numElements ||
      static_cast<uint64_t>(*numElements) * getDTypeSize(tensor.dtype) !=
          tensor.storage.size())
    return makeError(
        path, "cannot write: tensor of shape " + formatShape(tensor.shape) +
                  " and dtype " + getDTypeName(tensor.dtype) + " has " +
                  Twine(tensor.storage.size()) + " bytes of storage");
  if (tensor.shape.size() > kMaxRank)
    return makeError(path, "cannot write: rank " + Twine(tensor.shape.size()) +
                               " exceeds the maximum of " + Twine(kMaxRank));
  std::string header = buildHeader(tensor);

  int fd = -1;
  llvm::SmallString<256> tmpPath;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueFile(path + ".tmp.%%%%%%%%", fd, tmpPath))
    return makeError(path, "cannot create temporary file: " + ec.message());

  std::error_code writeError;
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << header;
    if (llvm::sys::IsBigEndianHost && getDTypeSize(tensor.dtype) > 1) {
      size_t elemSize = getDTypeSize(tensor.dtype);
      for (size_t i = 0; i < tensor.storage.size(); i += elemSize)
        for (size_t j = elemSize; j-- > 0;)
          os << static_cast<char>(tensor.storage[i + j]);
    } else {
      os.write(reinterpret_cast<const char *>(tensor.storage.data()),
               tensor.storage.size());
    }
    os.flush();
#ifdef LLVM_ON_UNIX
    // Make the data durable before the rename publishes it.
    if (!os.has_error() && ::fsync(fd) != 0)
      writeError = std::error_code(errno, std::generic_category());
#endif
    os.close();
    if (os.has_error()) {
      writeError = os.error();
      os.clear_error();
    }
  }
  if (writeError) {
    llvm::sys::fs::remove(tmpPath);
    return makeError(path, "write failed: " + writeError.message());
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmpPath, path)) {
    llvm::sys::fs::remove(tmpPath);
    return makeError(path, "cannot rename temporary file " + tmpPath + ": " +
                               ec.message());
  }
  return Error::success();
}

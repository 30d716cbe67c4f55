//===- Utils.cpp - ONNX importer attribute and shape helpers --------------===//
//
// Node attributes and operands, data type names, shape strings and the
// broadcast arithmetic the converters share.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::importer;

const char *importer::dtypeName(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT:
    return "float";
  case onnx::TensorProto::UINT8:
    return "uint8";
  case onnx::TensorProto::INT8:
    return "int8";
  case onnx::TensorProto::INT32:
    return "int32";
  case onnx::TensorProto::INT64:
    return "int64";
  case onnx::TensorProto::DOUBLE:
    return "double";
  case onnx::TensorProto::FLOAT16:
    return "float16";
  case onnx::TensorProto::BOOL:
    return "bool";
  default:
    return "other";
  }
}

std::string importer::shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, ",");
  os << "]";
  return s;
}

double importer::shortestDouble(float v) {
  char buf[32];
  for (int digits = 1; digits < 9; ++digits) {
    std::snprintf(buf, sizeof(buf), "%.*g", digits, static_cast<double>(v));
    if (std::strtof(buf, nullptr) == v)
      return std::strtod(buf, nullptr);
  }
  return v;
}

//===----------------------------------------------------------------------===//
// Attributes and operands
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *importer::attr(const onnx::NodeProto &n,
                                           StringRef name) {
  for (const auto &a : n.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t importer::intAttr(const onnx::NodeProto &n, StringRef name,
                          int64_t dflt) {
  const auto *a = attr(n, name);
  return a ? a->i() : dflt;
}

float importer::floatAttr(const onnx::NodeProto &n, StringRef name,
                          float dflt) {
  const auto *a = attr(n, name);
  return a ? a->f() : dflt;
}

std::string importer::stringAttr(const onnx::NodeProto &n, StringRef name) {
  const auto *a = attr(n, name);
  return a ? a->s() : std::string();
}

SmallVector<int64_t> importer::intsAttr(const onnx::NodeProto &n,
                                        StringRef name) {
  SmallVector<int64_t> v;
  if (const auto *a = attr(n, name))
    v.append(a->ints().begin(), a->ints().end());
  return v;
}

LogicalResult importer::needInputs(const onnx::NodeProto &n, Location loc,
                                   int lo, int hi) {
  if (n.input_size() < lo || n.input_size() > hi)
    return emitError(loc) << "expects " << lo
                          << (lo == hi ? "" : " to " + std::to_string(hi))
                          << (hi == 1 ? " input" : " inputs") << ", has "
                          << n.input_size();
  for (int i = 0; i < lo; ++i)
    if (n.input(i).empty())
      return emitError(loc) << "input " << i << " is required";
  return success();
}

FailureOr<int64_t> importer::normAxis(int64_t axis, int64_t rank,
                                      Location loc) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    return emitError(loc) << "axis " << axis << " is out of range for rank "
                          << rank;
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Broadcast and indexing
//===----------------------------------------------------------------------===//

FailureOr<SmallVector<int64_t>> importer::broadcast(ArrayRef<int64_t> a,
                                                    ArrayRef<int64_t> b) {
  SmallVector<int64_t> r(std::max(a.size(), b.size()), 1);
  for (size_t k = 0; k < r.size(); ++k) {
    int64_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
    int64_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
    if (da != db && da != 1 && db != 1)
      return failure();
    r[r.size() - 1 - k] = da == 1 ? db : da;
  }
  return r;
}

int64_t importer::broadcastIndex(ArrayRef<int64_t> shape, ArrayRef<int64_t> out,
                                 ArrayRef<int64_t> outIdx) {
  int64_t idx = 0, off = out.size() - shape.size();
  for (size_t k = 0; k < shape.size(); ++k)
    idx = idx * shape[k] + (shape[k] == 1 ? 0 : outIdx[k + off]);
  return idx;
}

void importer::nextIndex(MutableArrayRef<int64_t> idx,
                         ArrayRef<int64_t> shape) {
  for (int64_t d = shape.size() - 1; d >= 0; --d) {
    if (++idx[d] < shape[d])
      break;
    idx[d] = 0;
  }
}

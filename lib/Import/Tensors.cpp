//===- Tensors.cpp - ONNX initializer and constant reading ----------------===//
//
// Reads a TensorProto (an initializer or a Constant's value) into a Const:
// one reader serves every supported data type, from raw_data (little-endian
// bytes) or from the typed field ONNX keeps that type in.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include <cstring>
#include <type_traits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::importer;

LogicalResult importer::checkShape(ArrayRef<int64_t> shape, Location loc,
                                   StringRef what) {
  if (shape.size() > kMaxRank)
    return emitError(loc) << what << " has rank " << shape.size()
                          << " (at most " << kMaxRank << " supported)";
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d <= 0)
      return emitError(loc) << what << " has shape " << shapeStr(shape)
                            << "; every dimension must be positive";
    if (n > kMaxElements / d)
      return emitError(loc) << what << " has shape " << shapeStr(shape)
                            << ", too many elements";
    n *= d;
  }
  return success();
}

namespace {
/// The tensor being read, for the size diagnostics.
struct TensorSite {
  const onnx::TensorProto &t;
  Location loc;
  const std::string &what;
  ArrayRef<int64_t> shape;
  int64_t numel;
};
} // namespace

/// Reads the elements of `site.t`, stored as `Stored` in raw_data or in the
/// typed field `typed`, into `out` (converted to `Dst`).
template <typename Stored, typename Dst, typename Field>
static LogicalResult readElements(const TensorSite &site, const Field &typed,
                                  std::vector<Dst> &out) {
  int64_t n = site.numel;
  if (site.t.has_raw_data()) {
    const std::string &raw = site.t.raw_data();
    if (raw.size() != static_cast<size_t>(n) * sizeof(Stored))
      return emitError(site.loc)
             << site.what << " of shape " << shapeStr(site.shape) << " has "
             << raw.size() << " bytes of data, expected "
             << n * static_cast<int64_t>(sizeof(Stored));
    out.resize(n);
    if constexpr (std::is_same_v<Stored, Dst>) {
      std::memcpy(out.data(), raw.data(), raw.size());
    } else {
      for (int64_t k = 0; k < n; ++k) {
        Stored v;
        std::memcpy(&v, raw.data() + k * sizeof(Stored), sizeof(Stored));
        out[k] = static_cast<Dst>(v);
      }
    }
    return success();
  }
  if (typed.size() != n)
    return emitError(site.loc)
           << site.what << " of shape " << shapeStr(site.shape) << " has "
           << typed.size() << " values, expected " << n;
  out.assign(typed.begin(), typed.end());
  return success();
}

LogicalResult importer::readTensor(const onnx::TensorProto &t, Location loc,
                                   Const &out) {
  std::string what = "tensor '" + t.name() + "'";
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return emitError(loc) << what
                          << " keeps its data in an external file; save the "
                             "model with all tensors inside the .onnx file";
  out.dtype = t.data_type();
  out.shape.assign(t.dims().begin(), t.dims().end());
  if (failed(checkShape(out.shape, loc, what)))
    return failure();
  TensorSite site{t, loc, what, out.shape, out.numel()};
  switch (out.dtype) {
  case onnx::TensorProto::FLOAT:
    return readElements<float>(site, t.float_data(), out.f);
  case onnx::TensorProto::DOUBLE:
    // Computed in float like every other tensor.
    out.dtype = onnx::TensorProto::FLOAT;
    return readElements<double>(site, t.double_data(), out.f);
  case onnx::TensorProto::INT64:
    return readElements<int64_t>(site, t.int64_data(), out.i);
  // ONNX keeps the narrower integer types in int32_data.
  case onnx::TensorProto::INT32:
    return readElements<int32_t>(site, t.int32_data(), out.i);
  case onnx::TensorProto::INT8:
    return readElements<int8_t>(site, t.int32_data(), out.i);
  case onnx::TensorProto::UINT8:
    return readElements<uint8_t>(site, t.int32_data(), out.i);
  default:
    return emitError(loc) << what << " has data type " << dtypeName(out.dtype)
                          << " (" << out.dtype
                          << "); supported: float, double, int64, int32, int8, "
                             "uint8";
  }
}

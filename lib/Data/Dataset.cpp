//===- Dataset.cpp - labeled datasets behind one interface ----------------===//
//
// Every reader loads into one in-memory representation, TensorDataset:
// features as stored (u8 pixels stay bytes until a batch is built, a
// quarter of the memory traffic of the random gathers of a shuffled epoch)
// and labels as stored.
//
//===----------------------------------------------------------------------===//

#include "qat/Data/Dataset.h"

#include "qat/Data/Csv.h"
#include "qat/Data/Idx.h"
#include "qat/Data/Npy.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <array>
#include <cmath>

using namespace mlir::qat::runtime;
using llvm::ArrayRef;
using llvm::StringRef;
using llvm::Twine;

Dataset::~Dataset() = default;

static llvm::Error dataError(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

/// v / 255.0f for every byte (a table: the division per pixel cost more
/// than the rest of the copy).
static const std::array<float, 256> kByteScale = [] {
  std::array<float, 256> t;
  for (int v = 0; v < 256; ++v)
    t[v] = v / 255.0f;
  return t;
}();

namespace {
/// A dataset held in memory: features [N, ...] (u8 or f32) and labels [N]
/// (u8, i32 or i64).
class TensorDataset final : public Dataset {
public:
  TensorDataset(std::string name, Tensor features, Tensor labels)
      : Dataset(std::move(name)), features(std::move(features)),
        labels(std::move(labels)) {}

  int64_t getNumRecords() const override { return labels.shape[0]; }
  int64_t getFeaturesPerRecord() const override {
    int64_t n = features.shape[0];
    return n ? features.getNumElements() / n : 0;
  }
  llvm::Error checkLabels(int64_t classes) const override;
  void fillBatch(ArrayRef<int64_t> order, int64_t first, Tensor &x,
                 Tensor &y) const override;
  llvm::Expected<Tensor>
  getFeatureArgument(int64_t offset, int64_t count, DType target,
                     ArrayRef<int64_t> shape) const override {
    return getArgument(features, offset, count, target, shape, true);
  }
  llvm::Expected<Tensor>
  getLabelArgument(int64_t offset, int64_t count, DType target,
                   ArrayRef<int64_t> shape) const override {
    return getArgument(labels, offset, count, target, shape, false);
  }

private:
  /// Label `r` at its full width (checkLabels checks it before a batch
  /// narrows it to int32).
  int64_t getLabel(int64_t r) const {
    switch (labels.dtype) {
    case DType::U8:
      return labels.data<uint8_t>()[r];
    case DType::I32:
      return labels.data<int32_t>()[r];
    default:
      return labels.data<int64_t>()[r];
    }
  }
  static llvm::Expected<Tensor> getArgument(const Tensor &all, int64_t offset,
                                            int64_t count, DType target,
                                            ArrayRef<int64_t> shape,
                                            bool scale) {
    auto records = sliceRecords(all, offset, count);
    if (!records)
      return records.takeError();
    return convertForArgument(*records, target, shape, scale);
  }

  Tensor features;
  Tensor labels;
};
} // namespace

llvm::Error TensorDataset::checkLabels(int64_t classes) const {
  for (int64_t i = 0, e = getNumRecords(); i < e; ++i) {
    int64_t v = getLabel(i);
    if (v < 0 || v >= classes)
      return dataError(getName() + ": record " + Twine(i) + ": label " +
                       Twine(v) + " is out of range [0, " + Twine(classes) +
                       ")");
  }
  return llvm::Error::success();
}

void TensorDataset::fillBatch(ArrayRef<int64_t> order, int64_t first, Tensor &x,
                              Tensor &y) const {
  int64_t batch = x.shape[0];
  int64_t perRecord = x.getNumElements() / batch;
  bool bytes = features.dtype == DType::U8;
  float *xp = x.data<float>();
  int32_t *yp = y.data<int32_t>();
  // The records sit at random places of a dataset far larger than the
  // cache: request all of their lines first so that the misses overlap
  // instead of stalling the copy once per record. (Requesting the next
  // batch's records during this step measured slower: they do not survive
  // the step in the cache.)
  int64_t recordBytes = perRecord * getDTypeSize(features.dtype);
  const uint8_t *base = features.storage.data();
  int64_t end = static_cast<int64_t>(order.size());
  for (int64_t k = first; k < first + batch && k < end; ++k)
    for (int64_t off = 0; off < recordBytes; off += 64)
      __builtin_prefetch(base + order[k] * recordBytes + off);
  for (int64_t i = 0; i < batch; ++i) {
    int64_t k = first + i;
    float *dst = xp + i * perRecord;
    if (k >= end) {
      std::fill(dst, dst + perRecord, 0.0f);
      yp[i] = 0;
      continue;
    }
    int64_t r = order[k];
    if (bytes) {
      const uint8_t *src = features.data<uint8_t>() + r * perRecord;
      for (int64_t j = 0; j < perRecord; ++j)
        dst[j] = kByteScale[src[j]];
    } else {
      const float *src = features.data<float>() + r * perRecord;
      std::copy(src, src + perRecord, dst);
    }
    yp[i] = static_cast<int32_t>(getLabel(r));
  }
}

/// Checks records [N, ...] as features: u8 and f32 stay as they are, f64
/// becomes f32.
static llvm::Expected<Tensor> toFeatures(Tensor t, StringRef what) {
  if (t.shape.empty())
    return dataError(what + ": expected records along axis 0, got a scalar");
  if (t.dtype == DType::U8 || t.dtype == DType::F32)
    return std::move(t);
  if (t.dtype != DType::F64)
    return dataError(what + ": features must be u8, f32 or f64, got " +
                     getDTypeName(t.dtype));
  Tensor f = Tensor::zeros(DType::F32, t.shape);
  for (int64_t i = 0, e = t.getNumElements(); i < e; ++i)
    f.data<float>()[i] = static_cast<float>(t.data<double>()[i]);
  return f;
}

/// Fails on the first record of the f32 features `t` holding a NaN or an
/// infinity (which training would only meet as a NaN loss, and evaluation
/// not at all): "NAME: record 2: feature 1 is NaN".
static llvm::Error checkFinite(const Tensor &t, StringRef name) {
  if (t.dtype != DType::F32 || t.getNumElements() == 0)
    return llvm::Error::success();
  int64_t perRecord = t.getNumElements() / t.shape[0];
  const float *p = t.data<float>();
  for (int64_t i = 0, e = t.getNumElements(); i < e; ++i)
    if (!std::isfinite(p[i]))
      return dataError(name + ": record " + Twine(i / perRecord) +
                       ": feature " + Twine(i % perRecord) + " is " +
                       (std::isnan(p[i]) ? "NaN" : "infinite"));
  return llvm::Error::success();
}

/// Checks `t` as labels: one u8, i32 or i64 per record.
static llvm::Error checkLabelTensor(const Tensor &t, StringRef what) {
  if (t.shape.size() != 1)
    return dataError(what +
                     ": labels must be one integer per record, got "
                     "shape " +
                     formatShape(t.shape));
  if (t.shape[0] > 0 && t.dtype != DType::U8 && t.dtype != DType::I32 &&
      t.dtype != DType::I64)
    return dataError(what + ": labels must be u8, i32 or i64, got " +
                     getDTypeName(t.dtype));
  return llvm::Error::success();
}

/// Checks features and labels (read from the files `featuresWhat` and
/// `labelsWhat`) and makes the dataset.
static llvm::Expected<std::unique_ptr<Dataset>>
makeDataset(std::string name, Tensor features, StringRef featuresWhat,
            Tensor labels, StringRef labelsWhat) {
  auto f = toFeatures(std::move(features), featuresWhat);
  if (!f)
    return f.takeError();
  if (llvm::Error e = checkLabelTensor(labels, labelsWhat))
    return std::move(e);
  if (f->shape[0] != labels.shape[0])
    return dataError(featuresWhat + " has " + Twine(f->shape[0]) +
                     " records but " + labelsWhat + " has " +
                     Twine(labels.shape[0]) + " labels");
  if (llvm::Error e = checkFinite(*f, featuresWhat))
    return std::move(e);
  return std::make_unique<TensorDataset>(std::move(name), std::move(*f),
                                         std::move(labels));
}

static llvm::Expected<std::unique_ptr<Dataset>>
openFashionMnist(StringRef dir, StringRef split) {
  auto ds = loadFashionMnist(dir, split);
  if (!ds)
    return ds.takeError();
  return makeDataset(("fashion-mnist " + split).str(), std::move(ds->images),
                     dir, std::move(ds->labels), dir);
}

static llvm::Expected<std::unique_ptr<Dataset>> openNpy(StringRef files) {
  auto [fpath, lpath] = files.split(',');
  if (fpath.empty() || lpath.empty())
    return dataError("--data=npy:FEATURES.npy,LABELS.npy needs both files");
  auto ft = readNpy(fpath);
  if (!ft)
    return ft.takeError();
  auto lt = readNpy(lpath);
  if (!lt)
    return lt.takeError();
  return makeDataset(files.str(), std::move(*ft), fpath, std::move(*lt), lpath);
}

static llvm::Expected<std::unique_ptr<Dataset>> openCsv(StringRef path) {
  auto records = readCsv(path);
  if (!records)
    return records.takeError();
  if (llvm::Error e = checkFinite(records->features, path))
    return std::move(e);
  return std::make_unique<TensorDataset>(
      path.str(), std::move(records->features), std::move(records->labels));
}

llvm::Expected<std::unique_ptr<Dataset>>
mlir::qat::runtime::openDataset(StringRef spec, StringRef split) {
  auto [kind, rest] = spec.split(':');
  if (kind == "fashion-mnist")
    return openFashionMnist(
        rest.empty() ? StringRef(kFashionMnistDefaultDir) : rest, split);
  if (kind == "npy")
    return openNpy(rest);
  if (kind == "csv")
    return openCsv(rest);
  return dataError("unknown dataset '" + spec +
                   "' (known: fashion-mnist[:DIR], npy:FEATURES,LABELS, "
                   "csv:FILE)");
}

StringRef mlir::qat::runtime::getTestDataSpec(StringRef trainSpec,
                                              StringRef testSpec) {
  if (testSpec.empty() && trainSpec.starts_with("fashion-mnist"))
    return trainSpec;
  return testSpec;
}

llvm::Expected<Tensor>
mlir::qat::runtime::readArgumentFile(StringRef path, int64_t offset,
                                     DType target, ArrayRef<int64_t> shape) {
  if (!path.ends_with(".gz") && !path.contains("idx"))
    return readNpy(path);
  auto all = readIdx(path);
  if (!all)
    return all.takeError();
  int64_t batch = shape.empty() ? 1 : shape[0];
  auto records = sliceRecords(*all, offset, batch);
  if (!records)
    return dataError(path + ": " + llvm::toString(records.takeError()));
  return convertForArgument(*records, target, shape, /*scaleU8ToUnit=*/true);
}

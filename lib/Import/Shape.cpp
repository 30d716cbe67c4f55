//===- Shape.cpp - ONNX shape ops and folded shape arithmetic -------------===//
//
// Reshape, Flatten, Squeeze, Unsqueeze, Concat, Transpose, Constant, Shape,
// Gather, Cast and Pad. On constants they fold at import time (the
// Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains torch.onnx.export
// writes, transposed weights); on values they become qat.reshape,
// qat.flatten and qat.concat, or pass the value through.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "Qat/IR/QatOps.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::importer;

using ShapeOperand = Importer::ShapeOperand;

//===----------------------------------------------------------------------===//
// Reshape, Flatten, Squeeze, Unsqueeze
//===----------------------------------------------------------------------===//

/// The shape Reshape's `target` gives the input shape `in` (0 copies a
/// dimension unless `allowZero`, -1 is inferred). Copied dimensions are
/// written into `target`, so the diagnostics show them.
static FailureOr<SmallVector<int64_t>>
reshapeTarget(ArrayRef<int64_t> in, MutableArrayRef<int64_t> target,
              bool allowZero, Location loc) {
  int64_t numel = 1;
  for (int64_t d : in)
    numel *= d;
  SmallVector<int64_t> shape;
  int64_t known = 1, inferAt = -1;
  if (target.size() > kMaxRank)
    return emitError(loc) << "the target shape has " << target.size()
                          << " dimensions (at most " << kMaxRank
                          << " supported)";
  for (auto [k, d] : llvm::enumerate(target)) {
    if (d == 0 && !allowZero) {
      if (k >= in.size())
        return emitError(loc)
               << "shape " << shapeStr(target) << " copies dimension " << k
               << " of " << shapeStr(in) << ", which has no such dimension";
      d = in[k];
    }
    if (d == -1) {
      if (inferAt >= 0)
        return emitError(loc)
               << "shape " << shapeStr(target) << " has more than one -1";
      inferAt = k;
      shape.push_back(1);
      continue;
    }
    if (d <= 0 || d > kMaxElements)
      return emitError(loc) << "shape " << shapeStr(target)
                            << " has an invalid dimension " << d;
    if (known > kMaxElements / d)
      return emitError(loc) << "shape " << shapeStr(target) << " is too large";
    known *= d;
    shape.push_back(d);
  }
  if (inferAt >= 0) {
    if (numel % known)
      return emitError(loc)
             << "cannot reshape " << shapeStr(in) << " to " << shapeStr(target);
    shape[inferAt] = numel / known;
    known = numel;
  }
  if (known != numel)
    return emitError(loc) << "cannot reshape " << shapeStr(in) << " (" << numel
                          << " elements) to " << shapeStr(shape);
  return shape;
}

static LogicalResult convertReshape(Importer &im, const onnx::NodeProto &n,
                                    Location loc) {
  if (failed(needInputs(n, loc, 2, 2)))
    return failure();
  auto target = im.constInts(n.input(1), loc, "the shape");
  if (failed(target))
    return failure();
  FailureOr<ShapeOperand> x = im.shapeOperand(n.input(0), loc);
  if (failed(x))
    return failure();
  auto shape =
      reshapeTarget(x->shape, *target, intAttr(n, "allowzero", 0) != 0, loc);
  if (failed(shape))
    return failure();
  return im.defineReshaped(n, loc, *x, *shape);
}

static LogicalResult convertFlatten(Importer &im, const onnx::NodeProto &n,
                                    Location loc) {
  FailureOr<Value> x = im.inputValue(n, loc, 1, 1);
  if (failed(x))
    return failure();
  auto xt = typeOf(*x);
  int64_t rank = xt.getRank();
  int64_t axis = intAttr(n, "axis", 1);
  if (axis < -rank || axis > rank)
    return emitError(loc) << "axis " << axis << " is out of range for rank "
                          << rank;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < rank; ++k)
    (k < axis ? outer : inner) *= xt.getDimSize(k);
  OpBuilder &b = im.builder();
  auto rt = im.f32({outer, inner});
  if (axis == 1 && rank > 2)
    im.define(n, FlattenOp::create(b, loc, rt, *x, b.getI64IntegerAttr(1),
                                   b.getI64IntegerAttr(-1)));
  else if (rt == xt)
    im.define(n, *x);
  else
    im.define(n, ReshapeOp::create(b, loc, rt, *x));
  return success();
}

/// `in` without the size-1 dimensions `axes` (all of them when empty).
static FailureOr<SmallVector<int64_t>>
squeezedShape(ArrayRef<int64_t> in, ArrayRef<int64_t> axes, Location loc) {
  int64_t rank = in.size();
  SmallVector<bool> drop(rank, axes.empty());
  if (axes.empty())
    for (int64_t k = 0; k < rank; ++k)
      drop[k] = in[k] == 1;
  for (int64_t a : axes) {
    auto na = normAxis(a, rank, loc);
    if (failed(na))
      return failure();
    // normAxis admits axis 0 of a scalar (for ops that treat it as 1-D).
    if (*na >= rank)
      return emitError(loc) << "cannot squeeze a scalar";
    if (in[*na] != 1)
      return emitError(loc)
             << "cannot squeeze dimension " << *na << " of " << shapeStr(in);
    drop[*na] = true;
  }
  SmallVector<int64_t> out;
  for (int64_t k = 0; k < rank; ++k)
    if (!drop[k])
      out.push_back(in[k]);
  return out;
}

/// `in` with new size-1 dimensions at `axes` (of the result).
static FailureOr<SmallVector<int64_t>>
unsqueezedShape(ArrayRef<int64_t> in, ArrayRef<int64_t> axes, Location loc) {
  if (axes.empty())
    return emitError(loc) << "has no axes";
  int64_t rank = in.size() + axes.size();
  if (rank > kMaxRank)
    return emitError(loc) << "the result has rank " << rank << " (at most "
                          << kMaxRank << " supported)";
  SmallVector<bool> isNew(rank, false);
  for (int64_t a : axes) {
    auto na = normAxis(a, rank, loc);
    if (failed(na))
      return failure();
    if (isNew[*na])
      return emitError(loc) << "axis " << a << " is repeated";
    isNew[*na] = true;
  }
  SmallVector<int64_t> out;
  for (int64_t k = 0, j = 0; k < rank; ++k)
    out.push_back(isNew[k] ? 1 : in[j++]);
  return out;
}

static LogicalResult convertUnsqueeze(Importer &im, const onnx::NodeProto &n,
                                      Location loc, bool squeeze) {
  if (failed(needInputs(n, loc, 1, 2)))
    return failure();
  // The axes are an input from opset 13 on, an attribute before.
  SmallVector<int64_t> axes;
  if (im.getOpset() >= 13) {
    if (!input(n, 1).empty()) {
      auto a = im.constInts(n.input(1), loc, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else {
    axes = intsAttr(n, "axes");
  }
  FailureOr<ShapeOperand> x = im.shapeOperand(n.input(0), loc);
  if (failed(x))
    return failure();
  auto out = squeeze ? squeezedShape(x->shape, axes, loc)
                     : unsqueezedShape(x->shape, axes, loc);
  if (failed(out))
    return failure();
  return im.defineReshaped(n, loc, *x, *out);
}

//===----------------------------------------------------------------------===//
// Concat, Transpose
//===----------------------------------------------------------------------===//

/// Concat of constants only: the folded constant.
static LogicalResult foldConcat(Importer &im, const onnx::NodeProto &n,
                                Location loc, int64_t axisAttr) {
  const Const *first = im.getConst(n.input(0));
  int64_t rank = first->shape.size();
  auto axis = normAxis(axisAttr, rank, loc);
  if (failed(axis))
    return failure();
  Const r;
  r.dtype = first->dtype;
  r.shape = first->shape;
  r.shape[*axis] = 0;
  for (const auto &s : n.input()) {
    const Const *c = im.getConst(s);
    if (c->shape.size() != static_cast<size_t>(rank) ||
        c->isFloat() != first->isFloat())
      return emitError(loc) << "inputs differ in rank or type";
    for (int64_t k = 0; k < rank; ++k)
      if (k != *axis && c->shape[k] != first->shape[k])
        return emitError(loc)
               << "input shapes " << shapeStr(first->shape) << " and "
               << shapeStr(c->shape) << " differ outside axis " << *axis;
    r.shape[*axis] += c->shape[*axis];
  }
  if (failed(im.reserveFolded(r.shape, loc)))
    return failure();
  // Outer blocks of each input in turn.
  int64_t outer = 1;
  for (int64_t k = 0; k < *axis; ++k)
    outer *= r.shape[k];
  for (int64_t o = 0; o < outer; ++o)
    for (const auto &s : n.input()) {
      const Const *c = im.getConst(s);
      int64_t block = c->numel() / outer;
      r.append(*c, o * block, block);
    }
  im.defineConst(n, std::move(r));
  return success();
}

static LogicalResult convertConcat(Importer &im, const onnx::NodeProto &n,
                                   Location loc) {
  if (failed(needInputs(n, loc, 1, 1 << 16)))
    return failure();
  const auto *axisAttr = attr(n, "axis");
  if (!axisAttr)
    return emitError(loc) << "has no axis attribute";
  if (llvm::all_of(n.input(),
                   [&](const std::string &s) { return im.getConst(s); }))
    return foldConcat(im, n, loc, axisAttr->i());
  SmallVector<Value> ins;
  for (const auto &s : n.input()) {
    FailureOr<Value> v = im.getValue(s, loc);
    if (failed(v))
      return failure();
    ins.push_back(*v);
  }
  auto t0 = typeOf(ins[0]);
  auto axis = normAxis(axisAttr->i(), t0.getRank(), loc);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(t0.getShape());
  shape[*axis] = 0;
  for (Value v : ins) {
    auto t = typeOf(v);
    if (t.getRank() != t0.getRank())
      return emitError(loc) << "inputs differ in rank";
    shape[*axis] += t.getDimSize(*axis);
  }
  OpBuilder &b = im.builder();
  im.define(n, ConcatOp::create(b, loc, im.f32(shape), ins,
                                b.getI64IntegerAttr(*axis)));
  return success();
}

/// The constant `c` transposed by `perm`.
static Const transposeConst(const Const &c, ArrayRef<int64_t> perm) {
  size_t rank = c.shape.size();
  // Keep the initializer's name and role: a transposed weight is the weight.
  Const r = c;
  for (size_t k = 0; k < rank; ++k)
    r.shape[k] = c.shape[perm[k]];
  SmallVector<int64_t> inStride(rank, 1);
  for (int64_t k = rank - 2; k >= 0; --k)
    inStride[k] = inStride[k + 1] * c.shape[k + 1];
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t e = 0, numel = c.numel(); e < numel; ++e) {
    int64_t src = 0;
    for (size_t k = 0; k < rank; ++k)
      src += idx[k] * inStride[perm[k]];
    if (r.isFloat())
      r.f[e] = c.f[src];
    else
      r.i[e] = c.i[src];
    nextIndex(idx, r.shape);
  }
  return r;
}

static LogicalResult convertTranspose(Importer &im, const onnx::NodeProto &n,
                                      Location loc) {
  if (failed(needInputs(n, loc, 1, 1)))
    return failure();
  const Const *c = im.getConst(n.input(0));
  size_t rank = c ? c->shape.size() : 0;
  Value x;
  if (!c) {
    FailureOr<Value> v = im.getValue(n.input(0), loc);
    if (failed(v))
      return failure();
    x = *v;
    rank = typeOf(x).getRank();
  }
  SmallVector<int64_t> perm = intsAttr(n, "perm");
  if (perm.empty())
    for (int64_t k = rank; k > 0; --k)
      perm.push_back(k - 1);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (perm.size() != rank || llvm::any_of(llvm::enumerate(sorted), [](auto p) {
        return p.value() != (int64_t)p.index();
      }))
    return emitError(loc) << "perm " << shapeStr(perm)
                          << " is not a permutation of rank " << rank;
  if (c) {
    if (failed(im.reserveFolded(c->shape, loc)))
      return failure();
    im.defineConst(n, transposeConst(*c, perm));
    return success();
  }
  bool identity = llvm::all_of(llvm::enumerate(perm), [](auto p) {
    return p.value() == (int64_t)p.index();
  });
  if (!identity)
    return emitError(loc) << "Transpose of a computed tensor does not fold "
                             "(qat has no transpose op); only constants and "
                             "identity permutations are supported";
  im.define(n, x);
  return success();
}

//===----------------------------------------------------------------------===//
// Constant, Shape, Gather
//===----------------------------------------------------------------------===//

static LogicalResult convertConstant(Importer &im, const onnx::NodeProto &n,
                                     Location loc) {
  if (n.attribute_size() != 1)
    return emitError(loc) << "expects exactly one value attribute";
  const auto &a = n.attribute(0);
  Const c;
  StringRef name = a.name();
  if (name == "value") {
    if (failed(readTensor(a.t(), loc, c)))
      return failure();
  } else if (name == "value_float") {
    c.f = {a.f()};
  } else if (name == "value_floats") {
    c.f.assign(a.floats().begin(), a.floats().end());
    c.shape = {static_cast<int64_t>(c.f.size())};
  } else if (name == "value_int") {
    c.dtype = onnx::TensorProto::INT64;
    c.i = {a.i()};
  } else if (name == "value_ints") {
    c.dtype = onnx::TensorProto::INT64;
    c.i.assign(a.ints().begin(), a.ints().end());
    c.shape = {static_cast<int64_t>(c.i.size())};
  } else {
    return emitError(loc) << "attribute '" << name << "' is not supported";
  }
  if (c.numel() == 0)
    return emitError(loc) << "empty constants are not supported";
  im.defineConst(n, std::move(c));
  return success();
}

static LogicalResult convertShape(Importer &im, const onnx::NodeProto &n,
                                  Location loc) {
  if (failed(needInputs(n, loc, 1, 1)))
    return failure();
  FailureOr<ShapeOperand> x = im.shapeOperand(n.input(0), loc);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = x->shape;
  int64_t rank = shape.size();
  int64_t start = intAttr(n, "start", 0), end = intAttr(n, "end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  Const r;
  r.dtype = onnx::TensorProto::INT64;
  r.i.assign(shape.begin() + start, shape.begin() + end);
  r.shape = {static_cast<int64_t>(r.i.size())};
  if (r.i.empty())
    return emitError(loc) << "the slice of the shape is empty";
  im.defineConst(n, std::move(r));
  return success();
}

static LogicalResult convertGather(Importer &im, const onnx::NodeProto &n,
                                   Location loc) {
  if (failed(needInputs(n, loc, 2, 2)))
    return failure();
  const Const *data = im.getConst(n.input(0));
  auto indices = im.constInts(n.input(1), loc, "the indices");
  if (failed(indices))
    return failure();
  if (!data)
    return emitError(loc) << "Gather of a computed tensor is not supported "
                             "(only constant shape arithmetic folds)";
  int64_t rank = data->shape.size();
  if (rank == 0)
    return emitError(loc) << "Gather of a scalar";
  auto axis = normAxis(intAttr(n, "axis", 0), rank, loc);
  if (failed(axis))
    return failure();
  const Const *ic = im.getConst(n.input(1));
  int64_t dim = data->shape[*axis];
  Const r;
  r.dtype = data->dtype;
  r.shape.assign(data->shape.begin(), data->shape.begin() + *axis);
  r.shape.append(ic->shape.begin(), ic->shape.end());
  r.shape.append(data->shape.begin() + *axis + 1, data->shape.end());
  if (failed(im.reserveFolded(r.shape, loc)))
    return failure();
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < rank; ++k)
    if (k < *axis)
      outer *= data->shape[k];
    else if (k > *axis)
      inner *= data->shape[k];
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t idx : *indices) {
      if (idx < -dim || idx >= dim)
        return emitError(loc) << "index " << idx << " is out of range [" << -dim
                              << ", " << dim << ")";
      if (idx < 0)
        idx += dim;
      r.append(*data, (o * dim + idx) * inner, inner);
    }
  im.defineConst(n, std::move(r));
  return success();
}

//===----------------------------------------------------------------------===//
// Cast, Pad
//===----------------------------------------------------------------------===//

/// Cast of a constant to float or to an integer type.
static LogicalResult foldCast(Importer &im, const onnx::NodeProto &n,
                              Location loc, const Const &c, int64_t to) {
  if (failed(im.reserveFolded(c.shape, loc)))
    return failure();
  Const r = c;
  r.isInitializer = false;
  if (to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE) {
    if (!c.isFloat())
      r.f.assign(c.i.begin(), c.i.end());
    r.i.clear();
    r.dtype = onnx::TensorProto::FLOAT;
  } else if (to == onnx::TensorProto::INT64 || to == onnx::TensorProto::INT32) {
    if (c.isFloat())
      for (float v : c.f) {
        if (!(std::fabs(v) < 9.2e18f))
          return emitError(loc) << "cannot cast " << v << " to an integer";
        r.i.push_back(static_cast<int64_t>(v));
      }
    r.f.clear();
    r.dtype = onnx::TensorProto::INT64;
  } else {
    return emitError(loc) << "Cast to " << dtypeName(to) << " is not supported";
  }
  im.defineConst(n, std::move(r));
  return success();
}

static LogicalResult convertCast(Importer &im, const onnx::NodeProto &n,
                                 Location loc) {
  if (failed(needInputs(n, loc, 1, 1)))
    return failure();
  int64_t to = intAttr(n, "to", 0);
  if (const Const *c = im.getConst(n.input(0)))
    return foldCast(im, n, loc, *c, to);
  if (to != onnx::TensorProto::FLOAT)
    return emitError(loc) << "Cast of a computed tensor to " << dtypeName(to)
                          << " is not supported (qat computes in float)";
  FailureOr<Value> x = im.getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  im.define(n, *x);
  return success();
}

/// Pad with zero padding only (torch.onnx writes it for padding = 0).
static LogicalResult convertPad(Importer &im, const onnx::NodeProto &n,
                                Location loc) {
  if (failed(needInputs(n, loc, 1, 3)))
    return failure();
  SmallVector<int64_t> pads = intsAttr(n, "pads");
  if (!input(n, 1).empty()) {
    auto p = im.constInts(n.input(1), loc, "pads");
    if (failed(p))
      return failure();
    pads = *p;
  }
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    return emitError(loc) << "non-zero padding " << shapeStr(pads)
                          << " is not supported (qat has no pad op; "
                             "convolutions and pools pad themselves)";
  FailureOr<Value> x = im.getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  im.define(n, *x);
  return success();
}

void importer::populateShapeConverters(OpConverterTable &table) {
  table["Reshape"] = convertReshape;
  table["Flatten"] = convertFlatten;
  table["Squeeze"] = [](Importer &im, const onnx::NodeProto &n, Location loc) {
    return convertUnsqueeze(im, n, loc, /*squeeze=*/true);
  };
  table["Unsqueeze"] = [](Importer &im, const onnx::NodeProto &n,
                          Location loc) {
    return convertUnsqueeze(im, n, loc, /*squeeze=*/false);
  };
  table["Concat"] = convertConcat;
  table["Transpose"] = convertTranspose;
  table["Constant"] = convertConstant;
  table["Shape"] = convertShape;
  table["Gather"] = convertGather;
  table["Cast"] = convertCast;
  table["Pad"] = convertPad;
}

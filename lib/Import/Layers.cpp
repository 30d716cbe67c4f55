//===- Layers.cpp - ONNX Gemm, MatMul, Conv, BatchNorm, pools -------------===//
//
// The layers with parameters (qat.linear, qat.conv2d, qat.batch_norm) and
// the pools. Constant weights are laid out as qat wants them at import
// time: Gemm's and MatMul's B becomes the [out, in] weight of qat.linear.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "Qat/IR/QatOps.h"

#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::importer;

//===----------------------------------------------------------------------===//
// Gemm, MatMul
//===----------------------------------------------------------------------===//

/// Gemm's weight B as the [out, in] weight of qat.linear, alpha folded in.
static FailureOr<Value> gemmWeight(Importer &im, const onnx::NodeProto &n,
                                   Location loc, bool transB, float alpha) {
  const Const *c = im.getConst(n.input(1));
  if (!c) {
    if (!transB)
      return emitError(loc) << "a computed weight B needs transB = 1 (qat has "
                               "no transpose op)";
    if (alpha != 1.0f)
      return emitError(loc) << "alpha = " << alpha
                            << " needs a constant weight B to fold into";
    return im.getValue(n.input(1), loc);
  }
  if (c->shape.size() != 2)
    return emitError(loc) << "weight B has shape " << shapeStr(c->shape)
                          << "; Gemm needs a matrix";
  Const wc = *c;
  if (!wc.isFloat())
    return emitError(loc) << "weight B is " << dtypeName(c->dtype)
                          << "; expected float";
  if (!transB) {
    int64_t r = c->shape[0], k = c->shape[1];
    wc.shape = {k, r};
    for (int64_t i = 0; i < r; ++i)
      for (int64_t j = 0; j < k; ++j)
        wc.f[j * r + i] = c->f[i * k + j];
  }
  if (alpha != 1.0f)
    for (float &v : wc.f)
      v *= alpha;
  return im.materialize(n.input(1), wc, loc, /*state=*/false);
}

/// Gemm's bias C as the [out] bias of qat.linear (null when absent), beta
/// folded in.
static FailureOr<Value> gemmBias(Importer &im, const onnx::NodeProto &n,
                                 Location loc, int64_t out, float beta) {
  StringRef cName = input(n, 2);
  if (cName.empty())
    return Value();
  const Const *c = im.getConst(cName);
  if (!c) {
    FailureOr<Value> bv = im.getValue(cName, loc);
    if (failed(bv))
      return failure();
    if (typeOf(*bv).getShape() != ArrayRef<int64_t>{out} || beta != 1.0f)
      return emitError(loc)
             << "a computed bias C must be [" << out << "] with beta = 1";
    return bv;
  }
  Const bc = *c;
  if (!bc.isFloat())
    return emitError(loc) << "bias C is " << dtypeName(c->dtype)
                          << "; expected float";
  int64_t numel = bc.numel();
  if (numel != out && numel != 1)
    return emitError(loc) << "bias C has shape " << shapeStr(c->shape)
                          << "; expected [" << out << "] or [1, " << out << "]";
  bc.f.resize(out, bc.f[0]);
  if (numel == 1)
    std::fill(bc.f.begin(), bc.f.end(), c->f[0]);
  bc.shape = {out};
  if (beta != 1.0f)
    for (float &v : bc.f)
      v *= beta;
  return im.materialize(cName, bc, loc, /*state=*/false);
}

static LogicalResult convertGemm(Importer &im, const onnx::NodeProto &n,
                                 Location loc) {
  if (failed(needInputs(n, loc, 2, 3)))
    return failure();
  if (intAttr(n, "transA", 0) != 0)
    return emitError(loc) << "transA = 1 is not supported (qat.linear takes "
                             "[N, in] inputs)";
  bool transB = intAttr(n, "transB", 0) != 0;
  float alpha = floatAttr(n, "alpha", 1.0f);
  float beta = floatAttr(n, "beta", 1.0f);
  FailureOr<Value> x = im.getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  auto xt = typeOf(*x);
  if (xt.getRank() != 2)
    return emitError(loc) << "input A has shape " << shapeStr(xt.getShape())
                          << "; Gemm needs a matrix";
  FailureOr<Value> w = gemmWeight(im, n, loc, transB, alpha);
  if (failed(w))
    return failure();
  auto wt = typeOf(*w);
  if (wt.getRank() != 2 || wt.getDimSize(1) != xt.getDimSize(1))
    return emitError(loc) << "weight shape " << shapeStr(wt.getShape())
                          << " (as [out, in]) does not match input "
                          << shapeStr(xt.getShape());
  int64_t out = wt.getDimSize(0);
  FailureOr<Value> bias = gemmBias(im, n, loc, out, beta);
  if (failed(bias))
    return failure();
  im.define(n,
            LinearOp::create(im.builder(), loc, im.f32({xt.getDimSize(0), out}),
                             *x, *w, *bias));
  return success();
}

static LogicalResult convertMatMul(Importer &im, const onnx::NodeProto &n,
                                   Location loc) {
  FailureOr<Value> x = im.inputValue(n, loc, 2, 2);
  if (failed(x))
    return failure();
  auto xt = typeOf(*x);
  const Const *c = im.getConst(n.input(1));
  if (!c || xt.getRank() != 2 || c->shape.size() != 2 || !c->isFloat())
    return emitError(loc) << "only [N, in] x constant float [in, out] is "
                             "supported (as qat.linear)";
  if (c->shape[0] != xt.getDimSize(1))
    return emitError(loc) << "operand shapes " << shapeStr(xt.getShape())
                          << " and " << shapeStr(c->shape) << " do not match";
  int64_t in = c->shape[0], out = c->shape[1];
  Const wc = *c;
  wc.shape = {out, in};
  for (int64_t i = 0; i < in; ++i)
    for (int64_t j = 0; j < out; ++j)
      wc.f[j * in + i] = c->f[i * out + j];
  Value w = im.materialize(n.input(1), wc, loc, /*state=*/false);
  im.define(n,
            LinearOp::create(im.builder(), loc, im.f32({xt.getDimSize(0), out}),
                             *x, w, Value()));
  return success();
}

//===----------------------------------------------------------------------===//
// Windows: Conv, MaxPool, AveragePool
//===----------------------------------------------------------------------===//

/// Whether every value of `v` is in [lo, 65536].
static bool allIn(ArrayRef<int64_t> v, int64_t lo) {
  return llvm::all_of(v, [&](int64_t x) { return x >= lo && x <= 65536; });
}

/// The strides and dilations of a window op; ONNX's default is 1 (PyTorch's
/// default stride is the kernel).
static void readStridesAndDilations(const onnx::NodeProto &n,
                                    SmallVector<int64_t> &strides,
                                    SmallVector<int64_t> &dil) {
  strides = intsAttr(n, "strides");
  dil = intsAttr(n, "dilations");
  if (strides.empty())
    strides = {1, 1};
  if (dil.empty())
    dil = {1, 1};
}

/// ONNX auto_pad: the [begin, end] padding of one spatial axis.
static std::pair<int64_t, int64_t> autoPad(StringRef mode, int64_t in,
                                           int64_t k, int64_t s, int64_t d) {
  if (mode != "SAME_UPPER" && mode != "SAME_LOWER")
    return {0, 0};
  int64_t out = (in + s - 1) / s;
  int64_t total = std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
  int64_t small = total / 2, big = total - small;
  return mode == "SAME_UPPER" ? std::make_pair(small, big)
                              : std::make_pair(big, small);
}

/// The spatial output size {oh, ow} of a 2-D window op over the NCHW input
/// shape `in` with kernel {kh, kw}; resolves `pads` (top, left, bottom,
/// right) from the pads and auto_pad attributes.
static FailureOr<std::pair<int64_t, int64_t>>
windowOutputSize(const onnx::NodeProto &n, Location loc, ArrayRef<int64_t> in,
                 ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
                 ArrayRef<int64_t> dil, bool ceil, SmallVector<int64_t> &pads) {
  pads = intsAttr(n, "pads");
  std::string ap = stringAttr(n, "auto_pad");
  if (ap.empty() || ap == "NOTSET") {
    if (pads.empty())
      pads = {0, 0, 0, 0};
  } else if (ap == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    auto [t, bo] = autoPad(ap, in[2], kernel[0], strides[0], dil[0]);
    auto [l, r] = autoPad(ap, in[3], kernel[1], strides[1], dil[1]);
    pads = {t, l, bo, r};
  } else {
    return emitError(loc) << "unknown auto_pad '" << ap << "'";
  }
  if (pads.size() != 4 || !allIn(pads, 0))
    return emitError(loc) << "pads " << shapeStr(pads)
                          << " must be four non-negative values";
  int64_t oh = getWindowOutputSize(in[2], kernel[0], strides[0], pads[0],
                                   pads[2], dil[0], ceil);
  int64_t ow = getWindowOutputSize(in[3], kernel[1], strides[1], pads[1],
                                   pads[3], dil[1], ceil);
  if (oh <= 0 || ow <= 0)
    return emitError(loc) << "the kernel is larger than the padded input";
  return std::make_pair(oh, ow);
}

static LogicalResult convertConv(Importer &im, const onnx::NodeProto &n,
                                 Location loc) {
  FailureOr<Value> x = im.inputValue(n, loc, 2, 3);
  if (failed(x))
    return failure();
  FailureOr<Value> w = im.getValue(n.input(1), loc);
  if (failed(w))
    return failure();
  auto xt = typeOf(*x), wt = typeOf(*w);
  if (xt.getRank() != 4 || wt.getRank() != 4)
    return emitError(loc) << "only 2-D convolutions are supported (input "
                          << shapeStr(xt.getShape()) << ", weight "
                          << shapeStr(wt.getShape()) << ")";
  int64_t groups = intAttr(n, "group", 1);
  if (groups < 1 || xt.getDimSize(1) % groups || wt.getDimSize(0) % groups ||
      xt.getDimSize(1) / groups != wt.getDimSize(1))
    return emitError(loc) << "group = " << groups << " does not fit input "
                          << shapeStr(xt.getShape()) << " and weight "
                          << shapeStr(wt.getShape());
  SmallVector<int64_t> strides, dil, pads;
  readStridesAndDilations(n, strides, dil);
  SmallVector<int64_t> ks = intsAttr(n, "kernel_shape");
  if (!ks.empty() && (ks.size() != 2 || ks[0] != wt.getDimSize(2) ||
                      ks[1] != wt.getDimSize(3)))
    return emitError(loc) << "kernel_shape " << shapeStr(ks)
                          << " does not match the weight "
                          << shapeStr(wt.getShape());
  if (strides.size() != 2 || dil.size() != 2 || !allIn(strides, 1) ||
      !allIn(dil, 1))
    return emitError(loc) << "strides " << shapeStr(strides)
                          << " and dilations " << shapeStr(dil)
                          << " must be two positive values";
  auto out =
      windowOutputSize(n, loc, xt.getShape(), wt.getShape().drop_front(2),
                       strides, dil, /*ceil=*/false, pads);
  if (failed(out))
    return failure();
  Value bias;
  if (!input(n, 2).empty()) {
    FailureOr<Value> bv = im.getValue(n.input(2), loc);
    if (failed(bv))
      return failure();
    bias = *bv;
  }
  auto conv = Conv2dOp::create(
      im.builder(), loc,
      im.f32({xt.getDimSize(0), wt.getDimSize(0), out->first, out->second}), *x,
      *w, bias);
  conv.setStrides(strides);
  conv.setPadding(pads);
  conv.setDilation(dil);
  conv.setGroups(groups);
  im.define(n, conv);
  return success();
}

static LogicalResult convertPool(Importer &im, const onnx::NodeProto &n,
                                 Location loc, bool max) {
  if (failed(needInputs(n, loc, 1, 1)) ||
      failed(im.onlyFirstOutputUsed(n, loc)))
    return failure();
  FailureOr<Value> x = im.getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  auto xt = typeOf(*x);
  SmallVector<int64_t> ks = intsAttr(n, "kernel_shape");
  if (xt.getRank() != 4 || ks.size() != 2)
    return emitError(loc) << "only 2-D pooling over NCHW is supported (input "
                          << shapeStr(xt.getShape()) << ", kernel_shape "
                          << shapeStr(ks) << ")";
  SmallVector<int64_t> strides, dil, pads;
  readStridesAndDilations(n, strides, dil);
  if (!max && !(dil[0] == 1 && dil[1] == 1))
    return emitError(loc) << "dilations are not supported for AveragePool";
  if (!allIn(ks, 1) || strides.size() != 2 || dil.size() != 2 ||
      !allIn(strides, 1) || !allIn(dil, 1))
    return emitError(loc) << "kernel_shape, strides and dilations must be two "
                             "positive values each";
  if (intAttr(n, "storage_order", 0) != 0)
    return emitError(loc) << "storage_order = 1 is not supported";
  bool ceil = intAttr(n, "ceil_mode", 0) != 0;
  auto out =
      windowOutputSize(n, loc, xt.getShape(), ks, strides, dil, ceil, pads);
  if (failed(out))
    return failure();
  OpBuilder &b = im.builder();
  auto rt =
      im.f32({xt.getDimSize(0), xt.getDimSize(1), out->first, out->second});
  auto kAttr = b.getDenseI64ArrayAttr(ks);
  auto sAttr = b.getDenseI64ArrayAttr(strides);
  auto pAttr = b.getDenseI64ArrayAttr(pads);
  UnitAttr ceilAttr = ceil ? b.getUnitAttr() : UnitAttr();
  if (max) {
    im.define(n, MaxPool2dOp::create(b, loc, rt, *x, kAttr, sAttr, pAttr,
                                     b.getDenseI64ArrayAttr(dil), ceilAttr));
  } else {
    im.define(n, AvgPool2dOp::create(
                     b, loc, rt, *x, kAttr, sAttr, pAttr, ceilAttr,
                     b.getBoolAttr(intAttr(n, "count_include_pad", 0) != 0)));
  }
  return success();
}

static LogicalResult
convertGlobalAveragePool(Importer &im, const onnx::NodeProto &n, Location loc) {
  FailureOr<Value> x = im.inputValue(n, loc, 1, 1);
  if (failed(x))
    return failure();
  auto t = typeOf(*x);
  if (t.getRank() != 4)
    return emitError(loc) << "input has shape " << shapeStr(t.getShape())
                          << "; only NCHW (rank 4) is supported";
  im.define(n, GlobalAvgPoolOp::create(
                   im.builder(), loc,
                   im.f32({t.getDimSize(0), t.getDimSize(1), 1, 1}), *x));
  return success();
}

//===----------------------------------------------------------------------===//
// BatchNormalization
//===----------------------------------------------------------------------===//

static LogicalResult convertBatchNorm(Importer &im, const onnx::NodeProto &n,
                                      Location loc) {
  if (failed(needInputs(n, loc, 5, 5)) ||
      failed(im.onlyFirstOutputUsed(n, loc)))
    return failure();
  if (intAttr(n, "training_mode", 0) != 0)
    return emitError(loc) << "training_mode = 1 is not supported; export the "
                             "model in eval mode";
  SmallVector<Value> ops;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = im.getValue(n.input(i), loc, /*state=*/i >= 3);
    if (failed(v))
      return failure();
    ops.push_back(*v);
  }
  auto xt = typeOf(ops[0]);
  if (xt.getRank() < 2)
    return emitError(loc) << "input has shape " << shapeStr(xt.getShape())
                          << "; expected [N, C, ...]";
  for (int i = 1; i < 5; ++i)
    if (typeOf(ops[i]).getShape() != ArrayRef<int64_t>{xt.getDimSize(1)})
      return emitError(loc) << "input " << i << " has shape "
                            << shapeStr(typeOf(ops[i]).getShape())
                            << "; expected [" << xt.getDimSize(1) << "]";
  auto ct = typeOf(ops[3]);
  OpBuilder &b = im.builder();
  // ONNX momentum weighs the running value; PyTorch's the batch value.
  auto momentum =
      static_cast<float>(1.0 - shortestDouble(floatAttr(n, "momentum", 0.9f)));
  auto bn = BatchNormOp::create(
      b, loc, TypeRange{xt, ct, ct}, ops[0], ops[1], ops[2], ops[3], ops[4],
      b.getF64FloatAttr(shortestDouble(floatAttr(n, "epsilon", 1e-5f))),
      b.getF64FloatAttr(shortestDouble(momentum)), UnitAttr());
  im.define(n, bn.getResult());
  foldExportedConvBn(im, bn);
  return success();
}

void importer::populateLayerConverters(OpConverterTable &table) {
  table["Gemm"] = convertGemm;
  table["MatMul"] = convertMatMul;
  table["Conv"] = convertConv;
  table["BatchNormalization"] = convertBatchNorm;
  table["MaxPool"] = [](Importer &im, const onnx::NodeProto &n, Location loc) {
    return convertPool(im, n, loc, /*max=*/true);
  };
  table["AveragePool"] = [](Importer &im, const onnx::NodeProto &n,
                            Location loc) {
    return convertPool(im, n, loc, /*max=*/false);
  };
  table["GlobalAveragePool"] = convertGlobalAveragePool;
}

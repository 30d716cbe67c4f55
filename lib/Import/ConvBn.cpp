//===- ConvBn.cpp - PyTorch's exported ConvBn QAT modules -----------------===//
//
// torch.onnx exports a ConvBn(ReLU)2d QAT module (eval mode, constants
// folded) as
//
//   Conv(x, DQ(Q(w * sf)), zeros) -> Div(sf) -> [Add(bias)] ->
//   BatchNormalization
//
// with sf = gamma / sqrt(running_var + eps) and w * sf folded into
// constants. Imported as they stand, these ops compute the right floats but
// are neither trainable as PyTorch trains them (sf must follow the running
// variance) nor convertible. Once the BatchNormalization is imported, this
// rewrites the chain into the form --qat-fuse gives conv2d + batch_norm
// (docs/numerics.md#batch-norm-folding):
//
//   conv2d(x, fake_quant(w * sf)) / sf + bias -> batch_norm
//
// with sf computed in the graph, after checking that it equals the exported
// constant bit for bit, and a weight w whose product with sf rounds to
// exactly the exported w * sf: the rewritten graph computes the same floats.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::importer;

namespace {
/// The ops of one exported ConvBn module.
struct ExportedConvBn {
  Conv2dOp conv;
  LoadOp weight;
  DivOp div;
  LoadOp divisor;
  AddOp add;   // null without a conv bias
  LoadOp bias; // null without a conv bias
  BatchNormOp bn;
};
} // namespace

/// The single user of `v`, if it is an `OpTy` reading `v` as operand 0.
template <typename OpTy> static OpTy singleUser(Value v) {
  if (!v.hasOneUse())
    return nullptr;
  auto user = dyn_cast<OpTy>(*v.getUsers().begin());
  return user && user->getOperand(0) == v ? user : nullptr;
}

/// Matches Conv -> Div(constant) -> [Add(constant)] -> `bn` where the conv
/// weight is a fake-quantized constant; the shape of the chain only.
static std::optional<ExportedConvBn> matchChain(BatchNormOp bn) {
  ExportedConvBn m;
  m.bn = bn;
  Value in = bn.getInput();
  if ((m.add = in.getDefiningOp<AddOp>())) {
    m.bias = m.add.getRhs().getDefiningOp<LoadOp>();
    if (!m.bias || !m.add.getResult().hasOneUse())
      return std::nullopt;
    in = m.add.getLhs();
  }
  m.div = in.getDefiningOp<DivOp>();
  if (!m.div || !m.div.getResult().hasOneUse() ||
      !(m.divisor = m.div.getRhs().getDefiningOp<LoadOp>()))
    return std::nullopt;
  m.conv = m.div.getLhs().getDefiningOp<Conv2dOp>();
  if (!m.conv || !singleUser<DivOp>(m.conv.getResult()))
    return std::nullopt;
  auto fq = m.conv.getWeight().getDefiningOp<FakeQuantOp>();
  if (!fq || !fq.getResult().hasOneUse() ||
      !(m.weight = fq.getInput().getDefiningOp<LoadOp>()))
    return std::nullopt;
  // The weight feeds only its fake quantization (and that one's observer).
  for (Operation *user : m.weight.getResult().getUsers())
    if (user != fq && user != fq.getScale().getDefiningOp())
      return std::nullopt;
  return m;
}

/// The f32 values of the parameter `load` reads, or empty.
static SmallVector<float> paramValues(Importer &im, LoadOp load) {
  ParamOp p = im.lookupParam(load.getName());
  auto attr = p ? dyn_cast<DenseElementsAttr>(p.getInitialValue()) : nullptr;
  if (!attr || !attr.getElementType().isF32())
    return {};
  return llvm::to_vector(attr.getValues<float>());
}

/// A float `w` near `product / sf` with `w * sf == product` in float32, or
/// nullopt.
static std::optional<float> unscale(float product, float sf) {
  float w = product / sf;
  if (!std::isfinite(w))
    return std::nullopt;
  float up = w, down = w;
  for (int step = 0; step < 4; ++step) {
    if (up * sf == product)
      return up;
    if (down * sf == product)
      return down;
    up = std::nextafter(up, INFINITY);
    down = std::nextafter(down, -INFINITY);
  }
  return std::nullopt;
}

namespace {
/// The values of a matched chain that the rewrite needs.
struct ConvBnValues {
  SmallVector<float> sf, weight, bias;
};
} // namespace

/// Checks the constants of a matched chain; the reason it is not PyTorch's
/// ConvBn otherwise.
static FailureOr<ConvBnValues> readValues(Importer &im, ExportedConvBn m,
                                          std::string &why) {
  ConvBnValues v;
  auto gammaLoad = m.bn.getWeight().getDefiningOp<LoadOp>();
  auto varLoad = m.bn.getRunningVar().getDefiningOp<LoadOp>();
  SmallVector<float> gamma, var;
  if (gammaLoad && varLoad) {
    gamma = paramValues(im, gammaLoad);
    var = paramValues(im, varLoad);
  }
  int64_t channels = typeOf(m.conv.getResult()).getDimSize(1);
  SmallVector<float> divisor = paramValues(im, m.divisor);
  SmallVector<float> product = paramValues(im, m.weight);
  if (gamma.empty() || var.empty() || product.empty() ||
      divisor.size() != static_cast<size_t>(channels) ||
      typeOf(m.div.getResult()) != typeOf(m.conv.getResult()))
    return (why = "its constants do not have the shapes of one", failure());
  auto eps = static_cast<float>(m.bn.getEps().convertToDouble());
  for (int64_t c = 0; c < channels; ++c) {
    // As the lowering of qat.bn_scale_factor computes it.
    v.sf.push_back(gamma[c] / std::sqrt(var[c] + eps));
    if (v.sf[c] != divisor[c])
      return (why = "the Div constant of channel " + std::to_string(c) +
                    " is not gamma / sqrt(running_var + eps)",
              failure());
  }
  if (Value convBias = m.conv.getBias()) {
    auto load = convBias.getDefiningOp<LoadOp>();
    SmallVector<float> zeros =
        load ? paramValues(im, load) : SmallVector<float>();
    if (zeros.empty() || llvm::any_of(zeros, [](float z) { return z != 0; }))
      return (why = "the Conv bias is not zero", failure());
  }
  if (m.bias) {
    v.bias = paramValues(im, m.bias);
    if (v.bias.size() != static_cast<size_t>(channels))
      return (why = "the Add constant is not one bias per channel", failure());
  }
  int64_t inner = product.size() / channels;
  for (auto [k, p] : llvm::enumerate(product)) {
    std::optional<float> w = unscale(p, v.sf[k / inner]);
    if (!w)
      return (why = "no float32 weight times the Div constant gives weight " +
                    std::to_string(k) + " of the Conv",
              failure());
    v.weight.push_back(*w);
  }
  return v;
}

static Value reshapeFused(OpBuilder &b, Location loc, Value v,
                          ArrayRef<int64_t> shape) {
  auto op = ReshapeOp::create(b, loc,
                              RankedTensorType::get(shape, b.getF32Type()), v);
  op->setAttr(kFusedAttrName, b.getUnitAttr());
  return op;
}

/// Rewrites a checked chain into --qat-fuse's form (lib/Quant/Fuse.cpp).
static void rewrite(Importer &im, ExportedConvBn m, const ConvBnValues &v) {
  OpBuilder &b = im.builder();
  OpBuilder::InsertionGuard guard(b);
  UnitAttr unit = b.getUnitAttr();
  Location loc = m.conv.getLoc();
  auto wType = typeOf(m.weight.getResult());
  int64_t channels = wType.getDimSize(0);

  // The weight parameter becomes w; sf = gamma / sqrt(var + eps) before it.
  ParamOp wParam = im.lookupParam(m.weight.getName());
  wParam.setInitialValueAttr(DenseElementsAttr::get(wType, ArrayRef(v.weight)));
  wParam.removeStateAttr(); // trained, even if a Constant node held w * sf
  Operation *gamma = m.bn.getWeight().getDefiningOp();
  Operation *var = m.bn.getRunningVar().getDefiningOp();
  for (Operation *load : {gamma, var})
    if (m.weight->isBeforeInBlock(load))
      load->moveBefore(m.weight);
  b.setInsertionPointAfter(m.weight);
  auto sf = BnScaleFactorOp::create(b, loc, m.bn.getWeight().getType(),
                                    m.bn.getWeight(), m.bn.getRunningVar(),
                                    m.bn.getEpsAttr());
  sf->setAttr(kFusedAttrName, unit);
  Value sfW = reshapeFused(b, loc, sf, {channels, 1, 1, 1});
  auto scaled = MulOp::create(b, loc, wType, m.weight, sfW);
  scaled->setAttr(kFusedAttrName, unit);
  scaled->setAttr(kBnFoldedWeightAttrName, unit);
  m.weight.getResult().replaceAllUsesExcept(scaled, scaled);

  // conv2d without the zero bias, then / sf.
  b.setInsertionPoint(m.conv);
  auto conv = Conv2dOp::create(
      b, loc, m.conv.getType(), m.conv.getInput(), m.conv.getWeight(),
      /*bias=*/Value(), m.conv.getStridesAttr(), m.conv.getPaddingAttr(),
      m.conv.getDilationAttr(), m.conv.getGroupsAttr());
  conv->setAttr(kFusedAttrName, unit);
  m.conv.getResult().replaceAllUsesWith(conv.getResult());
  auto convBias =
      m.conv.getBias() ? m.conv.getBias().getDefiningOp<LoadOp>() : LoadOp();
  m.conv.erase();
  if (convBias)
    im.eraseUnusedLoad(convBias);
  b.setInsertionPoint(m.div);
  m.div.getRhsMutable().assign(reshapeFused(b, loc, sf, {1, channels, 1, 1}));
  m.div->setAttr(kFusedAttrName, unit);
  im.eraseUnusedLoad(m.divisor);

  // + bias, a [C] parameter named after the weight.
  if (m.add) {
    StringRef wName = wParam.getSymName();
    std::string name = wName.ends_with(".weight")
                           ? (wName.drop_back(6) + "bias").str()
                           : (wName + ".bias").str();
    auto biasType = im.f32({channels});
    StringRef param =
        im.createParam(name, DenseElementsAttr::get(biasType, ArrayRef(v.bias)),
                       /*state=*/false);
    b.setInsertionPoint(m.add);
    Value bias = LoadOp::create(b, loc, biasType, param);
    m.add.getRhsMutable().assign(
        reshapeFused(b, loc, bias, {1, channels, 1, 1}));
    m.add->setAttr(kFusedAttrName, unit);
    im.eraseUnusedLoad(m.bias);
  }
}

void importer::foldExportedConvBn(Importer &im, BatchNormOp bn) {
  std::optional<ExportedConvBn> m = matchChain(bn);
  if (!m)
    return;
  std::string why;
  FailureOr<ConvBnValues> values = readValues(im, *m, why);
  if (failed(values)) {
    emitWarning(bn.getLoc())
        << "follows Conv -> Div -> [Add ->] BatchNormalization as PyTorch "
           "exports a ConvBn QAT module, but "
        << why
        << "; the ops stay separate, and qat-convert cannot convert them";
    return;
  }
  rewrite(im, *m, *values);
}

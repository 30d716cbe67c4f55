//===- Sensitivity.cpp - per-layer sensitivity to low-bit weights ---------===//

#include "qat/Train/Sensitivity.h"

#include "qat/Quant/Presets.h"
#include "qat/Train/Error.h"

#include "Qat/IR/QatOps.h"

using namespace mlir;
using namespace mlir::qat;

namespace {
/// A layer whose weights a fake_quant quantizes.
struct WeightLayer {
  Operation *layer;
  FakeQuantOp weightFq;
};
} // namespace

/// The linear and conv2d layers of @forward with fake-quantized weights, in
/// order.
static SmallVector<WeightLayer> findWeightLayers(ModuleOp module) {
  SmallVector<WeightLayer> layers;
  auto forward = module.lookupSymbol<func::FuncOp>("forward");
  if (!forward)
    return layers;
  forward.walk([&](Operation *op) {
    if (!isa<LinearOp, Conv2dOp>(op))
      return;
    if (auto fq = op->getOperand(1).getDefiningOp<FakeQuantOp>())
      layers.push_back({op, fq});
  });
  return layers;
}

/// The name of `layer`: its weight parameter's prefix (through a ConvBn
/// scaling), else its location name, else its kind and position.
static std::string getLayerName(WeightLayer l, size_t index) {
  Value w = l.weightFq.getInput();
  if (auto mul = w.getDefiningOp<MulOp>())
    w = mul.getLhs();
  if (auto load = w.getDefiningOp<LoadOp>()) {
    StringRef sym = load.getName();
    sym.consume_back(".weight");
    return sym.str();
  }
  if (auto loc = dyn_cast<NameLoc>(l.layer->getLoc()))
    return loc.getName().str();
  return (l.layer->getName().stripDialect() + "_" + Twine(index)).str();
}

/// `spec` at `bits` bits: the same signedness and kind of range (narrow or
/// full), through the rules --qat-prepare's dtype override uses.
static QSpecAttr withBits(QSpecAttr spec, unsigned bits) {
  QuantSpecConfig c;
  c.narrowRange = spec.getNarrowRange();
  c.setDtype(spec.isUnsigned(), bits);
  return QSpecAttr::get(
      spec.getContext(),
      IntegerType::get(spec.getContext(), bits,
                       spec.isUnsigned() ? IntegerType::Unsigned
                                         : IntegerType::Signless),
      c.qmin, c.qmax, spec.getSymmetric(), spec.getAxis(),
      spec.getNarrowRange(), spec.getObserver(), spec.getAveragingConstant(),
      spec.getLearnable(), spec.getGradScaling(), spec.getTfSte());
}

/// Sets layer `index`'s weight spec (fake_quant and observer) to `bits`
/// bits in `module`; false if its qparams do not come from an observer's
/// range.
static bool lowerWeightBits(ModuleOp module, size_t index, unsigned bits) {
  FakeQuantOp fq = findWeightLayers(module)[index].weightFq;
  auto obs = fq.getScale().getDefiningOp<ObserveOp>();
  if (!obs || obs.holdsQParams())
    return false;
  QSpecAttr spec = withBits(fq.getSpec(), bits);
  fq.setSpecAttr(spec);
  obs.setSpecAttr(spec);
  return true;
}

llvm::Expected<SensitivityReport>
qat::analyzeSensitivity(ModuleOp model, const runtime::Dataset &data,
                        const SensitivityOptions &options) {
  SmallVector<WeightLayer> layers = findWeightLayers(model);
  if (layers.empty())
    return makeTrainError(
        "the model has no linear or conv2d layer with fake-quantized "
        "weights in @forward: give a prepared model that was trained or "
        "calibrated");
  SensitivityReport report;
  auto baseline = evaluateModel(model, data, options.eval, report.note);
  if (!baseline)
    return baseline.takeError();
  report.baseline = *baseline;
  for (auto [i, l] : llvm::enumerate(layers)) {
    LayerSensitivity s;
    s.name = getLayerName(l, i);
    s.kind = l.layer->getName().stripDialect().str();
    s.weights = cast<ShapedType>(l.weightFq.getType()).getNumElements();
    OwningOpRef<ModuleOp> variant = model.clone();
    if (!lowerWeightBits(*variant, i, options.bits)) {
      s.skipped = "learnable or given weight qparams";
      report.layers.push_back(s);
      continue;
    }
    std::string note;
    auto ev = evaluateModel(*variant, data, options.eval, note);
    if (!ev)
      return ev.takeError();
    s.accuracy = ev->accuracy;
    s.drop = report.baseline.accuracy - ev->accuracy;
    report.layers.push_back(s);
  }
  return report;
}

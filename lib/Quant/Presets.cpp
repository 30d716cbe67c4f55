//===- Presets.cpp - quantization presets (qconfigs) ----------------------===//

#include "qat/Quant/Presets.h"

#include "mlir/IR/Builders.h"

using namespace mlir;
using namespace mlir::qat;

QSpecAttr QuantSpecConfig::toAttr(MLIRContext *ctx, int64_t axis) const {
  Builder b(ctx);
  IntegerType dtype = IntegerType::get(
      ctx, bits, isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  std::optional<int64_t> ax;
  if (perChannel)
    ax = axis;
  FloatAttr c;
  if (observer == ObserverKind::moving_average || observer == ObserverKind::ema)
    c = b.getF64FloatAttr(averagingConstant);
  return QSpecAttr::get(ctx, dtype, qmin, qmax, symmetric, ax, narrowRange,
                        observer, c, learnable, gradScaling, tfSte);
}

void QuantSpecConfig::setRange() {
  // reduce_range takes one bit off the top of the range (uint8 [0, 127],
  // int8 [-64, 63]); narrow range raises qmin by one (int8 [-127, 127]).
  unsigned width = reduceRange ? bits - 1 : bits;
  if (isUnsigned) {
    qmin = narrowRange ? 1 : 0;
    qmax = (int64_t(1) << width) - 1;
  } else {
    qmin = -(int64_t(1) << (width - 1)) + (narrowRange && !reduceRange);
    qmax = (int64_t(1) << (width - 1)) - 1;
  }
}

void QuantSpecConfig::setDtype(bool isUnsignedType, unsigned numBits) {
  isUnsigned = isUnsignedType;
  bits = numBits;
  setRange();
}

void QuantSpecConfig::setReduceRange(bool reduce) {
  reduceRange = reduce;
  setRange();
}

void QuantSpecConfig::setNarrowRange(bool narrow) {
  narrowRange = narrow;
  setRange();
}

/// An 8-bit range observed with PyTorch's default QAT moving average
/// (averaging constant 0.01): the activations of the presets, and what the
/// weights start from.
static QuantSpecConfig activation(bool isUnsigned, bool reduceRange) {
  QuantSpecConfig c;
  c.reduceRange = reduceRange;
  c.setDtype(isUnsigned, 8);
  c.observer = ObserverKind::moving_average;
  c.averagingConstant = 0.01;
  return c;
}

/// Symmetric int8 weights; PyTorch's default QAT weight fake-quant observes
/// with a moving average (FusedMovingAvgObsFakeQuantize).
static QuantSpecConfig weight(bool perChannel, bool narrow) {
  QuantSpecConfig c = activation(/*isUnsigned=*/false, /*reduceRange=*/false);
  c.setNarrowRange(narrow);
  c.symmetric = true;
  c.perChannel = perChannel;
  return c;
}

namespace {
/// A preset with one moving-average activation range and moving-average
/// symmetric int8 weights, the same for linear and conv.
struct SimplePreset {
  StringLiteral name;
  bool activationUnsigned;
  bool activationReduceRange;
  bool perChannelWeights;
  StringLiteral target;
};
} // namespace

static constexpr SimplePreset kSimplePresets[] = {
    // reduce_range: uint8 [0, 127], as vpmaddubsw saturates on AVX2.
    {"x86", true, true, true, "x86"},
    {"fbgemm", true, true, true, "x86"},
    {"qnnpack", true, false, false, "arm"},
    {"onednn", true, false, true, "x86"},
    // vpdpbusd accumulates without saturation: the full uint8 range.
    {"vnni", true, false, true, "x86"},
    {"neon", false, false, true, "arm"},
};

/// TF-MOT: EMA activations (decay 0.999), last-value weights (an EMA with
/// constant 1), narrow-range symmetric weights, per-channel for
/// convolutions only, and TF's straight-through estimator.
static QuantPreset getTflitePreset() {
  QuantPreset p;
  p.name = "tflite";
  p.activation = activation(/*isUnsigned=*/false, /*reduceRange=*/false);
  p.activation.observer = ObserverKind::ema;
  p.activation.averagingConstant = 0.001;
  p.activation.tfSte = true;
  p.convWeight = weight(/*perChannel=*/true, /*narrow=*/true);
  p.linearWeight = weight(/*perChannel=*/false, /*narrow=*/true);
  for (QuantSpecConfig *w : {&p.convWeight, &p.linearWeight}) {
    w->observer = ObserverKind::ema;
    w->averagingConstant = 1.0;
    w->tfSte = true;
  }
  p.target = "tflite";
  // The TFLite runtime requantizes with an int32 multiplier and shift.
  p.requant = RequantKind::FixedPoint;
  return p;
}

std::optional<QuantPreset> mlir::qat::lookupPreset(StringRef name) {
  if (name == "tflite")
    return getTflitePreset();
  for (const SimplePreset &s : kSimplePresets) {
    if (s.name != name)
      continue;
    QuantPreset p;
    p.name = name.str();
    p.activation = activation(s.activationUnsigned, s.activationReduceRange);
    p.linearWeight = p.convWeight = weight(s.perChannelWeights, false);
    p.target = s.target.str();
    return p;
  }
  return std::nullopt;
}

std::string mlir::qat::getPresetNames() {
  return "x86, qnnpack, onednn, tflite, vnni, neon";
}

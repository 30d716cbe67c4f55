//===- QatIntOps.cpp - the integer (converted) graph (QatIntOps.td) -------===//

#include "Qat/IR/QatOps.h"
#include "QatVerifyUtils.h"
#include "qat/Numerics/IntReference.h"

#include <cmath>
#include <string>

using namespace mlir;
using namespace mlir::qat;

quant::UniformQuantizedType mlir::qat::getPerTensorType(Type t) {
  return dyn_cast<quant::UniformQuantizedType>(getElementTypeOrSelf(t));
}

float mlir::qat::getWeightScale(Type weight, int64_t c) {
  Type e = getElementTypeOrSelf(weight);
  if (auto pt = dyn_cast<quant::UniformQuantizedType>(e))
    return static_cast<float>(pt.getScale());
  return static_cast<float>(
      cast<quant::UniformQuantizedPerAxisType>(e).getScales()[c]);
}

/// The integer numerics (lib/Numerics, docs/numerics.md) compute scales and
/// values in float32: every quantized operand and result of an integer op
/// must express f32.
static LogicalResult checkExpressesF32(Operation *op) {
  for (Type t :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    auto q = dyn_cast<quant::QuantizedType>(getElementTypeOrSelf(t));
    if (q && !q.getExpressedType().isF32())
      return op->emitOpError("quantized types must express f32 (the numerics "
                             "contract is float32), got ")
             << q;
  }
  return success();
}

/// The output clamp of an integer op lies inside the result's storage range.
static LogicalResult checkClampRange(Operation *op, uint64_t clampMin,
                                     uint64_t clampMax,
                                     quant::UniformQuantizedType qy) {
  auto lo = static_cast<int64_t>(clampMin);
  auto hi = static_cast<int64_t>(clampMax);
  if (lo > hi || lo < qy.getStorageTypeMin() || hi > qy.getStorageTypeMax())
    return op->emitOpError("clamp range [")
           << lo << ", " << hi << "] must be ordered and inside the result's "
           << "storage range [" << qy.getStorageTypeMin() << ", "
           << qy.getStorageTypeMax() << "]";
  return success();
}

/// The fixed-point requant (TFLite's) of an op needs every real multiplier
/// `m` finite and non-negative, and its QuantizeMultiplier shift at most
/// `maxShift`: 30 where TFLite computes `x * (1 << shift)` in int32, 0 for
/// the multipliers TFLite quantizes "smaller than one".
static LogicalResult checkFixedPointMultiplier(Operation *op, StringRef what,
                                               double m, int maxShift) {
  if (!std::isfinite(m) || m < 0.0)
    return op->emitOpError("fixed-point requant: the ")
           << what << " multiplier " << m << " is not finite and non-negative";
  runtime::FixedPointMultiplier fp = runtime::quantizeMultiplier(m);
  if (fp.shift > maxShift)
    return op->emitOpError("fixed-point requant: the ")
           << what << " multiplier " << m << " needs a shift of " << fp.shift
           << ", TFLite allows at most " << maxShift;
  return success();
}

/// qlinear/qconv2d in fixed-point mode: TFLite's per-channel multipliers
/// double(s_x) * double(s_w[c]) / double(s_y).
static LogicalResult checkLayerRequant(Operation *op, RequantKind requant,
                                       Type x, Type w, Type y,
                                       int64_t channels) {
  if (requant != RequantKind::FixedPoint)
    return success();
  auto sx = static_cast<float>(getPerTensorType(x).getScale());
  auto sy = static_cast<float>(getPerTensorType(y).getScale());
  for (int64_t c = 0; c < channels; ++c)
    if (failed(checkFixedPointMultiplier(
            op, "output channel " + std::to_string(c),
            runtime::fixedPointRealMultiplier(sx, getWeightScale(w, c), sy),
            30)))
      return failure();
  return success();
}

LogicalResult QuantizeOp::verify() {
  auto q = getPerTensorType(getType());
  if (!q)
    return emitOpError("result must have a per-tensor !quant.uniform element "
                       "type, got ")
           << getType().getElementType();
  if (!getInput().getType().getElementType().isF32() ||
      !q.getExpressedType().isF32())
    return emitOpError("quantizes f32 only");
  if (getInput().getType().getShape() != getType().getShape())
    return emitOpError("input and result shapes differ");
  return success();
}

LogicalResult DequantizeOp::verify() {
  auto q = getPerTensorType(getInput().getType());
  if (!q)
    return emitOpError("input must have a per-tensor !quant.uniform element "
                       "type, got ")
           << getInput().getType().getElementType();
  if (failed(checkExpressesF32(*this)))
    return failure();
  if (!getType().getElementType().isF32())
    return emitOpError("dequantizes to f32 only");
  if (getInput().getType().getShape() != getType().getShape())
    return emitOpError("input and result shapes differ");
  return success();
}

/// qlinear, qconv2d and qavg_pool2d: per-tensor quantized input and result,
/// and f32 expressed types throughout.
static LogicalResult checkPerTensorInOut(Operation *op) {
  if (!getPerTensorType(op->getOperand(0).getType()) ||
      !getPerTensorType(op->getResult(0).getType()))
    return op->emitOpError(
        "input and result need per-tensor !quant.uniform types");
  return checkExpressesF32(op);
}

/// The checks qlinear and qconv2d end with: a bias of one int32 per output
/// channel, the fixed-point multipliers and the output clamp.
template <typename LayerOp> static LogicalResult verifyLayerOutput(LayerOp op) {
  auto w = op.getWeight().getType();
  if (failed(checkShape(op, "bias", op.getBias().getType(), {w.getDimSize(0)})))
    return failure();
  if (failed(checkLayerRequant(op, op.getRequant(), op.getInput().getType(), w,
                               op.getType(), w.getDimSize(0))))
    return failure();
  return checkClampRange(op, op.getClampMin(), op.getClampMax(),
                         getPerTensorType(op.getType()));
}

LogicalResult QLinearOp::verify() {
  if (failed(checkPerTensorInOut(*this)))
    return failure();
  RankedTensorType x = getInput().getType(), w = getWeight().getType(),
                   y = getType();
  if (getPerTensorType(x).getStorageTypeIntegralWidth() != 8 ||
      getPerTensorType(y).getStorageTypeIntegralWidth() != 8)
    return emitOpError("input and result must be 8-bit");
  if (x.getRank() != 2 || w.getRank() != 2 || y.getRank() != 2)
    return emitOpError("operands must be [N, K], [C, K] and [N, C]");
  if (x.getDimSize(1) != w.getDimSize(1) ||
      w.getDimSize(0) != y.getDimSize(1) || x.getDimSize(0) != y.getDimSize(0))
    return emitOpError("shapes do not match: x ")
           << shapeStr(x.getShape()) << ", w " << shapeStr(w.getShape())
           << ", y " << shapeStr(y.getShape());
  Type we = w.getElementType();
  if (auto pt = dyn_cast<quant::UniformQuantizedType>(we)) {
    if (pt.getZeroPoint() != 0 || !pt.isSigned())
      return emitOpError("weights must be signed and symmetric (zero point 0)");
  } else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(we)) {
    if (pa.getQuantizedDimension() != 0 ||
        static_cast<int64_t>(pa.getScales().size()) != w.getDimSize(0))
      return emitOpError("per-channel weights must be quantized along axis 0 "
                         "with one scale per output channel");
    if (!pa.isSigned() ||
        llvm::any_of(pa.getZeroPoints(), [](int64_t z) { return z != 0; }))
      return emitOpError("weights must be signed and symmetric (zero point 0)");
  } else {
    return emitOpError("weights need a !quant.uniform element type");
  }
  return verifyLayerOutput(*this);
}

/// qadd/qmul: per-tensor quantized operands that broadcast to the result.
static LogicalResult verifyQBinary(Operation *op, uint64_t clampMin,
                                   uint64_t clampMax) {
  auto qy = getPerTensorType(op->getResult(0).getType());
  if (!getPerTensorType(op->getOperand(0).getType()) ||
      !getPerTensorType(op->getOperand(1).getType()) || !qy)
    return op->emitOpError("operands and result need per-tensor "
                           "!quant.uniform types");
  if (failed(checkExpressesF32(op)))
    return failure();
  if (failed(checkBroadcastResult(op)))
    return failure();
  return checkClampRange(op, clampMin, clampMax, qy);
}

LogicalResult QAddOp::verify() {
  if (failed(verifyQBinary(*this, getClampMin(), getClampMax())))
    return failure();
  if (getRequant() != RequantKind::FixedPoint)
    return success();
  // TFLite's add quantizes all three multipliers "smaller than one".
  runtime::QAddFixedPoint p = runtime::qaddFixedPointMultipliers(
      static_cast<float>(getPerTensorType(getLhs().getType()).getScale()),
      static_cast<float>(getPerTensorType(getRhs().getType()).getScale()),
      static_cast<float>(getPerTensorType(getType()).getScale()));
  if (p.y.shift > 0)
    return emitOpError("fixed-point requant: TFLite's add needs an output "
                       "scale above max(lhs scale, rhs scale) / 2^19");
  return success();
}

LogicalResult QMulOp::verify() {
  if (failed(verifyQBinary(*this, getClampMin(), getClampMax())))
    return failure();
  if (getRequant() != RequantKind::FixedPoint)
    return success();
  return checkFixedPointMultiplier(
      *this, "output",
      runtime::fixedPointRealMultiplier(
          static_cast<float>(getPerTensorType(getLhs().getType()).getScale()),
          static_cast<float>(getPerTensorType(getRhs().getType()).getScale()),
          static_cast<float>(getPerTensorType(getType()).getScale())),
      30);
}

SmallVector<int64_t, 2> QAvgPool2dOp::getStridesOrDefault() {
  return poolStrides(*this);
}
SmallVector<int64_t, 4> QAvgPool2dOp::getPads() {
  return normalizePads(getPadding());
}
LogicalResult QAvgPool2dOp::verify() {
  if (failed(checkPerTensorInOut(*this)))
    return failure();
  auto x = getInput().getType();
  auto qx = getPerTensorType(x);
  auto qy = getPerTensorType(getType());
  if (x.getRank() != 4)
    return emitOpError("input must have rank 4 (NCHW), got ") << x.getRank();
  if (!x.hasStaticShape() || !getType().hasStaticShape())
    return emitOpError("needs static shapes");
  SmallVector<int64_t, 2> strides = getStridesOrDefault();
  if (failed(checkWindowAttrs(*this, getKernelSize(), strides, getPadding(),
                              {1, 1})))
    return failure();
  SmallVector<int64_t, 4> pads = getPads();
  for (int i = 0; i < 2; ++i)
    if (pads[i] > getKernelSize()[i] / 2 ||
        pads[i + 2] > getKernelSize()[i] / 2)
      return emitOpError("padding must be at most half the kernel size");
  if (failed(checkWindowResult(*this, x, getType(), x.getDimSize(1),
                               getKernelSize(), strides, pads, {1, 1},
                               getCeilMode())))
    return failure();
  if (getRequant() == RequantKind::FixedPoint &&
      failed(checkFixedPointMultiplier(
          *this, "output",
          static_cast<double>(static_cast<float>(qx.getScale())) /
              static_cast<double>(static_cast<float>(qy.getScale())),
          30)))
    return failure();
  return checkClampRange(*this, getClampMin(), getClampMax(), qy);
}

LogicalResult QConv2dOp::verify() {
  if (failed(checkPerTensorInOut(*this)))
    return failure();
  RankedTensorType x = getInput().getType(), w = getWeight().getType(),
                   y = getType();
  if (x.getRank() != 4 || w.getRank() != 4 || y.getRank() != 4)
    return emitOpError("operands must be NCHW, OIHW and NCHW");
  if (!x.hasStaticShape() || !w.hasStaticShape() || !y.hasStaticShape())
    return emitOpError("needs static shapes");
  auto groups = static_cast<int64_t>(getGroups());
  if (groups < 1)
    return emitOpError("groups must be positive, got ") << groups;
  if (x.getDimSize(1) % groups != 0 || w.getDimSize(0) % groups != 0)
    return emitOpError("groups (")
           << groups << ") must divide the input channels (" << x.getDimSize(1)
           << ") and the output channels (" << w.getDimSize(0) << ")";
  if (x.getDimSize(1) / groups != w.getDimSize(1))
    return emitOpError("weight has ")
           << w.getDimSize(1) << " input channels per group, expected "
           << x.getDimSize(1) / groups << " (" << x.getDimSize(1)
           << " channels / " << groups << " groups)";
  if (failed(checkWindowAttrs(*this, std::nullopt, getStrides(), getPadding(),
                              getDilation())))
    return failure();
  SmallVector<int64_t> kernel = {w.getDimSize(2), w.getDimSize(3)};
  if (failed(checkWindowResult(*this, x, y, w.getDimSize(0), kernel,
                               getStrides(), normalizePads(getPadding()),
                               getDilation(), false)))
    return failure();
  Type we = w.getElementType();
  bool symmetric = false;
  if (auto pt = dyn_cast<quant::UniformQuantizedType>(we))
    symmetric = pt.isSigned() && pt.getZeroPoint() == 0;
  else if (auto pa = dyn_cast<quant::UniformQuantizedPerAxisType>(we))
    symmetric =
        pa.isSigned() && pa.getQuantizedDimension() == 0 &&
        static_cast<int64_t>(pa.getScales().size()) == w.getDimSize(0) &&
        llvm::all_of(pa.getZeroPoints(), [](int64_t z) { return z == 0; });
  if (!symmetric)
    return emitOpError("weights must be signed symmetric, per tensor or per "
                       "output channel");
  return verifyLayerOutput(*this);
}

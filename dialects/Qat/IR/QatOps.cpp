//===- QatOps.cpp - model, parameter and quantization ops (QatOps.td) ----===//

#include "Qat/IR/QatOps.h"
#include "QatVerifyUtils.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/SymbolTable.h"

#include <string>
#include <type_traits>

using namespace mlir;
using namespace mlir::qat;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

int64_t mlir::qat::getWindowOutputSize(int64_t in, int64_t kernel,
                                       int64_t stride, int64_t padLo,
                                       int64_t padHi, int64_t dilation,
                                       bool ceilMode) {
  int64_t span = in + padLo + padHi - dilation * (kernel - 1) - 1;
  if (span < 0)
    return 0;
  int64_t out = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
  // PyTorch: with ceil_mode the last window must start inside the input or
  // the low padding, not only in the high padding.
  if (ceilMode && (out - 1) * stride >= in + padLo)
    --out;
  return out;
}

SmallVector<int64_t, 4> mlir::qat::normalizePads(ArrayRef<int64_t> pads) {
  if (pads.size() == 2)
    return {pads[0], pads[1], pads[0], pads[1]};
  return SmallVector<int64_t, 4>(pads.begin(), pads.end());
}

/// Two extents agree if equal or if either is dynamic.
static bool compatible(int64_t a, int64_t b) {
  return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
}

std::string mlir::qat::shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "[";
  llvm::interleaveComma(shape, os, [&](int64_t d) {
    if (ShapedType::isDynamic(d))
      os << "?";
    else
      os << d;
  });
  os << "]";
  return s;
}

LogicalResult mlir::qat::checkShape(Operation *op, StringRef what,
                                    ShapedType type,
                                    ArrayRef<int64_t> expected) {
  if (type.getRank() != static_cast<int64_t>(expected.size()))
    return op->emitOpError() << what << " must have rank " << expected.size()
                             << ", got " << type.getRank();
  for (auto [got, want] : llvm::zip(type.getShape(), expected))
    if (!compatible(got, want))
      return op->emitOpError()
             << what << " has shape " << shapeStr(type.getShape())
             << ", expected " << shapeStr(expected);
  return success();
}

static LogicalResult checkSameElementType(Operation *op) {
  Type elt;
  for (Type t :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    auto shaped = dyn_cast<ShapedType>(t);
    if (!shaped || !isa<FloatType>(shaped.getElementType()))
      continue;
    if (!elt)
      elt = shaped.getElementType();
    else if (elt != shaped.getElementType())
      return op->emitOpError() << "mixes float element types " << elt << " and "
                               << shaped.getElementType();
  }
  return success();
}

LogicalResult mlir::qat::checkWindowAttrs(
    Operation *op, std::optional<ArrayRef<int64_t>> kernel,
    ArrayRef<int64_t> strides, ArrayRef<int64_t> padding,
    ArrayRef<int64_t> dilation) {
  auto positive2 = [&](StringRef name, ArrayRef<int64_t> v) -> LogicalResult {
    if (v.size() != 2)
      return op->emitOpError()
             << name << " must have 2 elements, got " << v.size();
    for (int64_t x : v)
      if (x < 1)
        return op->emitOpError() << name << " must be positive, got " << x;
    return success();
  };
  if (kernel && failed(positive2("kernel_size", *kernel)))
    return failure();
  if (failed(positive2("strides", strides)) ||
      failed(positive2("dilation", dilation)))
    return failure();
  if (padding.size() != 2 && padding.size() != 4)
    return op->emitOpError()
           << "padding must have 2 ([h, w]) or 4 ([top, left, bottom, right]) "
              "elements, got "
           << padding.size();
  for (int64_t p : padding)
    if (p < 0)
      return op->emitOpError() << "padding must be non-negative, got " << p;
  return success();
}

LogicalResult mlir::qat::checkWindowResult(
    Operation *op, RankedTensorType in, RankedTensorType out, int64_t outC,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
    ArrayRef<int64_t> dilation, bool ceil) {
  SmallVector<int64_t> expected = {in.getDimSize(0), outC, ShapedType::kDynamic,
                                   ShapedType::kDynamic};
  for (int i = 0; i < 2; ++i) {
    int64_t extent = in.getDimSize(2 + i);
    if (ShapedType::isDynamic(extent))
      continue;
    int64_t o = getWindowOutputSize(extent, kernel[i], strides[i], pads[i],
                                    pads[i + 2], dilation[i], ceil);
    if (o < 1)
      return op->emitOpError()
             << "window of extent " << dilation[i] * (kernel[i] - 1) + 1
             << " does not fit the padded input extent "
             << extent + pads[i] + pads[i + 2] << " along axis " << 2 + i;
    expected[2 + i] = o;
  }
  return checkShape(op, "result", out, expected);
}

ParamOp mlir::qat::createModuleParam(ModuleOp module, SymbolTable &symbols,
                                     StringRef name, ElementsAttr init,
                                     bool state) {
  std::string unique = name.str();
  for (unsigned i = 1; symbols.lookup(unique); ++i)
    unique = (name + "_" + Twine(i)).str();
  OpBuilder b(module.getBodyRegion());
  b.setInsertionPointToStart(module.getBody());
  for (Operation &op : module.getOps())
    if (isa<ParamOp>(op))
      b.setInsertionPointAfter(&op);
  auto param = ParamOp::create(b, module.getLoc(), b.getStringAttr(unique),
                               init, state ? b.getUnitAttr() : UnitAttr());
  symbols.insert(param);
  return param;
}

//===----------------------------------------------------------------------===//
// ParamOp, LoadOp, StoreOp
//===----------------------------------------------------------------------===//

/// A dense_resource value names a blob of the file's dialect_resources
/// section: check here, where the model is read, that the blob is there
/// and holds the type's bytes (not when the JIT or qat-compile lowers it).
static LogicalResult verifyResourceBlob(ParamOp op) {
  auto resource = dyn_cast<DenseResourceElementsAttr>(op.getInitialValue());
  if (!resource)
    return success();
  DenseResourceElementsHandle handle = resource.getRawHandle();
  AsmResourceBlob *blob = handle.getBlob();
  if (!blob)
    return op.emitOpError("initial value refers to the resource '")
           << handle.getKey()
           << "', which the file does not hold (a dialect_resources section "
              "cut off or missing)";
  RankedTensorType type = op.getType();
  int64_t bytes = type.getNumElements() *
                  llvm::divideCeil(type.getElementTypeBitWidth(), 8);
  if (static_cast<int64_t>(blob->getData().size()) != bytes)
    return op.emitOpError("initial value's resource '")
           << handle.getKey() << "' holds " << blob->getData().size()
           << " bytes, but " << type << " takes " << bytes;
  return success();
}

/// The values of `value` as `T` when its elements are of that type.
template <typename T, typename ResourceAttr>
static std::optional<SmallVector<T>> readValues(Attribute value) {
  if (auto blob = dyn_cast<ResourceAttr>(value)) {
    if (std::optional<ArrayRef<T>> values = blob.tryGetAsArrayRef())
      return llvm::to_vector(*values);
    return std::nullopt;
  }
  auto attr = dyn_cast<DenseElementsAttr>(value);
  Type type = attr ? attr.getElementType() : Type();
  if (!type || !(std::is_same_v<T, float> ? type.isF32() : type.isInteger(32)))
    return std::nullopt;
  return llvm::to_vector(attr.getValues<T>());
}

std::optional<SmallVector<float>> ParamOp::getF32Values() {
  return readValues<float, DenseF32ResourceElementsAttr>(getInitialValue());
}

std::optional<SmallVector<int32_t>> ParamOp::getI32Values() {
  return readValues<int32_t, DenseI32ResourceElementsAttr>(getInitialValue());
}

LogicalResult ParamOp::verify() {
  auto type = dyn_cast<RankedTensorType>(getInitialValue().getType());
  if (!type)
    return emitOpError("initial value must be a ranked tensor, got ")
           << getInitialValue().getType();
  if (!type.hasStaticShape())
    return emitOpError("initial value must have a static shape, got ") << type;
  if (!isa<FloatType, IntegerType>(type.getElementType()))
    return emitOpError("element type must be float or integer, got ")
           << type.getElementType();
  return verifyResourceBlob(*this);
}

static LogicalResult verifyParamUse(Operation *op, FlatSymbolRefAttr name,
                                    Type type,
                                    SymbolTableCollection &symbolTable) {
  auto param = symbolTable.lookupNearestSymbolFrom<ParamOp>(op, name.getAttr());
  if (!param)
    return op->emitOpError()
           << "refers to " << name << ", which is not a qat.param";
  if (param.getType() != type)
    return op->emitOpError() << "type " << type << " does not match "
                             << param.getType() << " of " << name;
  return success();
}

LogicalResult LoadOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyParamUse(*this, getNameAttr(), getType(), symbolTable);
}

LogicalResult StoreOp::verifySymbolUses(SymbolTableCollection &symbolTable) {
  return verifyParamUse(*this, getNameAttr(), getValue().getType(),
                        symbolTable);
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  auto x = getInput().getType();
  auto w = getWeight().getType();
  if (x.getRank() != 2)
    return emitOpError("input must have rank 2 ([N, in]), got ") << x.getRank();
  if (w.getRank() != 2)
    return emitOpError("weight must have rank 2 ([out, in]), got ")
           << w.getRank();
  if (!compatible(x.getDimSize(1), w.getDimSize(1)))
    return emitOpError("input features (")
           << x.getDimSize(1) << ") do not match weight in-features ("
           << w.getDimSize(1) << ")";
  int64_t out = w.getDimSize(0);
  if (getBias() &&
      failed(checkShape(*this, "bias", getBias().getType(), {out})))
    return failure();
  if (failed(checkShape(*this, "result", getType(), {x.getDimSize(0), out})))
    return failure();
  return checkSameElementType(*this);
}

SmallVector<int64_t, 4> Conv2dOp::getPads() {
  return normalizePads(getPadding());
}

LogicalResult Conv2dOp::verify() {
  auto x = getInput().getType();
  auto w = getWeight().getType();
  if (x.getRank() != 4)
    return emitOpError("input must have rank 4 (NCHW), got ") << x.getRank();
  if (w.getRank() != 4)
    return emitOpError("weight must have rank 4 (OIHW), got ") << w.getRank();
  if (failed(checkWindowAttrs(*this, std::nullopt, getStrides(), getPadding(),
                              getDilation())))
    return failure();
  auto groups = static_cast<int64_t>(getGroups());
  if (groups < 1)
    return emitOpError("groups must be positive, got ") << groups;
  int64_t c = x.getDimSize(1), o = w.getDimSize(0);
  if (ShapedType::isDynamic(c) || ShapedType::isDynamic(o) ||
      !w.hasStaticShape())
    return emitOpError("channel and kernel extents must be static");
  if (x.isDynamicDim(2) || x.isDynamicDim(3))
    return emitOpError("spatial extents must be static; only the batch "
                       "extent may be dynamic");
  if (c % groups != 0)
    return emitOpError("groups (")
           << groups << ") must divide the input channels (" << c << ")";
  if (o % groups != 0)
    return emitOpError("groups (")
           << groups << ") must divide the output channels (" << o << ")";
  if (w.getDimSize(1) != c / groups)
    return emitOpError("weight has ")
           << w.getDimSize(1) << " input channels per group, expected "
           << c / groups << " (" << c << " channels / " << groups << " groups)";
  if (getBias() && failed(checkShape(*this, "bias", getBias().getType(), {o})))
    return failure();
  SmallVector<int64_t> kernel = {w.getDimSize(2), w.getDimSize(3)};
  if (failed(checkWindowResult(*this, x, getType(), o, kernel, getStrides(),
                               getPads(), getDilation(), /*ceil=*/false)))
    return failure();
  return checkSameElementType(*this);
}

LogicalResult BatchNormOp::verify() {
  auto x = getInput().getType();
  if (x.getRank() < 2)
    return emitOpError("input must have rank >= 2 ([N, C, ...]), got ")
           << x.getRank();
  int64_t c = x.getDimSize(1);
  if (ShapedType::isDynamic(c))
    return emitOpError("the channel extent must be static");
  if (getTraining()) {
    int64_t perChannel = 1;
    for (int64_t d = 0; d < x.getRank(); ++d)
      if (d != 1)
        perChannel = x.isDynamicDim(d) || ShapedType::isDynamic(perChannel)
                         ? ShapedType::kDynamic
                         : perChannel * x.getDimSize(d);
    if (perChannel == 1)
      return emitOpError("training needs more than one value per channel "
                         "(the batch variance of one value is undefined)");
  }
  for (auto [name, v] : {std::pair<StringRef, Value>{"weight", getWeight()},
                         {"bias", getBias()},
                         {"running_mean", getRunningMean()},
                         {"running_var", getRunningVar()}})
    if (failed(checkShape(*this, name, cast<ShapedType>(v.getType()), {c})))
      return failure();
  if (getResult().getType() != x)
    return emitOpError("result type must equal the input type");
  if (getNewRunningMean().getType() != getRunningMean().getType() ||
      getNewRunningVar().getType() != getRunningVar().getType())
    return emitOpError("updated running statistics must have the types of "
                       "the running statistics");
  if (!(getEps().convertToDouble() > 0.0))
    return emitOpError("eps must be positive, got ")
           << getEps().convertToDouble();
  double m = getMomentum().convertToDouble();
  if (!(m >= 0.0 && m <= 1.0))
    return emitOpError("momentum must be in [0, 1], got ") << m;
  return checkSameElementType(*this);
}

//===----------------------------------------------------------------------===//
// Element-wise
//===----------------------------------------------------------------------===//

LogicalResult ClampOp::verify() {
  if (getMin().isNaN() || getMax().isNaN())
    return emitOpError("min and max must not be NaN");
  if (getMin().convertToDouble() > getMax().convertToDouble())
    return emitOpError("min (")
           << getMin().convertToDouble() << ") must not exceed max ("
           << getMax().convertToDouble() << ")";
  return success();
}

LogicalResult mlir::qat::checkBroadcastResult(Operation *op) {
  auto lhs = cast<ShapedType>(op->getOperand(0).getType());
  auto rhs = cast<ShapedType>(op->getOperand(1).getType());
  auto res = cast<ShapedType>(op->getResult(0).getType());
  SmallVector<int64_t> shape;
  if (!OpTrait::util::getBroadcastedShape(lhs.getShape(), rhs.getShape(),
                                          shape))
    return op->emitOpError()
           << "operand shapes " << shapeStr(lhs.getShape()) << " and "
           << shapeStr(rhs.getShape()) << " are not broadcast-compatible";
  return checkShape(op, "result", res, shape);
}

static LogicalResult verifyBroadcast(Operation *op) {
  if (failed(checkBroadcastResult(op)))
    return failure();
  return checkSameElementType(op);
}

LogicalResult AddOp::verify() { return verifyBroadcast(*this); }
LogicalResult MulOp::verify() { return verifyBroadcast(*this); }
LogicalResult SubOp::verify() { return verifyBroadcast(*this); }
LogicalResult DivOp::verify() { return verifyBroadcast(*this); }

//===----------------------------------------------------------------------===//
// Shape and pooling
//===----------------------------------------------------------------------===//

/// Maps a possibly negative axis into [0, rank), or returns failure.
static FailureOr<int64_t> normalizeAxis(Operation *op, StringRef name,
                                        int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) {
    op->emitOpError() << name << " " << axis << " is out of range for rank "
                      << rank;
    return failure();
  }
  return axis < 0 ? axis + rank : axis;
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  auto first = cast<RankedTensorType>(getInputs().front().getType());
  for (Value in : getInputs())
    if (cast<RankedTensorType>(in.getType()).getElementType() !=
        getType().getElementType())
      return emitOpError("inputs and result must have one element type");
  int64_t rank = first.getRank();
  FailureOr<int64_t> axis =
      normalizeAxis(*this, "axis", static_cast<int64_t>(getAxis()), rank);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[*axis] = 0;
  for (auto [i, v] : llvm::enumerate(getInputs())) {
    auto t = cast<RankedTensorType>(v.getType());
    if (t.getRank() != rank)
      return emitOpError("input ")
             << i << " has rank " << t.getRank() << ", expected " << rank;
    for (int64_t d = 0; d < rank; ++d) {
      if (d == *axis)
        continue;
      if (!compatible(t.getDimSize(d), shape[d]))
        return emitOpError("input ")
               << i << " has shape " << shapeStr(t.getShape())
               << ", which differs from input 0 outside axis " << *axis;
    }
    if (ShapedType::isDynamic(t.getDimSize(*axis)) ||
        ShapedType::isDynamic(shape[*axis]))
      shape[*axis] = ShapedType::kDynamic;
    else
      shape[*axis] += t.getDimSize(*axis);
  }
  if (failed(checkShape(*this, "result", getType(), shape)))
    return failure();
  return checkSameElementType(*this);
}

template <typename PoolOp>
static LogicalResult verifyPool(PoolOp op, ArrayRef<int64_t> dilation,
                                bool ceil) {
  auto x = op.getInput().getType();
  if (x.getRank() != 4)
    return op.emitOpError("input must have rank 4 (NCHW), got ") << x.getRank();
  if (x.isDynamicDim(1) || x.isDynamicDim(2) || x.isDynamicDim(3))
    return op.emitOpError("channel and spatial extents must be static; only "
                          "the batch extent may be dynamic");
  SmallVector<int64_t, 2> strides = poolStrides(op);
  if (failed(checkWindowAttrs(op, op.getKernelSize(), strides, op.getPadding(),
                              dilation)))
    return failure();
  SmallVector<int64_t, 4> pads = normalizePads(op.getPadding());
  for (int i = 0; i < 2; ++i)
    if (pads[i] > op.getKernelSize()[i] / 2 ||
        pads[i + 2] > op.getKernelSize()[i] / 2)
      return op.emitOpError("padding must be at most half the kernel size");
  if (failed(checkWindowResult(op, x, op.getType(), x.getDimSize(1),
                               op.getKernelSize(), strides, pads, dilation,
                               ceil)))
    return failure();
  return checkSameElementType(op);
}

SmallVector<int64_t, 2> MaxPool2dOp::getStridesOrDefault() {
  return poolStrides(*this);
}
SmallVector<int64_t, 4> MaxPool2dOp::getPads() {
  return normalizePads(getPadding());
}
LogicalResult MaxPool2dOp::verify() {
  if (getInput().getType().getElementType() != getType().getElementType())
    return emitOpError("input and result element types differ");
  return verifyPool(*this, getDilation(), getCeilMode());
}

SmallVector<int64_t, 2> AvgPool2dOp::getStridesOrDefault() {
  return poolStrides(*this);
}
SmallVector<int64_t, 4> AvgPool2dOp::getPads() {
  return normalizePads(getPadding());
}
LogicalResult AvgPool2dOp::verify() {
  if (!isa<FloatType>(getType().getElementType()))
    return emitOpError("result must be a float tensor");
  return verifyPool(*this, {1, 1}, getCeilMode());
}

LogicalResult GlobalAvgPoolOp::verify() {
  auto x = getInput().getType();
  if (x.getRank() != 4)
    return emitOpError("input must have rank 4 (NCHW), got ") << x.getRank();
  if (failed(checkShape(*this, "result", getType(),
                        {x.getDimSize(0), x.getDimSize(1), 1, 1})))
    return failure();
  return checkSameElementType(*this);
}

LogicalResult FlattenOp::verify() {
  auto x = getInput().getType();
  if (x.getElementType() != getType().getElementType())
    return emitOpError("input and result element types differ");
  int64_t rank = x.getRank();
  if (rank == 0)
    return emitOpError("input must have rank >= 1");
  FailureOr<int64_t> start = normalizeAxis(
      *this, "start_dim", static_cast<int64_t>(getStartDim()), rank);
  if (failed(start))
    return failure();
  FailureOr<int64_t> end =
      normalizeAxis(*this, "end_dim", static_cast<int64_t>(getEndDim()), rank);
  if (failed(end))
    return failure();
  if (*start > *end)
    return emitOpError("start_dim (")
           << *start << ") must not come after end_dim (" << *end << ")";
  SmallVector<int64_t> shape(x.getShape().take_front(*start));
  int64_t merged = 1;
  for (int64_t d = *start; d <= *end; ++d)
    merged =
        ShapedType::isDynamic(x.getDimSize(d)) || ShapedType::isDynamic(merged)
            ? ShapedType::kDynamic
            : merged * x.getDimSize(d);
  shape.push_back(merged);
  llvm::append_range(shape, x.getShape().drop_front(*end + 1));
  if (failed(checkShape(*this, "result", getType(), shape)))
    return failure();
  return checkSameElementType(*this);
}

LogicalResult ReshapeOp::verify() {
  auto x = getInput().getType();
  auto y = getType();
  if (x.getElementType() != y.getElementType())
    return emitOpError("input and result element types differ");
  if (x.hasStaticShape() && y.hasStaticShape() &&
      x.getNumElements() != y.getNumElements())
    return emitOpError("cannot reshape ")
           << x.getNumElements() << " elements " << shapeStr(x.getShape())
           << " into " << y.getNumElements() << " elements "
           << shapeStr(y.getShape());
  if (llvm::count_if(y.getShape(), ShapedType::isDynamic) > 1)
    return emitOpError("result may have at most one dynamic extent");
  if (x.hasStaticShape() && !y.hasStaticShape()) {
    int64_t known = 1;
    for (int64_t d : y.getShape())
      if (!ShapedType::isDynamic(d))
        known *= d;
    if (known == 0 || x.getNumElements() % known != 0)
      return emitOpError("cannot reshape ")
             << x.getNumElements() << " elements into "
             << shapeStr(y.getShape());
  }
  return checkSameElementType(*this);
}

LogicalResult SoftmaxOp::verify() {
  return normalizeAxis(*this, "axis", static_cast<int64_t>(getAxis()),
                       getType().getRank());
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

LogicalResult CrossEntropyOp::verify() {
  auto logits = getLogits().getType();
  auto labels = getLabels().getType();
  if (logits.getRank() != 2)
    return emitOpError("logits must have rank 2 ([N, C]), got ")
           << logits.getRank();
  if (failed(checkShape(*this, "labels", labels, {logits.getDimSize(0)})))
    return failure();
  if (getType().getElementType() != logits.getElementType())
    return emitOpError("result element type must match the logits");
  return success();
}

LogicalResult MseOp::verify() {
  auto a = getInput().getType();
  auto b = getTarget().getType();
  if (failed(checkShape(*this, "target", b, a.getShape())))
    return failure();
  return checkSameElementType(*this);
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// Checks qparam tensors against the spec: one element per tensor, or one
/// per channel along the spec's axis; f32 scales; i32 zero points (f32 when
/// learnable, as LSQ trains them as floats).
static LogicalResult checkQParams(Operation *op, RankedTensorType x,
                                  QSpecAttr spec, ShapedType scale,
                                  ShapedType zp, bool zpMayBeFloat) {
  int64_t channels = 1;
  if (std::optional<int64_t> axis = spec.getAxis()) {
    if (*axis >= x.getRank())
      return op->emitOpError("per-channel axis ")
             << *axis << " is out of range for rank " << x.getRank();
    channels = x.getDimSize(*axis);
  }
  if (failed(checkShape(op, "scale", scale, {channels})) ||
      failed(checkShape(op, "zero_point", zp, {channels})))
    return failure();
  if (!scale.getElementType().isF32())
    return op->emitOpError("scale must be f32, got ") << scale.getElementType();
  bool zpOk =
      zp.getElementType().isInteger(32) ||
      (zpMayBeFloat && spec.getLearnable() && zp.getElementType().isF32());
  if (!zpOk)
    return op->emitOpError("zero_point must be i32")
           << (zpMayBeFloat ? " (or f32 for a learnable spec)" : "") << ", got "
           << zp.getElementType();
  if (!x.getElementType().isF32())
    return op->emitOpError("input must be f32 (the numerics contract is "
                           "float32), got ")
           << x.getElementType();
  return success();
}

LogicalResult FakeQuantOp::verify() {
  auto x = getInput().getType();
  if (getType() != x)
    return emitOpError("result type must equal the input type");
  return checkQParams(*this, x, getSpec(), getScale().getType(),
                      cast<ShapedType>(getZeroPoint().getType()),
                      /*zpMayBeFloat=*/true);
}

LogicalResult FakeQuantGradOp::verify() {
  auto x = getInput().getType();
  if (getGrad().getType() != x || getInputGrad().getType() != x)
    return emitOpError("grad and input_grad must have the input type");
  auto zpType = cast<ShapedType>(getZeroPoint().getType());
  if (failed(checkQParams(*this, x, getSpec(), getScale().getType(), zpType,
                          /*zpMayBeFloat=*/true)))
    return failure();
  if (getScaleGrad().getType() != getScale().getType())
    return emitOpError("scale_grad must have the scale type");
  if (failed(checkShape(*this, "zero_point_grad", getZeroPointGrad().getType(),
                        zpType.getShape())) ||
      !getZeroPointGrad().getType().getElementType().isF32())
    return emitOpError("zero_point_grad must be f32 with the zero_point shape");
  return success();
}

LogicalResult ObserveOp::verify() {
  auto x = getInput().getType();
  if (failed(checkQParams(*this, x, getSpec(), getScale().getType(),
                          getZeroPoint().getType(), /*zpMayBeFloat=*/false)))
    return failure();
  for (Value v : {getMin(), getMax(), getNewMin(), getNewMax()})
    if (v.getType() != getScale().getType())
      return emitOpError("min, max and their updates must have the scale "
                         "type ")
             << getScale().getType();
  if (static_cast<bool>(getHeldScale()) !=
      static_cast<bool>(getHeldZeroPoint()))
    return emitOpError("holds a scale without a zero point or the other way "
                       "round; `qparams` takes both");
  if (holdsQParams() &&
      (getHeldScale().getType() != getScale().getType() ||
       getHeldZeroPoint().getType() != getZeroPoint().getType()))
    return emitOpError("held qparams must have the types of the result "
                       "qparams ")
           << getScale().getType() << " and " << getZeroPoint().getType();
  return success();
}

LogicalResult BnScaleFactorOp::verify() {
  auto w = getWeight().getType();
  if (w.getRank() != 1)
    return emitOpError("weight must have rank 1, got ") << w.getRank();
  if (getRunningVar().getType() != w || getType() != w)
    return emitOpError("running_var and the result must have the weight type");
  if (!(getEps().convertToDouble() > 0.0))
    return emitOpError("eps must be positive, got ")
           << getEps().convertToDouble();
  return success();
}

#define GET_OP_CLASSES
#include "Qat/IR/QatOps.cpp.inc"

//===- PoolPatterns.cpp - pooling and shape ops to linalg/tensor ----------===//

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

/// Quantized tensors (the int8 graph) are reshaped as their storage.
static RankedTensorType toStorageType(RankedTensorType t) {
  if (auto q = dyn_cast<quant::QuantizedType>(t.getElementType()))
    return t.clone(q.getStorageType());
  return t;
}

static LogicalResult requireStaticSpatial(Operation *op, RankedTensorType t,
                                          ConversionPatternRewriter &rewriter) {
  if (t.isDynamicDim(1) || t.isDynamicDim(2) || t.isDynamicDim(3))
    return rewriter.notifyMatchFailure(op, "needs static C, H and W");
  return success();
}

/// The input of a max or average pool padded with `padValue` for its
/// windows (padForWindow).
template <typename PoolOp>
static Value padPoolInput(OpBuilder &b, PoolOp op, Value input,
                          ArrayRef<int64_t> dilation, double padValue) {
  RankedTensorType type = op.getType();
  return padForWindow(
      b, op.getLoc(), input, {type.getDimSize(2), type.getDimSize(3)},
      op.getKernelSize(), op.getStridesOrDefault(), op.getPads(), dilation,
      floatConst(b, op.getLoc(), type.getElementType(), padValue));
}

namespace {
struct MaxPoolLowering : OpConversionPattern<MaxPool2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(MaxPool2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    auto inType = op.getInput().getType();
    if (failed(requireStaticSpatial(op, inType, rewriter)))
      return failure();
    SmallVector<int64_t, 2> strides = op.getStridesOrDefault();
    double ninf = -std::numeric_limits<double>::infinity();
    Value x =
        padPoolInput(rewriter, op, adaptor.getInput(), op.getDilation(), ninf);
    // In a training step whose gradient of this pool recomputes the
    // windows' argmax, the forward pass is that argmax's maximum: CSE then
    // leaves one pass over the input (the values agree but for the sign of
    // a zero maximum).
    bool hasGrad = type.hasStaticShape() &&
                   llvm::any_of(op.getInput().getUsers(), [&](Operation *u) {
                     auto g = dyn_cast<MaxPool2dGradOp>(u);
                     return g && g.getInput() == op.getInput() &&
                            g.getGrad().getType() == type &&
                            g.getKernelSize() == op.getKernelSize() &&
                            g.getDilation() == op.getDilation() &&
                            g.getPads() == op.getPads() &&
                            g.getStridesOrDefault() == strides;
                   });
    bool blocked = op->hasAttr(kPoolBlockedAttr);
    if (hasGrad) {
      rewriter.replaceOp(
          op,
          buildMaxPoolArgmax(rewriter, loc, x, op.getKernelSize(), strides,
                             op.getDilation(),
                             {type.getDimSize(2), type.getDimSize(3)}, blocked)
              .first);
      return success();
    }
    if (blocked) {
      // The maximum of the four planes, element-wise: contiguous reads, and
      // no -inf fill of the output (maximumf(-inf, p) is p), which a
      // reduction over the window would need.
      Value pool = buildBlockedPoolMax(
          rewriter, loc, blockedPlanes(rewriter, loc, x), TypeRange{type},
          [](OpBuilder &b, Location l, ArrayRef<Value> planes) {
            Value m = planes[0];
            for (Value p : planes.drop_front())
              m = arith::MaximumFOp::create(b, l, m, p);
            return SmallVector<Value>{m};
          })[0];
      rewriter.replaceOp(op, pool);
      return success();
    }
    Value window = tensor::EmptyOp::create(rewriter, loc, op.getKernelSize(),
                                           type.getElementType());
    Value init = filledTensor(rewriter, loc, type, adaptor.getInput(), ninf);
    auto pool = linalg::PoolingNchwMaxOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{x, window}, ValueRange{init},
        rewriter.getI64TensorAttr(strides),
        rewriter.getI64TensorAttr(op.getDilation()));
    rewriter.replaceOp(op, pool.getResult(0));
    return success();
  }
};

struct AvgPoolLowering : OpConversionPattern<AvgPool2dOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(AvgPool2dOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    auto inType = op.getInput().getType();
    if (failed(requireStaticSpatial(op, inType, rewriter)))
      return failure();
    SmallVector<int64_t, 2> strides = op.getStridesOrDefault();
    SmallVector<int64_t, 4> pads = op.getPads();
    ArrayRef<int64_t> kernel = op.getKernelSize();
    Value x = padPoolInput(rewriter, op, adaptor.getInput(), {1, 1}, 0.0);
    Value window =
        tensor::EmptyOp::create(rewriter, loc, kernel, type.getElementType());
    Value init = filledTensor(rewriter, loc, type, adaptor.getInput(), 0.0);
    auto sum = linalg::PoolingNchwSumOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{x, window}, ValueRange{init},
        rewriter.getI64TensorAttr(strides), rewriter.getI64TensorAttr({1, 1}));

    Value div = avgPoolDivisor(rewriter, loc, type.getElementType(),
                               {inType.getDimSize(2), inType.getDimSize(3)},
                               {type.getDimSize(2), type.getDimSize(3)}, kernel,
                               strides, pads, op.getCountIncludePad());
    MLIRContext *ctx = rewriter.getContext();
    AffineMap id = AffineMap::getMultiDimIdentityMap(4, ctx);
    AffineMap hw = AffineMap::get(
        4, 0, {getAffineDimExpr(2, ctx), getAffineDimExpr(3, ctx)}, ctx);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ValueRange{sum.getResult(0), div},
        ValueRange{emptyTensor(rewriter, loc, type, adaptor.getInput())},
        SmallVector<AffineMap>{id, hw, id},
        SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
        [](OpBuilder &b, Location l, ValueRange a) {
          linalg::YieldOp::create(
              b, l, Value(arith::DivFOp::create(b, l, a[0], a[1])));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct GlobalAvgPoolLowering : OpConversionPattern<GlobalAvgPoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GlobalAvgPoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getType();
    Value x = adaptor.getInput();
    Type elt = type.getElementType();
    auto redType =
        RankedTensorType::get({type.getDimSize(0), type.getDimSize(1)}, elt);
    Value init = filledTensor(rewriter, loc, redType, x, 0.0);
    Value sum = buildReduction(
        rewriter, loc, x, {2, 3}, init,
        [](OpBuilder &b, Location l, Value a, Value acc) -> Value {
          return arith::AddFOp::create(b, l, a, acc);
        });
    Value count = countAlong(rewriter, loc, x, {2, 3}, elt);
    Value mean = buildElementwise(
        rewriter, loc, redType, {sum}, x,
        [&](OpBuilder &b, Location l, ValueRange a) {
          return Value(arith::DivFOp::create(b, l, a[0], count));
        });
    SmallVector<ReassociationIndices> reassoc = {{0}, {1, 2, 3}};
    SmallVector<OpFoldResult> outShape = {
        tensor::getMixedSize(rewriter, loc, x, 0),
        rewriter.getIndexAttr(type.getDimSize(1)), rewriter.getIndexAttr(1),
        rewriter.getIndexAttr(1)};
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(op, type, mean, reassoc,
                                                       outShape);
    return success();
  }
};

struct ConcatLowering : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = toStorageType(op.getType());
    int64_t rank = type.getRank();
    int64_t axis = getNormalizedAxis(op.getAxis(), rank);
    ValueRange inputs = adaptor.getInputs();
    // Offsets along the axis; the last one is the result's extent there.
    SmallVector<OpFoldResult> axisOffsets = {rewriter.getIndexAttr(0)};
    for (Value in : inputs) {
      OpFoldResult offset = axisOffsets.back();
      OpFoldResult size = tensor::getMixedSize(rewriter, loc, in, axis);
      std::optional<int64_t> a = getConstantIntValue(offset);
      std::optional<int64_t> c = getConstantIntValue(size);
      if (a && c)
        axisOffsets.push_back(rewriter.getIndexAttr(*a + *c));
      else if (a && *a == 0)
        axisOffsets.push_back(size);
      else
        axisOffsets.push_back(
            arith::AddIOp::create(
                rewriter, loc,
                getValueOrCreateConstantIndexOp(rewriter, loc, offset),
                getValueOrCreateConstantIndexOp(rewriter, loc, size))
                .getResult());
    }
    SmallVector<OpFoldResult> resultSizes =
        tensor::getMixedSizes(rewriter, loc, inputs.front());
    resultSizes[axis] = axisOffsets.back();
    Value result = tensor::EmptyOp::create(rewriter, loc, resultSizes,
                                           type.getElementType());
    if (result.getType() != type)
      result = tensor::CastOp::create(rewriter, loc, type, result);
    for (auto [i, in] : llvm::enumerate(inputs)) {
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = axisOffsets[i];
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, loc, in);
      SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
      result = tensor::InsertSliceOp::create(rewriter, loc, in, result, offsets,
                                             sizes, strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct FlattenLowering : OpConversionPattern<FlattenOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(FlattenOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = op.getInput().getType();
    int64_t rank = t.getRank();
    int64_t start = getNormalizedAxis(op.getStartDim(), rank);
    int64_t end = getNormalizedAxis(op.getEndDim(), rank);
    if (start == end) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    SmallVector<ReassociationIndices> reassoc;
    for (int64_t d = 0; d < start; ++d)
      reassoc.push_back({d});
    reassoc.push_back(llvm::to_vector(llvm::seq<int64_t>(start, end + 1)));
    for (int64_t d = end + 1; d < rank; ++d)
      reassoc.push_back({d});
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        op, toStorageType(op.getType()), adaptor.getInput(), reassoc);
    return success();
  }
};

struct ReshapeLowering : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTo(rewriter, op.getLoc(), adaptor.getInput(),
                                     toStorageType(op.getType())));
    return success();
  }
};
} // namespace

void lowering::populatePoolAndShapePatterns(RewritePatternSet &patterns) {
  patterns.add<MaxPoolLowering, AvgPoolLowering, GlobalAvgPoolLowering,
               ConcatLowering, FlattenLowering, ReshapeLowering>(
      patterns.getContext());
}

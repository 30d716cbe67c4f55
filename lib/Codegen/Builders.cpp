//===- Builders.cpp - linalg/tensor builders of the lowering --------------===//

#include "qat/Codegen/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

Value lowering::emptyTensor(OpBuilder &b, Location loc, RankedTensorType type,
                            Value like) {
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dyn.push_back(tensor::DimOp::create(b, loc, like, d));
  return tensor::EmptyOp::create(b, loc, type, dyn);
}

Value lowering::emptyTensorBroadcast(OpBuilder &b, Location loc,
                                     RankedTensorType type, ValueRange likes) {
  SmallVector<Value> dyn;
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value size;
    for (Value like : likes) {
      auto t = cast<RankedTensorType>(like.getType());
      int64_t ld = d - (rank - t.getRank());
      if (ld >= 0 && t.isDynamicDim(ld)) {
        size = tensor::DimOp::create(b, loc, like, ld);
        break;
      }
    }
    assert(size && "verifier guarantees a dynamic source extent");
    dyn.push_back(size);
  }
  return tensor::EmptyOp::create(b, loc, type, dyn);
}

Value lowering::floatConst(OpBuilder &b, Location loc, Type type,
                           double value) {
  Type elt = getElementTypeOrSelf(type);
  return arith::ConstantOp::create(b, loc, elt, b.getFloatAttr(elt, value));
}

Value lowering::filledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                             Value like, double value) {
  Value empty = emptyTensor(b, loc, type, like);
  Value v = floatConst(b, loc, type, value);
  return linalg::FillOp::create(b, loc, v, empty).getResult(0);
}

Value lowering::buildElementwise(OpBuilder &b, Location loc,
                                 RankedTensorType resultType, ValueRange inputs,
                                 Value like, BodyBuilder body) {
  Value init = emptyTensor(b, loc, resultType, like);
  return buildElementwiseInto(b, loc, init, inputs, body);
}

Value lowering::buildElementwiseInto(OpBuilder &b, Location loc, Value init,
                                     ValueRange inputs, BodyBuilder body) {
  auto resultType = cast<RankedTensorType>(init.getType());
  int64_t rank = resultType.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineMap> maps;
  for (Value in : inputs) {
    auto t = cast<RankedTensorType>(in.getType());
    SmallVector<AffineExpr> exprs;
    int64_t offset = rank - t.getRank();
    for (int64_t d = 0; d < t.getRank(); ++d) {
      int64_t r = d + offset;
      if (t.getDimSize(d) == 1 && resultType.getDimSize(r) != 1)
        exprs.push_back(getAffineConstantExpr(0, ctx));
      else
        exprs.push_back(getAffineDimExpr(r, ctx));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = body(nb, nloc, args.drop_back());
        linalg::YieldOp::create(nb, nloc, r);
      });
  return generic.getResult(0);
}

Value lowering::buildReduction(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes, Value init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  return buildReductions(
      b, loc, input, axes, init,
      [&](OpBuilder &nb, Location l, Value e, ValueRange acc) {
        return SmallVector<Value>{combine(nb, l, e, acc[0])};
      })[0];
}

SmallVector<Value> lowering::buildReductions(
    OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> axes,
    ValueRange inits,
    function_ref<SmallVector<Value>(OpBuilder &, Location, Value, ValueRange)>
        combine) {
  auto t = cast<RankedTensorType>(input.getType());
  int64_t rank = t.getRank();
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iters;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = llvm::is_contained(axes, d);
    iters.push_back(reduced ? utils::IteratorType::reduction
                            : utils::IteratorType::parallel);
    if (!reduced)
      outExprs.push_back(getAffineDimExpr(d, ctx));
  }
  SmallVector<AffineMap> maps = {AffineMap::getMultiDimIdentityMap(rank, ctx)};
  maps.append(inits.size(), AffineMap::get(rank, 0, outExprs, ctx));
  auto generic = linalg::GenericOp::create(
      b, loc, inits.getTypes(), ValueRange{input}, inits, maps, iters,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(nb, nloc,
                                combine(nb, nloc, args[0], args.drop_front()));
      });
  return SmallVector<Value>(generic.getResults());
}

Value lowering::buildReassocSum(OpBuilder &b, Location loc, Value v,
                                ArrayRef<int64_t> axes, RankedTensorType type) {
  return buildReduction(b, loc, v, axes, filledTensor(b, loc, type, v, 0.0),
                        [](OpBuilder &nb, Location l, Value e, Value acc) {
                          return Value(arith::AddFOp::create(
                              nb, l, acc, e, arith::FastMathFlags::reassoc));
                        });
}

Value lowering::buildContraction(OpBuilder &b, Location loc, Value lhs,
                                 Value rhs, Value init,
                                 ArrayRef<AffineMap> maps,
                                 ArrayRef<utils::IteratorType> iters) {
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
             ValueRange{init}, maps, iters,
             [](OpBuilder &nb, Location l, ValueRange a) {
               Value p = arith::MulFOp::create(nb, l, a[0], a[1]);
               linalg::YieldOp::create(
                   nb, l, Value(arith::AddFOp::create(nb, l, a[2], p)));
             })
      .getResult(0);
}

Value lowering::zerosI32(OpBuilder &b, Location loc, ArrayRef<int64_t> shape) {
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value empty = tensor::EmptyOp::create(b, loc, shape, b.getI32Type());
  return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{empty})
      .getResult(0);
}

Value lowering::extendToI32(OpBuilder &b, Location loc, Value v,
                            bool isSigned) {
  Type i32 = b.getI32Type();
  if (isSigned)
    return arith::ExtSIOp::create(b, loc, i32, v);
  return arith::ExtUIOp::create(b, loc, i32, v);
}

Value lowering::buildTranspose(OpBuilder &b, Location loc, Value x,
                               ArrayRef<int64_t> permutation) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> shape;
  for (int64_t d : permutation)
    shape.push_back(t.getDimSize(d));
  Value empty = tensor::EmptyOp::create(b, loc, shape, t.getElementType());
  return linalg::TransposeOp::create(b, loc, x, empty, permutation)
      .getResult()[0];
}

Value lowering::padConstant(OpBuilder &b, Location loc, RankedTensorType type,
                            Value x, ArrayRef<int64_t> lo, ArrayRef<int64_t> hi,
                            Value padValue) {
  MLIRContext *ctx = b.getContext();
  return tensor::PadOp::create(b, loc, type, x, getAsIndexOpFoldResult(ctx, lo),
                               getAsIndexOpFoldResult(ctx, hi), padValue);
}

Value lowering::clampScalar(OpBuilder &b, Location loc, Value v, double lo,
                            double hi) {
  Value low = floatConst(b, loc, v.getType(), lo);
  Value high = floatConst(b, loc, v.getType(), hi);
  Value m = arith::MaximumFOp::create(b, loc, v, low);
  return arith::MinimumFOp::create(b, loc, m, high);
}

/// Reshape by collapsing to 1-D and expanding to the result shape; a
/// dynamic result extent is the element count over the static ones.
Value lowering::reshapeTo(OpBuilder &b, Location loc, Value x,
                          RankedTensorType type) {
  auto t = cast<RankedTensorType>(x.getType());
  // 0-d <-> all-ones shapes: reassociations with no groups.
  if (t.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, type, x,
                                         ArrayRef<ReassociationIndices>{});
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, x,
                                           ArrayRef<ReassociationIndices>{});
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, t.getRank()))};
  Value flat = x;
  if (t.getRank() != 1)
    flat = tensor::CollapseShapeOp::create(b, loc, x, all);
  if (type.getRank() == 1)
    return tensor::CastOp::create(b, loc, type, flat);
  SmallVector<ReassociationIndices> out = {
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))};
  SmallVector<OpFoldResult> shape;
  int64_t known = 1;
  for (int64_t d : type.getShape())
    if (!ShapedType::isDynamic(d))
      known *= d;
  for (int64_t d : type.getShape()) {
    if (!ShapedType::isDynamic(d)) {
      shape.push_back(b.getIndexAttr(d));
      continue;
    }
    Value total = tensor::DimOp::create(b, loc, flat, 0);
    shape.push_back(
        arith::DivUIOp::create(b, loc, total,
                               arith::ConstantIndexOp::create(b, loc, known))
            .getResult());
  }
  return tensor::ExpandShapeOp::create(b, loc, type, flat, out, shape);
}

Value lowering::channelSumF64(
    OpBuilder &b, Location loc, ValueRange full, ValueRange perChannel,
    int64_t channels,
    function_ref<Value(OpBuilder &, Location, ValueRange, ValueRange)> term) {
  MLIRContext *ctx = b.getContext();
  int64_t rank = cast<RankedTensorType>(full.front().getType()).getRank();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap chan = AffineMap::get(rank, 0, {getAffineDimExpr(1, ctx)}, ctx);
  SmallVector<AffineMap> maps(full.size(), id);
  maps.append(perChannel.size(), chan);
  maps.push_back(chan);
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::reduction);
  iters[1] = utils::IteratorType::parallel;
  auto f64 = b.getF64Type();
  auto type = RankedTensorType::get({channels}, f64);
  Value init = filledTensor(b, loc, type, {}, 0.0);
  SmallVector<Value> inputs(full);
  llvm::append_range(inputs, perChannel);
  return linalg::GenericOp::create(
             b, loc, TypeRange{type}, inputs, ValueRange{init}, maps, iters,
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value t = term(nb, l, a.take_front(full.size()),
                              a.slice(full.size(), perChannel.size()));
               // Terms in any order (`reassoc`): training statistics
               // keep no order, and LLVM vectorizes only with the flag.
               linalg::YieldOp::create(
                   nb, l,
                   Value(arith::AddFOp::create(nb, l, a.back(), t,
                                               arith::FastMathFlags::reassoc)));
             })
      .getResult(0);
}

Value lowering::castFloat(OpBuilder &b, Location loc, Value v, Type type) {
  auto from = cast<FloatType>(v.getType());
  auto to = cast<FloatType>(type);
  if (from == to)
    return v;
  if (from.getWidth() < to.getWidth())
    return arith::ExtFOp::create(b, loc, to, v);
  return arith::TruncFOp::create(b, loc, to, v);
}

BatchStats lowering::computeBatchStats(OpBuilder &b, Location loc, Value x) {
  auto t = cast<RankedTensorType>(x.getType());
  int64_t rank = t.getRank(), channels = t.getDimSize(1);
  Type elt = t.getElementType();
  auto f64 = b.getF64Type();
  SmallVector<int64_t> axes = {0};
  for (int64_t d = 2; d < rank; ++d)
    axes.push_back(d);
  BatchStats s;
  s.count64 = countAlong(b, loc, x, axes, f64);
  Value sum =
      channelSumF64(b, loc, {x}, {}, channels,
                    [&](OpBuilder &nb, Location l, ValueRange f, ValueRange) {
                      return castFloat(nb, l, f[0], f64);
                    });
  auto type64 = RankedTensorType::get({channels}, f64);
  s.mean64 = buildElementwise(
      b, loc, type64, {sum}, {}, [&](OpBuilder &nb, Location l, ValueRange a) {
        return Value(arith::DivFOp::create(nb, l, a[0], s.count64));
      });
  // One pass: the sum of squares in f64 alongside the sum (both fuse into
  // x's producer), and sum((x - mean)^2) = sum(x^2) - sum * mean. A float32
  // square is exact in f64 and the sums are off by at most count * 2^-53
  // of sum(x^2): for 43k terms and a mean^2 up to 1000 times the variance
  // the result still has more than float32's 24 bits. PyTorch's second
  // pass over x (the centered sum) would cost a full read of it.
  Value sumSq = channelSumF64(
      b, loc, {x}, {}, channels,
      [&](OpBuilder &nb, Location l, ValueRange f, ValueRange) -> Value {
        Value v = castFloat(nb, l, f[0], f64);
        return arith::MulFOp::create(nb, l, v, v);
      });
  s.squares64 = buildElementwise(
      b, loc, type64, {sumSq, sum, s.mean64}, {},
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value d = arith::SubFOp::create(
            nb, l, a[0], arith::MulFOp::create(nb, l, a[1], a[2]));
        return arith::MaximumFOp::create(nb, l, d, floatConst(nb, l, f64, 0.0));
      });
  auto chanType = RankedTensorType::get({channels}, elt);
  s.mean = buildElementwise(b, loc, chanType, {s.mean64}, {},
                            [&](OpBuilder &nb, Location l, ValueRange a) {
                              return castFloat(nb, l, a[0], elt);
                            });
  s.var = buildElementwise(
      b, loc, chanType, {s.squares64}, {},
      [&](OpBuilder &nb, Location l, ValueRange a) {
        return castFloat(nb, l, arith::DivFOp::create(nb, l, a[0], s.count64),
                         elt);
      });
  return s;
}

Value lowering::countAlong(OpBuilder &b, Location loc, Value value,
                           ArrayRef<int64_t> axes, Type floatType) {
  auto t = cast<RankedTensorType>(value.getType());
  int64_t staticCount = 1;
  Value dynCount;
  for (int64_t d : axes) {
    if (!t.isDynamicDim(d)) {
      staticCount *= t.getDimSize(d);
      continue;
    }
    Value dim = tensor::DimOp::create(b, loc, value, d);
    dynCount = dynCount ? arith::MulIOp::create(b, loc, dynCount, dim) : dim;
  }
  if (!dynCount)
    return floatConst(b, loc, floatType, static_cast<double>(staticCount));
  Value total = arith::MulIOp::create(
      b, loc, dynCount, arith::ConstantIndexOp::create(b, loc, staticCount));
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), total);
  return arith::UIToFPOp::create(b, loc, floatType, i64);
}

Value lowering::padWithZeroPoint(OpBuilder &b, Location loc, Value x,
                                 int64_t zp, ArrayRef<int64_t> pads) {
  if (llvm::all_of(pads, [](int64_t p) { return p == 0; }))
    return x;
  auto t = cast<RankedTensorType>(x.getType());
  auto padT = RankedTensorType::get({t.getDimSize(0), t.getDimSize(1),
                                     t.getDimSize(2) + pads[0] + pads[2],
                                     t.getDimSize(3) + pads[1] + pads[3]},
                                    t.getElementType());
  Value zpC = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(t.getElementType(), zp));
  return padConstant(b, loc, padT, x, {0, 0, pads[0], pads[1]},
                     {0, 0, pads[2], pads[3]}, zpC);
}

Value lowering::intConst(OpBuilder &b, Location l, Type type, int64_t v) {
  Type elt = getElementTypeOrSelf(type);
  auto attr = b.getIntegerAttr(elt, v);
  if (auto vt = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(b, l, DenseElementsAttr::get(vt, attr));
  return arith::ConstantOp::create(b, l, attr);
}

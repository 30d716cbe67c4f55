//===- PoolBuilders.cpp - window and argmax builders of the pools ---------===//

#include "PatternUtils.h"

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

Value lowering::windowPosition(OpBuilder &b, Location loc, Value ky, Value kx,
                               int64_t kw) {
  Type t = ky.getType();
  Value width = t.isIndex()
                    ? idx(b, loc, kw)
                    : arith::ConstantOp::create(b, loc, b.getIntegerAttr(t, kw))
                          .getResult();
  Value pos = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, ky, width), kx);
  if (!t.isIndex())
    return pos;
  return arith::IndexCastOp::create(b, loc, b.getI32Type(), pos);
}

SmallVector<Value> lowering::buildBlockedPoolMax(
    OpBuilder &b, Location loc, Value planes, TypeRange resultTypes,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ArrayRef<Value>)>
        body) {
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> e(4);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  SmallVector<AffineMap> maps;
  SmallVector<Value> inputs;
  for (int64_t kh = 0; kh < 2; ++kh)
    for (int64_t kw = 0; kw < 2; ++kw) {
      inputs.push_back(planes);
      maps.push_back(
          AffineMap::get(4, 0,
                         {e[0], e[1], getAffineConstantExpr(kh, ctx),
                          getAffineConstantExpr(kw, ctx), e[2], e[3]},
                         ctx));
    }
  SmallVector<Value> inits;
  for (Type t : resultTypes) {
    inits.push_back(emptyTensor(b, loc, cast<RankedTensorType>(t), planes));
    maps.push_back(AffineMap::getMultiDimIdentityMap(4, ctx));
  }
  auto op = linalg::GenericOp::create(
      b, loc, resultTypes, inputs, inits, maps,
      SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange v) {
        SmallVector<Value> planeValues(v.take_front(4));
        linalg::YieldOp::create(nb, l, body(nb, l, planeValues));
      });
  return SmallVector<Value>(op.getResults());
}

std::pair<Value, Value>
lowering::buildMaxPoolArgmax(OpBuilder &b, Location loc, Value xpad,
                             ArrayRef<int64_t> k, ArrayRef<int64_t> s,
                             ArrayRef<int64_t> dil, ArrayRef<int64_t> outHW,
                             bool blocked) {
  using IT = utils::IteratorType;
  MLIRContext *ctx = b.getContext();
  auto xType = cast<RankedTensorType>(xpad.getType());
  Type elt = xType.getElementType();
  SmallVector<int64_t> shape = {xType.getDimSize(0), xType.getDimSize(1),
                                outHW[0], outHW[1]};
  SmallVector<AffineExpr> e(6);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  auto map6 = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(6, 0, r, ctx);
  };
  auto outType = RankedTensorType::get(shape, elt);
  // i32 positions: the same lane width as f32, so the gradient's gather of
  // them vectorizes with 16 lanes (64-bit `index` lanes halve it).
  Type i32 = b.getI32Type();
  auto idxType = RankedTensorType::get(shape, i32);
  if (blocked) {
    assert((k == ArrayRef<int64_t>{2, 2} && s == ArrayRef<int64_t>{2, 2}) &&
           "blocked pixels are for 2x2 windows of stride 2");
    // Element-wise over the four planes, the same comparisons in the same
    // order as the reduction below from (-inf, 0), which needs no filled
    // outputs (the first plane always replaces -inf, or leaves -inf and
    // position 0 as they were).
    // The positions are defined outside the body, so that the forward's
    // and the gradient's argmax are identical ops for CSE.
    SmallVector<Value> positions;
    for (int32_t i = 0; i < 4; ++i)
      positions.push_back(
          arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(i)));
    SmallVector<Value> r = buildBlockedPoolMax(
        b, loc, blockedPlanes(b, loc, xpad), TypeRange{outType, idxType},
        [&](OpBuilder &nb, Location l, ArrayRef<Value> planes) {
          Value m = planes[0], at = positions[0];
          for (int64_t i = 1; i < 4; ++i) {
            Value v = planes[i];
            Value better = arith::OrIOp::create(
                nb, l,
                arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, v, m),
                arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, v, v));
            m = arith::SelectOp::create(nb, l, better, v, m);
            at = arith::SelectOp::create(nb, l, better, positions[i], at);
          }
          return SmallVector<Value>{m, at};
        });
    return {r[0], r[1]};
  }
  Value maxInit = filledTensor(b, loc, outType, {},
                               -std::numeric_limits<double>::infinity());
  Value idxInit =
      linalg::FillOp::create(
          b, loc,
          ValueRange{arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0))},
          ValueRange{tensor::EmptyOp::create(b, loc, shape, i32)})
          .getResult(0);
  int64_t kw = k[1];
  Value windowShape = tensor::EmptyOp::create(b, loc, k, elt);
  // Window element (kh, kw) of output (oh, ow).
  AffineMap in = map6(
      {e[0], e[1], e[2] * s[0] + e[4] * dil[0], e[3] * s[1] + e[5] * dil[1]});
  auto argmax = linalg::GenericOp::create(
      b, loc, TypeRange{outType, idxType}, ValueRange{xpad, windowShape},
      ValueRange{maxInit, idxInit},
      SmallVector<AffineMap>{in, map6({e[4], e[5]}),
                             map6({e[0], e[1], e[2], e[3]}),
                             map6({e[0], e[1], e[2], e[3]})},
      SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel, IT::parallel,
                      IT::reduction, IT::reduction},
      [&](OpBuilder &nb, Location l, ValueRange v) {
        Value pos = windowPosition(nb, l, linalg::IndexOp::create(nb, l, 4),
                                   linalg::IndexOp::create(nb, l, 5), kw);
        // Strictly greater: the first maximum wins. `ugt` alone would also
        // let a number replace a NaN maximum.
        Value better = arith::OrIOp::create(
            nb, l,
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT, v[0], v[2]),
            arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO, v[0],
                                  v[0]));
        linalg::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, better, v[0], v[2]),
                       arith::SelectOp::create(nb, l, better, pos, v[3])});
      });
  return {argmax.getResult(0), argmax.getResult(1)};
}

Value lowering::padForWindow(OpBuilder &b, Location loc, Value x,
                             ArrayRef<int64_t> outHW, ArrayRef<int64_t> kernel,
                             ArrayRef<int64_t> strides, ArrayRef<int64_t> pads,
                             ArrayRef<int64_t> dilation, Value padValue) {
  auto t = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> lo = {0, 0, pads[0], pads[1]};
  SmallVector<int64_t> hi = {0, 0, pads[2], pads[3]};
  SmallVector<int64_t> shape(t.getShape());
  for (int i = 0; i < 2; ++i) {
    int64_t in = t.getDimSize(2 + i);
    int64_t needed =
        (outHW[i] - 1) * strides[i] + dilation[i] * (kernel[i] - 1) + 1;
    hi[2 + i] = std::max(hi[2 + i], needed - in - lo[2 + i]);
    shape[2 + i] = in + lo[2 + i] + hi[2 + i];
  }
  if (llvm::all_of(lo, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(hi, [](int64_t v) { return v == 0; }))
    return x;
  auto padType = RankedTensorType::get(shape, t.getElementType());
  return padConstant(b, loc, padType, x, lo, hi, padValue);
}

Value lowering::avgPoolDivisor(OpBuilder &b, Location loc, Type elt,
                               ArrayRef<int64_t> inHW, ArrayRef<int64_t> outHW,
                               ArrayRef<int64_t> kernel,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> pads, bool countIncludePad) {
  // PyTorch counts the window clipped to the explicitly padded input
  // (count_include_pad) or to the input itself.
  auto extent = [&](int64_t o, int64_t axis) {
    int64_t in = inHW[axis];
    int64_t start = o * strides[axis] - pads[axis];
    int64_t end = std::min(start + kernel[axis], in + pads[axis + 2]);
    if (!countIncludePad)
      return std::min(end, in) - std::max<int64_t>(start, 0);
    return end - start;
  };
  SmallVector<Attribute> divisor;
  for (int64_t i = 0; i < outHW[0]; ++i)
    for (int64_t j = 0; j < outHW[1]; ++j)
      divisor.push_back(
          b.getFloatAttr(elt, double(extent(i, 0) * extent(j, 1))));
  auto type = RankedTensorType::get({outHW[0], outHW[1]}, elt);
  return arith::ConstantOp::create(b, loc,
                                   DenseElementsAttr::get(type, divisor));
}

std::pair<Value, Value> lowering::windowSource(OpBuilder &b, Location l,
                                               Value p, Value k, int64_t stride,
                                               int64_t dilation,
                                               int64_t outSize) {
  Value t = arith::SubIOp::create(
      b, l, p, arith::MulIOp::create(b, l, k, idx(b, l, dilation)));
  Value zero = idx(b, l, 0);
  Value s = idx(b, l, stride);
  Value nonneg =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, t, zero);
  Value tc = arith::SelectOp::create(b, l, nonneg, t, zero);
  Value rem = arith::RemUIOp::create(b, l, tc, s);
  Value o = arith::DivUIOp::create(b, l, tc, s);
  Value divisible =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, rem, zero);
  Value inRange = arith::CmpIOp::create(b, l, arith::CmpIPredicate::ult, o,
                                        idx(b, l, outSize));
  Value valid = arith::AndIOp::create(
      b, l, nonneg, arith::AndIOp::create(b, l, divisible, inRange));
  Value safe = arith::SelectOp::create(b, l, valid, o, zero);
  return {safe, valid};
}

Value lowering::buildWindowGather(
    OpBuilder &b, Location loc, RankedTensorType outType,
    ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
    ArrayRef<int64_t> dilation, ArrayRef<int64_t> padLo,
    ArrayRef<int64_t> outHW,
    function_ref<Value(OpBuilder &, Location, const WindowIndex &)> term) {
  using IT = utils::IteratorType;
  MLIRContext *ctx = b.getContext();
  Type elt = outType.getElementType();
  SmallVector<AffineExpr> e(6);
  bindDimsList(ctx, MutableArrayRef<AffineExpr>(e));
  auto map6 = [&](ArrayRef<AffineExpr> r) {
    return AffineMap::get(6, 0, r, ctx);
  };
  // A shape-only operand gives the window loops their bounds.
  Value window = tensor::EmptyOp::create(b, loc, kernel, elt);
  return linalg::GenericOp::create(
             b, loc, TypeRange{outType}, ValueRange{window},
             ValueRange{filledTensor(b, loc, outType, {}, 0.0)},
             SmallVector<AffineMap>{map6({e[4], e[5]}),
                                    map6({e[0], e[1], e[2], e[3]})},
             SmallVector<IT>{IT::parallel, IT::parallel, IT::parallel,
                             IT::parallel, IT::reduction, IT::reduction},
             [&](OpBuilder &nb, Location l, ValueRange v) {
               auto index = [&](int64_t d) {
                 return linalg::IndexOp::create(nb, l, d).getResult();
               };
               Value py =
                   arith::AddIOp::create(nb, l, index(2), idx(nb, l, padLo[0]));
               Value px =
                   arith::AddIOp::create(nb, l, index(3), idx(nb, l, padLo[1]));
               WindowIndex w{index(0), index(1), index(4), index(5), {}, {}};
               auto [sy, vy] = windowSource(nb, l, py, w.ky, strides[0],
                                            dilation[0], outHW[0]);
               auto [sx, vx] = windowSource(nb, l, px, w.kx, strides[1],
                                            dilation[1], outHW[1]);
               w.sy = sy;
               w.sx = sx;
               Value valid = arith::AndIOp::create(nb, l, vy, vx);
               Value contrib = arith::SelectOp::create(
                   nb, l, valid, term(nb, l, w), floatConst(nb, l, elt, 0.0));
               linalg::YieldOp::create(nb, l, addf(nb, l, v[1], contrib));
             })
      .getResult(0);
}

//===- Int8Gemm.cpp - the int8 tile of the register-tiled GEMM ------------===//
//
// The register tile of the int8 kernels: its inner product is
// qat.dot_accumulate (vpdpbusd, vpmaddwd, sdot/usdot, smull) or
// qat.mmla_accumulate (usmmla) per the target's Int8Tile, and its epilogue
// requantizes the accumulators in registers with the generic lowering's
// emitters (Requant.h), so both reproduce the scalar reference bit for bit.
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/Builders.h"
#include "qat/Codegen/Requant.h"
#include "qat/Codegen/TiledGemm.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

Type lowering::int8OperandElementType(const target::Int8Tile &tile,
                                      MLIRContext *ctx) {
  return IntegerType::get(ctx, tile.wide ? 16 : 8);
}

/// a * m + c on index values.
static Value affine(OpBuilder &b, Location loc, Value a, int64_t m,
                    int64_t c = 0) {
  return addConst(b, loc, arith::MulIOp::create(b, loc, a, idx(b, loc, m)), c);
}

namespace {
class Int8Kernel : public GemmKernel {
public:
  Int8Kernel(const target::Int8Tile &k, const Int8Gemm &p, MLIRContext *ctx)
      : k(k), p(p), elt(int8OperandElementType(k, ctx)),
        accT(VectorType::get({k.lanes}, IntegerType::get(ctx, 32))),
        opT(VectorType::get({k.lanes * k.group}, elt)) {}

  /// Rows [row, row + rows) by channel vectors from `col`: zeroed
  /// accumulators, the loop over k groups, the requant epilogue.
  SmallVector<Value> emitTile(OpBuilder &b, Location loc, const GemmTile &t,
                              ValueRange) override {
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(accT, b.getI32IntegerAttr(0)));
    // mmla: two accumulators per channel vector, (pair 2j, pair 2j + 1).
    int64_t perVector = k.mmla ? 2 : 1;
    SmallVector<Value> init(t.rows * t.vectors * perVector, zero);
    SmallVector<Value> rows;
    for (int64_t i = 0; i < t.rows; ++i)
      rows.push_back(addConst(b, loc, t.row, i));
    auto loop = scf::ForOp::create(
        b, loc, idx(b, loc, 0), idx(b, loc, p.kGroups), idx(b, loc, 1), init,
        [&](OpBuilder &lb, Location l, Value kq, ValueRange acc) {
          SmallVector<Value> next = k.mmla ? stepMmla(lb, l, t, rows, kq, acc)
                                           : stepDot(lb, l, t, rows, kq, acc);
          scf::YieldOp::create(lb, l, next);
        });
    epilogue(b, loc, t, rows, loop.getResults());
    return {};
  }

private:
  const target::Int8Tile &k;
  const Int8Gemm &p;
  Type elt;
  VectorType accT, opT;

  /// Offset of vector j of the tile's channels in packed weights whose
  /// channel vectors are `stride` elements apart.
  static Value vectorOffset(OpBuilder &b, Location l, const GemmTile &t,
                            int64_t lanes, int64_t j, int64_t stride) {
    return affine(b, l, t.col, stride / lanes, j * stride);
  }

  /// One k group: a weight vector per channel vector, one 32-bit group of
  /// each row of x broadcast to every lane.
  SmallVector<Value> stepDot(OpBuilder &b, Location l, const GemmTile &t,
                             ArrayRef<Value> rows, Value kq, ValueRange acc) {
    SmallVector<Value> next(acc.begin(), acc.end());
    Value col = affine(b, l, kq, k.group);
    Value kOff = affine(b, l, kq, k.lanes * k.group);
    int64_t panel = p.kGroups * k.lanes * k.group;
    SmallVector<Value> w;
    for (int64_t j = 0; j < t.vectors; ++j) {
      Value off = arith::AddIOp::create(
          b, l, vectorOffset(b, l, t, k.lanes, j, panel), kOff);
      w.push_back(vector::LoadOp::create(b, l, opT, p.w, ValueRange{off}));
    }
    for (int64_t i = 0; i < t.rows; ++i) {
      Value xs = vector::LoadOp::create(b, l, VectorType::get({k.group}, elt),
                                        p.x, ValueRange{rows[i], col});
      Value x32 = vector::BitCastOp::create(
          b, l, VectorType::get({1}, b.getI32Type()), xs);
      Value xb = vector::BitCastOp::create(
          b, l, opT, vector::BroadcastOp::create(b, l, accT, x32));
      for (int64_t j = 0; j < t.vectors; ++j) {
        // A value semantics op, so bufferization and deallocation see no
        // unknown effects; --convert-qat-dot-to-llvm picks the instruction.
        auto dot =
            DotAccumulateOp::create(b, l, next[i * t.vectors + j], xb, w[j]);
        if (k.lhsSigned && !k.wide)
          dot.setLhsSigned(true);
        next[i * t.vectors + j] = dot;
      }
    }
    return next;
  }

  /// One k group of 2x8x2 tiles: weights [pair][kGroups][2][8], a channel
  /// vector is two pairs; rows 2i and 2i + 1 form the 2x8 left operand.
  SmallVector<Value> stepMmla(OpBuilder &b, Location l, const GemmTile &t,
                              ArrayRef<Value> rows, Value kq, ValueRange acc) {
    SmallVector<Value> next(acc.begin(), acc.end());
    Value col = affine(b, l, kq, k.group);
    VectorType pairT = VectorType::get({16}, elt);
    SmallVector<Value> w;
    for (int64_t j = 0; j < t.vectors; ++j)
      for (int64_t h = 0; h < 2; ++h) {
        // (pair * kGroups + kq) * 16 with pair = 2 * (col / lanes + j) + h.
        Value pairOff = affine(b, l, t.col, 2 * 16 * p.kGroups / k.lanes,
                               (2 * j + h) * 16 * p.kGroups);
        Value off = arith::AddIOp::create(b, l, pairOff, affine(b, l, kq, 16));
        w.push_back(vector::LoadOp::create(b, l, pairT, p.w, ValueRange{off}));
      }
    VectorType halfT = VectorType::get({8}, elt);
    SmallVector<int64_t> concat = llvm::to_vector(llvm::seq<int64_t>(0, 16));
    for (int64_t i = 0; i < t.rows; ++i) {
      Value x0 = vector::LoadOp::create(
          b, l, halfT, p.x, ValueRange{affine(b, l, rows[i], 2), col});
      Value x1 = vector::LoadOp::create(
          b, l, halfT, p.x, ValueRange{affine(b, l, rows[i], 2, 1), col});
      Value xv = vector::ShuffleOp::create(b, l, x0, x1, concat);
      for (int64_t j = 0; j < 2 * t.vectors; ++j)
        next[i * 2 * t.vectors + j] = MmlaAccumulateOp::create(
            b, l, next[i * 2 * t.vectors + j], xv, w[j]);
    }
    return next;
  }

  /// The accumulator of row i of the tile (row pair i / 2 for mmla) and
  /// channel vector j.
  Value accumulator(OpBuilder &b, Location loc, const GemmTile &t,
                    ValueRange acc, int64_t i, int64_t j) {
    if (!k.mmla)
      return acc[i * t.vectors + j];
    // [r0c0 r0c1 r1c0 r1c1] of pairs 2j and 2j + 1 -> four channels of a row.
    Value a = acc[(i / 2) * 2 * t.vectors + 2 * j];
    Value c = acc[(i / 2) * 2 * t.vectors + 2 * j + 1];
    SmallVector<int64_t> pick = i % 2 == 0 ? SmallVector<int64_t>{0, 1, 4, 5}
                                           : SmallVector<int64_t>{2, 3, 6, 7};
    return vector::ShuffleOp::create(b, loc, a, c, pick);
  }

  /// Stores one row's requantized bytes; the last vector of a partial panel
  /// only its `tail` lanes. A one-lane tail is a scalar byte store: LLVM
  /// 22's x86 backend turns a one-lane masked byte store of trunc(fptosi)
  /// into a 4-byte vmovss, clobbering the next three bytes.
  void store(OpBuilder &b, Location loc, Value q, Value row, Value ch,
             int64_t tail) {
    if (tail == 1)
      memref::StoreOp::create(
          b, loc, vector::ExtractOp::create(b, loc, q, ArrayRef<int64_t>{0}),
          p.y, ValueRange{row, ch});
    else if (tail != 0)
      vector::MaskedStoreOp::create(
          b, loc, p.y, ValueRange{row, ch},
          vector::ConstantMaskOp::create(
              b, loc, VectorType::get({k.lanes}, b.getI1Type()),
              ArrayRef<int64_t>{tail}),
          q);
    else
      vector::StoreOp::create(b, loc, q, p.y, ValueRange{row, ch});
  }

  /// acc + comp[ch], requantized (docs/numerics.md) and stored.
  void epilogue(OpBuilder &b, Location loc, const GemmTile &t,
                ArrayRef<Value> rows, ValueRange acc) {
    int64_t perVector = k.mmla ? 2 : 1;
    SmallVector<Value> yRows;
    for (int64_t i = 0; i < t.rows * perVector; ++i)
      yRows.push_back(k.mmla ? affine(b, loc, rows[i / 2], 2, i % 2) : rows[i]);
    VectorType fT = VectorType::get({k.lanes}, b.getF32Type());
    for (int64_t j = 0; j < t.vectors; ++j) {
      Value ch = addConst(b, loc, t.col, j * k.lanes);
      int64_t tail = j == t.vectors - 1 ? t.tail : 0;
      Value comp = vector::LoadOp::create(b, loc, accT, p.comp, ValueRange{ch});
      auto load = [&](VectorType vt, Value m) -> Value {
        return m ? vector::LoadOp::create(b, loc, vt, m, ValueRange{ch})
                       .getResult()
                 : Value();
      };
      Value mult = load(fT, p.mult), fm = load(accT, p.fpMult),
            fl = load(accT, p.fpLeft), fr = load(accT, p.fpRight);
      for (int64_t i = 0; i < t.rows * perVector; ++i) {
        Value sum = arith::AddIOp::create(
            b, loc, accumulator(b, loc, t, acc, i, j), comp);
        Value q = fm ? buildFixedPointRequant(b, loc, sum, fm, fl, fr, p.zpY,
                                              p.lo, p.hi, b.getI8Type())
                     : buildFloatRequant(b, loc, sum, mult, p.zpY, p.lo, p.hi,
                                         b.getI8Type());
        store(b, loc, q, yRows[i], ch, tail);
      }
    }
  }
};
} // namespace

void lowering::emitInt8Gemm(OpBuilder &b, Location loc,
                            const target::Int8Tile &tile, const Int8Gemm &p) {
  // Rows are row pairs for mmla tiles (p.m counts them).
  GemmTiling tiling{1, p.m, p.n, tile.lanes, tile.mr, tile.nr};
  tiling.threads = p.threads;
  tiling.terms = p.kGroups * tile.group * (tile.mmla ? 2 : 1);
  Int8Kernel kernel(tile, p, b.getContext());
  emitTiledGemm(b, loc, tiling, kernel, ValueRange{});
}

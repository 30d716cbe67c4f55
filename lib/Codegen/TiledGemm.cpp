//===- TiledGemm.cpp - the register-tiled GEMM emitter --------------------===//
//
// The loop nest over register tiles (emitTiledGemm) and the f32 kernel of
// the training step's GEMMs (buildTiledGemm). The int8 kernels plug their
// own tile into the same loop nest (Int8Gemm.cpp).
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/TiledGemm.h"
#include "qat/Codegen/Builders.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

GemmKernel::~GemmKernel() = default;

//===----------------------------------------------------------------------===//
// The loop nest
//===----------------------------------------------------------------------===//

Value lowering::addScaled(OpBuilder &b, Location l, Value base, Value v,
                          int64_t s) {
  if (s == 0)
    return base ? base : idx(b, l, 0);
  Value t = s == 1 ? v : arith::MulIOp::create(b, l, v, idx(b, l, s));
  return base ? arith::AddIOp::create(b, l, base, t).getResult() : t;
}

Value lowering::addConst(OpBuilder &b, Location l, Value v, int64_t c) {
  return c == 0 ? v : arith::AddIOp::create(b, l, v, idx(b, l, c));
}

namespace {
using Carried = SmallVector<Value>;
using LoopBody =
    function_ref<Carried(OpBuilder &, Location, Value, ValueRange)>;

/// scf.for over [lo, hi) carrying `carried`.
Carried loop(OpBuilder &b, Location loc, Value lo, Value hi, int64_t step,
             ValueRange carried, LoopBody body) {
  auto forOp = scf::ForOp::create(
      b, loc, lo, hi, idx(b, loc, step), carried,
      [&](OpBuilder &nb, Location l, Value iv, ValueRange cur) {
        scf::YieldOp::create(nb, l, body(nb, l, iv, cur));
      });
  return Carried(forOp.getResults());
}
Carried loop(OpBuilder &b, Location loc, int64_t lo, int64_t hi, int64_t step,
             ValueRange carried, LoopBody body) {
  return loop(b, loc, idx(b, loc, lo), idx(b, loc, hi), step, carried, body);
}

/// Emits the tiles of one GemmTiling: column panels (one register tile
/// wide) outermost, then cache blocks of the reduction, then row tiles, so
/// that a panel's block of B is read from L2 once and from L1 by every row
/// tile. The kernel decides the order of the terms within a tile.
class TileLoops {
public:
  TileLoops(const GemmTiling &t, GemmKernel &kernel) : t(t), kernel(kernel) {}

  Carried emit(OpBuilder &b, Location loc, ValueRange c) {
    rows = t.rows;
    if (t.threads > 1 && t.batch == 1 && c.empty() && emitSplit(b, loc))
      return {};
    if (t.threads > 1 && !c.empty())
      if (std::optional<Carried> split = emitForallSplit(b, loc, c))
        return *split;
    if (t.batch == 1)
      return emitBatch(b, loc, idx(b, loc, 0), c);
    return loop(b, loc, 0, t.batch, 1, c,
                [&](OpBuilder &nb, Location l, Value bi, ValueRange cur) {
                  return emitBatch(nb, l, bi, cur);
                });
  }

private:
  const GemmTiling &t;
  GemmKernel &kernel;
  /// The rows [rowBase, rowBase + rows) that emitBatch covers (rowBase
  /// null for 0).
  Value rowBase;
  int64_t rows = 0;
  /// Whether emitBatch's full column panels run as an scf.parallel.
  bool parallelPanels = false;
  /// Element offset in C of the carried C (a thread's slice); null for 0.
  Value cOrigin;

  /// Below this many multiply-adds a GEMM stays on one thread: waking the
  /// other threads and joining them costs microseconds.
  static constexpr int64_t kMinParallelTerms = int64_t(1) << 20;
  /// Each thread takes at least this many row tiles when rows are split.
  static constexpr int64_t kMinTilesPerThread = 4;

  /// Splits the output over `t.threads` threads: blocks of whole row tiles,
  /// one per thread, with the last rows after them on the calling thread,
  /// or, for short GEMMs (a batch-1 linear layer), the full column panels.
  /// False where splitting does not pay.
  bool emitSplit(OpBuilder &b, Location loc) {
    if (t.rows * t.cols * std::max<int64_t>(t.terms, 1) < kMinParallelTerms)
      return false;
    int64_t chunkTiles = t.rows / t.mr / t.threads;
    bool splitRows = chunkTiles >= kMinTilesPerThread;
    if (!splitRows && t.cols / (t.lanes * t.nr) < t.threads)
      return false;
    Value zero = idx(b, loc, 0);
    if (splitRows) {
      int64_t chunkRows = chunkTiles * t.mr;
      scf::ParallelOp::create(
          b, loc, ValueRange{zero}, ValueRange{idx(b, loc, t.threads)},
          ValueRange{idx(b, loc, 1)},
          [&](OpBuilder &nb, Location l, ValueRange ivs) {
            rowBase = addScaled(nb, l, nullptr, ivs[0], chunkRows);
            rows = chunkRows;
            emitBatch(nb, l, idx(nb, l, 0), {});
          });
      rowBase = idx(b, loc, t.threads * chunkRows);
      rows = t.rows - t.threads * chunkRows;
      if (rows > 0)
        emitBatch(b, loc, zero, {});
      return true;
    }
    parallelPanels = true;
    emitBatch(b, loc, zero, {});
    return true;
  }

  /// The split of a GEMM on tensors (C carried): an scf.forall over (batch,
  /// block of row tiles), each iteration computing its rows of one batch
  /// element into a slice of C; the rows left after the blocks follow on
  /// the calling thread. Enough batch elements (a convolution's images)
  /// make one block of all rows. None where splitting does not pay.
  std::optional<Carried> emitForallSplit(OpBuilder &b, Location loc,
                                         ValueRange c) {
    if (t.batch * t.rows * t.cols * std::max<int64_t>(t.terms, 1) <
        kMinParallelTerms)
      return std::nullopt;
    int64_t blocks = 1, blockRows = t.rows;
    if (t.batch < 2 * t.threads) {
      int64_t blockTiles = t.rows / t.mr / t.threads;
      if (blockTiles >= kMinTilesPerThread) {
        blocks = t.threads;
        blockRows = blockTiles * t.mr;
      } else if (t.batch < t.threads) {
        return std::nullopt;
      }
    }
    MLIRContext *ctx = b.getContext();
    auto forall = scf::ForallOp::create(
        b, loc, getAsIndexOpFoldResult(ctx, {0, 0}),
        getAsIndexOpFoldResult(ctx, {t.batch, blocks}),
        getAsIndexOpFoldResult(ctx, {1, 1}), c, std::nullopt);
    OpBuilder nb = OpBuilder::atBlockBegin(forall.getBody());
    ValueRange ivs = forall.getInductionVars();
    Value off = addScaled(nb, loc, nullptr, ivs[0], t.rows * t.cols);
    off = addScaled(nb, loc, off, ivs[1], blockRows * t.cols);
    SmallVector<OpFoldResult> offs{off},
        sizes{nb.getIndexAttr(blockRows * t.cols)}, strides{nb.getIndexAttr(1)};
    Value out = forall.getRegionIterArgs().front();
    Value slice =
        tensor::ExtractSliceOp::create(nb, loc, out, offs, sizes, strides);
    rowBase = addScaled(nb, loc, nullptr, ivs[1], blockRows);
    rows = blockRows;
    cOrigin = off;
    Value part = emitBatch(nb, loc, ivs[0], slice).front();
    nb.setInsertionPointToStart(forall.getTerminator().getBody());
    tensor::ParallelInsertSliceOp::create(nb, loc, part, out, offs, sizes,
                                          strides);
    cOrigin = {};
    rowBase = idx(b, loc, blocks * blockRows);
    rows = t.rows - blocks * blockRows;
    Carried cur(forall.getResults());
    if (rows == 0)
      return cur;
    return loop(b, loc, 0, t.batch, 1, cur,
                [&](OpBuilder &lb, Location l, Value bi, ValueRange c2) {
                  return emitBatch(lb, l, bi, c2);
                });
  }

  /// Full panels of `nr` vectors, then one panel of the remaining vectors,
  /// its last one masked to the columns left.
  Carried emitBatch(OpBuilder &b, Location loc, Value bi, ValueRange c) {
    int64_t width = t.lanes * t.nr;
    int64_t full = t.cols / width * width;
    Carried cur(c);
    if (full > 0 && parallelPanels)
      scf::ParallelOp::create(b, loc, ValueRange{idx(b, loc, 0)},
                              ValueRange{idx(b, loc, full)},
                              ValueRange{idx(b, loc, width)},
                              [&](OpBuilder &nb, Location l, ValueRange ivs) {
                                emitPanel(nb, l, bi, ivs[0], t.nr, 0, {});
                              });
    else if (full > 0)
      cur = loop(b, loc, 0, full, width, cur,
                 [&](OpBuilder &nb, Location l, Value j0, ValueRange c2) {
                   return emitPanel(nb, l, bi, j0, t.nr, 0, c2);
                 });
    int64_t rest = t.cols - full;
    if (rest != 0)
      cur = emitPanel(b, loc, bi, idx(b, loc, full),
                      (rest + t.lanes - 1) / t.lanes, rest % t.lanes, cur);
    return cur;
  }

  /// The outermost reduction axis in cache blocks of `blockStep` terms: the
  /// first block starts the accumulators from the GEMM's init, the others
  /// from what the previous block left in C.
  Carried emitPanel(OpBuilder &b, Location loc, Value bi, Value j0, int64_t nv,
                    int64_t tail, ValueRange c) {
    if (t.blockStep == 0)
      return emitRows(b, loc, bi, j0, nv, tail, Value(), Value(), true, c);
    int64_t outer = t.blockExtent, step = t.blockStep;
    Carried cur = emitRows(b, loc, bi, j0, nv, tail, idx(b, loc, 0),
                           idx(b, loc, std::min(step, outer)), true, c);
    if (outer <= step)
      return cur;
    Value end = idx(b, loc, outer);
    return loop(b, loc, idx(b, loc, step), end, step, cur,
                [&](OpBuilder &nb, Location l, Value r0, ValueRange c2) {
                  Value hi = arith::MinSIOp::create(
                      nb, l, addConst(nb, l, r0, step), end);
                  return emitRows(nb, l, bi, j0, nv, tail, r0, hi, false, c2);
                });
  }

  Carried emitRows(OpBuilder &b, Location loc, Value bi, Value j0, int64_t nv,
                   int64_t tail, Value kLo, Value kHi, bool first,
                   ValueRange c) {
    // A narrow panel (a GEMM of few columns, as the 9 of a 3x3
    // single-channel conv's weight gradient) takes more rows, so that the
    // tile still has mr * nr independent accumulators to hide the latency.
    int64_t mr = t.mr;
    if (t.widenNarrowPanels)
      mr = std::max(t.mr, t.mr * t.nr / nv);
    auto tile = [&](OpBuilder &nb, Location l, Value i0, int64_t tileRows,
                    ValueRange cur) {
      if (rowBase)
        i0 = arith::AddIOp::create(nb, l, rowBase, i0);
      GemmTile g{bi, i0, tileRows, j0, nv, tail, kLo, kHi, first, cOrigin};
      return kernel.emitTile(nb, l, g, cur);
    };
    int64_t full = rows / mr * mr;
    Carried cur(c);
    if (full > 0)
      cur = loop(b, loc, 0, full, mr, cur,
                 [&](OpBuilder &nb, Location l, Value i0, ValueRange c2) {
                   return tile(nb, l, i0, mr, c2);
                 });
    if (rows != full)
      cur = tile(b, loc, idx(b, loc, full), rows - full, cur);
    return cur;
  }
};
} // namespace

SmallVector<Value> lowering::emitTiledGemm(OpBuilder &b, Location loc,
                                           const GemmTiling &tiling,
                                           GemmKernel &kernel,
                                           ValueRange carried) {
  return TileLoops(tiling, kernel).emit(b, loc, carried);
}

//===----------------------------------------------------------------------===//
// The f32 kernel of the training step
//===----------------------------------------------------------------------===//

namespace {
/// One register tile of buildTiledGemm on 1-D (collapsed) tensors. The
/// kernel stays on tensors (C is carried through the loops and updated with
/// vector.transfer_write) so that one-shot bufferization sees every read and
/// write where it happens; a memref kernel behind bufferization.to_buffer
/// would hide its reads from the analysis (and CSE merges to_buffer ops).
class F32Kernel : public GemmKernel {
public:
  F32Kernel(const GemmLayout &g, const target::F32Tile &tile, Value a, Value bm,
            Value initSplat)
      : g(g), tile(tile), a(a), bm(bm), initSplat(initSplat) {}

  /// Rows [i0, i0 + rows) by `vectors` vectors of columns from `col`, the
  /// last one masked to `tail` lanes when tail != 0; reduction block
  /// [kLo, kHi) of the outermost axis and all of the inner ones.
  SmallVector<Value> emitTile(OpBuilder &b, Location loc, const GemmTile &t,
                              ValueRange carried) override {
    Value c = carried.front();
    int64_t mr = t.rows, nv = t.vectors;
    Value mask;
    if (t.tail != 0)
      mask = vector::ConstantMaskOp::create(
          b, loc, VectorType::get({tile.lanes}, b.getI1Type()),
          ArrayRef<int64_t>{t.tail});
    auto maskOf = [&](int64_t v) { return v == nv - 1 ? mask : Value(); };

    Value cBase = addScaled(b, loc, nullptr, t.batch, g.rows * g.cols);
    cBase = addScaled(b, loc, cBase, t.row, g.cols);
    cBase = arith::AddIOp::create(b, loc, cBase, t.col);
    if (t.cOrigin)
      cBase = arith::SubIOp::create(b, loc, cBase, t.cOrigin);
    SmallVector<Value> acc;
    for (int64_t i = 0; i < mr; ++i)
      for (int64_t v = 0; v < nv; ++v) {
        if (t.firstBlock && initSplat) {
          acc.push_back(initSplat);
          continue;
        }
        Value off = addConst(b, loc, cBase, i * g.cols + v * tile.lanes);
        acc.push_back(read(b, loc, c, off, maskOf(v)));
      }

    Value aBase = addScaled(
        b, loc, addScaled(b, loc, nullptr, t.batch, g.aBatch), t.row, g.aRow);
    Value bBase = addScaled(b, loc, nullptr, t.batch, g.bBatch);
    bBase = arith::AddIOp::create(b, loc, bBase, t.col);
    SmallVector<Value> result =
        emitReduction(b, loc, 0, t.kLo, t.kHi, aBase, bBase, acc, mr, nv, mask);

    for (int64_t i = 0; i < mr; ++i)
      for (int64_t v = 0; v < nv; ++v) {
        Value off = addConst(b, loc, cBase, i * g.cols + v * tile.lanes);
        c = write(b, loc, result[i * nv + v], c, off, maskOf(v));
      }
    return {c};
  }

private:
  const GemmLayout &g;
  const target::F32Tile &tile;
  Value a, bm, initSplat;

  /// A vector of `lanes` elements of 1-D `t` from `off` (masked when
  /// `mask`).
  Value read(OpBuilder &b, Location l, Value t, Value off, Value mask) {
    MLIRContext *ctx = b.getContext();
    auto vt = VectorType::get({tile.lanes}, b.getF32Type());
    Value pad = arith::ConstantOp::create(b, l, b.getF32FloatAttr(0.0f));
    return vector::TransferReadOp::create(
        b, l, vt, t, ValueRange{off}, AffineMap::getMinorIdentityMap(1, 1, ctx),
        pad, mask, b.getBoolArrayAttr({true}));
  }
  static Value write(OpBuilder &b, Location l, Value v, Value t, Value off,
                     Value mask) {
    return vector::TransferWriteOp::create(
               b, l, t.getType(), v, t, ValueRange{off},
               AffineMap::getMinorIdentityMap(1, 1, b.getContext()), mask,
               b.getBoolArrayAttr({true}))
        .getResult();
  }

  /// One term of every accumulator: acc = fma(A scalar (broadcast), B row,
  /// acc), one rounding per term (the separate multiply and add of a linalg
  /// contraction would halve the FMA units' throughput).
  SmallVector<Value> emitTerm(OpBuilder &b, Location l, Value ao, Value bo,
                              ValueRange cur, int64_t mr, int64_t nv,
                              Value mask) {
    SmallVector<Value> next(cur.begin(), cur.end());
    SmallVector<Value> rowsB;
    for (int64_t v = 0; v < nv; ++v)
      rowsB.push_back(read(b, l, bm, addConst(b, l, bo, v * tile.lanes),
                           v == nv - 1 ? mask : Value()));
    auto vt = cast<VectorType>(rowsB.front().getType());
    for (int64_t i = 0; i < mr; ++i) {
      Value s = tensor::ExtractOp::create(
          b, l, a, ValueRange{addConst(b, l, ao, i * g.aRow)});
      Value sv = vector::BroadcastOp::create(b, l, vt, s);
      for (int64_t v = 0; v < nv; ++v)
        next[i * nv + v] =
            math::FmaOp::create(b, l, sv, rowsB[v], next[i * nv + v]);
    }
    return next;
  }

  /// The loop over reduction axis `d` (and, nested, the inner ones),
  /// carrying the accumulators; terms in lexicographic order of the axes.
  SmallVector<Value> emitReduction(OpBuilder &b, Location loc, size_t d,
                                   Value lo, Value hi, Value aOff, Value bOff,
                                   ValueRange acc, int64_t mr, int64_t nv,
                                   Value mask) {
    const GemmReduction &r = g.reductions[d];
    auto step = [&](OpBuilder &nb, Location l, Value k, ValueRange cur) {
      Value ao = addScaled(nb, l, aOff, k, r.aStride);
      Value bo = addScaled(nb, l, bOff, k, r.bStride);
      if (d + 1 == g.reductions.size())
        return emitTerm(nb, l, ao, bo, cur, mr, nv, mask);
      return emitReduction(nb, l, d + 1, idx(nb, l, 0),
                           idx(nb, l, g.reductions[d + 1].extent), ao, bo, cur,
                           mr, nv, mask);
    };
    // A short innermost axis (a window row of a weight gradient, 11 terms)
    // is unrolled here: as a loop, LLVM unrolls it by two and peels the odd
    // term, and the loop overhead and exit branch cost a third of the FMA
    // throughput. The terms keep their order.
    if (d > 0 && d + 1 == g.reductions.size() && r.extent <= tile.unrollTerms) {
      SmallVector<Value> cur(acc.begin(), acc.end());
      for (int64_t k = 0; k < r.extent; ++k)
        cur = step(b, loc, idx(b, loc, k), cur);
      return cur;
    }
    auto forOp = scf::ForOp::create(
        b, loc, lo, hi, idx(b, loc, 1), acc,
        [&](OpBuilder &nb, Location l, Value k, ValueRange cur) {
          scf::YieldOp::create(nb, l, step(nb, l, k, cur));
        });
    return SmallVector<Value>(forOp.getResults());
  }
};
} // namespace

/// `t` collapsed to one dimension.
static Value flatten(OpBuilder &b, Location loc, Value t) {
  auto type = cast<RankedTensorType>(t.getType());
  if (type.getRank() == 1)
    return t;
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))};
  return tensor::CollapseShapeOp::create(b, loc, t, all);
}

/// A splat vector of the constant that `init` is filled with (looking
/// through collapses), or null.
static Value splatOfFill(OpBuilder &b, Location loc, Value init,
                         int64_t lanes) {
  while (auto collapse = init.getDefiningOp<tensor::CollapseShapeOp>())
    init = collapse.getSrc();
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return {};
  auto cst = fill.getInputs()[0].getDefiningOp<arith::ConstantOp>();
  if (!cst)
    return {};
  return arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(VectorType::get({lanes}, cst.getType()),
                             cst.getValue()));
}

Value lowering::buildTiledGemm(OpBuilder &b, Location loc,
                               RankedTensorType type, Value a, Value bm,
                               Value init, const GemmLayout &layout,
                               int64_t threads) {
  assert(type.hasStaticShape() && type.getElementType().isF32() &&
         type.getNumElements() == layout.batch * layout.rows * layout.cols &&
         !layout.reductions.empty() && "static f32 GEMM");
  const target::F32Tile &tile = target::kF32Tile;
  // A constant init (the zeros of a weight gradient) is splatted into the
  // accumulators instead of being materialized and read; otherwise C is
  // computed in the init tensor's buffer.
  Value initSplat = splatOfFill(b, loc, init, tile.lanes);
  Value c0 = initSplat ? tensor::EmptyOp::create(
                             b, loc, ArrayRef<int64_t>{type.getNumElements()},
                             type.getElementType())
                             .getResult()
                       : flatten(b, loc, init);
  int64_t inner = 1;
  for (const GemmReduction &r : ArrayRef(layout.reductions).drop_front())
    inner *= r.extent;
  GemmTiling tiling{layout.batch, layout.rows, layout.cols,
                    tile.lanes,   tile.rows,   tile.vectors};
  tiling.widenNarrowPanels = true;
  tiling.blockExtent = layout.reductions.front().extent;
  tiling.blockStep = std::max<int64_t>(1, tile.blockTerms / inner);
  tiling.threads = threads;
  tiling.terms = layout.reductions.front().extent * inner;
  F32Kernel kernel(layout, tile, flatten(b, loc, a), flatten(b, loc, bm),
                   initSplat);
  Value c = emitTiledGemm(b, loc, tiling, kernel, c0).front();
  if (type.getRank() == 1)
    return c;
  SmallVector<ReassociationIndices> all = {
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()))};
  return tensor::ExpandShapeOp::create(b, loc, type, c, all);
}

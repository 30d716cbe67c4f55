//===- TiledGemm.h - the register-tiled GEMM emitter ------------*- C++ -*-===//
//
// One register-tiled GEMM emitter for the f32 GEMMs of the training step
// and the int8 kernels: a loop nest over register tiles, parameterized by
// the target description's tile, around a kernel that emits one tile.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_CODEGEN_TILEDGEMM_H
#define QAT_CODEGEN_TILEDGEMM_H

#include "mlir/IR/Builders.h"
#include "qat/Target/Target.h"

namespace mlir::qat::lowering {

//===----------------------------------------------------------------------===//
// The loop nest (strategy) and the tile kernel (mechanism)
//===----------------------------------------------------------------------===//

/// One register tile that the loop nest asks a GemmKernel for.
struct GemmTile {
  Value batch;     ///< Batch index.
  Value row;       ///< First row (in the kernel's row units).
  int64_t rows;    ///< Rows of this tile.
  Value col;       ///< First column (an element index).
  int64_t vectors; ///< Column vectors of this tile.
  int64_t tail;    ///< Lanes of the last vector; 0 when it is full.
  /// Block [kLo, kHi) of the outermost reduction axis; null when the
  /// reduction is not blocked (the kernel does all of it).
  Value kLo, kHi;
  /// Whether the accumulators start from the GEMM's init (the first block).
  bool firstBlock;
  /// Element offset in C of the carried C's first element (null for 0): a
  /// thread's block of a GEMM on tensors is a slice of C.
  Value cOrigin = {};
};

/// The mechanism of a tiled GEMM: what one register tile computes with the
/// target's instructions (f32 FMAs, int8 dot products, ...).
class GemmKernel {
public:
  virtual ~GemmKernel();
  /// Emits `tile`; `carried` are the values threaded through the loop nest
  /// (the C tensor of a GEMM on tensors, nothing on memrefs), returned
  /// updated.
  virtual SmallVector<Value> emitTile(OpBuilder &b, Location loc,
                                      const GemmTile &tile,
                                      ValueRange carried) = 0;
};

/// The strategy of a tiled GEMM C[batch][rows][cols]: register tiles of
/// `mr` rows by `nr` vectors of `lanes` columns.
struct GemmTiling {
  int64_t batch, rows, cols;
  int64_t lanes, mr, nr;
  /// A panel of fewer than `nr` vectors takes mr * nr / vectors rows, so
  /// that its tiles keep mr * nr independent accumulators.
  bool widenNarrowPanels = false;
  /// Cache blocks of `blockStep` terms of the outermost reduction axis (of
  /// `blockExtent` terms); 0: not blocked.
  int64_t blockExtent = 0, blockStep = 0;
  /// Threads to split the output over. Memref GEMMs with a batch of 1: an
  /// scf.parallel over blocks of row tiles, or of column panels when there
  /// are too few rows. GEMMs on tensors: an scf.forall over the batch and
  /// blocks of row tiles, each writing its slice of C. Each output element
  /// is computed by one thread with the same terms in the same order, so
  /// the result does not depend on it. 1: one loop nest.
  int64_t threads = 1;
  /// Multiply-adds per output element: with `threads`, small GEMMs stay on
  /// one thread.
  int64_t terms = 0;
};

/// Emits the loop nest of `tiling` (batch, column panels, reduction blocks,
/// row tiles, with the partial panel and row tile after the full ones)
/// around `kernel`'s tiles; returns the final `carried` values.
SmallVector<Value> emitTiledGemm(OpBuilder &b, Location loc,
                                 const GemmTiling &tiling, GemmKernel &kernel,
                                 ValueRange carried);

/// base + v * s on index values (base may be null for 0).
Value addScaled(OpBuilder &b, Location loc, Value base, Value v, int64_t s);
/// v + c on index values.
Value addConst(OpBuilder &b, Location loc, Value v, int64_t c);

//===----------------------------------------------------------------------===//
// f32 (the training step)
//===----------------------------------------------------------------------===//

/// A reduction axis of a tiled GEMM: its extent and the element strides of
/// the A and B operands along it.
struct GemmReduction {
  int64_t extent, aStride, bStride;
};

/// Layout of a batched GEMM C[batch][rows][cols] = init + sum A * B over
/// `reductions` (outermost first). Element (b, i, r...) of A is at
/// `b * aBatch + i * aRow + sum r_d * aStride_d` of A's row-major storage,
/// element (b, r..., j) of B at `b * bBatch + sum r_d * bStride_d + j`
/// (B's rows are contiguous), and C is dense.
struct GemmLayout {
  int64_t batch, rows, cols;
  int64_t aBatch, aRow, bBatch;
  SmallVector<GemmReduction, 2> reductions;
};

/// The GEMM of `layout` on static-shape f32 tensors, returning a tensor of
/// `type` (batch * rows * cols elements). `init` is a tensor of `type` or a
/// linalg.fill of it. Every element is accumulated from init with one fused
/// multiply-add per term, terms in lexicographic order of the reduction
/// axes (deterministic; it differs from a linalg contraction's separate
/// multiply and add by the rounding of the product). Register tiles of
/// vector<16xf32> accumulators are kept over a cache block of the
/// reduction, where the generic loop nest loads and stores the output
/// element in every iteration. With `threads` > 1, large GEMMs are split
/// over the batch and row blocks (GemmTiling::threads): the same bits.
Value buildTiledGemm(OpBuilder &b, Location loc, RankedTensorType type, Value a,
                     Value bm, Value init, const GemmLayout &layout,
                     int64_t threads = 1);

//===----------------------------------------------------------------------===//
// int8 (the int8 kernels of --qat-lower-x86 and --qat-lower-arm)
//===----------------------------------------------------------------------===//

/// The element type of the kernel's operands: i8, or i16 for `wide` tiles.
Type int8OperandElementType(const target::Int8Tile &tile, MLIRContext *ctx);

/// One int8 GEMM on memrefs: y[m][n] = requant(sum_k x[m][k] * w[n][k] +
/// comp[n]), x already in the kernel's operand type with k padded to
/// `kGroups` whole groups (and, for mmla tiles, m to row pairs).
struct Int8Gemm {
  int64_t m, n, kGroups;
  Value x;    ///< memref<M x (kGroups * group) x T>
  Value w;    ///< memref<S x T>, packed by the kernel's layout
  Value comp; ///< memref<Np x i32>, the per-channel term
  Value mult; ///< memref<Np x f32>; null for the fixed-point requant
  /// TFLite's fixed-point requant: memref<Np x i32> multipliers and
  /// left/right shifts; null for the float32 requant.
  Value fpMult, fpLeft, fpRight;
  Value y; ///< memref<M x N x i8>
  int64_t zpY, lo, hi;
  /// GemmTiling::threads.
  int64_t threads = 1;
};

/// Emits `gemm` with `tile`'s instructions (qat.dot_accumulate or
/// qat.mmla_accumulate) and the requant in the epilogue (Requant.h).
void emitInt8Gemm(OpBuilder &b, Location loc, const target::Int8Tile &tile,
                  const Int8Gemm &gemm);
} // namespace mlir::qat::lowering

#endif // QAT_CODEGEN_TILEDGEMM_H

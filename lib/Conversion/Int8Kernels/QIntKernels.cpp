//===- QIntKernels.cpp - int8 linear/conv layers to register-tiled GEMMs --===//
//
// qat.qlinear and qat.qconv2d become a register-tiled GEMM on memrefs whose
// inner product is qat.dot_accumulate (later an x86 or Arm dot-product
// instruction), with weights packed at compile time and the requant
// epilogue in registers: the shared GEMM emitter (qat/Codegen/TiledGemm.h)
// with the target's Int8Tile. The arithmetic is docs/numerics.md's, with
// the generic lowering's own requant emitters (qat/Codegen/Requant.h), so
// both reproduce the scalar reference bit for bit.
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/Builders.h"
#include "qat/Codegen/Im2col.h"
#include "qat/Codegen/Requant.h"
#include "qat/Codegen/TiledGemm.h"
#include "qat/Conversion/Passes.h"
#include "qat/Target/Target.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Transforms/WalkPatternRewriteDriver.h"

#include <numeric>

using namespace mlir;
using namespace mlir::qat;

using lowering::idx;

//===----------------------------------------------------------------------===//
// Compile-time constants: packed weights, the per-channel term, multipliers
//===----------------------------------------------------------------------===//

/// The values of a constant integer tensor: a qat.param read by qat.load
/// (possibly behind quant.scast), or an arith.constant.
static std::optional<SmallVector<int64_t>> constantInts(Value v) {
  if (auto cast = v.getDefiningOp<quant::StorageCastOp>())
    v = cast.getInput();
  ElementsAttr attr;
  if (auto load = v.getDefiningOp<LoadOp>()) {
    auto param =
        SymbolTable::lookupNearestSymbolFrom<ParamOp>(load, load.getNameAttr());
    if (!param)
      return std::nullopt;
    attr = param.getInitialValue();
  } else if (!matchPattern(v, m_Constant(&attr))) {
    return std::nullopt;
  }
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    SmallVector<int64_t> out;
    for (const APInt &i : dense.getValues<APInt>())
      out.push_back(i.getSExtValue());
    return out;
  }
  if (auto res = dyn_cast<DenseI8ResourceElementsAttr>(attr))
    if (auto data = res.tryGetAsArrayRef())
      return SmallVector<int64_t>(data->begin(), data->end());
  if (auto res = dyn_cast<DenseI32ResourceElementsAttr>(attr))
    if (auto data = res.tryGetAsArrayRef())
      return SmallVector<int64_t>(data->begin(), data->end());
  return std::nullopt;
}

/// A private constant memref.global at the top of the module.
static Value constantBuffer(PatternRewriter &rewriter, Operation *at,
                            StringRef stem, DenseElementsAttr value) {
  auto module = at->getParentOfType<ModuleOp>();
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(module.getBody());
  auto type = MemRefType::get(value.getType().getShape(),
                              value.getType().getElementType());
  std::string name;
  for (unsigned i = 0;; ++i) {
    name = "__qat_kernel_" + stem.str() + "_" + std::to_string(i);
    if (!module.lookupSymbol(name))
      break;
  }
  memref::GlobalOp::create(rewriter, at->getLoc(), name,
                           rewriter.getStringAttr("private"), type, value,
                           /*constant=*/true, rewriter.getI64IntegerAttr(64));
  rewriter.setInsertionPoint(at);
  return memref::GetGlobalOp::create(rewriter, at->getLoc(), type, name);
}

namespace {
/// What a layer contributes besides its activations.
struct PackedLayer {
  Value w, comp;
  /// The float32 multipliers, or the fixed-point ones (multiplier, left
  /// shift, right shift), per the op's requant.
  Value mult, fpMult, fpLeft, fpRight;
  int64_t kGroups;
};

/// The requant constants of a layer: float32 multipliers, or TFLite's
/// (multiplier, shift) pairs when `fixed` is not empty.
struct LayerRequant {
  SmallVector<float> multipliers;
  SmallVector<runtime::FixedPointMultiplier> fixed;
};
} // namespace

/// Packs [N][K] int8 weights as [ceil(N/L)][kGroups][L][G] (zero-padded),
/// folds `bias - (zp_x + xOffset) * sum_k w` per channel (int32, wrapping
/// like the reference accumulator) and pads the requant constants (padded
/// channels get multiplier 0, never stored).
static PackedLayer packLayer(PatternRewriter &rewriter, Operation *op,
                             const target::Int8Tile &k, ArrayRef<int64_t> w,
                             ArrayRef<int64_t> bias, int64_t n, int64_t kDim,
                             int64_t zpX, int64_t xOffset,
                             const LayerRequant &requant) {
  MLIRContext *ctx = rewriter.getContext();
  int64_t kGroups = (kDim + k.group - 1) / k.group;
  int64_t blocks = (n + k.lanes - 1) / k.lanes, np = blocks * k.lanes;
  SmallVector<int64_t> packed(blocks * kGroups * k.lanes * k.group, 0);
  for (int64_t c = 0; c < n; ++c)
    for (int64_t kk = 0; kk < kDim; ++kk) {
      int64_t b = c / k.lanes, l = c % k.lanes, g = kk / k.group,
              e = kk % k.group;
      if (k.mmla) // [pair][kGroups][2][8]
        packed[(((c / 2) * kGroups + g) * 2 + c % 2) * k.group + e] =
            w[c * kDim + kk];
      else
        packed[((b * kGroups + g) * k.lanes + l) * k.group + e] =
            w[c * kDim + kk];
    }
  SmallVector<int32_t> comp(np, 0);
  bool fixedPoint = !requant.fixed.empty();
  SmallVector<float> mult(np, 0.0f);
  SmallVector<int32_t> fpMult(np, 0), fpLeft(np, 0), fpRight(np, 0);
  for (int64_t c = 0; c < n; ++c) {
    uint32_t sum = 0;
    for (int64_t kk = 0; kk < kDim; ++kk)
      sum += static_cast<uint32_t>(w[c * kDim + kk]);
    comp[c] = static_cast<int32_t>(static_cast<uint32_t>(bias[c]) -
                                   static_cast<uint32_t>(zpX + xOffset) * sum);
    if (fixedPoint) {
      fpMult[c] = requant.fixed[c].multiplier;
      fpLeft[c] = requant.fixed[c].leftShift();
      fpRight[c] = requant.fixed[c].rightShift();
    } else {
      mult[c] = requant.multipliers[c];
    }
  }
  Type elt = lowering::int8OperandElementType(k, ctx);
  SmallVector<APInt> wBits;
  for (int64_t v : packed)
    wBits.push_back(APInt(elt.getIntOrFloatBitWidth(), v, /*isSigned=*/true));
  PackedLayer out;
  out.kGroups = kGroups;
  out.w = constantBuffer(
      rewriter, op, "w",
      DenseElementsAttr::get(
          RankedTensorType::get({static_cast<int64_t>(packed.size())}, elt),
          wBits));
  out.comp = constantBuffer(
      rewriter, op, "comp",
      DenseElementsAttr::get(RankedTensorType::get({np}, rewriter.getI32Type()),
                             ArrayRef(comp)));
  auto i32T = RankedTensorType::get({np}, rewriter.getI32Type());
  if (fixedPoint) {
    out.fpMult = constantBuffer(rewriter, op, "fp_mult",
                                DenseElementsAttr::get(i32T, ArrayRef(fpMult)));
    out.fpLeft = constantBuffer(rewriter, op, "fp_left",
                                DenseElementsAttr::get(i32T, ArrayRef(fpLeft)));
    out.fpRight =
        constantBuffer(rewriter, op, "fp_right",
                       DenseElementsAttr::get(i32T, ArrayRef(fpRight)));
    return out;
  }
  out.mult = constantBuffer(
      rewriter, op, "mult",
      DenseElementsAttr::get(RankedTensorType::get({np}, rewriter.getF32Type()),
                             ArrayRef(mult)));
  return out;
}

/// Whether x's bytes enter the kernel as x ^ 0x80: when the instruction
/// reads them with the other signedness (int8 x into vpdpbusd/usdot: x +
/// 128 as uint8; uint8 x into sdot: x - 128 as int8).
static bool flipsX(const target::Int8Tile &k, bool xSigned) {
  return !k.wide && xSigned != k.lhsSigned;
}

/// The zero-point shift the flip adds: sum_k x' * w = sum_k x * w +
/// offset * sum_k w.
static int64_t xOffset(const target::Int8Tile &k, bool xSigned) {
  if (!flipsX(k, xSigned))
    return 0;
  return xSigned ? 128 : -128;
}

/// x's storage values prepared for the kernel, [M][K] -> [M][kGroups*G]:
/// flipped as above, or widened to 16 bits (zero- or sign-extended); K is
/// zero-padded to whole groups (the padded weights are zero too).
static Value prepareRows(PatternRewriter &rewriter, Location loc,
                         const target::Int8Tile &k, Value x2, bool xSigned,
                         int64_t kGroups) {
  auto t = cast<RankedTensorType>(x2.getType());
  int64_t m = t.getDimSize(0), kDim = t.getDimSize(1);
  Type elt = lowering::int8OperandElementType(k, rewriter.getContext());
  bool flip = flipsX(k, xSigned);
  if (flip || k.wide)
    x2 = lowering::buildElementwise(
        rewriter, loc, RankedTensorType::get({m, kDim}, elt), {x2}, x2,
        [&](OpBuilder &b, Location l, ValueRange v) -> Value {
          if (flip)
            return arith::XOrIOp::create(
                b, l, v[0],
                arith::ConstantOp::create(b, l, b.getIntegerAttr(elt, -128)));
          if (xSigned)
            return arith::ExtSIOp::create(b, l, elt, v[0]);
          return arith::ExtUIOp::create(b, l, elt, v[0]);
        });
  int64_t padded = kGroups * k.group;
  // 2x8 matrix tiles take rows in pairs.
  int64_t mPadded = k.mmla ? llvm::alignTo(m, 2) : m;
  if (padded != kDim || mPadded != m)
    x2 = lowering::padConstant(
        rewriter, loc, RankedTensorType::get({mPadded, padded}, elt), x2,
        {0, 0}, {mPadded - m, padded - kDim},
        arith::ConstantOp::create(rewriter, loc,
                                  rewriter.getIntegerAttr(elt, 0)));
  return x2;
}

/// Runs the GEMM on tensor rows `x2` ([M][kGroups*G]), returning the
/// [M][N] storage tensor of the result.
static Value runGemm(PatternRewriter &rewriter, Location loc,
                     const target::Int8Tile &k, Value x2, int64_t m,
                     const PackedLayer &layer, int64_t n, int64_t zpY,
                     int64_t lo, int64_t hi, int64_t threads) {
  auto t = cast<RankedTensorType>(x2.getType());
  int64_t rows = t.getDimSize(0); // m, or m rounded up to pairs for mmla
  Value xBuf = bufferization::ToBufferOp::create(
      rewriter, loc, MemRefType::get(t.getShape(), t.getElementType()), x2,
      /*read_only=*/true);
  auto yT = MemRefType::get({rows, n}, rewriter.getI8Type());
  Value y = memref::AllocOp::create(rewriter, loc, yT,
                                    rewriter.getI64IntegerAttr(64));
  // The tiles count row pairs for mmla.
  lowering::Int8Gemm p{k.mmla ? rows / 2 : rows,
                       n,
                       layer.kGroups,
                       xBuf,
                       layer.w,
                       layer.comp,
                       layer.mult,
                       layer.fpMult,
                       layer.fpLeft,
                       layer.fpRight,
                       y,
                       zpY,
                       lo,
                       hi};
  p.threads = threads;
  lowering::emitInt8Gemm(rewriter, loc, k, p);
  Value r = bufferization::ToTensorOp::create(
      rewriter, loc, RankedTensorType::get({rows, n}, rewriter.getI8Type()), y,
      /*restrict=*/true, /*writable=*/true);
  if (rows != m)
    r = tensor::ExtractSliceOp::create(
        rewriter, loc, RankedTensorType::get({m, n}, rewriter.getI8Type()), r,
        ValueRange{}, ValueRange{}, ValueRange{}, ArrayRef<int64_t>{0, 0},
        ArrayRef<int64_t>{m, n}, ArrayRef<int64_t>{1, 1});
  return r;
}

/// The side of transposeBytes' square blocks.
constexpr int64_t kTransposeBlock = 16;

/// Transposes the 16x16 block at rows [r0, r0 + 16), columns [c0, c0 + 16)
/// of batch `n` of the [B][R][C] bytes `in` into `out` ([B][C][R]): 16 row
/// loads, a pairwise concatenation tree, one 256-byte shuffle and 16 row
/// stores.
static void transposeBlock(OpBuilder &b, Location l, Value in, Value out,
                           Value n, Value r0, Value c0) {
  constexpr int64_t kB = kTransposeBlock;
  auto rowT = VectorType::get({kB}, b.getI8Type());
  // Concatenation masks for a pairwise tree, then the 256-byte transpose.
  auto concat = [](int64_t n) {
    SmallVector<int64_t> m(2 * n);
    std::iota(m.begin(), m.end(), 0);
    return m;
  };
  SmallVector<int64_t> transpose(kB * kB);
  for (int64_t i = 0; i < kB; ++i)
    for (int64_t j = 0; j < kB; ++j)
      transpose[j * kB + i] = i * kB + j;
  SmallVector<Value> parts;
  for (int64_t i = 0; i < kB; ++i)
    parts.push_back(vector::LoadOp::create(
        b, l, rowT, in,
        ValueRange{n, arith::AddIOp::create(b, l, r0, idx(b, l, i)), c0}));
  for (int64_t len = kB; parts.size() > 1; len *= 2) {
    SmallVector<Value> next;
    for (size_t i = 0; i < parts.size(); i += 2)
      next.push_back(
          vector::ShuffleOp::create(b, l, parts[i], parts[i + 1], concat(len)));
    parts = std::move(next);
  }
  Value tr = vector::ShuffleOp::create(b, l, parts[0], parts[0], transpose);
  for (int64_t j = 0; j < kB; ++j) {
    Value row = vector::ExtractStridedSliceOp::create(
        b, l, tr, ArrayRef<int64_t>{j * kB}, ArrayRef<int64_t>{kB},
        ArrayRef<int64_t>{1});
    vector::StoreOp::create(
        b, l, row, out,
        ValueRange{n, arith::AddIOp::create(b, l, c0, idx(b, l, j)), r0});
  }
}

/// Copies rows [rLo, rHi) x columns [cLo, cHi) of batch `n` of `in` byte by
/// byte, transposed, into `out`.
static void copyStrip(OpBuilder &b, Location l, Value in, Value out, Value n,
                      int64_t rLo, int64_t rHi, int64_t cLo, int64_t cHi) {
  if (rLo >= rHi || cLo >= cHi)
    return;
  scf::ForOp::create(
      b, l, idx(b, l, rLo), idx(b, l, rHi), idx(b, l, 1), ValueRange{},
      [&](OpBuilder &b, Location l, Value r, ValueRange) {
        scf::ForOp::create(
            b, l, idx(b, l, cLo), idx(b, l, cHi), idx(b, l, 1), ValueRange{},
            [&](OpBuilder &b, Location l, Value c, ValueRange) {
              Value v = memref::LoadOp::create(b, l, in, ValueRange{n, r, c});
              memref::StoreOp::create(b, l, v, out, ValueRange{n, c, r});
              scf::YieldOp::create(b, l);
            });
        scf::YieldOp::create(b, l);
      });
}

/// Copies [B][R][C] bytes to [B][C][R]. linalg.transpose becomes a byte
/// loop with a strided side, which took about half of a batch-256 CNN's
/// time; here each 16x16 block is 16 row loads, one byte shuffle (vpermi2b
/// with AVX-512 VBMI, tbl on Arm) and 16 row stores (transposeBlock). The
/// edge strips that do not fill a block are copied byte by byte.
static Value transposeBytes(PatternRewriter &rewriter, Location loc,
                            Value src) {
  constexpr int64_t kB = kTransposeBlock;
  auto t = cast<RankedTensorType>(src.getType());
  int64_t batch = t.getDimSize(0), rows = t.getDimSize(1),
          cols = t.getDimSize(2);
  Type i8 = rewriter.getI8Type();
  auto outT = RankedTensorType::get({batch, cols, rows}, i8);
  if (rows == 1 || cols == 1)
    return tensor::ReshapeOp::create(
        rewriter, loc, outT, src,
        arith::ConstantOp::create(
            rewriter, loc, rewriter.getIndexTensorAttr({batch, cols, rows})));
  Value in = bufferization::ToBufferOp::create(
      rewriter, loc, MemRefType::get(t.getShape(), i8), src,
      /*read_only=*/true);
  Value out = memref::AllocOp::create(rewriter, loc,
                                      MemRefType::get(outT.getShape(), i8),
                                      rewriter.getI64IntegerAttr(64));
  int64_t fullR = rows / kB * kB, fullC = cols / kB * kB;
  scf::ForOp::create(
      rewriter, loc, idx(rewriter, loc, 0), idx(rewriter, loc, batch),
      idx(rewriter, loc, 1), ValueRange{},
      [&](OpBuilder &b, Location l, Value n, ValueRange) {
        scf::ForOp::create(
            b, l, idx(b, l, 0), idx(b, l, fullR), idx(b, l, kB), ValueRange{},
            [&](OpBuilder &b, Location l, Value r0, ValueRange) {
              scf::ForOp::create(
                  b, l, idx(b, l, 0), idx(b, l, fullC), idx(b, l, kB),
                  ValueRange{},
                  [&](OpBuilder &b, Location l, Value c0, ValueRange) {
                    transposeBlock(b, l, in, out, n, r0, c0);
                    scf::YieldOp::create(b, l);
                  });
              scf::YieldOp::create(b, l);
            });
        // Edges: rows [fullR, rows) x all columns, then rows [0, fullR) x
        // columns [fullC, cols).
        copyStrip(b, l, in, out, n, fullR, rows, 0, cols);
        copyStrip(b, l, in, out, n, 0, fullR, fullC, cols);
        scf::YieldOp::create(b, l);
      });
  return bufferization::ToTensorOp::create(rewriter, loc, outT, out,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}

/// The requant constants of a qlinear/qconv2d per its `requant` attribute,
/// computed by the generic lowering's functions.
static LayerRequant layerRequant(RequantKind kind, Type xType, Type wType,
                                 Type yType, int64_t channels) {
  LayerRequant r;
  if (kind == RequantKind::FixedPoint)
    r.fixed = lowering::fixedPointMultipliers(xType, wType, yType, channels);
  else
    r.multipliers = lowering::requantMultipliers(xType, wType, yType, channels);
  return r;
}

static Value toStorage(PatternRewriter &rewriter, Location loc, Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  auto q = cast<quant::QuantizedType>(t.getElementType());
  return quant::StorageCastOp::create(rewriter, loc,
                                      t.clone(q.getStorageType()), v);
}

namespace {
/// What the kernel patterns need of a qlinear/qconv2d: a static per-tensor
/// input, a per-tensor result and the weights and bias as constants (they
/// are packed at compile time).
struct LayerOperands {
  quant::UniformQuantizedType qx, qy;
  SmallVector<int64_t> w, bias;
};
} // namespace

template <typename LayerOp>
static FailureOr<LayerOperands> matchLayerOperands(LayerOp op,
                                                   PatternRewriter &rewriter) {
  LayerOperands m;
  m.qx = getPerTensorType(op.getInput().getType());
  m.qy = getPerTensorType(op.getType());
  if (!m.qx || !m.qy || !op.getInput().getType().hasStaticShape())
    return rewriter.notifyMatchFailure(op, "needs static per-tensor x and y");
  std::optional<SmallVector<int64_t>> w = constantInts(op.getWeight());
  std::optional<SmallVector<int64_t>> bias = constantInts(op.getBias());
  if (!w || !bias)
    return rewriter.notifyMatchFailure(op, "weights or bias not constant");
  m.w = std::move(*w);
  m.bias = std::move(*bias);
  return m;
}

namespace {
struct QLinearToKernel : OpRewritePattern<QLinearOp> {
  QLinearToKernel(MLIRContext *ctx, target::Int8Tile k, int64_t threads)
      : OpRewritePattern(ctx), k(k), threads(threads) {}
  LogicalResult matchAndRewrite(QLinearOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<LayerOperands> m = matchLayerOperands(op, rewriter);
    if (failed(m))
      return failure();
    auto xT = op.getInput().getType();
    Location loc = op.getLoc();
    int64_t kDim = xT.getDimSize(1); // x is [N, K] (verified).
    int64_t n = op.getWeight().getType().getDimSize(0);
    bool xSigned = m->qx.isSigned();
    PackedLayer layer =
        packLayer(rewriter, op, k, m->w, m->bias, n, kDim, m->qx.getZeroPoint(),
                  xOffset(k, xSigned),
                  layerRequant(op.getRequant(), xT, op.getWeight().getType(),
                               op.getType(), n));
    Value x2 =
        prepareRows(rewriter, loc, k, toStorage(rewriter, loc, op.getInput()),
                    xSigned, layer.kGroups);
    Value y =
        runGemm(rewriter, loc, k, x2, xT.getDimSize(0), layer, n,
                m->qy.getZeroPoint(), static_cast<int64_t>(op.getClampMin()),
                static_cast<int64_t>(op.getClampMax()), threads);
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, op.getType(), y);
    return success();
  }
  target::Int8Tile k;
  int64_t threads;
};

/// im2col with output pixels as rows ([N*OH*OW][KH*KW*C], from an NHWC
/// copy of the input; the weights are permuted to match at compile time),
/// the GEMM, then back to NCHW.
struct QConv2dToKernel : OpRewritePattern<QConv2dOp> {
  QConv2dToKernel(MLIRContext *ctx, target::Int8Tile k, int64_t threads)
      : OpRewritePattern(ctx), k(k), threads(threads) {}
  LogicalResult matchAndRewrite(QConv2dOp op,
                                PatternRewriter &rewriter) const override {
    if (auto g = op->getAttrOfType<IntegerAttr>("groups"); g && g.getInt() != 1)
      return rewriter.notifyMatchFailure(op, "grouped convolution");
    FailureOr<LayerOperands> m = matchLayerOperands(op, rewriter);
    if (failed(m))
      return failure();
    auto qx = m->qx;
    auto xT = op.getInput().getType();
    auto wT = op.getWeight().getType();
    auto yT = op.getType();
    Location loc = op.getLoc();
    int64_t n = xT.getDimSize(0), c = xT.getDimSize(1);
    int64_t o = wT.getDimSize(0), kh = wT.getDimSize(2), kw = wT.getDimSize(3);
    int64_t oh = yT.getDimSize(2), ow = yT.getDimSize(3);
    int64_t kDim = c * kh * kw;
    bool xSigned = qx.isSigned();
    // The column matrix orders k as (kh, kw, c) (see below): the weights
    // follow, permuted from OIHW at compile time.
    SmallVector<int64_t> wHwc(m->w.size());
    for (int64_t oo = 0; oo < o; ++oo)
      for (int64_t cc = 0; cc < c; ++cc)
        for (int64_t a = 0; a < kh; ++a)
          for (int64_t bb = 0; bb < kw; ++bb)
            wHwc[((oo * kh + a) * kw + bb) * c + cc] =
                m->w[((oo * c + cc) * kh + a) * kw + bb];
    PackedLayer layer = packLayer(rewriter, op, k, wHwc, m->bias, o, kDim,
                                  qx.getZeroPoint(), xOffset(k, xSigned),
                                  layerRequant(op.getRequant(), xT, wT, yT, o));

    // Padding holds the input zero point (the real value 0).
    Type i8 = rewriter.getI8Type();
    Value x = lowering::padWithZeroPoint(
        rewriter, loc, toStorage(rewriter, loc, op.getInput()),
        qx.getZeroPoint(), normalizePads(op.getPadding()));
    ArrayRef<int64_t> s = op.getStrides(), d = op.getDilation();
    // NCHW -> NHWC once, so that each (output pixel, kh, kw) of the column
    // matrix is a contiguous run of C bytes: the im2col copy vectorizes
    // instead of gathering single bytes from C planes.
    auto xpT = cast<RankedTensorType>(x.getType());
    int64_t hp = xpT.getDimSize(2), wp = xpT.getDimSize(3);
    Value xNhwc = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({n, hp, wp, c}, i8),
        transposeBytes(
            rewriter, loc,
            tensor::CollapseShapeOp::create(
                rewriter, loc, x,
                SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}})),
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
    // [N, OH * OW, KH * KW * C] -> [N * OH * OW, KH * KW * C]
    Value col = lowering::buildIm2colRows(rewriter, loc, xNhwc, {kh, kw}, s, d,
                                          {oh, ow}, /*blocked=*/false,
                                          /*channelsLast=*/true);
    Value col2 = tensor::CollapseShapeOp::create(
        rewriter, loc, col, SmallVector<ReassociationIndices>{{0, 1}, {2}});
    Value x2 = prepareRows(rewriter, loc, k, col2, xSigned, layer.kGroups);
    Value y2 =
        runGemm(rewriter, loc, k, x2, n * oh * ow, layer, o,
                m->qy.getZeroPoint(), static_cast<int64_t>(op.getClampMin()),
                static_cast<int64_t>(op.getClampMax()), threads);
    // [N*P][O] -> [N][P][O] -> [N][O][P] -> [N][O][OH][OW]
    Value y3 = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get({n, oh * ow, o}, i8), y2,
        SmallVector<ReassociationIndices>{{0, 1}, {2}});
    Value t = transposeBytes(rewriter, loc, y3);
    Value y4 = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(yT.getShape(), i8), t,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    rewriter.replaceOpWithNewOp<quant::StorageCastOp>(op, op.getType(), y4);
    return success();
  }
  target::Int8Tile k;
  int64_t threads;
};
} // namespace

FailureOr<const target::Int8Tile *> qat::parseInt8KernelIsa(MLIRContext *ctx,
                                                            StringRef pass,
                                                            StringRef isa,
                                                            target::Arch arch) {
  // "host" names the best of an x86 host: not an Arm ISA.
  bool x86 = arch == target::Arch::X86_64;
  std::optional<const target::Isa *> parsed =
      isa == "host" && !x86 ? std::nullopt : target::parseKernelIsa(isa, arch);
  if (!parsed)
    return emitError(UnknownLoc::get(ctx))
           << "--" << pass << ": unknown isa '" << isa << "' ("
           << target::isaNames(arch, /*withInt8Only=*/true)
           << (x86 ? ", generic, host)" : ", generic)");
  if (!*parsed || !(*parsed)->int8)
    return static_cast<const target::Int8Tile *>(nullptr);
  return &*(*parsed)->int8;
}

void qat::lowerInt8Layers(Operation *root, const target::Int8Tile *tile,
                          int64_t threads) {
  if (!tile)
    return;
  RewritePatternSet patterns(root->getContext());
  populateInt8KernelPatterns(patterns, *tile, threads);
  // Each layer is rewritten once, in place; no fixpoint to iterate to.
  walkAndApplyPatterns(root, std::move(patterns));
}

void qat::populateInt8KernelPatterns(RewritePatternSet &patterns,
                                     const target::Int8Tile &isa,
                                     int64_t threads) {
  patterns.add<QLinearToKernel, QConv2dToKernel>(patterns.getContext(), isa,
                                                 threads);
}

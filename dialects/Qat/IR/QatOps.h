//===- QatOps.h - qat dialect operations ------------------------*- C++ -*-===//

#ifndef QAT_DIALECT_QAT_IR_QATOPS_H
#define QAT_DIALECT_QAT_IR_QATOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "Qat/IR/QatAttrs.h"
#include "Qat/IR/QatDialect.h"

#define GET_OP_CLASSES
#include "Qat/IR/QatOps.h.inc"

namespace mlir::qat {
/// Output extent of a sliding window (conv or pool) along one axis, with
/// PyTorch's rule for ceil_mode (the last window must start inside the
/// input or the low padding). Returns a value < 1 if no window fits.
int64_t getWindowOutputSize(int64_t in, int64_t kernel, int64_t stride,
                            int64_t padLo, int64_t padHi, int64_t dilation,
                            bool ceilMode);

/// The per-tensor quantized element type of `t` (a tensor type or an
/// element type), or null.
quant::UniformQuantizedType getPerTensorType(Type t);

/// The scale of output channel `c` of quantized weights: per tensor, or per
/// axis along axis 0.
float getWeightScale(Type weight, int64_t c);

/// Normalizes `[h, w]` or `[top, left, bottom, right]` padding to the
/// 4-element form.
SmallVector<int64_t, 4> normalizePads(ArrayRef<int64_t> pads);

/// Discardable attributes of --qat-fuse: an op inside a fused group (its
/// output is not quantized on its own), and the BN-scaled weight of a
/// ConvBn group (the value its weight fake-quant sees).
inline constexpr llvm::StringLiteral kFusedAttrName = "qat.fused";
inline constexpr llvm::StringLiteral kBnFoldedWeightAttrName =
    "qat.bn_folded_weight";

/// Module attribute (a `#qat.requant`) recording the requant a quantization
/// preset chose (--qat-prepare="preset=tflite" records `fixed_point`), which
/// `--qat-convert="requant=auto"` then puts on every integer op. It rides
/// along in the model file through training.
inline constexpr llvm::StringLiteral kRequantAttrName = "qat.requant";

/// The largest batch qat-import --batch, qat-compile --batch and
/// --qat-set-batch accept: 2^24 records keep every layer's element count
/// far from int64 (a batch near INT64_MAX overflowed the lowering's index
/// arithmetic).
inline constexpr int64_t kMaxBatch = int64_t(1) << 24;

/// Adds `qat.param [state] @name = init` after the module's last parameter,
/// suffixing the name (`_1`, `_2`, ...) if `symbols` already has it, and
/// registers it in `symbols`.
ParamOp createModuleParam(ModuleOp module, SymbolTable &symbols, StringRef name,
                          ElementsAttr init, bool state);

/// Maps a verified, possibly negative axis attribute into [0, rank). I64Attr
/// getters return uint64_t: pass them through here, never compare with 0.
inline int64_t getNormalizedAxis(uint64_t axis, int64_t rank) {
  auto a = static_cast<int64_t>(axis);
  return a < 0 ? a + rank : a;
}
} // namespace mlir::qat

#endif // QAT_DIALECT_QAT_IR_QATOPS_H

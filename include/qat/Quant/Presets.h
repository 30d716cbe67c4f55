//===- Presets.h - quantization presets (qconfigs) --------------*- C++ -*-===//
//
// The qconfigs named by --qat-prepare="preset=...", as docs/numerics.md defines
// them (PyTorch 1.13 defaults where PyTorch has one).
//
//===----------------------------------------------------------------------===//

#ifndef QAT_QUANT_PRESETS_H
#define QAT_QUANT_PRESETS_H

#include "Qat/IR/QatAttrs.h"

#include "mlir/Support/LLVM.h"

#include <optional>
#include <string>

namespace mlir::qat {

/// How one kind of tensor (activations, or weights) is quantized.
struct QuantSpecConfig {
  bool isUnsigned = true;
  /// Bits of the integer type, 2 to 8 (docs/numerics.md#low-bit-widths).
  unsigned bits = 8;
  /// PyTorch's reduce_range: one bit less than `bits` (uint8 [0, 127]).
  bool reduceRange = false;
  /// The range, kept in step with the fields above by setRange.
  int64_t qmin = 0;
  int64_t qmax = 255;
  bool symmetric = false;
  bool perChannel = false;
  bool narrowRange = false;
  ObserverKind observer = ObserverKind::moving_average;
  double averagingConstant = 0.01;
  bool learnable = false;
  bool gradScaling = false;
  bool tfSte = false;

  /// The attribute for a tensor quantized along `axis` (if per-channel).
  QSpecAttr toAttr(MLIRContext *ctx, int64_t axis) const;
  /// Sets the type (signedness and bits), keeping the range's kind (full,
  /// or the narrow/reduced variant already chosen).
  void setDtype(bool isUnsignedType, unsigned numBits);
  void setReduceRange(bool reduce);
  void setNarrowRange(bool narrow);

private:
  /// Recomputes [qmin, qmax] from the type and the range's kind.
  void setRange();
};

struct QuantPreset {
  std::string name;
  QuantSpecConfig activation;
  QuantSpecConfig linearWeight;
  QuantSpecConfig convWeight;
  /// Target family named in the legality report (x86, arm, tflite).
  std::string target;
  /// The requant of the integer graph: TFLite's fixed point for `tflite`,
  /// docs/numerics.md's float32 requant otherwise. --qat-prepare records it on
  /// the module for --qat-convert="requant=auto".
  RequantKind requant = RequantKind::Float;
};

/// The preset called `name`, or nullopt.
std::optional<QuantPreset> lookupPreset(StringRef name);

/// Names of every preset, for error messages.
std::string getPresetNames();

} // namespace mlir::qat

#endif // QAT_QUANT_PRESETS_H

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
  /// Sets the storage type, keeping the range in step (full, or the
  /// narrow/reduced variant already chosen).
  void setDtype(bool isUnsignedType);
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

//===- QatAttrs.cpp - qat dialect attributes ------------------------------===//

#include "Qat/IR/QatAttrs.h"
#include "Qat/IR/QatDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qat;

#include "Qat/IR/QatEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Qat/IR/QatAttrs.cpp.inc"

void QatDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Qat/IR/QatAttrs.cpp.inc"
      >();
}

LogicalResult QSpecAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                IntegerType dtype, int64_t qmin, int64_t qmax,
                                bool symmetric, std::optional<int64_t> axis,
                                bool narrowRange, ObserverKind observer,
                                FloatAttr averagingConstant, bool learnable,
                                bool gradScaling, bool tfSte) {
  unsigned width = dtype.getWidth();
  if (width < 2 || width > 16)
    return emitError() << "dtype must be an integer type of 2 to 16 bits, got "
                       << dtype;
  bool isUnsigned = dtype.isUnsigned();
  int64_t lo = isUnsigned ? 0 : -(int64_t(1) << (width - 1));
  int64_t hi =
      isUnsigned ? (int64_t(1) << width) - 1 : (int64_t(1) << (width - 1)) - 1;
  if (qmin > qmax)
    return emitError() << "qmin (" << qmin << ") must not exceed qmax (" << qmax
                       << ")";
  if (qmin == qmax)
    return emitError() << "qmin and qmax must differ, both are " << qmin;
  if (qmin < lo || qmax > hi)
    return emitError() << "range [" << qmin << ", " << qmax
                       << "] does not fit dtype " << dtype << " [" << lo << ", "
                       << hi << "]";
  if (narrowRange && qmin != lo + 1)
    return emitError() << "narrow_range requires qmin = " << lo + 1
                       << " for dtype " << dtype << ", got " << qmin;
  if (axis && *axis < 0)
    return emitError() << "per-channel axis must be non-negative, got "
                       << *axis;
  if (averagingConstant) {
    double c = averagingConstant.getValueAsDouble();
    if (!(c > 0.0 && c <= 1.0))
      return emitError() << "averaging_constant must be in (0, 1], got " << c;
    if (observer != ObserverKind::moving_average &&
        observer != ObserverKind::ema)
      return emitError() << "averaging_constant is only meaningful for the "
                            "moving_average and ema observers";
  }
  if (gradScaling && !learnable)
    return emitError() << "grad_scaling applies to learnable qparams only";
  return success();
}

double QSpecAttr::getAveragingConstantOrDefault() const {
  if (FloatAttr c = getAveragingConstant())
    return c.getValueAsDouble();
  return 0.01;
}

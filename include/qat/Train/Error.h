//===- Error.h - errors of the trainer library ------------------*- C++ -*-===//
//
// The trainer returns llvm::Error. Most errors carry their message; a
// failure that was already reported as MLIR diagnostics (a pass failed,
// a verifier rejected the model) is a DiagnosedError, which the tool does
// not print again.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_TRAIN_ERROR_H
#define QAT_TRAIN_ERROR_H

#include "llvm/Support/Error.h"

namespace mlir::qat {

/// A failure already reported through the MLIR diagnostic engine.
class DiagnosedError : public llvm::ErrorInfo<DiagnosedError> {
public:
  static char ID;
  void log(llvm::raw_ostream &os) const override {
    os << "failure reported as diagnostics";
  }
  std::error_code convertToErrorCode() const override {
    return llvm::inconvertibleErrorCode();
  }
};

/// Returns a DiagnosedError.
inline llvm::Error makeDiagnosedError() {
  return llvm::make_error<DiagnosedError>();
}

/// Returns an error with the message `msg`.
inline llvm::Error makeTrainError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

} // namespace mlir::qat

#endif // QAT_TRAIN_ERROR_H

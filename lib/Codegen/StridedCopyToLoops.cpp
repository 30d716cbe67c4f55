//===- StridedCopyToLoops.cpp - no memrefCopy calls in generated code -----===//

#include "qat/Codegen/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

namespace mlir::qat {
#define GEN_PASS_DEF_STRIDEDCOPYTOLOOPS
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;

namespace {
struct StridedCopyToLoopsPass
    : qat::impl::StridedCopyToLoopsBase<StridedCopyToLoopsPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp c) {
      auto src = cast<MemRefType>(c.getSource().getType());
      auto dst = cast<MemRefType>(c.getTarget().getType());
      if (!src.getLayout().isIdentity() || !dst.getLayout().isIdentity())
        copies.push_back(c);
    });
    for (memref::CopyOp c : copies) {
      OpBuilder b(c);
      linalg::CopyOp::create(b, c.getLoc(), c.getSource(), c.getTarget());
      c.erase();
    }
  }
};
} // namespace

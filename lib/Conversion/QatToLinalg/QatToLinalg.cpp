//===- QatToLinalg.cpp - convert-qat-to-linalg pass -----------------------===//
//
// Lowers qat model ops to destination-style linalg on tensors and the
// module-level parameters to ml_program globals.
//
//===----------------------------------------------------------------------===//

#include "qat/Conversion/Passes.h"

#include "PatternUtils.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

namespace mlir::qat {
#define GEN_PASS_DEF_CONVERTQATTOLINALG
#include "qat/Conversion/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::lowering;

void mlir::qat::populateQatToLinalgConversionPatterns(
    RewritePatternSet &patterns, bool im2col, int64_t threads) {
  populateParamPatterns(patterns);
  populateLayerPatterns(patterns, im2col, threads);
  populateElementwisePatterns(patterns);
  populatePoolAndShapePatterns(patterns);
  populateLossPatterns(patterns);
  populateQuantPatterns(patterns);
  populateLayerGradPatterns(patterns, threads);
  populateConv2dGradPatterns(patterns, im2col, threads);
  populatePoolGradPatterns(patterns);
  populateLossGradPatterns(patterns);
  populateOptimizerPatterns(patterns);
}

namespace {
struct ConvertQatToLinalgPass
    : qat::impl::ConvertQatToLinalgBase<ConvertQatToLinalgPass> {
  using ConvertQatToLinalgBase::ConvertQatToLinalgBase;
  /// The tiled GEMMs (buildTiledGemm) are scf loops over vector ops.
  void getDependentDialects(DialectRegistry &registry) const override {
    ConvertQatToLinalgBase::getDependentDialects(registry);
    registry.insert<scf::SCFDialect, vector::VectorDialect>();
  }
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<QatDialect>();
    // Kernel building blocks (--qat-lower-x86) lower after bufferization.
    target.addLegalOp<DotAccumulateOp, MmlaAccumulateOp>();
    target.addLegalDialect<
        arith::ArithDialect, bufferization::BufferizationDialect,
        linalg::LinalgDialect, math::MathDialect, memref::MemRefDialect,
        tensor::TensorDialect, func::FuncDialect, scf::SCFDialect,
        vector::VectorDialect>();
    target.addLegalOp<ModuleOp>();
    target.addIllegalDialect<quant::QuantDialect>();
    TypeConverter converter;
    addQuantTypeConversions(converter);
    if (blockPools)
      getOperation()->walk(
          [&](func::FuncOp f) { markPoolBlockedPixels(f, im2col); });
    RewritePatternSet patterns(ctx);
    populateQatToLinalgConversionPatterns(patterns, im2col, threads);
    populateIntPatterns(patterns, converter);
    populateIntLayerPatterns(patterns, converter);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

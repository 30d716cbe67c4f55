//===- FoldBatchNorm.cpp - ConvBn groups folded for calibration (PTQ) -----===//
//
// PyTorch's static quantization folds conv + batch norm on the running
// statistics before calibrating; this pass does it to the ConvBn groups of a
// prepared model, with the values --qat-convert folds (FrozenModelReader).
//
//===----------------------------------------------------------------------===//

#include "qat/Quant/Freeze.h"
#include "qat/Quant/Passes.h"

#include "Qat/IR/QatOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"

namespace mlir::qat {
#define GEN_PASS_DEF_FOLDBATCHNORM
#include "qat/Quant/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

/// Writes `values` (shaped as `param`) into the parameter `load` reads.
static void setParamValues(SymbolTable &symbols, LoadOp load,
                           ArrayRef<float> values) {
  auto param = symbols.lookup<ParamOp>(load.getName());
  param.setInitialValueAttr(DenseElementsAttr::get(param.getType(), values));
}

namespace {
struct FoldBatchNormPass : qat::impl::FoldBatchNormBase<FoldBatchNormPass> {
  void runOnOperation() override;

  /// Folds the group of `conv`, whose weight fake_quant is `wfq`.
  LogicalResult fold(Conv2dOp conv, FakeQuantOp wfq, ConvBnGroup group,
                     SymbolTable &symbols, FrozenModelReader &reader);
};
} // namespace

LogicalResult FoldBatchNormPass::fold(Conv2dOp conv, FakeQuantOp wfq,
                                      ConvBnGroup group, SymbolTable &symbols,
                                      FrozenModelReader &reader) {
  SmallVector<float> weights, bias;
  if (failed(reader.getLayerValues(conv, wfq, group, weights, bias)))
    return failure();
  // getLayerValues read both through qat.load of f32 parameters.
  auto wLoad = group.bnWeight.getLhs().getDefiningOp<LoadOp>();
  setParamValues(symbols, wLoad, weights);
  OpBuilder b(group.bn);
  Value biasValue;
  if (group.convBias) {
    auto bLoad = group.convBias.getDefiningOp<LoadOp>();
    setParamValues(symbols, bLoad, bias);
    biasValue =
        LoadOp::create(b, conv.getLoc(), bLoad.getType(), bLoad.getNameAttr());
  } else {
    StringRef wName = wLoad.getName();
    std::string base =
        wName.ends_with(".weight") ? wName.drop_back(7).str() : wName.str();
    auto type = RankedTensorType::get({int64_t(bias.size())}, b.getF32Type());
    ParamOp param =
        createModuleParam(getOperation(), symbols, base + ".bias",
                          DenseElementsAttr::get(type, ArrayRef(bias)), false);
    biasValue =
        LoadOp::create(b, conv.getLoc(), type, param.getSymNameAttr().str());
  }
  // The observer and the fake_quant read the weight itself now.
  group.bnWeight.getResult().replaceAllUsesWith(group.bnWeight.getLhs());
  // Created at the batch norm, which every operand of the conv dominates.
  auto folded = Conv2dOp::create(
      b, conv.getLoc(), group.bn.getResult().getType(), conv.getInput(),
      conv.getWeight(), biasValue, conv.getStridesAttr(), conv.getPaddingAttr(),
      conv.getDilationAttr(), conv.getGroupsAttr());
  // A ReLU after the batch norm is fused with the conv now.
  if (group.bn->hasAttr(kFusedAttrName))
    folded->setAttr(kFusedAttrName, b.getUnitAttr());
  group.bn.getResult().replaceAllUsesWith(folded.getResult());
  // Nothing reads the new running statistics in a model function; any
  // store of them goes with the batch norm.
  for (Value stat : {group.bn.getNewRunningMean(), group.bn.getNewRunningVar()})
    for (Operation *user : llvm::make_early_inc_range(stat.getUsers()))
      if (isa<StoreOp>(user))
        user->erase();
  // The group's ops go in one sweep once every group is folded.
  return success();
}

void FoldBatchNormPass::runOnOperation() {
  ModuleOp module = getOperation();
  SymbolTable symbols(module);
  FrozenModelReader reader(symbols, "qat-fold-bn");
  SmallVector<std::tuple<Conv2dOp, FakeQuantOp, ConvBnGroup>> groups;
  WalkResult walk = module.walk([&](Conv2dOp conv) {
    auto wfq = conv.getWeight().getDefiningOp<FakeQuantOp>();
    if (!wfq)
      return WalkResult::advance();
    FailureOr<std::optional<ConvBnGroup>> group =
        matchConvBnGroup(conv, wfq, "qat-fold-bn");
    if (failed(group))
      return WalkResult::interrupt();
    if (*group)
      groups.push_back({conv, wfq, **group});
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return signalPassFailure();
  // The parameters only the batch norms read go with them.
  llvm::SetVector<StringRef> bnParams;
  for (auto &[conv, wfq, group] : groups)
    for (Value v : group.bn->getOperands().drop_front())
      if (auto load = v.getDefiningOp<LoadOp>())
        bnParams.insert(load.getName());
  llvm::SetVector<Block *> blocks;
  for (auto &[conv, wfq, group] : groups) {
    blocks.insert(conv->getBlock());
    if (failed(fold(conv, wfq, group, symbols, reader)))
      return signalPassFailure();
  }
  // Users follow their operands in a block: one reverse sweep erases each
  // group's chain (batch norm, scale factor, div, old conv, loads).
  for (Block *block : blocks)
    for (Operation &op : llvm::make_early_inc_range(llvm::reverse(*block)))
      if (isOpTriviallyDead(&op))
        op.erase();
  for (StringRef name : bnParams) {
    Operation *param = symbols.lookup(name);
    if (param && SymbolTable::symbolKnownUseEmpty(param, module))
      symbols.erase(param);
  }
}

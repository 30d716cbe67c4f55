//===- AotEntries.cpp - the C entry points of an AOT model ----------------===//
//
// qat-compile's front half: one inference function becomes the public
// float entry and, where the graph quantizes its inputs and dequantizes its
// outputs, a quantized entry that skips both. Everything else is dropped,
// so the object exports exactly what the C header declares.
//
//===----------------------------------------------------------------------===//

#include "qat/Codegen/Passes.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::qat {
#define GEN_PASS_DEF_AOTENTRIES
#include "qat/Codegen/Passes.h.inc"
} // namespace mlir::qat

using namespace mlir;
using namespace mlir::qat;

/// The qat.quantize an argument enters through (possibly behind a
/// qat.quant_stub), or null.
static QuantizeOp boundaryQuantize(BlockArgument arg) {
  Value v = arg;
  if (v.hasOneUse())
    if (auto stub = dyn_cast<QuantStubOp>(*v.getUsers().begin()))
      v = stub.getResult();
  if (!v.hasOneUse())
    return nullptr;
  return dyn_cast<QuantizeOp>(*v.getUsers().begin());
}

/// The qat.dequantize a result leaves through (possibly followed by a
/// qat.dequant_stub), or null.
static DequantizeOp boundaryDequantize(Value v) {
  if (auto stub = v.getDefiningOp<DequantStubOp>())
    v = stub.getInput();
  return v.getDefiningOp<DequantizeOp>();
}

/// The quantized entry exists when every argument enters through a
/// qat.quantize and every result leaves through a qat.dequantize.
static bool hasQuantizedBoundary(func::FuncOp f) {
  auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
  return llvm::all_of(f.getArguments(),
                      [](BlockArgument a) { return boundaryQuantize(a); }) &&
         llvm::all_of(ret.getOperands(),
                      [](Value v) { return boundaryDequantize(v); });
}

static void setQParamAttrs(Builder &b, quant::UniformQuantizedType q,
                           function_ref<void(StringRef, Attribute)> set) {
  set("qat.scale", b.getF64FloatAttr(q.getScale()));
  set("qat.zero_point", b.getI64IntegerAttr(q.getZeroPoint()));
  set("qat.storage", b.getStringAttr(q.isSigned() ? "int8" : "uint8"));
  set("qat.qmin", b.getI64IntegerAttr(q.getStorageTypeMin()));
  set("qat.qmax", b.getI64IntegerAttr(q.getStorageTypeMax()));
}

/// Inputs are caller-owned and read only: bufferization must not reuse
/// them for results.
static void markInputsReadOnly(func::FuncOp f) {
  Builder b(f.getContext());
  for (unsigned i = 0; i < f.getNumArguments(); ++i)
    f.setArgAttr(i, "bufferization.writable", b.getBoolAttr(false));
}

/// Clones `f` as `name` taking and returning the storage values of its
/// boundary quantize/dequantize ops, which the clone drops.
static func::FuncOp buildQuantizedEntry(func::FuncOp f, StringRef name) {
  OpBuilder b(f);
  b.setInsertionPointAfter(f);
  auto ret = cast<func::ReturnOp>(f.getBody().front().getTerminator());
  SmallVector<Type> ins, outs;
  SmallVector<quant::UniformQuantizedType> inQ, outQ;
  for (BlockArgument arg : f.getArguments()) {
    auto t = boundaryQuantize(arg).getType();
    inQ.push_back(cast<quant::UniformQuantizedType>(t.getElementType()));
    ins.push_back(t.clone(inQ.back().getStorageType()));
  }
  for (Value v : ret.getOperands()) {
    auto t = boundaryDequantize(v).getInput().getType();
    outQ.push_back(cast<quant::UniformQuantizedType>(t.getElementType()));
    outs.push_back(t.clone(outQ.back().getStorageType()));
  }
  auto qf =
      func::FuncOp::create(b, f.getLoc(), name, b.getFunctionType(ins, outs));
  Block *body = qf.addEntryBlock();
  OpBuilder fb = OpBuilder::atBlockBegin(body);
  IRMapping map;
  // The boundary quantize ops (and stubs before them) are not cloned: the
  // new arguments stand for their results.
  llvm::SmallPtrSet<Operation *, 8> skip;
  for (auto [arg, newArg] : llvm::zip(f.getArguments(), body->getArguments())) {
    QuantizeOp q = boundaryQuantize(arg);
    skip.insert(q);
    for (Operation *user : arg.getUsers())
      skip.insert(user);
    map.map(q.getResult(),
            quant::StorageCastOp::create(fb, q.getLoc(), q.getType(), newArg));
  }
  for (Operation &op : f.getBody().front().without_terminator())
    if (!skip.contains(&op))
      fb.clone(op, map);
  SmallVector<Value> results;
  for (auto [v, t] : llvm::zip(ret.getOperands(), outs)) {
    Value q = map.lookup(boundaryDequantize(v).getInput());
    results.push_back(quant::StorageCastOp::create(fb, ret.getLoc(), t, q));
  }
  func::ReturnOp::create(fb, ret.getLoc(), results);
  for (auto [i, q] : llvm::enumerate(inQ))
    setQParamAttrs(b, q,
                   [&](StringRef n, Attribute a) { qf.setArgAttr(i, n, a); });
  for (auto [i, q] : llvm::enumerate(outQ))
    setQParamAttrs(
        b, q, [&](StringRef n, Attribute a) { qf.setResultAttr(i, n, a); });
  return qf;
}

namespace {
struct AotEntriesPass : qat::impl::AotEntriesBase<AotEntriesPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto f = module.lookupSymbol<func::FuncOp>(entry);
    if (!f || f.isExternal()) {
      module.emitError() << "no function @" << entry
                         << " with a body to compile";
      return signalPassFailure();
    }
    if (prefix.empty() ||
        !llvm::all_of(prefix,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; }) ||
        llvm::isDigit(prefix[0])) {
      module.emitError() << "prefix '" << prefix << "' is not a C identifier";
      return signalPassFailure();
    }
    // Calls would need their callees exported too; models have none.
    WalkResult walk = f.walk([&](Operation *op) {
      if (isa<StoreOp>(op)) {
        op->emitError() << "an AOT model has no mutable state, but @" << entry
                        << " writes state here; compile an inference "
                           "function (e.g. the result of --qat-convert)";
        return WalkResult::interrupt();
      }
      if (isa<FakeQuantOp, ObserveOp>(op)) {
        op->emitError() << "@" << entry
                        << " still simulates quantization; run --qat-convert "
                           "first to compile its int8 graph";
        return WalkResult::interrupt();
      }
      if (isa<func::CallOp>(op)) {
        op->emitError() << "calls are not supported in an AOT entry";
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();

    std::string floatName = prefix + "_" + entry;
    // Drop every other function first so the new names cannot collide.
    for (auto other : llvm::make_early_inc_range(module.getOps<func::FuncOp>()))
      if (other != f)
        other.erase();
    f.setSymName(floatName);
    f.setPublic();
    markInputsReadOnly(f);
    if (hasQuantizedBoundary(f)) {
      func::FuncOp qf = buildQuantizedEntry(f, floatName + "_q");
      qf.setPublic();
      markInputsReadOnly(qf);
    }

    // Parameters no entry reads are dead weight in the object.
    llvm::DenseSet<StringRef> used;
    module.walk([&](LoadOp l) { used.insert(l.getName()); });
    for (auto p : llvm::make_early_inc_range(module.getOps<ParamOp>()))
      if (!used.contains(p.getSymName()))
        p.erase();
  }
};
} // namespace

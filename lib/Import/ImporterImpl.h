//===- ImporterImpl.h - ONNX importer internals -----------------*- C++ -*-===//
//
// Shared by the importer's sources: the importer state (value map, folded
// constants, Q/DQ bookkeeping), the table of op converters keyed by ONNX op
// type, and the attribute, shape and tensor helpers the converters use. The
// converters live in one file per op group (Layers, Elementwise, Shape, QDQ;
// ConvBn rewrites what Layers imports of PyTorch's ConvBn modules)
// and register themselves through a populate*Converters function, as
// torch-mlir's TorchOnnxToTorch does with its op-name ranges.
//
//===----------------------------------------------------------------------===//

#ifndef QAT_LIB_IMPORT_IMPORTERIMPL_H
#define QAT_LIB_IMPORT_IMPORTERIMPL_H

#include "qat/Import/OnnxImporter.h"

#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/Twine.h"

#include "onnx/onnx_pb.h"

#include <memory>
#include <string>
#include <vector>

namespace mlir::qat::importer {

/// Largest tensor the importer accepts (elements), far above any model qat
/// trains; guards the arithmetic on untrusted dimensions.
constexpr int64_t kMaxElements = int64_t(1) << 31;
constexpr int kMaxRank = 8;
/// Elements that constant folding may create in one model beyond twice its
/// initializers' count: shape arithmetic needs few, and the bound keeps a
/// small file (Concat of one input many times, Gather with many indices,
/// chains of copies) from folding gigabytes.
constexpr int64_t kMinFoldBudget = int64_t(1) << 24;

/// A constant tensor: an initializer, a Constant node's value, or a folded
/// shape computation. Float data for FLOAT/DOUBLE, integers otherwise.
struct Const {
  int32_t dtype = onnx::TensorProto::FLOAT;
  SmallVector<int64_t> shape;
  std::vector<float> f;
  std::vector<int64_t> i;
  /// Initializers are model parameters (trainable); constants are state.
  bool isInitializer = false;

  bool isFloat() const {
    return dtype == onnx::TensorProto::FLOAT ||
           dtype == onnx::TensorProto::DOUBLE;
  }
  int64_t numel() const {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    return n;
  }
  double at(int64_t k) const {
    return isFloat() ? static_cast<double>(f[k]) : static_cast<double>(i[k]);
  }
  /// Appends `count` elements of `src` (of the same kind) from `begin` on.
  void append(const Const &src, int64_t begin, int64_t count) {
    if (isFloat())
      f.insert(f.end(), src.f.begin() + begin, src.f.begin() + begin + count);
    else
      i.insert(i.end(), src.i.begin() + begin, src.i.begin() + begin + count);
  }
};

/// A QuantizeLinear output: what it quantizes and with which qparams.
struct Quantized {
  std::string source;
  /// What its fake-quant state is named after (`<name>_fq.scale`, ...).
  std::string name;
  std::vector<float> scale;
  std::vector<int64_t> zeroPoint;
  bool isUnsigned = true;
  int64_t axis = 1;
  /// The integer range: the storage type's, or narrower after a Clip of
  /// the quantized tensor (qat-export's reduce_range and fused ReLUs,
  /// torch.onnx's reduce_range [0, 127]).
  int64_t qmin = 0, qmax = 255;
};

//===----------------------------------------------------------------------===//
// Utilities (Utils.cpp)
//===----------------------------------------------------------------------===//

/// The ONNX name of a TensorProto data type, for diagnostics.
const char *dtypeName(int32_t t);
/// "[2,3]".
std::string shapeStr(ArrayRef<int64_t> shape);
/// The double with the shortest decimal form of `v` (1e-5f -> 1.0e-5, not
/// 9.99999974e-6), as the model's author wrote it.
double shortestDouble(float v);

/// The attribute `name` of `n`, or null.
const onnx::AttributeProto *attr(const onnx::NodeProto &n, StringRef name);
int64_t intAttr(const onnx::NodeProto &n, StringRef name, int64_t dflt);
float floatAttr(const onnx::NodeProto &n, StringRef name, float dflt);
std::string stringAttr(const onnx::NodeProto &n, StringRef name);
SmallVector<int64_t> intsAttr(const onnx::NodeProto &n, StringRef name);
/// Input `i` of `n`, empty when absent or omitted.
inline StringRef input(const onnx::NodeProto &n, int i) {
  return i < n.input_size() ? StringRef(n.input(i)) : StringRef();
}
/// Checks that `n` has `lo` to `hi` inputs (the first `lo` present). Its
/// output was checked by Importer::convertNode before any converter runs.
LogicalResult needInputs(const onnx::NodeProto &n, Location loc, int lo,
                         int hi);
/// `axis` in [0, rank) (axis 0 is admitted for a scalar).
FailureOr<int64_t> normAxis(int64_t axis, int64_t rank, Location loc);

/// NumPy broadcast of two shapes, or failure.
FailureOr<SmallVector<int64_t>> broadcast(ArrayRef<int64_t> a,
                                          ArrayRef<int64_t> b);
/// Flat index into a tensor of `shape` broadcast to `out` at `outIdx`.
int64_t broadcastIndex(ArrayRef<int64_t> shape, ArrayRef<int64_t> out,
                       ArrayRef<int64_t> outIdx);
/// Steps the row-major multi-index `idx` over `shape` to the next element.
void nextIndex(MutableArrayRef<int64_t> idx, ArrayRef<int64_t> shape);

inline RankedTensorType typeOf(Value v) {
  return cast<RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// Tensors (Tensors.cpp)
//===----------------------------------------------------------------------===//

/// Checks rank and element count of the tensor `what`.
LogicalResult checkShape(ArrayRef<int64_t> shape, Location loc, StringRef what);
/// Reads an initializer or a Constant's tensor, whatever its storage.
LogicalResult readTensor(const onnx::TensorProto &t, Location loc, Const &out);

//===----------------------------------------------------------------------===//
// The importer (OnnxImporter.cpp)
//===----------------------------------------------------------------------===//

/// Builds the qat module of one ModelProto. Graph tensors are float SSA
/// values of @forward, constants (folded at import time until an op needs
/// them as a value), or QuantizeLinear outputs waiting for their
/// DequantizeLinear.
class Importer {
public:
  Importer(MLIRContext *ctx, StringRef fileName, const OnnxImportOptions &opts)
      : ctx(ctx), b(ctx), options(opts),
        fileLoc(FileLineColLoc::get(ctx, fileName, 0, 0)) {}

  OwningOpRef<ModuleOp> run(const onnx::ModelProto &model);

  // State the converters read and define.
  MLIRContext *getContext() const { return ctx; }
  OpBuilder &builder() { return b; }
  const OnnxImportOptions &getOptions() const { return options; }
  /// Version of the default-domain opset the model imports.
  int64_t getOpset() const { return opset; }
  /// How many nodes and graph outputs read `name`.
  int getUseCount(StringRef name) const { return useCount.lookup(name); }

  const Const *getConst(StringRef name) const {
    auto it = consts.find(name);
    return it == consts.end() ? nullptr : &it->second;
  }
  /// Whether `name` is a float SSA value (not a constant).
  bool isValue(StringRef name) const { return values.count(name); }
  const Quantized *getQuantized(StringRef name) const {
    auto it = quantized.find(name);
    return it == quantized.end() ? nullptr : &it->second;
  }
  /// The value of `name`; a constant materializes as a `qat.param` (state
  /// when `state`) loaded once in @forward.
  FailureOr<Value> getValue(StringRef name, Location loc, bool state = false);
  /// Checks the inputs of `n` as needInputs does; the value of the first.
  FailureOr<Value> inputValue(const onnx::NodeProto &n, Location loc, int lo,
                              int hi) {
    if (failed(needInputs(n, loc, lo, hi)))
      return failure();
    return getValue(n.input(0), loc);
  }
  /// The `qat.load` of the constant `c` as the parameter `name` (or the name
  /// it aliases), created on first use.
  Value materialize(StringRef name, const Const &c, Location loc, bool state);
  /// A module-level `qat.param` named after `name` (made unique); its name.
  StringRef createParam(StringRef name, DenseElementsAttr init, bool state);
  /// The parameter `name`, or null.
  ParamOp lookupParam(StringRef name) { return symbols->lookup<ParamOp>(name); }
  /// Erases `load` once nothing reads it, and its parameter once nothing
  /// loads it; a later use of the constant materializes it again.
  void eraseUnusedLoad(LoadOp load);
  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }

  void define(const onnx::NodeProto &n, Value v) { values[n.output(0)] = v; }
  void defineConst(const onnx::NodeProto &n, Const c) {
    consts[n.output(0)] = std::move(c);
  }
  /// Defines the constant `name`; the stored copy.
  const Const &setConst(StringRef name, Const c) {
    return consts[name] = std::move(c);
  }
  /// The constant `name` materializes as the parameter `param`.
  void setAlias(StringRef name, StringRef param) {
    aliases[name] = param.str();
  }
  void defineQuantized(const onnx::NodeProto &n, Quantized q) {
    quantized[n.output(0)] = std::move(q);
  }

  /// Fails when an output of `n` other than the first is read.
  LogicalResult onlyFirstOutputUsed(const onnx::NodeProto &n, Location loc);
  /// The integers of the constant `name` (the operand `what` of a node).
  FailureOr<SmallVector<int64_t>> constInts(StringRef name, Location loc,
                                            StringRef what);

  /// The data operand of a shape-only op (Reshape, Squeeze, Unsqueeze): a
  /// constant (folded at import time) or a value, and its shape.
  struct ShapeOperand {
    const Const *c = nullptr;
    Value v;
    SmallVector<int64_t> shape;
  };
  FailureOr<ShapeOperand> shapeOperand(StringRef name, Location loc);
  /// Defines a shape-only op's output: the folded constant with the new
  /// shape, the operand itself when the shape is unchanged, or a reshape.
  LogicalResult defineReshaped(const onnx::NodeProto &n, Location loc,
                               const ShapeOperand &x, ArrayRef<int64_t> shape);
  /// Checks the shape of a constant about to be folded (checkShape) and
  /// counts its elements against the model's folding budget
  /// (kMinFoldBudget plus twice the initializers' element count).
  LogicalResult reserveFolded(ArrayRef<int64_t> shape, Location loc);

private:
  Location nodeLoc(const onnx::NodeProto &node, int index);
  Location namedLoc(const Twine &what);
  LogicalResult readOpset(const onnx::ModelProto &model);
  LogicalResult checkSupported(const onnx::GraphProto &graph);
  LogicalResult readInitializers(const onnx::GraphProto &graph);
  FailureOr<SmallVector<int64_t>> inputShape(const onnx::ValueInfoProto &in,
                                             Location loc);
  FailureOr<func::FuncOp> createForward(const onnx::GraphProto &graph);
  LogicalResult convertNode(const onnx::NodeProto &node, Location loc);
  LogicalResult createReturn(const onnx::GraphProto &graph, func::FuncOp func);

  MLIRContext *ctx;
  OpBuilder b;
  OnnxImportOptions options;
  Location fileLoc;
  ModuleOp module;
  std::unique_ptr<SymbolTable> symbols;
  int64_t opset = 0;
  /// Float SSA values of the graph.
  llvm::StringMap<Value> values;
  llvm::StringMap<Const> consts;
  llvm::StringMap<Quantized> quantized;
  /// Elements folded so far, and how many reserveFolded admits.
  int64_t foldedElements = 0, foldBudget = kMinFoldBudget;
  /// Constant name -> its `qat.load` in @forward.
  llvm::StringMap<Value> loads;
  /// Tensor name -> the parameter name it materializes as.
  llvm::StringMap<std::string> aliases;
  /// Tensor names that graph outputs or more than one node read.
  llvm::StringMap<int> useCount;
};

//===----------------------------------------------------------------------===//
// Op converters
//===----------------------------------------------------------------------===//

/// Converts one node of the default domain; its output is defined on
/// success, every problem is an error at `loc`.
using OpConverter = LogicalResult (*)(Importer &im, const onnx::NodeProto &n,
                                      Location loc);
/// ONNX op type -> its converter. Its keys are the supported operators.
using OpConverterTable = llvm::StringMap<OpConverter>;

/// Gemm, MatMul, Conv, BatchNormalization, MaxPool, AveragePool,
/// GlobalAveragePool.
void populateLayerConverters(OpConverterTable &table);
/// Add, Sub, Mul, Div (folded when constant), Relu, Clip, Softmax, Identity,
/// Dropout.
void populateElementwiseConverters(OpConverterTable &table);
/// Reshape, Flatten, Squeeze, Unsqueeze, Concat, Transpose, Constant, Shape,
/// Gather, Cast, Pad: shape ops and the shape arithmetic folded to constants.
void populateShapeConverters(OpConverterTable &table);
/// QuantizeLinear, DequantizeLinear.
void populateQdqConverters(OpConverterTable &table);
/// PyTorch's exported ConvBn QAT module ending at the just imported `bn`
/// (ConvBn.cpp): rewritten into --qat-fuse's conv2d + batch_norm form when
/// it is one.
void foldExportedConvBn(Importer &im, BatchNormOp bn);
/// A Clip of the QuantizeLinear output `q` (integer bounds): the same
/// quantization with a narrower integer range.
LogicalResult convertQuantizedClip(Importer &im, const onnx::NodeProto &n,
                                   Location loc, const Quantized &q);

} // namespace mlir::qat::importer

#endif // QAT_LIB_IMPORT_IMPORTERIMPL_H

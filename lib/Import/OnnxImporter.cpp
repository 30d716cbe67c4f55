//===- OnnxImporter.cpp - ONNX model to qat dialect -----------------------===//
//
// Reads the ModelProto with Debian's libonnx-dev (the protobuf classes that
// python3-onnx itself is built from) and builds the qat module with the MLIR
// builder API. Shapes are static: the importer computes every result shape
// itself (a symbolic batch is fixed with OnnxImportOptions::batch), folds the
// shape arithmetic torch.onnx.export emits (Shape -> Gather -> Unsqueeze ->
// Concat -> Reshape) to constants, and reports every operator it has no qat
// op for in one error.
//
//===----------------------------------------------------------------------===//

#include "qat/Import/OnnxImporter.h"

#include "Qat/IR/QatDialect.h"
#include "Qat/IR/QatOps.h"
#include "qat/Numerics/QParams.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

using namespace mlir;
using namespace mlir::qat;

namespace {

/// Largest tensor the importer accepts (elements), far above any model qat
/// trains; guards the arithmetic on untrusted dimensions.
constexpr int64_t kMaxElements = int64_t(1) << 31;
constexpr int kMaxRank = 8;

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
};

/// A QuantizeLinear output: what it quantizes and with which qparams.
struct Quantized {
  std::string source;
  std::vector<float> scale;
  std::vector<int64_t> zeroPoint;
  bool isUnsigned = true;
  int64_t axis = 1;
};

const char *dtypeName(int32_t t) {
  switch (t) {
  case onnx::TensorProto::FLOAT:
    return "float";
  case onnx::TensorProto::UINT8:
    return "uint8";
  case onnx::TensorProto::INT8:
    return "int8";
  case onnx::TensorProto::INT32:
    return "int32";
  case onnx::TensorProto::INT64:
    return "int64";
  case onnx::TensorProto::DOUBLE:
    return "double";
  case onnx::TensorProto::FLOAT16:
    return "float16";
  case onnx::TensorProto::BOOL:
    return "bool";
  default:
    return "other";
  }
}

std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleave(shape, os, ",");
  os << "]";
  return s;
}

/// The double with the shortest decimal form of `v` (1e-5f -> 1.0e-5, not
/// 9.99999974e-6), as the model's author wrote it.
double shortestDouble(float v) {
  char buf[32];
  for (int digits = 1; digits < 9; ++digits) {
    std::snprintf(buf, sizeof(buf), "%.*g", digits, static_cast<double>(v));
    if (std::strtof(buf, nullptr) == v)
      return std::strtod(buf, nullptr);
  }
  return v;
}

/// The operators the importer converts (default domain).
const llvm::StringSet<> &supportedOps() {
  static const llvm::StringSet<> ops = {"Gemm",
                                        "MatMul",
                                        "Add",
                                        "Sub",
                                        "Mul",
                                        "Div",
                                        "Conv",
                                        "BatchNormalization",
                                        "Relu",
                                        "Clip",
                                        "MaxPool",
                                        "AveragePool",
                                        "GlobalAveragePool",
                                        "Flatten",
                                        "Reshape",
                                        "Transpose",
                                        "Concat",
                                        "Softmax",
                                        "Identity",
                                        "Dropout",
                                        "Constant",
                                        "Shape",
                                        "Gather",
                                        "Unsqueeze",
                                        "Squeeze",
                                        "Cast",
                                        "Pad",
                                        "QuantizeLinear",
                                        "DequantizeLinear"};
  return ops;
}

class Importer {
public:
  Importer(MLIRContext *ctx, StringRef fileName, const OnnxImportOptions &opts)
      : ctx(ctx), b(ctx), fileName(fileName.str()), options(opts),
        fileLoc(FileLineColLoc::get(ctx, fileName, 0, 0)) {}

  OwningOpRef<ModuleOp> run(const onnx::ModelProto &model);

private:
  // Diagnostics.
  Location nodeLoc(const onnx::NodeProto &node, int index);
  InFlightDiagnostic error(Location loc) { return emitError(loc); }

  // Tensors.
  LogicalResult readTensor(const onnx::TensorProto &t, Location loc,
                           Const &out);
  LogicalResult checkShape(ArrayRef<int64_t> shape, Location loc,
                           StringRef what);
  const Const *getConst(StringRef name) {
    auto it = consts.find(name);
    return it == consts.end() ? nullptr : &it->second;
  }
  bool isDefined(StringRef name) {
    return values.count(name) || consts.count(name) || quantized.count(name);
  }
  FailureOr<Value> getValue(StringRef name, Location loc, bool state = false);
  Value materialize(StringRef name, const Const &c, Location loc, bool state);
  RankedTensorType typeOf(Value v) {
    return cast<RankedTensorType>(v.getType());
  }
  RankedTensorType f32(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }

  // Nodes.
  LogicalResult convertNode(const onnx::NodeProto &node, Location loc);
  LogicalResult convertGemm(const onnx::NodeProto &n, Location loc);
  LogicalResult convertMatMul(const onnx::NodeProto &n, Location loc);
  LogicalResult convertConv(const onnx::NodeProto &n, Location loc);
  LogicalResult convertBatchNorm(const onnx::NodeProto &n, Location loc);
  LogicalResult convertClip(const onnx::NodeProto &n, Location loc);
  LogicalResult convertPool(const onnx::NodeProto &n, Location loc, bool max);
  LogicalResult convertBinary(const onnx::NodeProto &n, Location loc);
  LogicalResult convertReshape(const onnx::NodeProto &n, Location loc);
  LogicalResult convertFlatten(const onnx::NodeProto &n, Location loc);
  LogicalResult convertConcat(const onnx::NodeProto &n, Location loc);
  LogicalResult convertSoftmax(const onnx::NodeProto &n, Location loc);
  LogicalResult convertTranspose(const onnx::NodeProto &n, Location loc);
  LogicalResult convertConstant(const onnx::NodeProto &n, Location loc);
  LogicalResult convertShape(const onnx::NodeProto &n, Location loc);
  LogicalResult convertGather(const onnx::NodeProto &n, Location loc);
  LogicalResult convertUnsqueeze(const onnx::NodeProto &n, Location loc,
                                 bool squeeze);
  LogicalResult convertCast(const onnx::NodeProto &n, Location loc);
  LogicalResult convertPad(const onnx::NodeProto &n, Location loc);
  LogicalResult convertQuantize(const onnx::NodeProto &n, Location loc);
  LogicalResult convertDequantize(const onnx::NodeProto &n, Location loc);

  // Attributes and operands.
  const onnx::AttributeProto *attr(const onnx::NodeProto &n, StringRef name);
  int64_t intAttr(const onnx::NodeProto &n, StringRef name, int64_t dflt);
  float floatAttr(const onnx::NodeProto &n, StringRef name, float dflt);
  std::string stringAttr(const onnx::NodeProto &n, StringRef name);
  SmallVector<int64_t> intsAttr(const onnx::NodeProto &n, StringRef name);
  StringRef input(const onnx::NodeProto &n, int i) {
    return i < n.input_size() ? StringRef(n.input(i)) : StringRef();
  }
  LogicalResult needInputs(const onnx::NodeProto &n, Location loc, int lo,
                           int hi);
  LogicalResult onlyFirstOutputUsed(const onnx::NodeProto &n, Location loc);
  FailureOr<SmallVector<int64_t>> constInts(StringRef name, Location loc,
                                            StringRef what);
  FailureOr<int64_t> normAxis(int64_t axis, int64_t rank, Location loc);
  void define(const onnx::NodeProto &n, Value v) { values[n.output(0)] = v; }
  void defineConst(const onnx::NodeProto &n, Const c) {
    consts[n.output(0)] = std::move(c);
  }
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
  void defineReshaped(const onnx::NodeProto &n, Location loc,
                      const ShapeOperand &x, ArrayRef<int64_t> shape);

  // QDQ.
  /// Reads scale and zero point of a Q or DQ node.
  LogicalResult readQParams(const onnx::NodeProto &n, Location loc,
                            Quantized &q);
  FailureOr<Value> insertFakeQuant(Value v, const Quantized &q, bool isWeight,
                                   StringRef base, Location loc);

  MLIRContext *ctx;
  OpBuilder b;
  std::string fileName;
  OnnxImportOptions options;
  Location fileLoc;
  ModuleOp module;
  std::unique_ptr<SymbolTable> symbols;
  int64_t opset = 0;
  /// Float SSA values of the graph.
  llvm::StringMap<Value> values;
  llvm::StringMap<Const> consts;
  llvm::StringMap<Quantized> quantized;
  /// Constant name -> its `qat.load` in @forward.
  llvm::StringMap<Value> loads;
  /// Tensor name -> the parameter name it materializes as.
  llvm::StringMap<std::string> aliases;
  /// Tensor names that graph outputs or more than one node read.
  llvm::StringMap<int> useCount;
};

} // namespace

//===----------------------------------------------------------------------===//
// Diagnostics and attributes
//===----------------------------------------------------------------------===//

Location Importer::nodeLoc(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty() ? "#" + std::to_string(index)
                                         : "'" + node.name() + "'";
  return NameLoc::get(
      StringAttr::get(ctx, "node " + name + " (" + node.op_type() + ")"),
      fileLoc);
}

const onnx::AttributeProto *Importer::attr(const onnx::NodeProto &n,
                                           StringRef name) {
  for (const auto &a : n.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t Importer::intAttr(const onnx::NodeProto &n, StringRef name,
                          int64_t dflt) {
  const auto *a = attr(n, name);
  return a ? a->i() : dflt;
}

float Importer::floatAttr(const onnx::NodeProto &n, StringRef name,
                          float dflt) {
  const auto *a = attr(n, name);
  return a ? a->f() : dflt;
}

std::string Importer::stringAttr(const onnx::NodeProto &n, StringRef name) {
  const auto *a = attr(n, name);
  return a ? a->s() : std::string();
}

SmallVector<int64_t> Importer::intsAttr(const onnx::NodeProto &n,
                                        StringRef name) {
  SmallVector<int64_t> v;
  if (const auto *a = attr(n, name))
    v.append(a->ints().begin(), a->ints().end());
  return v;
}

LogicalResult Importer::needInputs(const onnx::NodeProto &n, Location loc,
                                   int lo, int hi) {
  if (n.input_size() < lo || n.input_size() > hi)
    return error(loc) << "expects " << lo
                      << (lo == hi ? "" : " to " + std::to_string(hi))
                      << (hi == 1 ? " input" : " inputs") << ", has "
                      << n.input_size();
  if (n.output_size() < 1 || n.output(0).empty())
    return error(loc) << "has no output";
  for (int i = 0; i < lo; ++i)
    if (n.input(i).empty())
      return error(loc) << "input " << i << " is required";
  return success();
}

LogicalResult Importer::onlyFirstOutputUsed(const onnx::NodeProto &n,
                                            Location loc) {
  for (int i = 1; i < n.output_size(); ++i)
    if (!n.output(i).empty() && useCount.lookup(n.output(i)) > 0)
      return error(loc) << "output " << i << " ('" << n.output(i)
                        << "') is used; only the first output is supported";
  return success();
}

FailureOr<SmallVector<int64_t>>
Importer::constInts(StringRef name, Location loc, StringRef what) {
  const Const *c = getConst(name);
  if (!c)
    return error(loc) << what << " ('" << name
                      << "') must be a constant (an initializer or a "
                         "computation that folds to one)";
  SmallVector<int64_t> v;
  for (int64_t k = 0, e = c->numel(); k < e; ++k)
    v.push_back(c->isFloat() ? static_cast<int64_t>(c->f[k]) : c->i[k]);
  return v;
}

FailureOr<int64_t> Importer::normAxis(int64_t axis, int64_t rank,
                                      Location loc) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    return error(loc) << "axis " << axis << " is out of range for rank "
                      << rank;
  return axis < 0 ? axis + rank : axis;
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

LogicalResult Importer::checkShape(ArrayRef<int64_t> shape, Location loc,
                                   StringRef what) {
  if (shape.size() > kMaxRank)
    return error(loc) << what << " has rank " << shape.size() << " (at most "
                      << kMaxRank << " supported)";
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d <= 0)
      return error(loc) << what << " has shape " << shapeStr(shape)
                        << "; every dimension must be positive";
    if (n > kMaxElements / d)
      return error(loc) << what << " has shape " << shapeStr(shape)
                        << ", too many elements";
    n *= d;
  }
  return success();
}

template <typename T>
static void readRaw(const std::string &raw, std::vector<T> &out, int64_t n) {
  out.resize(n);
  std::memcpy(out.data(), raw.data(), n * sizeof(T));
}

LogicalResult Importer::readTensor(const onnx::TensorProto &t, Location loc,
                                   Const &out) {
  std::string what = "tensor '" + t.name() + "'";
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return error(loc) << what
                      << " keeps its data in an external file; save the "
                         "model with all tensors inside the .onnx file";
  out.dtype = t.data_type();
  out.shape.assign(t.dims().begin(), t.dims().end());
  if (failed(checkShape(out.shape, loc, what)))
    return failure();
  int64_t n = out.numel();
  const std::string &raw = t.raw_data();
  bool hasRaw = t.has_raw_data();
  auto sizeError = [&](int64_t have) {
    return error(loc) << what << " of shape " << shapeStr(out.shape) << " has "
                      << have << " values, expected " << n;
  };
  auto checkRaw = [&](size_t elemSize) -> LogicalResult {
    if (raw.size() != static_cast<size_t>(n) * elemSize)
      return error(loc) << what << " of shape " << shapeStr(out.shape)
                        << " has " << raw.size() << " bytes of data, expected "
                        << n * static_cast<int64_t>(elemSize);
    return success();
  };
  switch (out.dtype) {
  case onnx::TensorProto::FLOAT:
    if (hasRaw) {
      if (failed(checkRaw(4)))
        return failure();
      readRaw(raw, out.f, n);
    } else {
      if (t.float_data_size() != n)
        return sizeError(t.float_data_size());
      out.f.assign(t.float_data().begin(), t.float_data().end());
    }
    return success();
  case onnx::TensorProto::DOUBLE: {
    std::vector<double> d;
    if (hasRaw) {
      if (failed(checkRaw(8)))
        return failure();
      readRaw(raw, d, n);
    } else {
      if (t.double_data_size() != n)
        return sizeError(t.double_data_size());
      d.assign(t.double_data().begin(), t.double_data().end());
    }
    out.f.assign(d.begin(), d.end());
    out.dtype = onnx::TensorProto::FLOAT;
    return success();
  }
  case onnx::TensorProto::INT64:
    if (hasRaw) {
      if (failed(checkRaw(8)))
        return failure();
      readRaw(raw, out.i, n);
    } else {
      if (t.int64_data_size() != n)
        return sizeError(t.int64_data_size());
      out.i.assign(t.int64_data().begin(), t.int64_data().end());
    }
    return success();
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8: {
    if (hasRaw) {
      size_t es = out.dtype == onnx::TensorProto::INT32 ? 4 : 1;
      if (failed(checkRaw(es)))
        return failure();
      out.i.resize(n);
      for (int64_t k = 0; k < n; ++k) {
        if (out.dtype == onnx::TensorProto::INT32) {
          int32_t v;
          std::memcpy(&v, raw.data() + 4 * k, 4);
          out.i[k] = v;
        } else if (out.dtype == onnx::TensorProto::INT8) {
          out.i[k] = static_cast<int8_t>(raw[k]);
        } else {
          out.i[k] = static_cast<uint8_t>(raw[k]);
        }
      }
    } else {
      if (t.int32_data_size() != n)
        return sizeError(t.int32_data_size());
      out.i.assign(t.int32_data().begin(), t.int32_data().end());
    }
    return success();
  }
  default:
    return error(loc) << what << " has data type " << dtypeName(out.dtype)
                      << " (" << out.dtype
                      << "); supported: float, double, int64, int32, int8, "
                         "uint8";
  }
}

Value Importer::materialize(StringRef name, const Const &c, Location loc,
                            bool state) {
  auto alias = aliases.find(name);
  if (alias != aliases.end())
    name = alias->second;
  auto it = loads.find(name);
  if (it != loads.end())
    return it->second;
  auto type = f32(c.shape);
  std::vector<float> data = c.f;
  if (!c.isFloat())
    data.assign(c.i.begin(), c.i.end());
  auto init = DenseElementsAttr::get(type, ArrayRef<float>(data));
  ParamOp param = createModuleParam(module, *symbols, name, init,
                                    state || !c.isInitializer);
  Value v = LoadOp::create(b, loc, type, param.getSymName());
  loads[name] = v;
  return v;
}

FailureOr<Value> Importer::getValue(StringRef name, Location loc, bool state) {
  if (name.empty())
    return error(loc) << "a required input is empty";
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  if (const Const *c = getConst(name))
    return materialize(name, *c, loc, state);
  if (quantized.count(name))
    return error(loc) << "reads '" << name
                      << "', the output of a QuantizeLinear; only "
                         "DequantizeLinear may read quantized tensors";
  return error(loc) << "reads '" << name
                    << "', which no graph input, initializer or earlier "
                       "node defines";
}

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp> Importer::run(const onnx::ModelProto &model) {
  if (!model.has_graph())
    return (error(fileLoc) << "the model has no graph (not an ONNX model?)",
            nullptr);
  // Opset of the default domain.
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset == 0)
    return (error(fileLoc) << "the model imports no opset of the default "
                              "ONNX domain",
            nullptr);
  if (opset < 11 || opset > 17)
    return (error(fileLoc) << "opset " << opset
                           << " is not supported (supported: 11 to 17); "
                              "re-export the model with opset_version in "
                              "that range",
            nullptr);
  const onnx::GraphProto &graph = model.graph();

  // Every unsupported operator, in one error.
  {
    std::string list;
    int count = 0;
    for (auto [idx, n] : llvm::enumerate(graph.node())) {
      bool defaultDomain = n.domain().empty() || n.domain() == "ai.onnx";
      if (defaultDomain && supportedOps().contains(n.op_type()))
        continue;
      ++count;
      list += "\n  node " +
              (n.name().empty() ? "#" + std::to_string(idx)
                                : "'" + n.name() + "'") +
              ": " + (defaultDomain ? "" : n.domain() + ".") + n.op_type();
    }
    if (count)
      return (error(fileLoc) << count << " unsupported ONNX operator"
                             << (count == 1 ? "" : "s") << " (qat has no op "
                             << "for them):" << list,
              nullptr);
  }

  for (const auto &n : graph.node())
    for (const auto &in : n.input())
      ++useCount[in];
  for (const auto &o : graph.output())
    ++useCount[o.name()];

  module = ModuleOp::create(fileLoc);
  OwningOpRef<ModuleOp> owned(module);
  symbols = std::make_unique<SymbolTable>(module);

  // Initializers.
  llvm::StringSet<> initNames;
  for (const auto &t : graph.initializer()) {
    Location loc = NameLoc::get(
        StringAttr::get(ctx, "initializer '" + t.name() + "'"), fileLoc);
    if (t.name().empty())
      return (error(loc) << "an initializer has no name", nullptr);
    Const c;
    if (failed(readTensor(t, loc, c)))
      return nullptr;
    c.isInitializer = true;
    initNames.insert(t.name());
    consts[t.name()] = std::move(c);
  }

  // Entry function: graph inputs that are not initializers.
  SmallVector<Type> argTypes;
  SmallVector<std::string> argNames;
  for (const auto &in : graph.input()) {
    if (initNames.contains(in.name()))
      continue;
    Location loc = NameLoc::get(
        StringAttr::get(ctx, "graph input '" + in.name() + "'"), fileLoc);
    if (!in.type().has_tensor_type())
      return (error(loc) << "is not a tensor", nullptr);
    const auto &tt = in.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto::FLOAT)
      return (error(loc) << "has element type " << dtypeName(tt.elem_type())
                         << "; only float inputs are supported",
              nullptr);
    if (!tt.has_shape())
      return (error(loc) << "has no shape", nullptr);
    SmallVector<int64_t> shape;
    for (auto [d, dim] : llvm::enumerate(tt.shape().dim())) {
      bool known = dim.has_dim_value() && dim.dim_value() > 0;
      if (d == 0) {
        if (options.batch && known && dim.dim_value() != *options.batch)
          return (error(loc) << "has a static batch of " << dim.dim_value()
                             << ", not --batch " << *options.batch
                             << "; re-export it with a dynamic batch axis",
                  nullptr);
        if (known) {
          shape.push_back(dim.dim_value());
          continue;
        }
        if (!options.batch)
          return (error(loc)
                      << "has a symbolic batch dimension"
                      << (dim.has_dim_param() ? " '" + dim.dim_param() + "'"
                                              : std::string())
                      << "; qat needs static shapes: fix it with "
                         "--batch N",
                  nullptr);
        shape.push_back(*options.batch);
        continue;
      }
      if (!known)
        return (error(loc) << "has a symbolic or unknown dimension " << d
                           << "; only the batch dimension (0) may be "
                              "symbolic",
                nullptr);
      shape.push_back(dim.dim_value());
    }
    if (failed(checkShape(shape, loc, "it")))
      return nullptr;
    argTypes.push_back(f32(shape));
    argNames.push_back(in.name());
  }

  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, fileLoc, "forward",
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames))
    values[name] = entry->getArgument(i);
  SmallVector<StringRef> inNames(argNames.begin(), argNames.end());
  func->setAttr("qat.input_names", b.getStrArrayAttr(inNames));
  b.setInsertionPointToEnd(entry);

  for (auto [idx, n] : llvm::enumerate(graph.node()))
    if (failed(convertNode(n, nodeLoc(n, idx))))
      return nullptr;

  // Results.
  SmallVector<Value> results;
  for (const auto &o : graph.output()) {
    Location loc = NameLoc::get(
        StringAttr::get(ctx, "graph output '" + o.name() + "'"), fileLoc);
    if (getConst(o.name()))
      return (error(loc) << "is a constant; qat models compute their outputs",
              nullptr);
    FailureOr<Value> v = getValue(o.name(), loc);
    if (failed(v))
      return nullptr;
    results.push_back(*v);
  }
  if (results.empty())
    return (error(fileLoc) << "the graph has no outputs", nullptr);
  func::ReturnOp::create(b, fileLoc, results);
  func.setFunctionType(b.getFunctionType(argTypes, TypeRange(results)));
  SmallVector<StringRef> outNames;
  for (const auto &o : graph.output())
    outNames.push_back(o.name());
  func->setAttr("qat.output_names", b.getStrArrayAttr(outNames));

  if (failed(verify(module)))
    return nullptr;
  return owned;
}

//===----------------------------------------------------------------------===//
// Nodes
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertNode(const onnx::NodeProto &n, Location loc) {
  StringRef op = n.op_type();
  if (n.output_size() < 1 || n.output(0).empty())
    return error(loc) << "has no output";
  if (op == "Gemm")
    return convertGemm(n, loc);
  if (op == "MatMul")
    return convertMatMul(n, loc);
  if (op == "Conv")
    return convertConv(n, loc);
  if (op == "BatchNormalization")
    return convertBatchNorm(n, loc);
  if (op == "Clip")
    return convertClip(n, loc);
  if (op == "MaxPool" || op == "AveragePool")
    return convertPool(n, loc, op == "MaxPool");
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div")
    return convertBinary(n, loc);
  if (op == "Reshape")
    return convertReshape(n, loc);
  if (op == "Flatten")
    return convertFlatten(n, loc);
  if (op == "Concat")
    return convertConcat(n, loc);
  if (op == "Softmax")
    return convertSoftmax(n, loc);
  if (op == "Transpose")
    return convertTranspose(n, loc);
  if (op == "Constant")
    return convertConstant(n, loc);
  if (op == "Shape")
    return convertShape(n, loc);
  if (op == "Gather")
    return convertGather(n, loc);
  if (op == "Unsqueeze" || op == "Squeeze")
    return convertUnsqueeze(n, loc, op == "Squeeze");
  if (op == "Cast")
    return convertCast(n, loc);
  if (op == "Pad")
    return convertPad(n, loc);
  if (op == "QuantizeLinear")
    return convertQuantize(n, loc);
  if (op == "DequantizeLinear")
    return convertDequantize(n, loc);

  // Identity, Dropout (inference: the identity), Relu, GlobalAveragePool.
  if (failed(needInputs(n, loc, 1, op == "Dropout" ? 3 : 1)))
    return failure();
  if (op == "Identity" || op == "Dropout") {
    if (op == "Dropout" && failed(onlyFirstOutputUsed(n, loc)))
      return failure();
    if (const Const *c = getConst(n.input(0))) {
      Const copy = *c;
      copy.isInitializer = false;
      defineConst(n, std::move(copy));
      return success();
    }
    if (quantized.count(n.input(0))) {
      quantized[n.output(0)] = quantized[n.input(0)];
      return success();
    }
  }
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  if (op == "Identity" || op == "Dropout") {
    define(n, *x);
    return success();
  }
  if (op == "Relu") {
    define(n, ReluOp::create(b, loc, *x));
    return success();
  }
  // GlobalAveragePool.
  auto t = typeOf(*x);
  if (t.getRank() != 4)
    return error(loc) << "input has shape " << shapeStr(t.getShape())
                      << "; only NCHW (rank 4) is supported";
  define(n, GlobalAvgPoolOp::create(
                b, loc, f32({t.getDimSize(0), t.getDimSize(1), 1, 1}), *x));
  return success();
}

LogicalResult Importer::convertGemm(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 2, 3)))
    return failure();
  if (intAttr(n, "transA", 0) != 0)
    return error(loc) << "transA = 1 is not supported (qat.linear takes "
                         "[N, in] inputs)";
  bool transB = intAttr(n, "transB", 0) != 0;
  float alpha = floatAttr(n, "alpha", 1.0f);
  float beta = floatAttr(n, "beta", 1.0f);
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  auto xt = typeOf(*x);
  if (xt.getRank() != 2)
    return error(loc) << "input A has shape " << shapeStr(xt.getShape())
                      << "; Gemm needs a matrix";

  // Weight as [out, in].
  Value w;
  if (const Const *c = getConst(n.input(1))) {
    if (c->shape.size() != 2)
      return error(loc) << "weight B has shape " << shapeStr(c->shape)
                        << "; Gemm needs a matrix";
    Const wc = *c;
    if (!wc.isFloat())
      return error(loc) << "weight B is " << dtypeName(c->dtype)
                        << "; expected float";
    if (!transB) {
      int64_t r = c->shape[0], k = c->shape[1];
      wc.shape = {k, r};
      for (int64_t i = 0; i < r; ++i)
        for (int64_t j = 0; j < k; ++j)
          wc.f[j * r + i] = c->f[i * k + j];
    }
    if (alpha != 1.0f)
      for (float &v : wc.f)
        v *= alpha;
    w = materialize(n.input(1), wc, loc, /*state=*/false);
  } else {
    if (!transB)
      return error(loc) << "a computed weight B needs transB = 1 (qat has no "
                           "transpose op)";
    if (alpha != 1.0f)
      return error(loc) << "alpha = " << alpha
                        << " needs a constant weight B to fold into";
    FailureOr<Value> wv = getValue(n.input(1), loc);
    if (failed(wv))
      return failure();
    w = *wv;
  }
  auto wt = typeOf(w);
  if (wt.getRank() != 2 || wt.getDimSize(1) != xt.getDimSize(1))
    return error(loc) << "weight shape " << shapeStr(wt.getShape())
                      << " (as [out, in]) does not match input "
                      << shapeStr(xt.getShape());
  int64_t out = wt.getDimSize(0);

  Value bias;
  StringRef cName = input(n, 2);
  if (!cName.empty()) {
    if (const Const *c = getConst(cName)) {
      Const bc = *c;
      if (!bc.isFloat())
        return error(loc) << "bias C is " << dtypeName(c->dtype)
                          << "; expected float";
      int64_t numel = bc.numel();
      if (numel != out && numel != 1)
        return error(loc) << "bias C has shape " << shapeStr(c->shape)
                          << "; expected [" << out << "] or [1, " << out << "]";
      bc.f.resize(out, bc.f[0]);
      if (numel == 1)
        std::fill(bc.f.begin(), bc.f.end(), c->f[0]);
      bc.shape = {out};
      if (beta != 1.0f)
        for (float &v : bc.f)
          v *= beta;
      bias = materialize(cName, bc, loc, /*state=*/false);
    } else {
      FailureOr<Value> bv = getValue(cName, loc);
      if (failed(bv))
        return failure();
      if (typeOf(*bv).getShape() != ArrayRef<int64_t>{out} || beta != 1.0f)
        return error(loc) << "a computed bias C must be [" << out
                          << "] with beta = 1";
      bias = *bv;
    }
  }
  define(n,
         LinearOp::create(b, loc, f32({xt.getDimSize(0), out}), *x, w, bias));
  return success();
}

LogicalResult Importer::convertMatMul(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 2, 2)))
    return failure();
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  auto xt = typeOf(*x);
  const Const *c = getConst(n.input(1));
  if (!c || xt.getRank() != 2 || c->shape.size() != 2 || !c->isFloat())
    return error(loc) << "only [N, in] x constant float [in, out] is "
                         "supported (as qat.linear)";
  if (c->shape[0] != xt.getDimSize(1))
    return error(loc) << "operand shapes " << shapeStr(xt.getShape()) << " and "
                      << shapeStr(c->shape) << " do not match";
  int64_t in = c->shape[0], out = c->shape[1];
  Const wc = *c;
  wc.shape = {out, in};
  for (int64_t i = 0; i < in; ++i)
    for (int64_t j = 0; j < out; ++j)
      wc.f[j * in + i] = c->f[i * out + j];
  Value w = materialize(n.input(1), wc, loc, /*state=*/false);
  define(n, LinearOp::create(b, loc, f32({xt.getDimSize(0), out}), *x, w,
                             Value()));
  return success();
}

/// ONNX auto_pad: the [begin, end] padding of one spatial axis.
static std::pair<int64_t, int64_t> autoPad(StringRef mode, int64_t in,
                                           int64_t k, int64_t s, int64_t d) {
  if (mode != "SAME_UPPER" && mode != "SAME_LOWER")
    return {0, 0};
  int64_t out = (in + s - 1) / s;
  int64_t total = std::max<int64_t>((out - 1) * s + (k - 1) * d + 1 - in, 0);
  int64_t small = total / 2, big = total - small;
  return mode == "SAME_UPPER" ? std::make_pair(small, big)
                              : std::make_pair(big, small);
}

LogicalResult Importer::convertConv(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 2, 3)))
    return failure();
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  FailureOr<Value> w = getValue(n.input(1), loc);
  if (failed(w))
    return failure();
  auto xt = typeOf(*x), wt = typeOf(*w);
  if (xt.getRank() != 4 || wt.getRank() != 4)
    return error(loc) << "only 2-D convolutions are supported (input "
                      << shapeStr(xt.getShape()) << ", weight "
                      << shapeStr(wt.getShape()) << ")";
  int64_t groups = intAttr(n, "group", 1);
  if (groups < 1 || xt.getDimSize(1) % groups || wt.getDimSize(0) % groups ||
      xt.getDimSize(1) / groups != wt.getDimSize(1))
    return error(loc) << "group = " << groups << " does not fit input "
                      << shapeStr(xt.getShape()) << " and weight "
                      << shapeStr(wt.getShape());
  SmallVector<int64_t> strides = intsAttr(n, "strides"),
                       dil = intsAttr(n, "dilations"),
                       pads = intsAttr(n, "pads");
  if (strides.empty())
    strides = {1, 1};
  if (dil.empty())
    dil = {1, 1};
  SmallVector<int64_t> ks = intsAttr(n, "kernel_shape");
  if (!ks.empty() && (ks.size() != 2 || ks[0] != wt.getDimSize(2) ||
                      ks[1] != wt.getDimSize(3)))
    return error(loc) << "kernel_shape " << shapeStr(ks)
                      << " does not match the weight "
                      << shapeStr(wt.getShape());
  if (strides.size() != 2 || dil.size() != 2 ||
      llvm::any_of(strides, [](int64_t v) { return v < 1 || v > 65536; }) ||
      llvm::any_of(dil, [](int64_t v) { return v < 1 || v > 65536; }))
    return error(loc) << "strides " << shapeStr(strides) << " and dilations "
                      << shapeStr(dil) << " must be two positive values";
  std::string ap = stringAttr(n, "auto_pad");
  if (ap.empty() || ap == "NOTSET") {
    if (pads.empty())
      pads = {0, 0, 0, 0};
  } else if (ap == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    auto [t, bo] =
        autoPad(ap, xt.getDimSize(2), wt.getDimSize(2), strides[0], dil[0]);
    auto [l, r] =
        autoPad(ap, xt.getDimSize(3), wt.getDimSize(3), strides[1], dil[1]);
    pads = {t, l, bo, r};
  } else {
    return error(loc) << "unknown auto_pad '" << ap << "'";
  }
  if (pads.size() != 4 ||
      llvm::any_of(pads, [](int64_t v) { return v < 0 || v > 65536; }))
    return error(loc) << "pads " << shapeStr(pads)
                      << " must be four non-negative values";
  int64_t oh = getWindowOutputSize(xt.getDimSize(2), wt.getDimSize(2),
                                   strides[0], pads[0], pads[2], dil[0], false);
  int64_t ow = getWindowOutputSize(xt.getDimSize(3), wt.getDimSize(3),
                                   strides[1], pads[1], pads[3], dil[1], false);
  if (oh <= 0 || ow <= 0)
    return error(loc) << "the kernel is larger than the padded input";
  Value bias;
  if (!input(n, 2).empty()) {
    FailureOr<Value> bv = getValue(n.input(2), loc);
    if (failed(bv))
      return failure();
    bias = *bv;
  }
  auto conv = Conv2dOp::create(
      b, loc, f32({xt.getDimSize(0), wt.getDimSize(0), oh, ow}), *x, *w, bias);
  conv.setStrides(strides);
  conv.setPadding(pads);
  conv.setDilation(dil);
  conv.setGroups(groups);
  define(n, conv);
  return success();
}

LogicalResult Importer::convertBatchNorm(const onnx::NodeProto &n,
                                         Location loc) {
  if (failed(needInputs(n, loc, 5, 5)) || failed(onlyFirstOutputUsed(n, loc)))
    return failure();
  if (intAttr(n, "training_mode", 0) != 0)
    return error(loc) << "training_mode = 1 is not supported; export the "
                         "model in eval mode";
  SmallVector<Value> ops;
  for (int i = 0; i < 5; ++i) {
    FailureOr<Value> v = getValue(n.input(i), loc, /*state=*/i >= 3);
    if (failed(v))
      return failure();
    ops.push_back(*v);
  }
  auto xt = typeOf(ops[0]);
  if (xt.getRank() < 2)
    return error(loc) << "input has shape " << shapeStr(xt.getShape())
                      << "; expected [N, C, ...]";
  for (int i = 1; i < 5; ++i)
    if (typeOf(ops[i]).getShape() != ArrayRef<int64_t>{xt.getDimSize(1)})
      return error(loc) << "input " << i << " has shape "
                        << shapeStr(typeOf(ops[i]).getShape()) << "; expected ["
                        << xt.getDimSize(1) << "]";
  auto ct = typeOf(ops[3]);
  // ONNX momentum weighs the running value; PyTorch's the batch value.
  auto momentum =
      static_cast<float>(1.0 - shortestDouble(floatAttr(n, "momentum", 0.9f)));
  auto bn = BatchNormOp::create(
      b, loc, TypeRange{xt, ct, ct}, ops[0], ops[1], ops[2], ops[3], ops[4],
      b.getF64FloatAttr(shortestDouble(floatAttr(n, "epsilon", 1e-5f))),
      b.getF64FloatAttr(shortestDouble(momentum)), UnitAttr());
  define(n, bn.getResult());
  return success();
}

LogicalResult Importer::convertClip(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 1, 3)))
    return failure();
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  double lo = -std::numeric_limits<float>::max();
  double hi = std::numeric_limits<float>::max();
  for (int i = 1; i <= 2; ++i) {
    StringRef name = input(n, i);
    if (name.empty())
      continue;
    const Const *c = getConst(name);
    if (!c || c->numel() != 1)
      return error(loc) << (i == 1 ? "min" : "max")
                        << " must be a constant scalar";
    (i == 1 ? lo : hi) = c->at(0);
  }
  if (std::isnan(lo) || std::isnan(hi) || lo > hi)
    return error(loc) << "invalid clip range [" << lo << ", " << hi << "]";
  if (lo == 0.0 && hi == 6.0) {
    // torch.onnx writes ReLU6 as Relu followed by Clip(0, 6).
    auto relu = x->getDefiningOp<ReluOp>();
    if (relu && x->use_empty() && useCount.lookup(n.input(0)) == 1) {
      Value in = relu.getInput();
      relu.erase();
      x = in;
    }
    define(n, Relu6Op::create(b, loc, *x));
  } else if (lo == 0.0 && hi == std::numeric_limits<float>::max())
    define(n, ReluOp::create(b, loc, *x));
  else
    define(n, ClampOp::create(b, loc, *x, b.getF64FloatAttr(lo),
                              b.getF64FloatAttr(hi)));
  return success();
}

LogicalResult Importer::convertPool(const onnx::NodeProto &n, Location loc,
                                    bool max) {
  if (failed(needInputs(n, loc, 1, 1)) || failed(onlyFirstOutputUsed(n, loc)))
    return failure();
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  auto xt = typeOf(*x);
  SmallVector<int64_t> ks = intsAttr(n, "kernel_shape");
  if (xt.getRank() != 4 || ks.size() != 2)
    return error(loc) << "only 2-D pooling over NCHW is supported (input "
                      << shapeStr(xt.getShape()) << ", kernel_shape "
                      << shapeStr(ks) << ")";
  SmallVector<int64_t> strides = intsAttr(n, "strides"),
                       dil = intsAttr(n, "dilations"),
                       pads = intsAttr(n, "pads");
  if (strides.empty())
    strides = {1, 1}; // ONNX's default (PyTorch's is the kernel).
  if (dil.empty())
    dil = {1, 1};
  if (!max && !(dil[0] == 1 && dil[1] == 1))
    return error(loc) << "dilations are not supported for AveragePool";
  if (llvm::any_of(ks, [](int64_t v) { return v < 1 || v > 65536; }) ||
      strides.size() != 2 || dil.size() != 2 ||
      llvm::any_of(strides, [](int64_t v) { return v < 1 || v > 65536; }) ||
      llvm::any_of(dil, [](int64_t v) { return v < 1 || v > 65536; }))
    return error(loc) << "kernel_shape, strides and dilations must be two "
                         "positive values each";
  if (intAttr(n, "storage_order", 0) != 0)
    return error(loc) << "storage_order = 1 is not supported";
  std::string ap = stringAttr(n, "auto_pad");
  if (ap.empty() || ap == "NOTSET") {
    if (pads.empty())
      pads = {0, 0, 0, 0};
  } else if (ap == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (ap == "SAME_UPPER" || ap == "SAME_LOWER") {
    auto [t, bo] = autoPad(ap, xt.getDimSize(2), ks[0], strides[0], dil[0]);
    auto [l, r] = autoPad(ap, xt.getDimSize(3), ks[1], strides[1], dil[1]);
    pads = {t, l, bo, r};
  } else {
    return error(loc) << "unknown auto_pad '" << ap << "'";
  }
  if (pads.size() != 4 ||
      llvm::any_of(pads, [](int64_t v) { return v < 0 || v > 65536; }))
    return error(loc) << "pads " << shapeStr(pads)
                      << " must be four non-negative values";
  bool ceil = intAttr(n, "ceil_mode", 0) != 0;
  int64_t oh = getWindowOutputSize(xt.getDimSize(2), ks[0], strides[0], pads[0],
                                   pads[2], dil[0], ceil);
  int64_t ow = getWindowOutputSize(xt.getDimSize(3), ks[1], strides[1], pads[1],
                                   pads[3], dil[1], ceil);
  if (oh <= 0 || ow <= 0)
    return error(loc) << "the kernel is larger than the padded input";
  auto rt = f32({xt.getDimSize(0), xt.getDimSize(1), oh, ow});
  auto kAttr = b.getDenseI64ArrayAttr(ks);
  auto sAttr = b.getDenseI64ArrayAttr(strides);
  auto pAttr = b.getDenseI64ArrayAttr(pads);
  UnitAttr ceilAttr = ceil ? b.getUnitAttr() : UnitAttr();
  if (max) {
    define(n, MaxPool2dOp::create(b, loc, rt, *x, kAttr, sAttr, pAttr,
                                  b.getDenseI64ArrayAttr(dil), ceilAttr));
  } else {
    define(n, AvgPool2dOp::create(
                  b, loc, rt, *x, kAttr, sAttr, pAttr, ceilAttr,
                  b.getBoolAttr(intAttr(n, "count_include_pad", 0) != 0)));
  }
  return success();
}

/// NumPy broadcast of two shapes, or failure.
static FailureOr<SmallVector<int64_t>> broadcast(ArrayRef<int64_t> a,
                                                 ArrayRef<int64_t> b) {
  SmallVector<int64_t> r(std::max(a.size(), b.size()), 1);
  for (size_t k = 0; k < r.size(); ++k) {
    int64_t da = k < a.size() ? a[a.size() - 1 - k] : 1;
    int64_t db = k < b.size() ? b[b.size() - 1 - k] : 1;
    if (da != db && da != 1 && db != 1)
      return failure();
    r[r.size() - 1 - k] = da == 1 ? db : da;
  }
  return r;
}

/// Flat index into a tensor of `shape` broadcast to `out` at `outIdx`.
static int64_t broadcastIndex(ArrayRef<int64_t> shape, ArrayRef<int64_t> out,
                              ArrayRef<int64_t> outIdx) {
  int64_t idx = 0, off = out.size() - shape.size();
  for (size_t k = 0; k < shape.size(); ++k)
    idx = idx * shape[k] + (shape[k] == 1 ? 0 : outIdx[k + off]);
  return idx;
}

LogicalResult Importer::convertBinary(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 2, 2)))
    return failure();
  StringRef op = n.op_type();
  const Const *ca = getConst(n.input(0)), *cb = getConst(n.input(1));
  if (ca && cb) {
    // Fold (shape arithmetic, constant expressions).
    auto shape = broadcast(ca->shape, cb->shape);
    if (failed(shape))
      return error(loc) << "operand shapes " << shapeStr(ca->shape) << " and "
                        << shapeStr(cb->shape)
                        << " are not broadcast-compatible";
    Const r;
    r.shape = *shape;
    if (failed(checkShape(r.shape, loc, "the result")))
      return failure();
    bool isFloat = ca->isFloat() || cb->isFloat();
    r.dtype = isFloat ? onnx::TensorProto::FLOAT : onnx::TensorProto::INT64;
    int64_t numel = r.numel();
    SmallVector<int64_t> idx(r.shape.size(), 0);
    for (int64_t k = 0; k < numel; ++k) {
      double x = ca->at(broadcastIndex(ca->shape, r.shape, idx));
      double y = cb->at(broadcastIndex(cb->shape, r.shape, idx));
      if (isFloat) {
        float fx = x, fy = y;
        r.f.push_back(op == "Add"   ? fx + fy
                      : op == "Sub" ? fx - fy
                      : op == "Mul" ? fx * fy
                                    : fx / fy);
      } else {
        int64_t ix = x, iy = y;
        if (op == "Div" && iy == 0)
          return error(loc) << "integer division by zero";
        r.i.push_back(op == "Add"   ? ix + iy
                      : op == "Sub" ? ix - iy
                      : op == "Mul" ? ix * iy
                                    : ix / iy);
      }
      for (int64_t d = r.shape.size() - 1; d >= 0; --d) {
        if (++idx[d] < r.shape[d])
          break;
        idx[d] = 0;
      }
    }
    defineConst(n, std::move(r));
    return success();
  }

  FailureOr<Value> a = getValue(n.input(0), loc);
  if (failed(a))
    return failure();
  // MatMul + Add of a constant [out] row: the Linear's bias.
  if (op == "Add" && cb && cb->isFloat() && cb->shape.size() == 1) {
    auto lin = a->getDefiningOp<LinearOp>();
    if (lin && !lin.getBias() && a->use_empty() &&
        useCount.lookup(n.input(0)) == 1 &&
        typeOf(*a).getDimSize(1) == cb->shape[0]) {
      Value bias = materialize(n.input(1), *cb, loc, /*state=*/false);
      b.setInsertionPoint(lin);
      auto fused = LinearOp::create(b, lin.getLoc(), lin.getType(),
                                    lin.getInput(), lin.getWeight(), bias);
      b.setInsertionPointToEnd(lin->getBlock());
      lin.replaceAllUsesWith(fused.getResult());
      lin.erase();
      // The bias load must dominate the new linear.
      bias.getDefiningOp()->moveBefore(fused);
      define(n, fused);
      return success();
    }
  }
  FailureOr<Value> c = getValue(n.input(1), loc);
  if (failed(c))
    return failure();
  auto shape = broadcast(typeOf(*a).getShape(), typeOf(*c).getShape());
  if (failed(shape))
    return error(loc) << "operand shapes " << shapeStr(typeOf(*a).getShape())
                      << " and " << shapeStr(typeOf(*c).getShape())
                      << " are not broadcast-compatible";
  auto rt = f32(*shape);
  Value r;
  if (op == "Add")
    r = AddOp::create(b, loc, rt, *a, *c);
  else if (op == "Sub")
    r = SubOp::create(b, loc, rt, *a, *c);
  else if (op == "Mul")
    r = MulOp::create(b, loc, rt, *a, *c);
  else
    r = DivOp::create(b, loc, rt, *a, *c);
  define(n, r);
  return success();
}

FailureOr<Importer::ShapeOperand> Importer::shapeOperand(StringRef name,
                                                        Location loc) {
  ShapeOperand x;
  if ((x.c = getConst(name))) {
    x.shape = x.c->shape;
    return x;
  }
  FailureOr<Value> v = getValue(name, loc);
  if (failed(v))
    return failure();
  x.v = *v;
  llvm::append_range(x.shape, typeOf(x.v).getShape());
  return x;
}

void Importer::defineReshaped(const onnx::NodeProto &n, Location loc,
                              const ShapeOperand &x, ArrayRef<int64_t> shape) {
  if (x.c) {
    Const r = *x.c;
    r.shape.assign(shape.begin(), shape.end());
    r.isInitializer = false;
    defineConst(n, std::move(r));
  } else if (shape == ArrayRef<int64_t>(x.shape)) {
    define(n, x.v);
  } else {
    define(n, ReshapeOp::create(b, loc, f32(shape), x.v));
  }
}

LogicalResult Importer::convertReshape(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 2, 2)))
    return failure();
  auto target = constInts(n.input(1), loc, "the shape");
  if (failed(target))
    return failure();
  FailureOr<ShapeOperand> x = shapeOperand(n.input(0), loc);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = x->shape;
  int64_t numel = 1;
  for (int64_t d : in)
    numel *= d;
  bool allowZero = intAttr(n, "allowzero", 0) != 0;
  SmallVector<int64_t> shape;
  int64_t known = 1, inferAt = -1;
  if (target->size() > kMaxRank)
    return error(loc) << "the target shape has too many dimensions";
  for (auto [k, d] : llvm::enumerate(*target)) {
    if (d == 0 && !allowZero) {
      if (k >= in.size())
        return error(loc) << "shape " << shapeStr(*target)
                          << " copies dimension " << k << " of " << shapeStr(in)
                          << ", which has no such dimension";
      d = in[k];
    }
    if (d == -1) {
      if (inferAt >= 0)
        return error(loc) << "shape " << shapeStr(*target)
                          << " has more than one -1";
      inferAt = k;
      shape.push_back(1);
      continue;
    }
    if (d <= 0 || d > kMaxElements)
      return error(loc) << "shape " << shapeStr(*target)
                        << " has an invalid dimension " << d;
    if (known > kMaxElements / d)
      return error(loc) << "shape " << shapeStr(*target) << " is too large";
    known *= d;
    shape.push_back(d);
  }
  if (inferAt >= 0) {
    if (numel % known)
      return error(loc) << "cannot reshape " << shapeStr(in) << " to "
                        << shapeStr(*target);
    shape[inferAt] = numel / known;
    known = numel;
  }
  if (known != numel)
    return error(loc) << "cannot reshape " << shapeStr(in) << " (" << numel
                      << " elements) to " << shapeStr(shape);
  defineReshaped(n, loc, *x, shape);
  return success();
}

LogicalResult Importer::convertFlatten(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 1, 1)))
    return failure();
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  auto xt = typeOf(*x);
  int64_t rank = xt.getRank();
  int64_t axis = intAttr(n, "axis", 1);
  if (axis < -rank || axis > rank)
    return error(loc) << "axis " << axis << " is out of range for rank "
                      << rank;
  if (axis < 0)
    axis += rank;
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < rank; ++k)
    (k < axis ? outer : inner) *= xt.getDimSize(k);
  auto rt = f32({outer, inner});
  if (axis == 1 && rank > 2)
    define(n, FlattenOp::create(b, loc, rt, *x, b.getI64IntegerAttr(1),
                                b.getI64IntegerAttr(-1)));
  else if (rt == xt)
    define(n, *x);
  else
    define(n, ReshapeOp::create(b, loc, rt, *x));
  return success();
}

LogicalResult Importer::convertConcat(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 1, 1 << 16)))
    return failure();
  const auto *axisAttr = attr(n, "axis");
  if (!axisAttr)
    return error(loc) << "has no axis attribute";
  bool allConst = llvm::all_of(
      n.input(), [&](const std::string &s) { return getConst(s) != nullptr; });
  if (allConst) {
    const Const *first = getConst(n.input(0));
    int64_t rank = first->shape.size();
    auto axis = normAxis(axisAttr->i(), rank, loc);
    if (failed(axis))
      return failure();
    Const r;
    r.dtype = first->dtype;
    r.shape = first->shape;
    r.shape[*axis] = 0;
    for (const auto &s : n.input()) {
      const Const *c = getConst(s);
      if (c->shape.size() != static_cast<size_t>(rank) ||
          c->isFloat() != first->isFloat())
        return error(loc) << "inputs differ in rank or type";
      for (int64_t k = 0; k < rank; ++k)
        if (k != *axis && c->shape[k] != first->shape[k])
          return error(loc)
                 << "input shapes " << shapeStr(first->shape) << " and "
                 << shapeStr(c->shape) << " differ outside axis " << *axis;
      r.shape[*axis] += c->shape[*axis];
    }
    if (failed(checkShape(r.shape, loc, "the result")))
      return failure();
    // Outer blocks of each input in turn.
    int64_t outer = 1;
    for (int64_t k = 0; k < *axis; ++k)
      outer *= r.shape[k];
    for (int64_t o = 0; o < outer; ++o)
      for (const auto &s : n.input()) {
        const Const *c = getConst(s);
        int64_t block = c->numel() / outer;
        if (r.isFloat())
          r.f.insert(r.f.end(), c->f.begin() + o * block,
                     c->f.begin() + (o + 1) * block);
        else
          r.i.insert(r.i.end(), c->i.begin() + o * block,
                     c->i.begin() + (o + 1) * block);
      }
    defineConst(n, std::move(r));
    return success();
  }
  SmallVector<Value> ins;
  for (const auto &s : n.input()) {
    FailureOr<Value> v = getValue(s, loc);
    if (failed(v))
      return failure();
    ins.push_back(*v);
  }
  auto t0 = typeOf(ins[0]);
  auto axis = normAxis(axisAttr->i(), t0.getRank(), loc);
  if (failed(axis))
    return failure();
  SmallVector<int64_t> shape(t0.getShape());
  shape[*axis] = 0;
  for (Value v : ins) {
    auto t = typeOf(v);
    if (t.getRank() != t0.getRank())
      return error(loc) << "inputs differ in rank";
    shape[*axis] += t.getDimSize(*axis);
  }
  define(n,
         ConcatOp::create(b, loc, f32(shape), ins, b.getI64IntegerAttr(*axis)));
  return success();
}

LogicalResult Importer::convertSoftmax(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 1, 1)))
    return failure();
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  int64_t rank = typeOf(*x).getRank();
  auto axis = normAxis(intAttr(n, "axis", opset >= 13 ? -1 : 1), rank, loc);
  if (failed(axis))
    return failure();
  // Before opset 13 Softmax normalizes over all axes from `axis` on.
  if (opset < 13 && *axis != rank - 1)
    return error(loc) << "opset " << opset << " Softmax over axes " << *axis
                      << ".." << rank - 1
                      << " is not supported (only the last axis)";
  define(n, SoftmaxOp::create(b, loc, *x, b.getI64IntegerAttr(*axis)));
  return success();
}

LogicalResult Importer::convertTranspose(const onnx::NodeProto &n,
                                         Location loc) {
  if (failed(needInputs(n, loc, 1, 1)))
    return failure();
  const Const *c = getConst(n.input(0));
  size_t rank = c ? c->shape.size() : 0;
  if (!c) {
    FailureOr<Value> x = getValue(n.input(0), loc);
    if (failed(x))
      return failure();
    rank = typeOf(*x).getRank();
  }
  SmallVector<int64_t> perm = intsAttr(n, "perm");
  if (perm.empty())
    for (int64_t k = rank; k > 0; --k)
      perm.push_back(k - 1);
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  if (perm.size() != rank || llvm::any_of(llvm::enumerate(sorted), [](auto p) {
        return p.value() != (int64_t)p.index();
      }))
    return error(loc) << "perm " << shapeStr(perm)
                      << " is not a permutation of rank " << rank;
  bool identity = llvm::all_of(llvm::enumerate(perm), [](auto p) {
    return p.value() == (int64_t)p.index();
  });
  if (!c) {
    if (!identity)
      return error(loc) << "Transpose of a computed tensor does not fold "
                           "(qat has no transpose op); only constants and "
                           "identity permutations are supported";
    values[n.output(0)] = values.lookup(n.input(0));
    return success();
  }
  Const r = *c;
  r.isInitializer = false;
  for (size_t k = 0; k < rank; ++k)
    r.shape[k] = c->shape[perm[k]];
  SmallVector<int64_t> inStride(rank, 1);
  for (int64_t k = rank - 2; k >= 0; --k)
    inStride[k] = inStride[k + 1] * c->shape[k + 1];
  SmallVector<int64_t> idx(rank, 0);
  for (int64_t e = 0, numel = c->numel(); e < numel; ++e) {
    int64_t src = 0;
    for (size_t k = 0; k < rank; ++k)
      src += idx[k] * inStride[perm[k]];
    if (r.isFloat())
      r.f[e] = c->f[src];
    else
      r.i[e] = c->i[src];
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[d] < r.shape[d])
        break;
      idx[d] = 0;
    }
  }
  // Keep the initializer's name and role: a transposed weight is the weight.
  r.isInitializer = c->isInitializer;
  defineConst(n, std::move(r));
  return success();
}

LogicalResult Importer::convertConstant(const onnx::NodeProto &n,
                                        Location loc) {
  if (n.attribute_size() != 1)
    return error(loc) << "expects exactly one value attribute";
  const auto &a = n.attribute(0);
  Const c;
  StringRef name = a.name();
  if (name == "value") {
    if (failed(readTensor(a.t(), loc, c)))
      return failure();
  } else if (name == "value_float") {
    c.f = {a.f()};
  } else if (name == "value_floats") {
    c.f.assign(a.floats().begin(), a.floats().end());
    c.shape = {static_cast<int64_t>(c.f.size())};
  } else if (name == "value_int") {
    c.dtype = onnx::TensorProto::INT64;
    c.i = {a.i()};
  } else if (name == "value_ints") {
    c.dtype = onnx::TensorProto::INT64;
    c.i.assign(a.ints().begin(), a.ints().end());
    c.shape = {static_cast<int64_t>(c.i.size())};
  } else {
    return error(loc) << "attribute '" << name << "' is not supported";
  }
  if (c.numel() == 0)
    return error(loc) << "empty constants are not supported";
  defineConst(n, std::move(c));
  return success();
}

LogicalResult Importer::convertShape(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 1, 1)))
    return failure();
  SmallVector<int64_t> shape;
  if (const Const *c = getConst(n.input(0))) {
    shape = c->shape;
  } else {
    FailureOr<Value> x = getValue(n.input(0), loc);
    if (failed(x))
      return failure();
    shape.assign(typeOf(*x).getShape().begin(), typeOf(*x).getShape().end());
  }
  int64_t rank = shape.size();
  int64_t start = intAttr(n, "start", 0), end = intAttr(n, "end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, start, rank);
  Const r;
  r.dtype = onnx::TensorProto::INT64;
  r.i.assign(shape.begin() + start, shape.begin() + end);
  r.shape = {static_cast<int64_t>(r.i.size())};
  if (r.i.empty())
    return error(loc) << "the slice of the shape is empty";
  defineConst(n, std::move(r));
  return success();
}

LogicalResult Importer::convertGather(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 2, 2)))
    return failure();
  const Const *data = getConst(n.input(0));
  auto indices = constInts(n.input(1), loc, "the indices");
  if (failed(indices))
    return failure();
  if (!data)
    return error(loc) << "Gather of a computed tensor is not supported (only "
                         "constant shape arithmetic folds)";
  int64_t rank = data->shape.size();
  if (rank == 0)
    return error(loc) << "Gather of a scalar";
  auto axis = normAxis(intAttr(n, "axis", 0), rank, loc);
  if (failed(axis))
    return failure();
  const Const *ic = getConst(n.input(1));
  int64_t dim = data->shape[*axis];
  Const r;
  r.dtype = data->dtype;
  r.shape.assign(data->shape.begin(), data->shape.begin() + *axis);
  r.shape.append(ic->shape.begin(), ic->shape.end());
  r.shape.append(data->shape.begin() + *axis + 1, data->shape.end());
  if (r.shape.size() > kMaxRank)
    return error(loc) << "the result has too many dimensions";
  int64_t outer = 1, inner = 1;
  for (int64_t k = 0; k < rank; ++k)
    if (k < *axis)
      outer *= data->shape[k];
    else if (k > *axis)
      inner *= data->shape[k];
  if (outer * static_cast<int64_t>(indices->size()) * inner > kMaxElements)
    return error(loc) << "the result is too large";
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t idx : *indices) {
      if (idx < -dim || idx >= dim)
        return error(loc) << "index " << idx << " is out of range [" << -dim
                          << ", " << dim << ")";
      if (idx < 0)
        idx += dim;
      int64_t base = (o * dim + idx) * inner;
      for (int64_t k = 0; k < inner; ++k) {
        if (data->isFloat())
          r.f.push_back(data->f[base + k]);
        else
          r.i.push_back(data->i[base + k]);
      }
    }
  defineConst(n, std::move(r));
  return success();
}

LogicalResult Importer::convertUnsqueeze(const onnx::NodeProto &n, Location loc,
                                         bool squeeze) {
  if (failed(needInputs(n, loc, 1, 2)))
    return failure();
  SmallVector<int64_t> axes;
  if (opset >= 13) {
    if (!input(n, 1).empty()) {
      auto a = constInts(n.input(1), loc, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  } else {
    axes = intsAttr(n, "axes");
  }
  FailureOr<ShapeOperand> x = shapeOperand(n.input(0), loc);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> in = x->shape;
  SmallVector<int64_t> out;
  if (squeeze) {
    int64_t rank = in.size();
    SmallVector<bool> drop(rank, axes.empty());
    if (axes.empty())
      for (int64_t k = 0; k < rank; ++k)
        drop[k] = in[k] == 1;
    for (int64_t a : axes) {
      auto na = normAxis(a, rank, loc);
      if (failed(na))
        return failure();
      // normAxis admits axis 0 of a scalar (for ops that treat it as 1-D).
      if (*na >= rank)
        return error(loc) << "cannot squeeze a scalar";
      if (in[*na] != 1)
        return error(loc) << "cannot squeeze dimension " << *na << " of "
                          << shapeStr(in);
      drop[*na] = true;
    }
    for (int64_t k = 0; k < rank; ++k)
      if (!drop[k])
        out.push_back(in[k]);
  } else {
    if (axes.empty())
      return error(loc) << "has no axes";
    int64_t rank = in.size() + axes.size();
    if (rank > kMaxRank)
      return error(loc) << "the result has too many dimensions";
    SmallVector<bool> isNew(rank, false);
    for (int64_t a : axes) {
      auto na = normAxis(a, rank, loc);
      if (failed(na))
        return failure();
      if (isNew[*na])
        return error(loc) << "axis " << a << " is repeated";
      isNew[*na] = true;
    }
    for (int64_t k = 0, j = 0; k < rank; ++k)
      out.push_back(isNew[k] ? 1 : in[j++]);
  }
  defineReshaped(n, loc, *x, out);
  return success();
}

LogicalResult Importer::convertCast(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 1, 1)))
    return failure();
  int64_t to = intAttr(n, "to", 0);
  if (const Const *c = getConst(n.input(0))) {
    Const r = *c;
    r.isInitializer = false;
    if (to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::DOUBLE) {
      if (!c->isFloat())
        r.f.assign(c->i.begin(), c->i.end());
      r.i.clear();
      r.dtype = onnx::TensorProto::FLOAT;
    } else if (to == onnx::TensorProto::INT64 ||
               to == onnx::TensorProto::INT32) {
      if (c->isFloat())
        for (float v : c->f) {
          if (!(std::fabs(v) < 9.2e18f))
            return error(loc) << "cannot cast " << v << " to an integer";
          r.i.push_back(static_cast<int64_t>(v));
        }
      r.f.clear();
      r.dtype = onnx::TensorProto::INT64;
    } else {
      return error(loc) << "Cast to " << dtypeName(to) << " is not supported";
    }
    defineConst(n, std::move(r));
    return success();
  }
  if (to != onnx::TensorProto::FLOAT)
    return error(loc) << "Cast of a computed tensor to " << dtypeName(to)
                      << " is not supported (qat computes in float)";
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  define(n, *x);
  return success();
}

LogicalResult Importer::convertPad(const onnx::NodeProto &n, Location loc) {
  if (failed(needInputs(n, loc, 1, 3)))
    return failure();
  SmallVector<int64_t> pads = intsAttr(n, "pads");
  if (!input(n, 1).empty()) {
    auto p = constInts(n.input(1), loc, "pads");
    if (failed(p))
      return failure();
    pads = *p;
  }
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    return error(loc) << "non-zero padding " << shapeStr(pads)
                      << " is not supported (qat has no pad op; convolutions "
                         "and pools pad themselves)";
  FailureOr<Value> x = getValue(n.input(0), loc);
  if (failed(x))
    return failure();
  define(n, *x);
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeLinear / DequantizeLinear
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertQuantize(const onnx::NodeProto &n,
                                        Location loc) {
  if (failed(needInputs(n, loc, 2, 3)))
    return failure();
  if (!getConst(n.input(0)) && !values.count(n.input(0))) {
    FailureOr<Value> x = getValue(n.input(0), loc);
    (void)x;
    return failure();
  }
  if (const Const *c = getConst(n.input(0)); c && !c->isFloat())
    return error(loc) << "quantizes a tensor of type " << dtypeName(c->dtype);
  Quantized q;
  q.source = n.input(0);
  if (failed(readQParams(n, loc, q)))
    return failure();
  quantized[n.output(0)] = std::move(q);
  return success();
}

LogicalResult Importer::convertDequantize(const onnx::NodeProto &n,
                                          Location loc) {
  if (failed(needInputs(n, loc, 2, 3)))
    return failure();
  Quantized dq;
  if (failed(readQParams(n, loc, dq)))
    return failure();
  auto qit = quantized.find(n.input(0));
  if (qit != quantized.end()) {
    // A Q/DQ pair: fake quantization of the Q's input.
    const Quantized &q = qit->second;
    if (q.scale != dq.scale || q.zeroPoint != dq.zeroPoint ||
        q.isUnsigned != dq.isUnsigned ||
        (q.scale.size() > 1 && q.axis != dq.axis))
      return error(loc) << "dequantizes with other qparams than its "
                           "QuantizeLinear; only matching Q/DQ pairs (fake "
                           "quantization) are supported";
    bool isWeight = getConst(q.source) != nullptr;
    FailureOr<Value> x = getValue(q.source, loc);
    if (failed(x))
      return failure();
    FailureOr<Value> fq = insertFakeQuant(*x, q, isWeight, q.source, loc);
    if (failed(fq))
      return failure();
    define(n, *fq);
    return success();
  }
  const Const *c = getConst(n.input(0));
  if (!c) {
    if (values.count(n.input(0)))
      return error(loc) << "dequantizes the float tensor '" << n.input(0)
                        << "'";
    FailureOr<Value> x = getValue(n.input(0), loc);
    (void)x;
    return failure();
  }
  if (c->isFloat() || c->dtype == onnx::TensorProto::INT64)
    return error(loc) << "dequantizes a tensor of type " << dtypeName(c->dtype)
                      << "; expected int8, uint8 or int32";
  // A stored quantized tensor (ONNX Runtime's QDQ format): its float value.
  int64_t numel = c->numel();
  int64_t channels = dq.scale.size();
  int64_t axis = 0, inner = 1;
  if (channels > 1) {
    auto na = normAxis(dq.axis, c->shape.size(), loc);
    if (failed(na))
      return failure();
    axis = *na;
    if (c->shape[axis] != channels)
      return error(loc) << "has " << channels << " scales for dimension "
                        << axis << " of size " << c->shape[axis];
    for (size_t k = axis + 1; k < c->shape.size(); ++k)
      inner *= c->shape[k];
  }
  Const r;
  r.shape = c->shape;
  r.isInitializer = c->isInitializer;
  r.f.resize(numel);
  for (int64_t e = 0; e < numel; ++e) {
    int64_t ch = channels > 1 ? (e / inner) % channels : 0;
    r.f[e] = static_cast<float>(c->i[e] - dq.zeroPoint[ch]) * dq.scale[ch];
  }
  // Parameter names without ONNX Runtime's suffix.
  StringRef base = n.input(0);
  base.consume_back("_quantized");
  if (c->dtype == onnx::TensorProto::INT32) {
    // A bias: qat-convert quantizes biases itself.
    consts[n.output(0)] = r;
    aliases[n.output(0)] = base.str();
    return success();
  }
  consts[base] = r;
  Value w = materialize(base, consts[base], loc, /*state=*/false);
  dq.axis = axis;
  FailureOr<Value> fq = insertFakeQuant(w, dq, /*isWeight=*/true, base, loc);
  if (failed(fq))
    return failure();
  define(n, *fq);
  return success();
}

LogicalResult Importer::readQParams(const onnx::NodeProto &n, Location loc,
                                    Quantized &q) {
  const Const *scale = getConst(n.input(1));
  const Const *zp = input(n, 2).empty() ? nullptr : getConst(n.input(2));
  if (!input(n, 2).empty() && !zp)
    return error(loc) << "the zero point must be a constant";
  int64_t axis = intAttr(n, "axis", 1);
  {
    if (!scale || !scale->isFloat())
      return emitError(loc) << "the scale must be a float constant";
    if (scale->shape.size() > 1)
      return emitError(loc) << "the scale must be a scalar or 1-D";
    q.scale = scale->f;
    for (float s : q.scale)
      if (!(s > 0.0f) || !std::isfinite(s))
        return emitError(loc)
               << "scale " << s << " must be positive and finite";
    if (zp) {
      if (zp->dtype != onnx::TensorProto::UINT8 &&
          zp->dtype != onnx::TensorProto::INT8 &&
          zp->dtype != onnx::TensorProto::INT32)
        return emitError(loc) << "the zero point is " << dtypeName(zp->dtype)
                              << "; expected uint8, int8 or int32";
      if (zp->numel() != static_cast<int64_t>(q.scale.size()))
        return emitError(loc) << "has " << q.scale.size() << " scales but "
                              << zp->numel() << " zero points";
      q.zeroPoint = zp->i;
      q.isUnsigned = zp->dtype == onnx::TensorProto::UINT8;
    } else {
      q.zeroPoint.assign(q.scale.size(), 0);
      q.isUnsigned = true;
    }
    q.axis = axis;
    return success();
  }
}

FailureOr<Value> Importer::insertFakeQuant(Value v, const Quantized &q,
                                           bool isWeight, StringRef base,
                                           Location loc) {
  auto type = typeOf(v);
  int64_t channels = q.scale.size();
  std::optional<int64_t> axis;
  if (channels > 1) {
    auto na = normAxis(q.axis, type.getRank(), loc);
    if (failed(na))
      return failure();
    if (type.getDimSize(*na) != channels)
      return error(loc) << "has " << channels << " scales for dimension " << *na
                        << " of " << shapeStr(type.getShape());
    axis = *na;
  }
  int64_t qmin = q.isUnsigned ? 0 : -128, qmax = q.isUnsigned ? 255 : 127;
  for (int64_t z : q.zeroPoint)
    if (z < qmin || z > qmax)
      return error(loc) << "zero point " << z << " is outside [" << qmin << ", "
                        << qmax << "]";
  // Weights whose zero points are the symmetric one are symmetric.
  runtime::QRange range{qmin, qmax, false, q.isUnsigned};
  int64_t symZp =
      runtime::getSymmetricZeroPoint({qmin, qmax, true, q.isUnsigned});
  range.symmetric = isWeight && llvm::all_of(q.zeroPoint, [&](int64_t z) {
                      return z == symZp;
                    });

  // Observer state that chooseQParams maps back to exactly these qparams.
  std::vector<float> mins, maxs;
  for (int64_t c = 0; c < channels; ++c) {
    float s = q.scale[c];
    int64_t zp = q.zeroPoint[c];
    float lo, hi;
    if (range.symmetric) {
      hi = s * (static_cast<float>(qmax - qmin) / 2.0f);
      lo = -hi;
    } else {
      lo = static_cast<float>(qmin - zp) * s;
      hi = static_cast<float>(qmax - zp) * s;
    }
    bool found = false;
    for (int step = 0; step < 64 && !found; ++step) {
      runtime::QParams p = runtime::chooseQParams(lo, hi, range);
      if (p.scale == s && p.zeroPoint == zp) {
        found = true;
        break;
      }
      // Nudge the range towards the scale (the larger bound moves).
      float dir = p.scale < s ? std::numeric_limits<float>::infinity()
                              : -std::numeric_limits<float>::infinity();
      if (range.symmetric || hi > -lo) {
        hi = std::nextafter(hi, dir);
        if (range.symmetric)
          lo = -hi;
      } else {
        lo = std::nextafter(lo, -dir);
      }
    }
    if (!found)
      return error(loc) << "qparams (scale " << s << ", zero point " << zp
                        << ") cannot be represented as an observer range";
    mins.push_back(lo);
    maxs.push_back(hi);
  }

  ObserverKind kind = options.qdqObserver;
  FloatAttr avg;
  if (kind == ObserverKind::moving_average || kind == ObserverKind::ema)
    avg = b.getF64FloatAttr(0.01);
  IntegerType dtype = IntegerType::get(
      ctx, 8, q.isUnsigned ? IntegerType::Unsigned : IntegerType::Signless);
  auto spec = QSpecAttr::get(ctx, dtype, qmin, qmax, range.symmetric, axis,
                             /*narrowRange=*/false, kind, avg,
                             /*learnable=*/false, /*gradScaling=*/false,
                             /*tfSte=*/false);
  auto stateType = f32({channels});
  auto zpType = RankedTensorType::get({channels}, b.getI32Type());
  auto makeState = [&](StringRef suffix, ArrayRef<float> init) {
    return createModuleParam(module, *symbols, (base + "_fq" + suffix).str(),
                             DenseElementsAttr::get(stateType, init),
                             /*state=*/true)
        .getSymName();
  };
  StringRef minName = makeState(".min", mins),
            maxName = makeState(".max", maxs);
  Value mn = LoadOp::create(b, loc, stateType, minName);
  Value mx = LoadOp::create(b, loc, stateType, maxName);
  bool training = kind != ObserverKind::none;
  auto obs = ObserveOp::create(
      b, loc, TypeRange{stateType, zpType, stateType, stateType}, v, mn, mx,
      spec, training ? b.getUnitAttr() : UnitAttr());
  if (training) {
    StoreOp::create(b, loc, obs.getNewMin(), minName);
    StoreOp::create(b, loc, obs.getNewMax(), maxName);
  }
  return FakeQuantOp::create(b, loc, type, v, obs.getScale(),
                             obs.getZeroPoint(), spec)
      .getResult();
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

OwningOpRef<ModuleOp>
mlir::qat::importOnnxModel(StringRef bytes, StringRef fileName,
                           MLIRContext *context,
                           const OnnxImportOptions &opts) {
  context->loadDialect<QatDialect, func::FuncDialect>();
  Location fileLoc = FileLineColLoc::get(context, fileName, 0, 0);
  if (bytes.empty())
    return (emitError(fileLoc) << "the file is empty", nullptr);
  if (bytes.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
    return (emitError(fileLoc) << "the file is larger than 2 GiB", nullptr);
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())))
    return (emitError(fileLoc)
                << "cannot parse the file as an ONNX model (malformed or "
                   "truncated protobuf)",
            nullptr);
  if (opts.batch && (*opts.batch <= 0 || *opts.batch > (1 << 24)))
    return (emitError(fileLoc) << "--batch must be positive", nullptr);
  Importer importer(context, fileName, opts);
  return importer.run(model);
}

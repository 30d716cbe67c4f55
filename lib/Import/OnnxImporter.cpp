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
// This file is the driver: the model and graph walk, the value map and the
// @forward function. The nodes are converted by the op converters of
// Layers.cpp, Elementwise.cpp, Shape.cpp and QDQ.cpp.
//
//===----------------------------------------------------------------------===//

#include "ImporterImpl.h"

#include "Qat/IR/QatDialect.h"
#include "Qat/IR/QatOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"

#include <limits>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::importer;

/// The converters of every supported operator (default domain).
static const OpConverterTable &getOpConverters() {
  static const OpConverterTable table = [] {
    OpConverterTable t;
    populateLayerConverters(t);
    populateElementwiseConverters(t);
    populateShapeConverters(t);
    populateQdqConverters(t);
    return t;
  }();
  return table;
}

//===----------------------------------------------------------------------===//
// Locations and operands
//===----------------------------------------------------------------------===//

Location Importer::nodeLoc(const onnx::NodeProto &node, int index) {
  std::string name = node.name().empty() ? "#" + std::to_string(index)
                                         : "'" + node.name() + "'";
  return namedLoc("node " + name + " (" + node.op_type() + ")");
}

Location Importer::namedLoc(const Twine &what) {
  return NameLoc::get(StringAttr::get(ctx, what), fileLoc);
}

LogicalResult Importer::onlyFirstOutputUsed(const onnx::NodeProto &n,
                                            Location loc) {
  for (int i = 1; i < n.output_size(); ++i)
    if (!n.output(i).empty() && useCount.lookup(n.output(i)) > 0)
      return emitError(loc) << "output " << i << " ('" << n.output(i)
                            << "') is used; only the first output is "
                               "supported";
  return success();
}

FailureOr<SmallVector<int64_t>>
Importer::constInts(StringRef name, Location loc, StringRef what) {
  const Const *c = getConst(name);
  if (!c)
    return emitError(loc) << what << " ('" << name
                          << "') must be a constant (an initializer or a "
                             "computation that folds to one)";
  SmallVector<int64_t> v;
  for (int64_t k = 0, e = c->numel(); k < e; ++k)
    v.push_back(c->isFloat() ? static_cast<int64_t>(c->f[k]) : c->i[k]);
  return v;
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

StringRef Importer::createParam(StringRef name, DenseElementsAttr init,
                                bool state) {
  return createModuleParam(module, *symbols, name, init, state).getSymName();
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
  StringRef param = createParam(name, init, state || !c.isInitializer);
  Value v = LoadOp::create(b, loc, type, param);
  loads[name] = v;
  return v;
}

void Importer::eraseUnusedLoad(LoadOp load) {
  if (!load.getResult().use_empty())
    return;
  StringRef name = load.getName();
  ParamOp param = lookupParam(name);
  auto it = loads.find(name);
  if (it != loads.end() && it->second == load.getResult())
    loads.erase(it);
  load.erase();
  if (param && SymbolTable::symbolKnownUseEmpty(param, module))
    symbols->erase(param);
}

FailureOr<Value> Importer::getValue(StringRef name, Location loc, bool state) {
  if (name.empty())
    return emitError(loc) << "a required input is empty";
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  if (const Const *c = getConst(name))
    return materialize(name, *c, loc, state);
  if (quantized.count(name))
    return emitError(loc) << "reads '" << name
                          << "', the output of a QuantizeLinear; only "
                             "DequantizeLinear (and a Clip of the integers) "
                             "may read quantized tensors";
  return emitError(loc) << "reads '" << name
                        << "', which no graph input, initializer or earlier "
                           "node defines";
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

LogicalResult Importer::reserveFolded(ArrayRef<int64_t> shape, Location loc) {
  if (failed(checkShape(shape, loc, "the result")))
    return failure();
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  if (n > foldBudget - foldedElements)
    return emitError(loc) << "folding the result " << shapeStr(shape)
                          << " would exceed this model's budget of "
                          << foldBudget
                          << " folded constant elements (2^24 plus twice its "
                             "initializers' element count); qat folds shape "
                             "arithmetic, not tensors";
  foldedElements += n;
  return success();
}

LogicalResult Importer::defineReshaped(const onnx::NodeProto &n, Location loc,
                                       const ShapeOperand &x,
                                       ArrayRef<int64_t> shape) {
  if (x.c) {
    if (failed(reserveFolded(shape, loc)))
      return failure();
    Const r = *x.c;
    r.shape.assign(shape.begin(), shape.end());
    r.isInitializer = false;
    defineConst(n, std::move(r));
  } else if (shape == ArrayRef<int64_t>(x.shape)) {
    define(n, x.v);
  } else {
    define(n, ReshapeOp::create(b, loc, f32(shape), x.v));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

LogicalResult Importer::readOpset(const onnx::ModelProto &model) {
  if (!model.has_graph())
    return emitError(fileLoc) << "the model has no graph (not an ONNX model?)";
  // Opset of the default domain.
  for (const auto &o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx")
      opset = o.version();
  if (opset == 0)
    return emitError(fileLoc) << "the model imports no opset of the default "
                                 "ONNX domain";
  if (opset < 11 || opset > 17)
    return emitError(fileLoc) << "opset " << opset
                              << " is not supported (supported: 11 to 17); "
                                 "re-export the model with opset_version in "
                                 "that range";
  return success();
}

LogicalResult Importer::checkSupported(const onnx::GraphProto &graph) {
  // Every unsupported operator, in one error.
  std::string list;
  int count = 0;
  for (auto [idx, n] : llvm::enumerate(graph.node())) {
    bool defaultDomain = n.domain().empty() || n.domain() == "ai.onnx";
    if (defaultDomain && getOpConverters().contains(n.op_type()))
      continue;
    ++count;
    list +=
        "\n  node " +
        (n.name().empty() ? "#" + std::to_string(idx) : "'" + n.name() + "'") +
        ": " + (defaultDomain ? "" : n.domain() + ".") + n.op_type();
  }
  if (count)
    return emitError(fileLoc) << count << " unsupported ONNX operator"
                              << (count == 1 ? "" : "s") << " (qat has no op "
                              << "for them):" << list;
  return success();
}

LogicalResult Importer::readInitializers(const onnx::GraphProto &graph) {
  int64_t initElements = 0;
  for (const auto &t : graph.initializer()) {
    Location loc = namedLoc("initializer '" + t.name() + "'");
    if (t.name().empty())
      return emitError(loc) << "an initializer has no name";
    Const c;
    if (failed(readTensor(t, loc, c)))
      return failure();
    c.isInitializer = true;
    initElements += c.numel();
    consts[t.name()] = std::move(c);
  }
  // Folding may copy every initializer twice (dequantized, transposed).
  foldBudget = kMinFoldBudget + 2 * initElements;
  return success();
}

/// The static shape of the graph input `in`, its batch fixed by --batch.
FailureOr<SmallVector<int64_t>>
Importer::inputShape(const onnx::ValueInfoProto &in, Location loc) {
  if (!in.type().has_tensor_type())
    return emitError(loc) << "is not a tensor";
  const auto &tt = in.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT)
    return emitError(loc) << "has element type " << dtypeName(tt.elem_type())
                          << "; only float inputs are supported";
  if (!tt.has_shape())
    return emitError(loc) << "has no shape";
  SmallVector<int64_t> shape;
  for (auto [d, dim] : llvm::enumerate(tt.shape().dim())) {
    bool known = dim.has_dim_value() && dim.dim_value() > 0;
    if (d == 0) {
      if (options.batch && known && dim.dim_value() != *options.batch)
        return emitError(loc) << "has a static batch of " << dim.dim_value()
                              << ", not --batch " << *options.batch
                              << "; re-export it with a dynamic batch axis";
      if (known) {
        shape.push_back(dim.dim_value());
        continue;
      }
      if (!options.batch)
        return emitError(loc)
               << "has a symbolic batch dimension"
               << (dim.has_dim_param() ? " '" + dim.dim_param() + "'"
                                       : std::string())
               << "; qat needs static shapes: fix it with --batch N";
      shape.push_back(*options.batch);
      continue;
    }
    if (!known)
      return emitError(loc) << "has a symbolic or unknown dimension " << d
                            << "; only the batch dimension (0) may be "
                               "symbolic";
    shape.push_back(dim.dim_value());
  }
  if (failed(checkShape(shape, loc, "it")))
    return failure();
  return shape;
}

/// @forward with an argument per graph input that is not an initializer,
/// the builder at the end of its entry block.
FailureOr<func::FuncOp> Importer::createForward(const onnx::GraphProto &graph) {
  llvm::StringSet<> initNames;
  for (const auto &t : graph.initializer())
    initNames.insert(t.name());
  SmallVector<Type> argTypes;
  SmallVector<StringRef> argNames;
  for (const auto &in : graph.input()) {
    if (initNames.contains(in.name()))
      continue;
    Location loc = namedLoc("graph input '" + in.name() + "'");
    FailureOr<SmallVector<int64_t>> shape = inputShape(in, loc);
    if (failed(shape))
      return failure();
    argTypes.push_back(f32(*shape));
    argNames.push_back(in.name());
  }

  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(b, fileLoc, "forward",
                                   b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [i, name] : llvm::enumerate(argNames))
    values[name] = entry->getArgument(i);
  func->setAttr("qat.input_names", b.getStrArrayAttr(argNames));
  b.setInsertionPointToEnd(entry);
  return func;
}

LogicalResult Importer::convertNode(const onnx::NodeProto &n, Location loc) {
  if (n.output_size() < 1 || n.output(0).empty())
    return emitError(loc) << "has no output";
  return getOpConverters().lookup(n.op_type())(*this, n, loc);
}

/// Returns the graph outputs from @forward.
LogicalResult Importer::createReturn(const onnx::GraphProto &graph,
                                     func::FuncOp func) {
  SmallVector<Value> results;
  for (const auto &o : graph.output()) {
    Location loc = namedLoc("graph output '" + o.name() + "'");
    if (o.name().empty())
      return emitError(loc) << "has no name";
    if (getConst(o.name()))
      return emitError(loc) << "is a constant; qat models compute their "
                               "outputs";
    FailureOr<Value> v = getValue(o.name(), loc);
    if (failed(v))
      return failure();
    results.push_back(*v);
  }
  if (results.empty())
    return emitError(fileLoc) << "the graph has no outputs";
  func::ReturnOp::create(b, fileLoc, results);
  func.setFunctionType(
      b.getFunctionType(func.getArgumentTypes(), TypeRange(results)));
  SmallVector<StringRef> outNames;
  for (const auto &o : graph.output())
    outNames.push_back(o.name());
  func->setAttr("qat.output_names", b.getStrArrayAttr(outNames));
  return success();
}

OwningOpRef<ModuleOp> Importer::run(const onnx::ModelProto &model) {
  if (failed(readOpset(model)))
    return nullptr;
  const onnx::GraphProto &graph = model.graph();
  if (failed(checkSupported(graph)))
    return nullptr;
  for (const auto &n : graph.node())
    for (const auto &in : n.input())
      ++useCount[in];
  for (const auto &o : graph.output())
    ++useCount[o.name()];

  module = ModuleOp::create(fileLoc);
  OwningOpRef<ModuleOp> owned(module);
  symbols = std::make_unique<SymbolTable>(module);
  if (failed(readInitializers(graph)))
    return nullptr;
  FailureOr<func::FuncOp> func = createForward(graph);
  if (failed(func))
    return nullptr;
  for (auto [idx, n] : llvm::enumerate(graph.node()))
    if (failed(convertNode(n, nodeLoc(n, idx))))
      return nullptr;
  if (failed(createReturn(graph, *func)) || failed(verify(module)))
    return nullptr;
  return owned;
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
  if (opts.batch && (*opts.batch <= 0 || *opts.batch > kMaxBatch))
    return (emitError(fileLoc) << "--batch must be in [1, 2^24]", nullptr);
  Importer importer(context, fileName, opts);
  return importer.run(model);
}

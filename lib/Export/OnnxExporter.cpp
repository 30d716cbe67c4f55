//===- OnnxExporter.cpp - qat model to ONNX: driver and helpers -----------===//

#include "ExporterImpl.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/Endian.h"

#include <google/protobuf/text_format.h>

using namespace mlir;
using namespace mlir::qat;
using namespace mlir::qat::exporter;

static_assert(llvm::endianness::native == llvm::endianness::little,
              "ONNX raw_data is little-endian; the exporter copies bytes");

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::optional<int32_t> exporter::getOnnxElementType(Type type) {
  if (auto q = dyn_cast<quant::QuantizedType>(type)) {
    if (q.getStorageTypeIntegralWidth() != 8)
      return std::nullopt;
    return q.isSigned() ? onnx::TensorProto::INT8 : onnx::TensorProto::UINT8;
  }
  if (type.isF32())
    return onnx::TensorProto::FLOAT;
  auto it = dyn_cast<IntegerType>(type);
  if (!it)
    return std::nullopt;
  switch (it.getWidth()) {
  case 8:
    return it.isUnsigned() ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
  case 32:
    return it.isUnsigned() ? std::nullopt
                           : std::optional<int32_t>(onnx::TensorProto::INT32);
  case 64:
    return it.isUnsigned() ? std::nullopt
                           : std::optional<int32_t>(onnx::TensorProto::INT64);
  default:
    return std::nullopt;
  }
}

static onnx::AttributeProto &addAttr(onnx::NodeProto &node, StringRef name,
                                     onnx::AttributeProto::AttributeType t) {
  onnx::AttributeProto *a = node.add_attribute();
  a->set_name(name.str());
  a->set_type(t);
  return *a;
}

void exporter::setIntAttr(onnx::NodeProto &node, StringRef name,
                          int64_t value) {
  addAttr(node, name, onnx::AttributeProto::INT).set_i(value);
}

void exporter::setFloatAttr(onnx::NodeProto &node, StringRef name,
                            float value) {
  addAttr(node, name, onnx::AttributeProto::FLOAT).set_f(value);
}

void exporter::setIntsAttr(onnx::NodeProto &node, StringRef name,
                           ArrayRef<int64_t> values) {
  onnx::AttributeProto &a = addAttr(node, name, onnx::AttributeProto::INTS);
  for (int64_t v : values)
    a.add_ints(v);
}

std::string exporter::getLayerName(Value weight, StringRef fallback) {
  Value v = weight;
  while (Operation *def = v.getDefiningOp()) {
    if (auto load = dyn_cast<LoadOp>(def)) {
      StringRef name = load.getName();
      if (!name.consume_back(".weight"))
        name.consume_back(".weight_q");
      return name.str();
    }
    if (!isa<FakeQuantOp, MulOp, quant::StorageCastOp>(def))
      break;
    v = def->getOperand(0);
  }
  return fallback.str();
}

FailureOr<QDQParams> exporter::getQDQParams(Type elementType, Operation *op) {
  auto q = dyn_cast<quant::QuantizedType>(elementType);
  if (!q || q.getStorageTypeIntegralWidth() != 8 ||
      !q.getExpressedType().isF32() ||
      !isa<quant::UniformQuantizedType, quant::UniformQuantizedPerAxisType>(q))
    return op->emitOpError("reads or makes ")
           << elementType
           << ", which ONNX's QuantizeLinear/DequantizeLinear cannot "
              "express (uniform quantized f32 with 8-bit storage only)";
  QDQParams p;
  p.dtype = *getOnnxElementType(q);
  if (auto u = dyn_cast<quant::UniformQuantizedType>(q)) {
    p.scales.push_back(static_cast<float>(u.getScale()));
    p.zeroPoints.push_back(u.getZeroPoint());
    return p;
  }
  auto pa = cast<quant::UniformQuantizedPerAxisType>(q);
  for (double s : pa.getScales())
    p.scales.push_back(static_cast<float>(s));
  p.zeroPoints.assign(pa.getZeroPoints().begin(), pa.getZeroPoints().end());
  p.axis = pa.getQuantizedDimension();
  return p;
}

//===----------------------------------------------------------------------===//
// Exporter
//===----------------------------------------------------------------------===//

Exporter::Exporter(ModuleOp module, func::FuncOp func, onnx::GraphProto &graph)
    : func(func), graph(graph), symbols(module), reader(symbols, "qat-export") {
  populateLayerExporters(table);
  populateElementwiseExporters(table);
  populateShapeExporters(table);
  populateQdqExporters(table);
}

std::string Exporter::fresh(StringRef hint) {
  std::string base = hint.empty() ? "t" : hint.str();
  if (names.insert(base).second)
    return base;
  for (unsigned i = 1;; ++i) {
    std::string name = base + "_" + std::to_string(i);
    if (names.insert(name).second)
      return name;
  }
}

onnx::NodeProto &Exporter::addNode(StringRef opType,
                                   ArrayRef<std::string> inputs,
                                   StringRef hint) {
  onnx::NodeProto *node = graph.add_node();
  node->set_op_type(opType.str());
  for (const std::string &in : inputs)
    node->add_input(in);
  std::string name = fresh(hint);
  node->add_output(name);
  node->set_name(name);
  return *node;
}

std::string Exporter::addInitializer(StringRef hint, int32_t dtype,
                                     ArrayRef<int64_t> shape, StringRef raw) {
  // Small constants (scales, zero points, shapes, clip bounds) of one role
  // (`hint`) are shared.
  std::string key = hint.str() + ":" + std::to_string(dtype) + ":";
  for (int64_t d : shape)
    key += std::to_string(d) + ",";
  key += ":" + raw.str();
  bool small = raw.size() <= 64;
  if (small)
    if (auto it = constants.find(key); it != constants.end())
      return it->second;
  onnx::TensorProto *t = graph.add_initializer();
  std::string name = fresh(hint);
  t->set_name(name);
  t->set_data_type(dtype);
  for (int64_t d : shape)
    t->add_dims(d);
  t->set_raw_data(raw.str());
  if (small)
    constants[key] = name;
  return name;
}

std::string Exporter::addFloats(StringRef hint, ArrayRef<float> values,
                                ArrayRef<int64_t> shape) {
  return addInitializer(hint, onnx::TensorProto::FLOAT, shape,
                        StringRef(reinterpret_cast<const char *>(values.data()),
                                  values.size() * sizeof(float)));
}

std::string Exporter::addInt64s(StringRef hint, ArrayRef<int64_t> values,
                                ArrayRef<int64_t> shape) {
  return addInitializer(hint, onnx::TensorProto::INT64, shape,
                        StringRef(reinterpret_cast<const char *>(values.data()),
                                  values.size() * sizeof(int64_t)));
}

FailureOr<std::string> Exporter::getParam(LoadOp load) {
  if (auto it = params.find(load.getName()); it != params.end())
    return it->second;
  auto param = symbols.lookup<ParamOp>(load.getName());
  ElementsAttr value = param.getInitialValue();
  auto type = cast<ShapedType>(value.getType());
  std::optional<int32_t> dtype = getOnnxElementType(type.getElementType());
  if (!dtype)
    return param.emitOpError("has elements of type ")
           << type.getElementType()
           << ", which qat-export cannot store in ONNX (f32, i8, ui8, i32, "
              "i64)";
  std::string raw;
  if (auto dense = dyn_cast<DenseElementsAttr>(value)) {
    ArrayRef<char> data = dense.getRawData();
    int64_t copies = dense.isSplat() ? type.getNumElements() : 1;
    for (int64_t i = 0; i < copies; ++i)
      raw.append(data.begin(), data.end());
  } else if (auto res = dyn_cast<DenseResourceElementsAttr>(value)) {
    AsmResourceBlob *blob = res.getRawHandle().getBlob();
    if (!blob)
      return param.emitOpError("has no data: its dense_resource blob is not "
                               "in the file");
    ArrayRef<char> data = blob->getData();
    raw.assign(data.begin(), data.end());
  } else {
    return param.emitOpError("has an initial value qat-export cannot read "
                             "(dense or dense_resource elements only)");
  }
  std::string name =
      addInitializer(load.getName(), *dtype, type.getShape(), raw);
  params[load.getName()] = name;
  return name;
}

FailureOr<std::string> Exporter::getDequantized(Value v, Operation *user) {
  if (auto it = dequantized.find(v); it != dequantized.end())
    return it->second;
  FailureOr<std::string> q = get(v);
  if (failed(q))
    return failure();
  FailureOr<QDQParams> p =
      getQDQParams(cast<ShapedType>(v.getType()).getElementType(), user);
  if (failed(p))
    return failure();
  std::string dq = dequantize(*q, *p, *q + "_dq");
  dequantized[v] = dq;
  return dq;
}

FailureOr<std::string> Exporter::get(Value v) {
  if (auto it = tensors.find(v); it != tensors.end())
    return it->second;
  Operation *op = v.getDefiningOp();
  if (failed(exportOp(op)))
    return failure();
  if (auto it = tensors.find(v); it != tensors.end())
    return it->second;
  return op->emitOpError("result #")
         << cast<OpResult>(v).getResultNumber()
         << " has no ONNX form (qat-export writes the inference graph, "
            "which computes only the first result)";
}

LogicalResult Exporter::exportOp(Operation *op) {
  if (const ConvBnExport *g = getConvBn(op))
    return exportConvBn(*this, *g);
  auto it = table.find(op->getName().getStringRef());
  if (it == table.end())
    return op->emitOpError(
        "has no ONNX form in qat-export (it exports linear, conv2d, "
        "batch_norm, relu, relu6, clamp, add, sub, mul, div, concat, "
        "max_pool2d, avg_pool2d, global_avg_pool, flatten, reshape, softmax, "
        "the stubs, fake_quant and the int8 ops of --qat-convert)");
  return it->second(*this, op);
}

LogicalResult Exporter::findConvBnGroups() {
  WalkResult walk = func.walk([&](Conv2dOp conv) {
    auto wfq = conv.getWeight().getDefiningOp<FakeQuantOp>();
    if (!wfq)
      return WalkResult::advance();
    FailureOr<std::optional<ConvBnGroup>> group =
        matchConvBnGroup(conv, wfq, "qat-export");
    if (failed(group))
      return WalkResult::interrupt();
    if (*group)
      convBnGroups[(*group)->bn] = ConvBnExport{conv, wfq, **group};
    return WalkResult::advance();
  });
  return failure(walk.wasInterrupted());
}

/// A graph input or output: its element type and static shape.
static LogicalResult setValueInfo(onnx::ValueInfoProto &info, StringRef name,
                                  Type type, Location loc) {
  auto t = dyn_cast<RankedTensorType>(type);
  std::optional<int32_t> dtype =
      t ? getOnnxElementType(t.getElementType()) : std::nullopt;
  if (!dtype)
    return emitError(loc) << "qat-export: the graph input or output '" << name
                          << "' has type " << type
                          << ", which ONNX cannot carry here (ranked tensors "
                             "of f32, i8, ui8, i32, i64 or 8-bit quantized "
                             "types)";
  info.set_name(name.str());
  onnx::TypeProto_Tensor *tt = info.mutable_type()->mutable_tensor_type();
  tt->set_elem_type(*dtype);
  onnx::TensorShapeProto *shape = tt->mutable_shape();
  for (int64_t d : t.getShape()) {
    if (ShapedType::isDynamic(d))
      shape->add_dim()->set_dim_param("batch");
    else
      shape->add_dim()->set_dim_value(d);
  }
  return success();
}

/// Graph input or output `i`'s name: the imported model's (in
/// qat.input_names / qat.output_names) or `base`, `base_1`, ...
static std::string getIoName(func::FuncOp func, StringRef attr, unsigned i,
                             StringRef base) {
  if (auto names = func->getAttrOfType<ArrayAttr>(attr))
    if (i < names.size())
      if (auto s = dyn_cast<StringAttr>(names[i]); s && !s.getValue().empty())
        return s.getValue().str();
  return i == 0 ? base.str() : (base + "_" + std::to_string(i)).str();
}

LogicalResult Exporter::addGraphInputs() {
  for (BlockArgument arg : func.getArguments()) {
    std::string name =
        fresh(getIoName(func, "qat.input_names", arg.getArgNumber(), "input"));
    if (failed(setValueInfo(*graph.add_input(), name, arg.getType(),
                            func.getLoc())))
      return failure();
    bind(arg, name);
  }
  return success();
}

/// Renames the tensor `from` to `to` in every node.
static void renameTensor(onnx::GraphProto &graph, StringRef from,
                         StringRef to) {
  for (onnx::NodeProto &node : *graph.mutable_node()) {
    for (std::string &in : *node.mutable_input())
      if (in == from)
        in = to.str();
    for (std::string &o : *node.mutable_output())
      if (o == from) {
        o = to.str();
        if (node.name() == from)
          node.set_name(to.str());
      }
  }
}

LogicalResult Exporter::addGraphOutputs() {
  Operation *ret = func.getBody().front().getTerminator();
  llvm::StringSet<> produced, outputs;
  for (OpOperand &operand : ret->getOpOperands()) {
    FailureOr<std::string> t = get(operand.get());
    if (failed(t))
      return failure();
    for (const onnx::NodeProto &node : graph.node())
      produced.insert(node.output(0));
    std::string want = getIoName(func, "qat.output_names",
                                 operand.getOperandNumber(), "output");
    std::string name;
    // The producing node's output takes the output's name; a graph input,
    // an initializer or a tensor that is already an output gets an
    // Identity.
    if (produced.contains(*t) && !outputs.contains(*t) &&
        !names.contains(want)) {
      name = fresh(want);
      renameTensor(graph, *t, name);
      for (auto *map : {&tensors, &dequantized})
        for (auto &entry : *map)
          if (entry.second == *t)
            entry.second = name;
      produced.erase(*t);
    } else {
      name = out(addNode("Identity", {*t}, want));
    }
    outputs.insert(name);
    if (failed(setValueInfo(*graph.add_output(), name, operand.get().getType(),
                            ret->getLoc())))
      return failure();
  }
  return success();
}

LogicalResult Exporter::run() {
  if (failed(findConvBnGroups()) || failed(addGraphInputs()))
    return failure();
  return addGraphOutputs();
}

LogicalResult mlir::qat::exportOnnxModel(ModuleOp module, std::string &bytes,
                                         const OnnxExportOptions &options) {
  auto func = module.lookupSymbol<func::FuncOp>(options.entry);
  if (!func || func.isExternal())
    return module.emitError("qat-export: no function @") << options.entry;
  if (!llvm::hasSingleElement(func.getBody()))
    return func.emitOpError("has more than one block; qat-export exports "
                            "straight-line model functions");
  onnx::ModelProto model;
  model.set_ir_version(kIrVersion);
  model.set_producer_name("qat-export");
  onnx::OperatorSetIdProto *opset = model.add_opset_import();
  opset->set_domain("");
  opset->set_version(kOpset);
  onnx::GraphProto *graph = model.mutable_graph();
  graph->set_name(options.entry);
  Exporter exporter(module, func, *graph);
  if (failed(exporter.run()))
    return failure();
  bytes.clear();
  bool ok = options.text
                ? google::protobuf::TextFormat::PrintToString(model, &bytes)
                : model.SerializeToString(&bytes);
  if (!ok)
    return module.emitError("qat-export: protobuf cannot serialize the model "
                            "(ONNX files are limited to 2 GB)");
  return success();
}

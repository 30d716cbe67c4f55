#!/usr/bin/python3
"""Writes a QDQ ONNX model from one of our int8 models (the output of
`qat-opt --qat-convert`), for the ONNX Runtime peer of
bench/int8_model_bench.sh: same architecture, same int8 weights, int32
biases, scales and zero points, so ORT runs the same int8 network.

  int8_model_onnx.py MODEL.int8.mlir -o MODEL.onnx

Handles the ops of M1/C1's int8 graphs: qat.quantize, qat.qlinear,
qat.qconv2d (no padding/stride/groups attributes), qat.max_pool2d
(kernel_size, stride = kernel), qat.flatten, qat.dequantize. Each layer
becomes the QDQ pattern ONNX Runtime's quantizer emits and its graph
optimizer fuses into integer kernels (QLinearConv, QGemm/QLinearMatMul,
uint8 MaxPool): DequantizeLinear(int8 weight, per-channel scales, axis 0),
DequantizeLinear(int32 bias, scale sx*sw[c]) -> Conv/Gemm (-> Relu when the
layer clamps at its zero point) -> QuantizeLinear(uint8) -> DequantizeLinear.
The batch axis is symbolic. Numerics differ in details (ORT's requant
rounding, and x86-preset activations with the [0,127] range are stored as
full-range uint8), which does not matter for the timing.
"""
import argparse
import re
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

PARAM = re.compile(r'^\s*qat\.param (?:state )?@(\S+) = dense<(.*)> : tensor<([0-9x]+)x(i8|i32)>\s*$')
QTYPE = re.compile(r"!quant\.uniform<(u8|i8)(?:<(-?\d+):(-?\d+)>)?:f32(?::(\d+))?, (\{[^}]*\}|[-0-9.eE+]+)(?::(-?\d+))?>")
SSA = re.compile(r"^\s*(%\w+) = (\S+) (.*)$")


def parse_param(body, shape, elt):
    dtype = np.int8 if elt == "i8" else np.dtype("<i4")
    n = int(np.prod(shape))
    if body.startswith('"0x'):
        v = np.frombuffer(bytes.fromhex(body[3:-1]), dtype=dtype)
    else:
        v = np.array(body.replace("[", " ").replace("]", " ").replace(",", " ").split(),
                     dtype=np.int64).astype(dtype)
    if v.size == 1 and n != 1:
        v = np.full(n, v[0], dtype=dtype)
    return v.reshape(shape)


def qtypes(text):
    """The quant types in order: (storage, scale or [scales], zero point)."""
    out = []
    for m in QTYPE.finditer(text):
        st, _lo, _hi, axis, scales, zp = m.groups()
        if scales.startswith("{"):
            s = [float(t) for t in scales[1:-1].split(",")]
        else:
            s = float(scales)
        out.append((st, s, int(zp or 0)))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("-o", "--output", required=True)
    a = ap.parse_args()
    params, body = {}, []
    with open(a.model) as f:
        for line in f:
            m = PARAM.match(line)
            if m:
                name, val, shape, elt = m.groups()
                params[name] = parse_param(val, [int(d) for d in shape.split("x")], elt)
            elif SSA.match(line) or line.strip().startswith("return"):
                body.append(line)

    nodes, inits = [], []
    env = {}  # SSA value -> (onnx float tensor name, (scale, zp)) or param ref
    counter = [0]

    def fresh(stem):
        counter[0] += 1
        return "%s_%d" % (stem, counter[0])

    def const(stem, arr):
        name = fresh(stem)
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    def qdq(x, scale, zp):
        """QuantizeLinear(uint8) -> DequantizeLinear of a float tensor."""
        s = const("s", np.array(scale, dtype=np.float32))
        z = const("zp", np.array(zp, dtype=np.uint8))
        q = fresh("q")
        d = fresh("dq")
        nodes.append(helper.make_node("QuantizeLinear", [x, s, z], [q]))
        nodes.append(helper.make_node("DequantizeLinear", [q, s, z], [d]))
        return d

    def layer(op, args, rest):
        xv, wv, bv = args
        x, (sx, _zx) = env[xv]
        wname, wscales = env[wv]
        bname = env[bv]
        w = params[wname]
        b = params[bname]
        qt = qtypes(rest)
        st_y, sy, zy = qt[-1]
        cmin = int(re.search(r"clamp_min = (-?\d+)", rest).group(1))
        if isinstance(wscales, float):
            wscales = [wscales] * w.shape[0]
        sw = np.array(wscales, dtype=np.float32)
        wq = const("w", w)
        ws = const("w_scale", sw)
        wz = const("w_zp", np.zeros(w.shape[0], dtype=np.int8))
        wd = fresh("w_dq")
        nodes.append(helper.make_node("DequantizeLinear", [wq, ws, wz], [wd], axis=0))
        bq = const("b", b.astype(np.int32))
        bs = const("b_scale", (np.float32(sx) * sw).astype(np.float32))
        bz = const("b_zp", np.zeros(b.shape[0], dtype=np.int32))
        bd = fresh("b_dq")
        nodes.append(helper.make_node("DequantizeLinear", [bq, bs, bz], [bd], axis=0))
        y = fresh(op)
        if op == "conv":
            if re.search(r"\b(padding|stride|dilation|groups)\b", rest.split(":")[0]):
                sys.exit("int8_model_onnx: qconv2d attributes not handled: " + rest[:200])
            nodes.append(helper.make_node("Conv", [x, wd, bd], [y]))
        else:
            nodes.append(helper.make_node("Gemm", [x, wd, bd], [y], transB=1))
        if cmin >= zy:  # clamps at real 0: a fused ReLU (a no-op if zp = qmin)
            r = fresh("relu")
            nodes.append(helper.make_node("Relu", [y], [r]))
            y = r
        return qdq(y, sy, zy), (sy, zy)

    out_name = None
    in_shape = out_shape = None
    for line in body:
        s = line.strip()
        if s.startswith("return"):
            out_name = env[s.split()[1]][0]
            continue
        lhs, op, rest = SSA.match(line).groups()
        args = re.findall(r"%\w+|@[\w.]+", rest.split("{")[0].split(":")[0])
        if op == "qat.quantize":
            in_shape = [int(d) for d in re.search(r"tensor<([0-9x]+)xf32>", rest).group(1).split("x")]
            _st, s_, z_ = qtypes(rest)[0]
            env[lhs] = (qdq("input", s_, z_), (s_, z_))
        elif op == "qat.load":
            env[lhs] = args[0][1:]
        elif op == "quant.scast":
            env[lhs] = (env[args[0]], qtypes(rest)[0][1])
        elif op in ("qat.qlinear", "qat.qconv2d"):
            env[lhs] = layer("conv" if op == "qat.qconv2d" else "gemm", args, rest)
        elif op == "qat.max_pool2d":
            x, (s_, z_) = env[args[0]]
            k = [int(t) for t in re.search(r"kernel_size = array<i64: ([0-9, ]+)>", rest).group(1).split(",")]
            st = re.search(r"stride = array<i64: ([0-9, ]+)>", rest)
            st = [int(t) for t in st.group(1).split(",")] if st else k
            if re.search(r"\bpadding\b|ceil_mode|dilation", rest.split("->")[0].split(":")[0]):
                sys.exit("int8_model_onnx: max_pool2d attributes not handled: " + rest[:200])
            y = fresh("maxpool")
            nodes.append(helper.make_node("MaxPool", [x], [y], kernel_shape=k, strides=st))
            env[lhs] = (qdq(y, s_, z_), (s_, z_))
        elif op == "qat.flatten":
            x, (s_, z_) = env[args[0]]
            y = fresh("flatten")
            nodes.append(helper.make_node("Flatten", [x], [y], axis=1))
            env[lhs] = (qdq(y, s_, z_), (s_, z_))
        elif op == "qat.dequantize":
            x, qp = env[args[0]]
            out_shape = [int(d) for d in re.search(r"-> tensor<([0-9x]+)xf32>", rest).group(1).split("x")]
            env[lhs] = (x, qp)
        else:
            sys.exit("int8_model_onnx: op %s not handled" % op)

    nodes.append(helper.make_node("Identity", [out_name], ["logits"]))
    graph = helper.make_graph(
        nodes, "qat_int8",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch"] + in_shape[1:])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch"] + out_shape[1:])],
        inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    onnx.save(model, a.output)
    print("int8_model_onnx: %s: %d nodes (%s)" % (a.output, len(nodes),
          " ".join(sorted(set(n.op_type for n in nodes)))))


if __name__ == "__main__":
    main()

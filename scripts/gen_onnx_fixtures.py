#!/usr/bin/python3
"""Generates the ONNX fixtures of qat-import and their reference outputs.

Writes into test/Import/Inputs/ (relative to the repository root):

  seed.onnx         the seed's model (QuantStub-less PyTorch QAT tutorial):
                    Linear(10, 20) + ReLU, static batch 4, opset 13
  m1.onnx           M1: Flatten, Linear(784,256)+ReLU, Linear(256,128)+ReLU,
                    Linear(128,10); dynamic batch ("batch"), opset 13
  c1.onnx           C1: Conv(1,32,3)+BN+ReLU, MaxPool 2, Conv(32,64,3)+BN+ReLU,
                    MaxPool 2, x.view(x.size(0), -1) (the Shape -> Gather ->
                    Unsqueeze -> Concat -> Reshape chain), Linear(1600,128) +
                    ReLU, Linear(128,10); dynamic batch, opset 11
  dwsep.onnx        depthwise-separable block: depthwise Conv(8,8,3,groups=8,
                    stride 2, padding 1) + BN + ReLU6 (Clip), pointwise
                    Conv(8,16,1) + BN + ReLU, AvgPool 2, GlobalAveragePool,
                    Flatten, Linear(16,10), Softmax; opset 17
  residual.onnx     residual block: Conv+BN+ReLU, Conv+BN, Add(identity),
                    ReLU, MaxPool(3, stride 2, padding 1), Dropout (eval),
                    Flatten, MatMul + Add (torch exports a 3-D-input Linear
                    that way; here via explicit torch.matmul), x * 0.5 - 0.25;
                    opset 14
  qdq.onnx          the seed model after torch.ao prepare_qat (ui8
                    activations, i8 per-channel symmetric weights) and calibration, exported with
                    QuantizeLinear/DequantizeLinear pairs (opset 13)
  qdq.train.csv     8 random records (10 features, a label in [0, 20))
  qdq_ort.onnx      ONNX Runtime's QDQ format written by hand: int8
                    per-channel weight initializer -> DequantizeLinear,
                    int32 bias -> DequantizeLinear, uint8 activations
  qdq_fixed_qparams.onnx
                    qparams of PyTorch's fused observer that no observer
                    range maps to (a symmetric weight scale, an affine
                    activation), and a Q -> Clip -> DQ to [0, 127]
  <name>.x.npy      the input of each model (batch 4, or 2 for C1)
  <name>.y.npy      PyTorch's float32 output for that input (QDQ models:
                    the fake-quant forward, observers disabled)

Bad inputs for the error tests (tiny models built with onnx.helper):
  bad_unsupported.onnx   three unsupported nodes (LSTM, Sin, NonZero) among
                         supported ones
  bad_opset.onnx         opset 9
  bad_input_type.onnx    an int64 graph input
  bad_undefined.onnx     a node reading a tensor nothing defines
  bad_dynamic.onnx       a symbolic non-batch dimension
  bad_gemm_transa.onnx   Gemm transA=1
  bad_transpose.onnx     a Transpose of a computed tensor (does not fold)
  bad_conv3d.onnx        a 3-D Conv
  bad_pool_indices.onnx  MaxPool whose Indices output is used
  bad_*.onnx             and more: short raw_data, external data, two -1 in a
                         Reshape, a Gather index out of range, a Q/DQ pair
                         with different scales, a computed Clip bound, a
                         Gemm shape mismatch, a model without a graph
  bad_case_*.onnx        one tiny model per remaining importer error
                         (gen_bad_cases lists them)

Deterministic; needs Debian's python3-torch and python3-onnx (generation only;
the tests never run Python):

  /usr/bin/python3 scripts/gen_onnx_fixtures.py
"""

import os
import sys

import numpy as np
import onnx
import torch
from onnx import TensorProto, helper, numpy_helper

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qatref as R  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "Import", "Inputs")

torch.manual_seed(0)


def set_linear(lin, w, b):
    lin.weight.data = torch.from_numpy(w)
    lin.bias.data = torch.from_numpy(b)


def set_bn(bn, vals):
    w, b, m, v = vals
    bn.weight.data = torch.from_numpy(w)
    bn.bias.data = torch.from_numpy(b)
    bn.running_mean.data = torch.from_numpy(m)
    bn.running_var.data = torch.from_numpy(v)


def export(model, x, name, opset, dynamic=False, input_name="input",
           output_name="logits"):
    model.eval()
    path = os.path.join(OUT, name + ".onnx")
    kwargs = {}
    if dynamic:
        kwargs["dynamic_axes"] = {input_name: {0: "batch"},
                                  output_name: {0: "batch"}}
    # PRESERVE (of an eval-mode model) keeps BatchNormalization nodes; EVAL
    # would fold them into the convolutions.
    torch.onnx.export(model, (torch.from_numpy(x),), path,
                      input_names=[input_name], output_names=[output_name],
                      opset_version=opset, do_constant_folding=True,
                      training=torch.onnx.TrainingMode.PRESERVE, **kwargs)
    onnx.checker.check_model(onnx.load(path))
    with torch.no_grad():
        y = model(torch.from_numpy(x)).numpy()
    R.save_npy(os.path.join(OUT, name + ".x.npy"), x)
    R.save_npy(os.path.join(OUT, name + ".y.npy"), y.astype(np.float32))
    return path


# ---------------------------------------------------------------------------
# Float models
# ---------------------------------------------------------------------------

class Seed(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(10, 20)
        self.relu = torch.nn.ReLU()

    def forward(self, x):
        return self.relu(self.fc(x))


def gen_seed():
    # Same weights and input as examples/tutorial.mlir.
    m = Seed()
    set_linear(m.fc, *R.linear_init(np.random.RandomState(0), 20, 10))
    x = np.random.RandomState(1).uniform(-1.0, 1.0, size=(4, 10)).astype(np.float32)
    export(m, x, "seed", 13, output_name="y")
    return m, x


class M1(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(784, 256)
        self.fc2 = torch.nn.Linear(256, 128)
        self.fc3 = torch.nn.Linear(128, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = torch.relu(self.fc1(x))
        x = torch.relu(self.fc2(x))
        return self.fc3(x)


def gen_m1():
    # Same weights as examples/m1.mlir (numpy RandomState(1)).
    m = M1()
    rng = np.random.RandomState(1)
    set_linear(m.fc1, *R.linear_init(rng, 256, 784))
    set_linear(m.fc2, *R.linear_init(rng, 128, 256))
    set_linear(m.fc3, *R.linear_init(rng, 10, 128))
    x = np.random.RandomState(11).uniform(0.0, 1.0, size=(4, 1, 28, 28)).astype(np.float32)
    export(m, x, "m1", 13, dynamic=True)


class C1(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 32, 3)
        self.bn1 = torch.nn.BatchNorm2d(32)
        self.conv2 = torch.nn.Conv2d(32, 64, 3)
        self.bn2 = torch.nn.BatchNorm2d(64)
        self.fc1 = torch.nn.Linear(1600, 128)
        self.fc2 = torch.nn.Linear(128, 10)

    def forward(self, x):
        x = torch.max_pool2d(torch.relu(self.bn1(self.conv1(x))), 2)
        x = torch.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        x = x.view(x.size(0), -1)
        x = torch.relu(self.fc1(x))
        return self.fc2(x)


def gen_c1():
    # Same weights as examples/c1.mlir (numpy RandomState(2)).
    m = C1()
    rng = np.random.RandomState(2)
    c1 = R.conv_init(rng, 32, 1, 3, 3)
    m.conv1.weight.data, m.conv1.bias.data = map(torch.from_numpy, c1)
    set_bn(m.bn1, R.bn_init(rng, 32))
    c2 = R.conv_init(rng, 64, 32, 3, 3)
    m.conv2.weight.data, m.conv2.bias.data = map(torch.from_numpy, c2)
    set_bn(m.bn2, R.bn_init(rng, 64))
    set_linear(m.fc1, *R.linear_init(rng, 128, 1600))
    set_linear(m.fc2, *R.linear_init(rng, 10, 128))
    x = np.random.RandomState(12).uniform(0.0, 1.0, size=(2, 1, 28, 28)).astype(np.float32)
    # Opset 11: the view(x.size(0), -1) chain uses Unsqueeze's axes attribute.
    export(m, x, "c1", 11, dynamic=True)


def randomize_bn(bn, rng):
    set_bn(bn, R.bn_init(rng, bn.num_features))


class DwSep(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dw = torch.nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=8)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.pw = torch.nn.Conv2d(8, 16, 1)
        self.bn2 = torch.nn.BatchNorm2d(16)
        self.pool = torch.nn.AvgPool2d(2)
        self.fc = torch.nn.Linear(16, 10)

    def forward(self, x):
        x = torch.nn.functional.relu6(self.bn1(self.dw(x)))
        x = torch.relu(self.bn2(self.pw(x)))
        x = self.pool(x)
        x = torch.nn.functional.adaptive_avg_pool2d(x, 1)
        x = torch.flatten(x, 1)
        return torch.softmax(self.fc(x), dim=1)


def gen_dwsep():
    m = DwSep()
    rng = np.random.RandomState(3)
    randomize_bn(m.bn1, rng)
    randomize_bn(m.bn2, rng)
    x = rng.uniform(-1.0, 1.0, size=(4, 8, 12, 12)).astype(np.float32)
    export(m, x, "dwsep", 17, output_name="probs")


class Residual(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.conv2 = torch.nn.Conv2d(8, 8, 3, padding=1, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(8)
        self.drop = torch.nn.Dropout(0.5)
        self.w = torch.nn.Parameter(torch.randn(8 * 3 * 3, 10) * 0.1)
        self.b = torch.nn.Parameter(torch.randn(10) * 0.1)

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        y = torch.relu(y + x)
        y = torch.max_pool2d(y, 3, stride=2, padding=1)
        y = self.drop(y)
        y = torch.flatten(y, 1)
        y = torch.matmul(y, self.w) + self.b
        return y * 0.5 - 0.25


def gen_residual():
    m = Residual()
    rng = np.random.RandomState(4)
    randomize_bn(m.bn1, rng)
    randomize_bn(m.bn2, rng)
    x = rng.uniform(-1.0, 1.0, size=(4, 8, 6, 6)).astype(np.float32)
    export(m, x, "residual", 14, dynamic=True)


# ---------------------------------------------------------------------------
# QDQ models
# ---------------------------------------------------------------------------

def gen_qdq(seed_model):
    import torch.ao.quantization as tq

    m = Seed()
    m.load_state_dict(seed_model.state_dict())
    m.train()
    # FakeQuantize (not the fused module, which torch 1.13 cannot export):
    # ui8 [0, 255] activations, i8 symmetric per-channel weights.
    m.qconfig = tq.QConfig(
        activation=tq.FakeQuantize.with_args(
            observer=tq.MovingAverageMinMaxObserver, quant_min=0, quant_max=255),
        weight=tq.FakeQuantize.with_args(
            observer=tq.MovingAveragePerChannelMinMaxObserver, quant_min=-128,
            quant_max=127, dtype=torch.qint8, qscheme=torch.per_channel_symmetric,
            ch_axis=0))
    tq.prepare_qat(m, inplace=True)
    rng = np.random.RandomState(5)
    with torch.no_grad():
        for _ in range(4):
            m(torch.from_numpy(rng.uniform(-1, 1, size=(4, 10)).astype(np.float32)))
    m.apply(tq.disable_observer)
    # The input fake-quant (a QuantStub's) is written explicitly.
    act_fq = tq.FakeQuantize.with_args(observer=tq.MovingAverageMinMaxObserver,
                                       quant_min=0, quant_max=255)()
    act_fq.train()
    with torch.no_grad():
        for _ in range(4):
            act_fq(torch.from_numpy(rng.uniform(-1, 1, size=(4, 10)).astype(np.float32)))
    act_fq.disable_observer()

    class WithInputFq(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fq = act_fq
            self.inner = m

        def forward(self, x):
            return self.inner(self.fq(x))

    # A tiny 20-class CSV dataset (10 features, then the label) for the
    # "a QDQ model trains" test.
    rng7 = np.random.RandomState(7)
    xs, ys = rng7.uniform(-1, 1, size=(8, 10)), rng7.randint(0, 20, size=8)
    with open(os.path.join(OUT, "qdq.train.csv"), "w") as f:
        for r, label in zip(xs, ys):
            f.write(",".join("%.4f" % v for v in r) + ",%d\n" % label)

    full = WithInputFq().eval()
    x = np.random.RandomState(1).uniform(-1.0, 1.0, size=(4, 10)).astype(np.float32)
    export(full, x, "qdq", 13, output_name="y")


def gen_fixed_qparams():
    """Qparams that no observer range maps to through qat's qparams function
    (docs/numerics.md#qparams), from PyTorch's fused observer: a symmetric
    int8 weight scale 4.2628869e-04 (max(|min| / 128, max / 127)) and an
    activation quantizer (scale 0.1186709, zero point 79); the output is
    quantized to reduce_range's [0, 127] (Q -> Clip -> DQ)."""
    f32 = np.float32
    rng = np.random.RandomState(8)
    w = rng.uniform(-0.05, 0.05, size=(3, 4)).astype(f32)
    b = rng.uniform(-0.1, 0.1, size=(3,)).astype(f32)
    ws = np.array([np.array(970948480, np.uint32).view(f32), 4e-4, 3e-4], f32)
    xs, xz, ys, yz = f32(0.1186709), 79, f32(0.002), 60
    x = rng.uniform(-9.0, 6.0, size=(4, 4)).astype(f32)
    inits = [
        numpy_helper.from_array(np.array(xs), "x_scale"),
        numpy_helper.from_array(np.array(xz, np.uint8), "x_zero_point"),
        numpy_helper.from_array(w, "fc.weight"),
        numpy_helper.from_array(ws, "fc.weight_scale"),
        numpy_helper.from_array(np.zeros(3, np.int8), "fc.weight_zero_point"),
        numpy_helper.from_array(b, "fc.bias"),
        numpy_helper.from_array(np.array(ys), "y_scale"),
        numpy_helper.from_array(np.array(yz, np.uint8), "y_zero_point"),
        numpy_helper.from_array(np.array(127, np.uint8), "y_max"),
    ]
    node = helper.make_node
    nodes = [
        node("QuantizeLinear", ["input", "x_scale", "x_zero_point"], ["xq"], name="xq"),
        node("DequantizeLinear", ["xq", "x_scale", "x_zero_point"], ["xd"], name="xdq"),
        node("QuantizeLinear", ["fc.weight", "fc.weight_scale", "fc.weight_zero_point"],
             ["wq"], name="wq", axis=0),
        node("DequantizeLinear", ["wq", "fc.weight_scale", "fc.weight_zero_point"],
             ["wd"], name="wdq", axis=0),
        node("Gemm", ["xd", "wd", "fc.bias"], ["y"], name="fc", transB=1),
        node("QuantizeLinear", ["y", "y_scale", "y_zero_point"], ["yq"], name="yq"),
        node("Clip", ["yq", "", "y_max"], ["yc"], name="yclip"),
        node("DequantizeLinear", ["yc", "y_scale", "y_zero_point"], ["out"], name="ydq"),
    ]
    graph = helper.make_graph(
        nodes, "fixed_qparams",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [4, 4])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [4, 3])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    base = os.path.join(OUT, "qdq_fixed_qparams")
    onnx.save(model, base + ".onnx")
    # PyTorch's fake-quant forward with these qparams.
    t = torch.from_numpy
    xq = torch.fake_quantize_per_tensor_affine(t(x), float(xs), xz, 0, 255)
    wq = torch.fake_quantize_per_channel_affine(
        t(w), t(ws), torch.zeros(3, dtype=torch.int32), 0, -128, 127)
    y = torch.nn.functional.linear(xq, wq, t(b))
    y = torch.fake_quantize_per_tensor_affine(y, float(ys), yz, 0, 127)
    R.save_npy(base + ".x.npy", x)
    R.save_npy(base + ".y.npy", y.numpy())


def gen_qdq_ort():
    """ONNX Runtime's QDQ layout (quantize_static, QuantFormat.QDQ)."""
    rng = np.random.RandomState(6)
    w = rng.uniform(-0.5, 0.5, size=(6, 10)).astype(np.float32)
    b = rng.uniform(-0.1, 0.1, size=(6,)).astype(np.float32)
    x = rng.uniform(-1.0, 1.0, size=(4, 10)).astype(np.float32)
    in_scale, in_zp = np.float32(2.0 / 255), np.uint8(128)
    w_scale = (np.abs(w).max(axis=1) / 127.0).astype(np.float32)
    w_q = np.clip(np.round(w / w_scale[:, None]), -127, 127).astype(np.int8)
    b_scale = (in_scale * w_scale).astype(np.float32)
    b_q = np.round(b / b_scale).astype(np.int32)
    out_scale, out_zp = np.float32(0.02), np.uint8(0)

    def q(v, s, z, lo, hi):
        return np.clip(np.round(v / s) + z, lo, hi)

    def fq(v, s, z, lo=0, hi=255):
        return ((q(v, s, z, lo, hi) - z) * s).astype(np.float32)

    wt = (w_q.astype(np.float32) * w_scale[:, None]).T  # MatMul layout [in, out]
    xf = fq(x, in_scale, np.float32(in_zp))
    y = np.maximum(xf @ wt.astype(np.float32) + b_q * b_scale, 0.0).astype(np.float32)
    y = fq(y, out_scale, np.float32(out_zp))

    inits = [
        numpy_helper.from_array(np.array(in_scale), "input_scale"),
        numpy_helper.from_array(np.array(in_zp), "input_zero_point"),
        numpy_helper.from_array(w_q, "fc.weight_quantized"),
        numpy_helper.from_array(w_scale, "fc.weight_scale"),
        numpy_helper.from_array(np.zeros(6, np.int8), "fc.weight_zero_point"),
        numpy_helper.from_array(b_q, "fc.bias_quantized"),
        numpy_helper.from_array(b_scale, "fc.bias_scale"),
        numpy_helper.from_array(np.zeros(6, np.int32), "fc.bias_zero_point"),
        numpy_helper.from_array(np.array(out_scale), "y_scale"),
        numpy_helper.from_array(np.array(out_zp), "y_zero_point"),
    ]
    nodes = [
        helper.make_node("QuantizeLinear", ["input", "input_scale", "input_zero_point"],
                         ["input_q"], name="input_QuantizeLinear"),
        helper.make_node("DequantizeLinear", ["input_q", "input_scale", "input_zero_point"],
                         ["input_dq"], name="input_DequantizeLinear"),
        helper.make_node("DequantizeLinear", ["fc.weight_quantized", "fc.weight_scale",
                                              "fc.weight_zero_point"],
                         ["fc.weight_dq"], name="fc.weight_DequantizeLinear", axis=0),
        helper.make_node("DequantizeLinear", ["fc.bias_quantized", "fc.bias_scale",
                                              "fc.bias_zero_point"],
                         ["fc.bias_dq"], name="fc.bias_DequantizeLinear", axis=0),
        helper.make_node("Gemm", ["input_dq", "fc.weight_dq", "fc.bias_dq"], ["fc_out"],
                         name="fc", transB=1),
        helper.make_node("Relu", ["fc_out"], ["relu_out"], name="relu"),
        helper.make_node("QuantizeLinear", ["relu_out", "y_scale", "y_zero_point"],
                         ["y_q"], name="y_QuantizeLinear"),
        helper.make_node("DequantizeLinear", ["y_q", "y_scale", "y_zero_point"],
                         ["y"], name="y_DequantizeLinear"),
    ]
    graph = helper.make_graph(
        nodes, "qdq_ort",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 10])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 6])],
        initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                              producer_name="gen_onnx_fixtures")
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT, "qdq_ort.onnx"))
    R.save_npy(os.path.join(OUT, "qdq_ort.x.npy"), x)
    R.save_npy(os.path.join(OUT, "qdq_ort.y.npy"), y)


# ---------------------------------------------------------------------------
# Bad inputs
# ---------------------------------------------------------------------------

def save_bad(name, nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(inits))
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              producer_name="gen_onnx_fixtures")
    onnx.save(model, os.path.join(OUT, name + ".onnx"))


def gen_bad():
    f = TensorProto.FLOAT
    vi = helper.make_tensor_value_info
    w = numpy_helper.from_array(np.ones((4, 4), np.float32), "fc.weight")
    save_bad("bad_unsupported", [
        helper.make_node("Relu", ["x"], ["r"], name="relu0"),
        helper.make_node("Sin", ["r"], ["s"], name="sin0"),
        helper.make_node("Gemm", ["s", "fc.weight"], ["g"], name="fc", transB=1),
        helper.make_node("NonZero", ["g"], ["nz"], name="nonzero0"),
        helper.make_node("Cos", ["g"], ["c"], name="cos0"),
        helper.make_node("Sin", ["c"], ["y"], name="sin1"),
    ], [vi("x", f, [2, 4])], [vi("y", f, [2, 4])], [w])
    save_bad("bad_opset", [helper.make_node("Relu", ["x"], ["y"], name="relu0")],
             [vi("x", f, [2, 4])], [vi("y", f, [2, 4])], opset=9)
    save_bad("bad_input_type", [helper.make_node("Relu", ["x"], ["y"], name="relu0")],
             [vi("x", TensorProto.INT64, [2, 4])], [vi("y", f, [2, 4])])
    save_bad("bad_undefined", [helper.make_node("Add", ["x", "ghost"], ["y"], name="add0")],
             [vi("x", f, [2, 4])], [vi("y", f, [2, 4])])
    save_bad("bad_dynamic", [helper.make_node("Relu", ["x"], ["y"], name="relu0")],
             [vi("x", f, ["N", "C"])], [vi("y", f, ["N", "C"])])
    save_bad("bad_transpose", [
        helper.make_node("Transpose", ["x"], ["y"], name="transpose0", perm=[1, 0]),
    ], [vi("x", f, [4, 2])], [vi("y", f, [2, 4])])
    save_bad("bad_gemm_transa", [
        helper.make_node("Gemm", ["x", "fc.weight"], ["y"], name="fc_transA", transA=1),
    ], [vi("x", f, [4, 4])], [vi("y", f, [4, 4])], [w])
    w3 = numpy_helper.from_array(np.ones((2, 1, 1, 1, 1), np.float32), "conv3d.weight")
    save_bad("bad_conv3d", [
        helper.make_node("Conv", ["x", "conv3d.weight"], ["y"], name="conv3d"),
    ], [vi("x", f, [1, 1, 2, 2, 2])], [vi("y", f, [1, 2, 2, 2, 2])], [w3])
    save_bad("bad_pool_indices", [
        helper.make_node("MaxPool", ["x"], ["y", "idx"], name="pool0", kernel_shape=[2, 2]),
    ], [vi("x", f, [1, 1, 4, 4])],
        [vi("y", f, [1, 1, 2, 2]), vi("idx", TensorProto.INT64, [1, 1, 2, 2])])


def gen_bad_tensors():
    f = TensorProto.FLOAT
    vi = helper.make_tensor_value_info
    relu = [helper.make_node("Relu", ["x"], ["y"], name="relu0")]
    io = ([vi("x", f, [2, 4])], [vi("y", f, [2, 4])])
    # raw_data two bytes short.
    t = numpy_helper.from_array(np.ones((2, 4), np.float32), "short")
    t.raw_data = t.raw_data[:-2]
    save_bad("bad_tensor_size", [helper.make_node("Add", ["x", "short"], ["y"], name="add0")],
             *io, [t])
    t = TensorProto(name="ext", data_type=TensorProto.FLOAT, dims=[2, 4])
    t.data_location = TensorProto.EXTERNAL
    t.external_data.add(key="location", value="weights.bin")
    save_bad("bad_external", [helper.make_node("Add", ["x", "ext"], ["y"], name="add0")],
             *io, [t])
    shape = numpy_helper.from_array(np.array([-1, -1], np.int64), "shape")
    save_bad("bad_reshape", [helper.make_node("Reshape", ["x", "shape"], ["y"], name="reshape0")],
             *io, [shape])
    idx = numpy_helper.from_array(np.array(7, np.int64), "idx")
    save_bad("bad_gather", [
        helper.make_node("Shape", ["x"], ["s"], name="shape0"),
        helper.make_node("Gather", ["s", "idx"], ["g"], name="gather0"),
        helper.make_node("Relu", ["x"], ["y"], name="relu0"),
    ], *io, [idx])
    scale = numpy_helper.from_array(np.array(0.1, np.float32), "scale")
    scale2 = numpy_helper.from_array(np.array(0.2, np.float32), "scale2")
    zp = numpy_helper.from_array(np.array(0, np.uint8), "zp")
    save_bad("bad_qdq_pair", [
        helper.make_node("QuantizeLinear", ["x", "scale", "zp"], ["q"], name="q0"),
        helper.make_node("DequantizeLinear", ["q", "scale2", "zp"], ["y"], name="dq0"),
    ], *io, [scale, scale2, zp])
    save_bad("bad_clip", [
        helper.make_node("Relu", ["x"], ["lo"], name="relu0"),
        helper.make_node("Clip", ["x", "lo"], ["y"], name="clip0"),
    ], *io)
    save_bad("bad_gemm_shape", [
        helper.make_node("Gemm", ["x", "w"], ["y"], name="fc0", transB=1),
    ], *io, [numpy_helper.from_array(np.ones((4, 3), np.float32), "w")])
    graph = helper.make_graph(relu, "nograph", *io)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ClearField("graph")
    onnx.save(model, os.path.join(OUT, "bad_no_graph.onnx"))


def gen_bad_cases():
    """One model per remaining importer error: bad_case_<name>.onnx."""
    f, i64 = TensorProto.FLOAT, TensorProto.INT64
    vi = helper.make_tensor_value_info
    arr = numpy_helper.from_array
    node = helper.make_node
    x24 = [vi("x", f, [2, 4])]
    x4d = [vi("x", f, [1, 2, 4, 4])]
    y = [vi("y", f, None)]
    w44 = arr(np.ones((4, 4), np.float32), "w")
    cw = arr(np.ones((2, 2, 3, 3), np.float32), "cw")
    i64s = lambda name, v: arr(np.array(v, np.int64), name)  # noqa: E731
    f32s = lambda name, v: arr(np.array(v, np.float32), name)  # noqa: E731
    cases = {
        # name: (nodes, inputs, outputs, initializers)
        "inputs": ([node("Relu", ["x", "x"], ["y"], name="n")], x24, y, []),
        "no_output": ([node("Relu", ["x"], [], name="n")], x24, y, []),
        "shape_input": ([node("Relu", ["x"], ["r"], name="r"),
                         node("Reshape", ["x", "r"], ["y"], name="n")], x24, y, []),
        "axis": ([node("Concat", ["x", "x"], ["y"], name="n", axis=5)], x24, y, []),
        "concat_noaxis": ([node("Concat", ["x", "x"], ["y"], name="n")], x24, y, []),
        "float16": ([node("Add", ["x", "h"], ["y"], name="n")], x24, y,
                    [arr(np.ones(4, np.float16), "h")]),
        "float_data": ([node("Add", ["x", "fd"], ["y"], name="n")], x24, y,
                       [TensorProto(name="fd", data_type=f, dims=[4],
                                    float_data=[1.0, 2.0, 3.0])]),
        "neg_dim": ([node("Add", ["x", "nd"], ["y"], name="n")], x24, y,
                    [TensorProto(name="nd", data_type=f, dims=[-1])]),
        "rank9": ([node("Add", ["x", "r9"], ["y"], name="n")], x24, y,
                  [arr(np.ones([1] * 9, np.float32), "r9")]),
        "empty_input": ([node("Add", ["x", ""], ["y"], name="n")], x24, y, []),
        "reads_q": ([node("QuantizeLinear", ["x", "s"], ["q"], name="q"),
                     node("Relu", ["q"], ["y"], name="n")], x24, y, [f32s("s", 0.1)]),
        "no_shape": ([node("Relu", ["x"], ["y"], name="n")],
                     [helper.make_tensor_value_info("x", f, None)], y, []),
        "const_output": ([node("Constant", [], ["y"], name="n", value_float=1.0)],
                         x24, y, []),
        "gemm_rank": ([node("Gemm", ["x", "w3"], ["y"], name="n")], x24, y,
                      [arr(np.ones((4, 4, 1), np.float32), "w3")]),
        "gemm_int": ([node("Gemm", ["x", "wi"], ["y"], name="n")], x24, y,
                     [i64s("wi", np.ones((4, 4)))]),
        "gemm_computed_b": ([node("Relu", ["w"], ["rw"], name="r"),
                             node("Gemm", ["x", "rw"], ["y"], name="n")], x24, y, [w44]),
        "gemm_alpha": ([node("Relu", ["w"], ["rw"], name="r"),
                        node("Gemm", ["x", "rw"], ["y"], name="n", transB=1, alpha=2.0)],
                       x24, y, [w44]),
        "gemm_bias": ([node("Gemm", ["x", "w", "b3"], ["y"], name="n")], x24, y,
                      [w44, f32s("b3", [1, 2, 3])]),
        "gemm_bias_int": ([node("Gemm", ["x", "w", "bi"], ["y"], name="n")], x24, y,
                          [w44, i64s("bi", [1, 2, 3, 4])]),
        "gemm_computed_bias": ([node("Relu", ["x"], ["r"], name="r"),
                                node("Gemm", ["x", "w", "r"], ["y"], name="n")], x24, y,
                               [w44]),
        "gemm_a_rank": ([node("Gemm", ["x", "w"], ["y"], name="n")],
                        [vi("x", f, [2, 4, 1])], y, [w44]),
        "matmul": ([node("MatMul", ["x", "x"], ["y"], name="n")], x24, y, []),
        "matmul_shape": ([node("MatMul", ["x", "w3"], ["y"], name="n")], x24, y,
                         [arr(np.ones((3, 4), np.float32), "w3")]),
        "conv_group": ([node("Conv", ["x", "cw"], ["y"], name="n", group=3)], x4d, y, [cw]),
        "conv_kernel": ([node("Conv", ["x", "cw"], ["y"], name="n", kernel_shape=[2, 2])],
                        x4d, y, [cw]),
        "conv_strides": ([node("Conv", ["x", "cw"], ["y"], name="n", strides=[0, 1])],
                         x4d, y, [cw]),
        "conv_autopad": ([node("Conv", ["x", "cw"], ["y"], name="n", auto_pad="MIDDLE")],
                         x4d, y, [cw]),
        "conv_pads": ([node("Conv", ["x", "cw"], ["y"], name="n", pads=[1, 1])], x4d, y, [cw]),
        "conv_big": ([node("Conv", ["x", "cw"], ["y"], name="n", dilations=[3, 3])],
                     x4d, y, [cw]),
        "bn_training": ([node("BatchNormalization", ["x", "c", "c", "c", "c"], ["y"],
                              name="n", training_mode=1)], x4d, y, [f32s("c", [1, 1])]),
        "bn_rank": ([node("BatchNormalization", ["x", "c", "c", "c", "c"], ["y"], name="n")],
                    [vi("x", f, [2])], y, [f32s("c", [1, 1])]),
        "bn_param": ([node("BatchNormalization", ["x", "c", "c", "c", "c"], ["y"], name="n")],
                     x4d, y, [f32s("c", [1, 1, 1])]),
        "clip_range": ([node("Clip", ["x", "hi", "lo"], ["y"], name="n")], x24, y,
                       [f32s("lo", 0.0), f32s("hi", 1.0)]),
        "pool_rank": ([node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[2])], x24, y, []),
        "pool_dilations": ([node("AveragePool", ["x"], ["y"], name="n", kernel_shape=[2, 2],
                                 dilations=[2, 2])], x4d, y, []),
        "pool_kernel": ([node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[0, 2])],
                        x4d, y, []),
        "pool_storage": ([node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[2, 2],
                               storage_order=1)], x4d, y, []),
        "pool_autopad": ([node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[2, 2],
                               auto_pad="MIDDLE")], x4d, y, []),
        "pool_pads": ([node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[2, 2],
                            pads=[-1, 0, 0, 0])], x4d, y, []),
        "pool_big": ([node("MaxPool", ["x"], ["y"], name="n", kernel_shape=[5, 5])],
                     x4d, y, []),
        "fold_broadcast": ([node("Add", ["a", "b"], ["c"], name="n"),
                            node("Relu", ["x"], ["y"], name="r")], x24, y,
                           [f32s("a", [1, 2]), f32s("b", [1, 2, 3])]),
        "fold_div0": ([node("Div", ["a", "b"], ["c"], name="n"),
                       node("Relu", ["x"], ["y"], name="r")], x24, y,
                      [i64s("a", [1]), i64s("b", [0])]),
        "broadcast": ([node("Add", ["x", "b"], ["y"], name="n")], x24, y,
                      [f32s("b", [1, 2, 3])]),
        "reshape_copy": ([node("Reshape", ["x", "s"], ["y"], name="n")], x24, y,
                         [i64s("s", [8, 0, 0])]),
        "reshape_dim": ([node("Reshape", ["x", "s"], ["y"], name="n")], x24, y,
                        [i64s("s", [-2, 4])]),
        "reshape_large": ([node("Reshape", ["x", "s"], ["y"], name="n")], x24, y,
                          [i64s("s", [1 << 30, 1 << 30])]),
        "reshape_infer": ([node("Reshape", ["x", "s"], ["y"], name="n")], x24, y,
                          [i64s("s", [3, -1])]),
        "reshape_count": ([node("Reshape", ["x", "s"], ["y"], name="n")], x24, y,
                          [i64s("s", [3, 3])]),
        "flatten_axis": ([node("Flatten", ["x"], ["y"], name="n", axis=3)], x24, y, []),
        "concat_const": ([node("Concat", ["a", "b"], ["c"], name="n", axis=0),
                          node("Relu", ["x"], ["y"], name="r")], x24, y,
                         [f32s("a", [[1, 2]]), f32s("b", [[1, 2, 3]])]),
        "concat_rank": ([node("Concat", ["x", "z"], ["y"], name="n", axis=0)],
                        [vi("x", f, [2, 4]), vi("z", f, [2])], y, []),
        "softmax11": ([node("Softmax", ["x"], ["y"], name="n", axis=0)], x24, y, []),
        "perm": ([node("Transpose", ["x"], ["y"], name="n", perm=[0, 0])], x24, y, []),
        "constant_attrs": ([node("Constant", [], ["c"], name="n"),
                            node("Relu", ["x"], ["y"], name="r")], x24, y, []),
        "constant_kind": ([node("Constant", [], ["c"], name="n", value_string="s"),
                           node("Relu", ["x"], ["y"], name="r")], x24, y, []),
        "constant_empty": ([node("Constant", [], ["c"], name="n", value_floats=[]),
                            node("Relu", ["x"], ["y"], name="r")], x24, y, []),
        "shape_slice": ([node("Shape", ["x"], ["c"], name="n", start=1, end=1),
                         node("Relu", ["x"], ["y"], name="r")], x24, y, []),
        "gather_computed": ([node("Gather", ["x", "i"], ["y"], name="n")], x24, y,
                            [i64s("i", 0)]),
        "gather_scalar": ([node("Gather", ["s", "i"], ["c"], name="n"),
                           node("Relu", ["x"], ["y"], name="r")], x24, y,
                          [f32s("s", 1.0), i64s("i", 0)]),
        "squeeze": ([node("Squeeze", ["x", "a"], ["y"], name="n")], x24, y, [i64s("a", [0])]),
        "unsqueeze_axes": ([node("Unsqueeze", ["x"], ["y"], name="n")], x24, y, []),
        "unsqueeze_repeat": ([node("Unsqueeze", ["x", "a"], ["y"], name="n")], x24, y,
                             [i64s("a", [0, 0])]),
        "unsqueeze_rank": ([node("Unsqueeze", ["x", "a"], ["y"], name="n")], x24, y,
                           [i64s("a", list(range(7)))]),
        "cast_inf": ([node("Cast", ["c"], ["d"], name="n", to=i64),
                      node("Relu", ["x"], ["y"], name="r")], x24, y,
                     [f32s("c", [np.inf])]),
        "cast_type": ([node("Cast", ["c"], ["d"], name="n", to=TensorProto.BOOL),
                       node("Relu", ["x"], ["y"], name="r")], x24, y, [f32s("c", [1])]),
        "cast_computed": ([node("Cast", ["x"], ["y"], name="n", to=i64)], x24, y, []),
        "pad": ([node("Pad", ["x", "p"], ["y"], name="n")], x24, y, [i64s("p", [0, 1, 0, 1])]),
        "q_int": ([node("QuantizeLinear", ["i", "s"], ["q"], name="n"),
                   node("Relu", ["x"], ["y"], name="r")], x24, y,
                  [i64s("i", [1]), f32s("s", 0.1)]),
        "dq_float": ([node("DequantizeLinear", ["x", "s"], ["y"], name="n")], x24, y,
                     [f32s("s", 0.1)]),
        "dq_int64": ([node("DequantizeLinear", ["i", "s"], ["y"], name="n")], x24, y,
                     [i64s("i", [1]), f32s("s", 0.1)]),
        "dq_channels": ([node("DequantizeLinear", ["w8", "s"], ["y"], name="n", axis=0)],
                        x24, y, [arr(np.ones((4, 4), np.int8), "w8"), f32s("s", [1, 1, 1])]),
        "zp_computed": ([node("QuantizeLinear", ["x", "s", "x"], ["y"], name="n")], x24, y,
                        [f32s("s", 0.1)]),
        "scale_int": ([node("QuantizeLinear", ["x", "i"], ["y"], name="n")], x24, y,
                      [i64s("i", 1)]),
        "scale_rank": ([node("QuantizeLinear", ["x", "s"], ["y"], name="n")], x24, y,
                       [f32s("s", [[0.1]])]),
        "scale_zero": ([node("QuantizeLinear", ["x", "s"], ["y"], name="n")], x24, y,
                       [f32s("s", 0.0)]),
        "zp_type": ([node("QuantizeLinear", ["x", "s", "z"], ["y"], name="n")], x24, y,
                    [f32s("s", 0.1), i64s("z", 0)]),
        "zp_count": ([node("QuantizeLinear", ["x", "s", "z"], ["y"], name="n", axis=1)],
                     x24, y, [f32s("s", [0.1, 0.1]), arr(np.zeros(3, np.int8), "z")]),
        "fq_channels": ([node("QuantizeLinear", ["x", "s"], ["q"], name="q", axis=1),
                         node("DequantizeLinear", ["q", "s"], ["y"], name="n", axis=1)],
                        x24, y, [f32s("s", [0.1, 0.1, 0.1])]),
        "fq_zp_range": ([node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q"),
                         node("DequantizeLinear", ["q", "s", "z"], ["y"], name="n")],
                        x24, y, [f32s("s", 0.1), arr(np.array(200, np.int32), "z")]),
        # A Clip of quantized integers with float bounds, and one that leaves
        # a single integer (qat-export writes Clips of the integers).
        "clip_q_float": ([node("QuantizeLinear", ["x", "s"], ["q"], name="q"),
                          node("Clip", ["q", "lo"], ["c"], name="n"),
                          node("DequantizeLinear", ["c", "s"], ["y"], name="d")],
                         x24, y, [f32s("s", 0.1), f32s("lo", 0.0)]),
        "clip_q_range": ([node("QuantizeLinear", ["x", "s"], ["q"], name="q"),
                          node("Clip", ["q", "b", "b"], ["c"], name="n"),
                          node("DequantizeLinear", ["c", "s"], ["y"], name="d")],
                         x24, y, [f32s("s", 0.1), arr(np.array(5, np.uint8), "b")]),
        # A denormal scale, whose float32 inverse is infinite.
        "fq_tiny_scale": ([node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q"),
                           node("DequantizeLinear", ["q", "s", "z"], ["y"], name="n")],
                          x24, y, [f32s("s", 1e-40), arr(np.array(0, np.uint8), "z")]),
        "gap_rank": ([node("GlobalAveragePool", ["x"], ["y"], name="n")], x24, y, []),
        "concat_empty": ([node("Concat", ["x", ""], ["y"], name="n", axis=0)], x24, y, []),
        "init_noname": ([node("Add", ["x", "w"], ["y"], name="n")], x24, y,
                        [f32s("w", [1, 2, 3, 4]), f32s("", 1.0)]),
        "init_huge": ([node("Add", ["x", "big"], ["y"], name="n")], x24, y,
                      [TensorProto(name="big", data_type=f, dims=[1 << 16, 1 << 16])]),
        "output_noname": ([node("Relu", ["x"], ["y"], name="n")], x24,
                          [vi("", f, None)], []),
        "reshape_rank": ([node("Reshape", ["x", "s"], ["y"], name="n")], x24, y,
                         [i64s("s", [2, 4] + [1] * 7)]),
        "gather_rank": ([node("Gather", ["d", "i"], ["c"], name="n"),
                         node("Relu", ["x"], ["y"], name="r")], x24, y,
                        [f32s("d", np.ones([1] * 5)), i64s("i", np.zeros([1] * 5))]),
        # Folding past the budget (2^24 elements plus twice the initializers')
        # from a few bytes: a [1, 1024] zero tensor concatenated 1024 times,
        # then 17 copies of that by Gather, [17, 1048576].
        "fold_budget": ([node("Concat", ["z"] * 1024, ["d"], name="c", axis=1),
                         node("Gather", ["d", "i"], ["g"], name="n"),
                         node("Relu", ["x"], ["y"], name="r")], x24, y,
                        [helper.make_tensor("z", i64, [1, 1024], [0] * 1024),
                         helper.make_tensor("i", i64, [17], [0] * 17)]),
    }
    for name, (nodes, inputs, outputs, inits) in cases.items():
        save_bad("bad_case_" + name, nodes, inputs, outputs, inits,
                 opset=11 if name == "softmax11" else 13)
    # No default-domain opset.
    graph = helper.make_graph([node("Relu", ["x"], ["y"], name="n")], "g", x24, y)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("com.example", 1)])
    onnx.save(model, os.path.join(OUT, "bad_case_no_opset.onnx"))
    # No outputs.
    save_bad("bad_case_no_outputs", [node("Relu", ["x"], ["y"], name="n")], x24, [])
    # A graph input that is not a tensor.
    seq = helper.make_tensor_sequence_value_info("x", f, None)
    save_bad("bad_case_not_tensor", [node("Relu", ["x"], ["y"], name="n")], [seq], y)


def main():
    os.makedirs(OUT, exist_ok=True)
    seed_model, _ = gen_seed()
    gen_m1()
    gen_c1()
    gen_dwsep()
    gen_residual()
    gen_qdq(seed_model)
    gen_qdq_ort()
    gen_fixed_qparams()
    gen_bad()
    gen_bad_tensors()
    gen_bad_cases()


if __name__ == "__main__":
    main()

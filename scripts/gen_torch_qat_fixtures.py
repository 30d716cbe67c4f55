#!/usr/bin/python3
"""Generates the PyTorch default-QAT fixtures of qat-import and their
references: models trained with PyTorch 1.13's default QAT qconfigs, exported
to ONNX QDQ, and the outputs of PyTorch's converted int8 models.

For each qconfig in (x86, qnnpack) and each model in (mlp, cnn), writes into
test/Import/Inputs/ (relative to the repository root):

  torch_<qconfig>_<model>.onnx      the QAT model (get_default_qat_qconfig:
                                    FusedMovingAvgObsFakeQuantize everywhere)
                                    after fuse_modules_qat, prepare_qat and 40
                                    SGD steps, exported in eval mode (opset
                                    13, dynamic batch, constant folding on)
  torch_<qconfig>_<model>.x.npy     8 inputs in [0, 1)
  torch_<qconfig>_<model>.fq.npy    the QAT model's float output on them
                                    (eval mode, observers disabled)
  torch_<qconfig>_<model>.int8.npy  PyTorch's int8 model
                                    (torch.ao.quantization.convert, then run on
                                    the quantized engine) on them, dequantized;
                                    converted with the exported qparams (see
                                    below)
  torch_<qconfig>_<model>.int8-stock.npy
                                    the same with convert's own qparams

torch_train.{mlp,cnn}.{x,y}.npy, 32 labelled records for the "an imported
model trains" tests, and torch_convbn_other_div.onnx, torch_x86_cnn.onnx with
a Div constant that is not the batch norm's scale factor.

The models: mlp is Flatten, QuantStub, Linear(64,48)+ReLU, Linear(48,32)+ReLU,
Linear(32,10), DeQuantStub on [N,1,8,8]; cnn is QuantStub,
Conv(1,8,3)+BN+ReLU, MaxPool 2, Conv(8,16,3,bias=False)+BN+ReLU, MaxPool 2,
Flatten, Linear(64,10), DeQuantStub on [N,1,16,16]. The conv+BN pairs are
PyTorch's ConvBnReLU2d QAT modules, which export as Conv(x, fq(w * sf),
zeros) -> Div(sf) -> [Add(bias)] -> BatchNormalization.

torch 1.13 has no ONNX export of the fused observer op
(aten::fused_moving_avg_obs_fake_quant). With the observers disabled, as for
any export of a trained QAT model, each FusedMovingAvgObsFakeQuantize
fake-quantizes with its scale and zero_point buffers, which is what
FakeQuantize.forward does; the export runs that forward. The exported qparams
are therefore the fused C++ observer's (ChooseQuantizationParams: symmetric
int8 weights get max(|min| / 128, max / 127)).

PyTorch's convert recomputes every qparam with the Python observer formula
(max(|min|, max) / 127.5 for the same weights), so its int8 model does not
use the qparams its fake-quant model trained with (docs/numerics.md,
departures). The .int8.npy reference is converted with the fake-quant's own
qparams (each fake-quant's calculate_qparams returns its buffers), so that
it and qat's int8 model differ only by the integer arithmetic;
.int8-stock.npy is plain convert, for comparison.

x86 references run on the onednn engine (Debian's torch has no FBGEMM) and
qnnpack ones on qnnpack. Deterministic; needs Debian's python3-torch and
python3-onnx (generation only; the tests never run Python):

  /usr/bin/python3 scripts/gen_torch_qat_fixtures.py
"""

import os
import sys
import types
import warnings

import numpy as np
import onnx
import torch
import torch.ao.quantization as tq

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qatref as R  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "Import", "Inputs")
ENGINES = {"x86": "onednn", "qnnpack": "qnnpack"}


class Mlp(torch.nn.Module):
    shape = (1, 8, 8)
    fuse = [["fc1", "relu1"], ["fc2", "relu2"]]

    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.fc1 = torch.nn.Linear(64, 48)
        self.relu1 = torch.nn.ReLU()
        self.fc2 = torch.nn.Linear(48, 32)
        self.relu2 = torch.nn.ReLU()
        self.fc3 = torch.nn.Linear(32, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(torch.flatten(x, 1))
        x = self.relu1(self.fc1(x))
        x = self.relu2(self.fc2(x))
        return self.dequant(self.fc3(x))


class Cnn(torch.nn.Module):
    shape = (1, 16, 16)
    fuse = [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"]]

    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = torch.nn.Conv2d(1, 8, 3)
        self.bn1 = torch.nn.BatchNorm2d(8)
        self.relu1 = torch.nn.ReLU()
        self.conv2 = torch.nn.Conv2d(8, 16, 3, bias=False)
        self.bn2 = torch.nn.BatchNorm2d(16)
        self.relu2 = torch.nn.ReLU()
        self.fc = torch.nn.Linear(64, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = torch.max_pool2d(self.relu1(self.bn1(self.conv1(x))), 2)
        x = torch.max_pool2d(self.relu2(self.bn2(self.conv2(x))), 2)
        return self.dequant(self.fc(torch.flatten(x, 1)))


MODELS = {"mlp": Mlp, "cnn": Cnn}


def dataset(cls, n, seed):
    """Inputs in [0, 1) and labels from a fixed random linear teacher."""
    rng = np.random.RandomState(seed)
    x = rng.uniform(0.0, 1.0, size=(n,) + cls.shape).astype(np.float32)
    teacher = np.random.RandomState(100).normal(size=(int(np.prod(cls.shape)), 10))
    y = np.argmax((x.reshape(n, -1) - 0.5) @ teacher, axis=1).astype(np.int64)
    return x, y


def train_qat(cls, qconfig, seed):
    torch.manual_seed(seed)
    m = cls().train()
    m.qconfig = tq.get_default_qat_qconfig(qconfig)
    tq.fuse_modules_qat(m, cls.fuse, inplace=True)
    tq.prepare_qat(m, inplace=True)
    opt = torch.optim.SGD(m.parameters(), lr=0.05, momentum=0.9)
    x, y = dataset(cls, 40 * 16, seed)
    for step in range(40):
        xb = torch.from_numpy(x[step * 16:(step + 1) * 16])
        yb = torch.from_numpy(y[step * 16:(step + 1) * 16])
        loss = torch.nn.functional.cross_entropy(m(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    # Let the moving averages catch up with the trained model (an
    # observer-only pass over more data, batch norm on running statistics):
    # otherwise the last layer's range lags behind its growing logits, and
    # PyTorch's int8 model (which does not clamp to reduce_range's 127)
    # departs from its fake-quant model on many outputs.
    m.eval()
    x, _ = dataset(cls, 300 * 16, seed + 1000)
    with torch.no_grad():
        for step in range(300):
            m(torch.from_numpy(x[step * 16:(step + 1) * 16]))
    m.apply(tq.disable_observer)
    return m


def fused_fake_quants(m):
    return [mod for mod in m.modules()
            if isinstance(mod, tq.FusedMovingAvgObsFakeQuantize)]


def export(m, x, path):
    # The fused op has no ONNX symbolic; FakeQuantize.forward with the
    # observer disabled fake-quantizes with the same buffers.
    for fq in fused_fake_quants(m):
        fq.forward = types.MethodType(tq.FakeQuantize.forward, fq)
    torch.onnx.export(m, (torch.from_numpy(x),), path,
                      input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "batch"},
                                    "logits": {0: "batch"}},
                      opset_version=13, do_constant_folding=True,
                      training=torch.onnx.TrainingMode.PRESERVE)
    onnx.checker.check_model(onnx.load(path))
    for fq in fused_fake_quants(m):
        del fq.forward


def convert_int8(m, engine, exported_qparams):
    import copy
    m = copy.deepcopy(m)
    if exported_qparams:
        for fq in fused_fake_quants(m):
            fq.calculate_qparams = types.MethodType(
                lambda self: (self.scale.clone(), self.zero_point.clone()), fq)
    torch.backends.quantized.engine = engine
    return tq.convert(m.eval(), inplace=False)


def steps(a, b, scale):
    d = np.rint(np.abs(a.astype(np.float64) - b) / scale).astype(np.int64)
    return int((d > 0).sum()), int(d.max())


def describe(y, fq_out, out_fq):
    """How PyTorch's int8 output `y` differs from its fake-quant output."""
    s, zp = float(out_fq.scale), int(out_fq.zero_point)
    top = np.float32((out_fq.quant_max - zp) * s)
    clamped = fq_out >= top
    n, mx = steps(y, fq_out, s)
    nc, _ = steps(y[clamped], fq_out[clamped], s) if clamped.any() else (0, 0)
    return ("%d of %d differ, max %d steps, %d of them where the fake-quant "
            "clamps at quant_max %d (s_y %.8g)"
            % (n, y.size, mx, nc, out_fq.quant_max, s))


def gen(qconfig, name):
    cls = MODELS[name]
    base = os.path.join(OUT, "torch_%s_%s" % (qconfig, name))
    m = train_qat(cls, qconfig, seed=len(name) + len(qconfig))
    x, _ = dataset(cls, 8, seed=1)
    export(m, x, base + ".onnx")
    with torch.no_grad():
        fq_out = m(torch.from_numpy(x)).numpy()
    R.save_npy(base + ".x.npy", x)
    R.save_npy(base + ".fq.npy", fq_out.astype(np.float32))
    out_fq = m.fc3.activation_post_process if name == "mlp" else m.fc.activation_post_process
    for suffix, exported in ((".int8.npy", True), (".int8-stock.npy", False)):
        q = convert_int8(m, ENGINES[qconfig], exported)
        with torch.no_grad():
            y = q(torch.from_numpy(x)).numpy().astype(np.float32)
        R.save_npy(base + suffix, y)
        print("%s %s%s vs PyTorch's fake-quant: %s"
              % (qconfig, name, suffix, describe(y, fq_out, out_fq)))


def gen_train_data():
    for name, cls in MODELS.items():
        x, y = dataset(cls, 32, seed=7)
        R.save_npy(os.path.join(OUT, "torch_train.%s.x.npy" % name), x)
        R.save_npy(os.path.join(OUT, "torch_train.%s.y.npy" % name),
                   y.astype(np.int32))


def gen_other_div():
    """torch_x86_cnn.onnx with conv1's Div constant one float off
    gamma / sqrt(running_var + eps) in channel 0: not PyTorch's ConvBn."""
    from onnx import numpy_helper
    model = onnx.load(os.path.join(OUT, "torch_x86_cnn.onnx"))
    div = next(n for n in model.graph.node if n.name == "/conv1/Div")
    init = next(t for t in model.graph.initializer if t.name == div.input[1])
    sf = numpy_helper.to_array(init).copy()
    sf.flat[0] = np.nextafter(sf.flat[0], np.float32(np.inf))
    init.CopyFrom(numpy_helper.from_array(sf, init.name))
    onnx.save(model, os.path.join(OUT, "torch_convbn_other_div.onnx"))


def main():
    warnings.filterwarnings("ignore")
    os.makedirs(OUT, exist_ok=True)
    for qconfig in ("x86", "qnnpack"):
        for name in MODELS:
            gen(qconfig, name)
    gen_train_data()
    gen_other_div()


if __name__ == "__main__":
    main()

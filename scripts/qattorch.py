"""PyTorch counterparts of examples/m1.mlir and examples/c1.mlir (same
structure and parameter names) and PyTorch's eager QAT preparation of them,
shared by bench/torch_qat.py and scripts/gen_grad_goldens.py.

Needs python3-torch (Debian's /usr/bin/python3); the tests never import it.
"""

import torch
import torch.nn as nn
import torch.ao.quantization as tq


class M1(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.fc1 = nn.Linear(784, 256)
        self.relu1 = nn.ReLU()
        self.fc2 = nn.Linear(256, 128)
        self.relu2 = nn.ReLU()
        self.fc3 = nn.Linear(128, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(torch.flatten(x, 1))
        x = self.relu1(self.fc1(x))
        x = self.relu2(self.fc2(x))
        return self.dequant(self.fc3(x))

    fuse_groups = [["fc1", "relu1"], ["fc2", "relu2"]]


class C1(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = tq.QuantStub()
        self.conv1 = nn.Conv2d(1, 32, 3)
        self.bn1 = nn.BatchNorm2d(32, eps=1e-5)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(32, 64, 3)
        self.bn2 = nn.BatchNorm2d(64, eps=1e-5)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(1600, 128)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(128, 10)
        self.dequant = tq.DeQuantStub()

    def forward(self, x):
        x = self.quant(x)
        x = self.pool1(self.relu1(self.bn1(self.conv1(x))))
        x = self.pool2(self.relu2(self.bn2(self.conv2(x))))
        x = torch.flatten(x, 1)
        x = self.relu3(self.fc1(x))
        return self.dequant(self.fc2(x))

    fuse_groups = [["conv1", "bn1", "relu1"], ["conv2", "bn2", "relu2"],
                   ["fc1", "relu3"]]


def python_qconfig(qconfig):
    """get_default_qat_qconfig(QCONFIG)'s observers and ranges in the
    unfused FakeQuantize, which takes its qparams from the Python observer
    formula that convert uses (and our numerics contract), instead of
    FusedMovingAvgObsFakeQuantize's C++ ChooseQuantizationParams (symmetric
    weights: max(|min|/128, max/127) instead of max(|min|, max)/127.5)."""
    fused = tq.get_default_qat_qconfig(qconfig)

    def unfused(partial):
        return tq.FakeQuantize.with_args(**partial.p.keywords)
    return tq.QConfig(activation=unfused(fused.activation), weight=unfused(fused.weight))


def prepare(model, qconfig, fake_quant="fused"):
    """fuse_modules_qat + prepare_qat in training mode, with
    get_default_qat_qconfig(QCONFIG) ("fused") or python_qconfig ("python")."""
    model.train()
    model = tq.fuse_modules_qat(model, model.fuse_groups)
    model.qconfig = (tq.get_default_qat_qconfig(qconfig) if fake_quant == "fused"
                     else python_qconfig(qconfig))
    return tq.prepare_qat(model)

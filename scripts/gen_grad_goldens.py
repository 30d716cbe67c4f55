#!/usr/bin/python3
"""Generates the PyTorch 1.13 whole-model gradient goldens of test/Integration/grad.

For examples/m1.mlir and examples/c1.mlir: loads the parameters from the
model file itself (dense<...> literals and the dense_resource hex blobs of
its trailing `{-# dialect_resources #-}` section), builds the same model in
torch, and computes the mean cross_entropy on Fashion-MNIST test images
0..63 (pixels / 255) with their labels, and its gradients with respect to
the input and every trainable parameter. C1's batch norms run in TRAINING
mode (batch statistics, biased variance), as `--qat-generate-train-step`
runs them; their running statistics come from the file (they do not affect
the training-mode output).

Saves, as float32 .npy in test/Integration/grad/Inputs/, in the result
order of `@gradients` (loss, d input 0, then the trainable params in
module order):

  <model>.loss.npy             0-d
  <model>.input.grad.npy       [64, 1, 28, 28]
  <model>.<param>.grad.npy     one per trainable qat.param

And for C1 prepared for QAT (`qat-opt --qat-fuse --qat-prepare=preset=x86`:
ConvBn folding with fake-quantized per-channel weights, uint8 [0, 127]
activations with moving-average observers), the same gradients from
PyTorch's eager QAT model (fuse_modules_qat + prepare_qat, training mode),
as c1-qat.*.npy. Its fake-quants use the unfused FakeQuantize with the x86
qconfig's observers and ranges, whose qparams are the Python observer
formula that convert and our numerics contract use
(FusedMovingAvgObsFakeQuantize, the default, trains symmetric weights with
the C++ formula instead; docs/numerics.md). That reference is float32: the
rounding of fake-quant is part of the function, so a float64 run would be
a different model.

The float references are computed in float64 (the exact gradient up to ~1e-15,
then rounded to float32), so the test tolerances only have to cover the
float32 rounding of qat's own computation. The script also evaluates the
model in float32 torch and prints, per tensor, max|g| and the float32-torch
vs float64 max abs error: the scale of summation-order differences the
tolerances are chosen from. Deterministic (single-threaded torch):

  /usr/bin/python3 scripts/gen_grad_goldens.py
"""

import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qatref as R  # noqa: E402
import qattorch  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "Integration", "grad", "Inputs")
BATCH = 64

def m1_forward(x, p):
    h = torch.flatten(x, 1)
    h = F.relu(F.linear(h, p["fc1.weight"], p["fc1.bias"]))
    h = F.relu(F.linear(h, p["fc2.weight"], p["fc2.bias"]))
    return F.linear(h, p["fc3.weight"], p["fc3.bias"])


def c1_forward(x, p):
    def block(h, conv, bn):
        h = F.conv2d(h, p[conv + ".weight"], p[conv + ".bias"])
        # Training mode: batch statistics; the running statistics (copies,
        # the file's values) are updated but do not affect the output.
        h = F.batch_norm(h, p[bn + ".running_mean"].clone(),
                         p[bn + ".running_var"].clone(), p[bn + ".weight"],
                         p[bn + ".bias"], training=True, momentum=0.1, eps=1e-5)
        return F.max_pool2d(F.relu(h), 2)

    h = block(x, "conv1", "bn1")
    h = block(h, "conv2", "bn2")
    h = torch.flatten(h, 1)
    h = F.relu(F.linear(h, p["fc1.weight"], p["fc1.bias"]))
    return F.linear(h, p["fc2.weight"], p["fc2.bias"])


def gradients(forward, params, images, labels, dtype):
    """[(name, value)] for the loss, d input 0 and the trainable params."""
    x = torch.tensor(images, dtype=dtype, requires_grad=True)
    p = {k: torch.tensor(v, dtype=dtype, requires_grad=trainable)
         for k, (v, trainable) in params.items()}
    loss = F.cross_entropy(forward(x, p), torch.tensor(labels))
    loss.backward()
    out = [("loss", loss.detach()), ("input", x.grad)]
    out += [(k, p[k].grad) for k, (_, trainable) in params.items() if trainable]
    return [(k, v.numpy().astype(np.float64)) for k, v in out]


def c1_qat_gradients(params, images, labels):
    """[(name, value)] for the loss, d input 0 and the trainable params of
    C1 after fuse_modules_qat + prepare_qat (x86 ranges, Python qparams)."""
    model = qattorch.C1()
    sd = model.state_dict()
    for k, (v, _) in params.items():
        sd[k] = torch.from_numpy(v.copy())
    model.load_state_dict(sd)
    model = qattorch.prepare(model, "x86", fake_quant="python")
    x = torch.tensor(images, requires_grad=True)
    loss = F.cross_entropy(model(x), torch.tensor(labels))
    loss.backward()
    # The fused modules' parameters under the model file's names.
    where = {"bn1.": "conv1.bn.", "bn2.": "conv2.bn."}
    named = dict(model.named_parameters())
    out = [("loss", loss.detach()), ("input", x.grad)]
    for k, (_, trainable) in params.items():
        if trainable:
            tk = next((v + k[len(p):] for p, v in where.items()
                       if k.startswith(p)), k)
            out.append((k, named[tk].grad))
    return [(k, v.numpy()) for k, v in out]


def main():
    torch.set_num_threads(1)
    images, labels = R.load_fmnist("test", 0, BATCH)
    for model, forward in (("m1", m1_forward), ("c1", c1_forward)):
        params = R.load_params(os.path.join(ROOT, "examples", model + ".mlir"))
        ref = gradients(forward, params, images, labels, torch.float64)
        f32 = gradients(forward, params, images, labels, torch.float32)
        print("%s: %-18s %10s %10s %10s" % (model, "result", "max|g|",
                                              "f32 err", "rel"))
        for (name, g), (_, g32) in zip(ref, f32):
            scale = float(np.max(np.abs(g)))
            err = float(np.max(np.abs(g - g32)))
            print("%s: %-18s %10.3e %10.3e %10.3e" % (model, name, scale, err,
                                                       err / scale))
            suffix = name if name == "loss" else name + ".grad"
            R.save_npy(os.path.join(OUT, "%s.%s.npy" % (model, suffix)),
                       g.astype(np.float32))
    params = R.load_params(os.path.join(ROOT, "examples", "c1.mlir"))
    for name, g in c1_qat_gradients(params, images, labels):
        print("c1-qat: %-18s max|g| %10.3e" % (name, float(np.max(np.abs(g)))))
        suffix = name if name == "loss" else name + ".grad"
        R.save_npy(os.path.join(OUT, "c1-qat.%s.npy" % suffix), g.astype(np.float32))


if __name__ == "__main__":
    main()

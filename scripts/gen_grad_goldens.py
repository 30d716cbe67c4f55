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

The reference is computed in float64 (the exact gradient up to ~1e-15,
then rounded to float32), so the test tolerances only have to cover the
float32 rounding of qat's own computation. The script also evaluates the
model in float32 torch and prints, per tensor, max|g| and the float32-torch
vs float64 max abs error: the scale of summation-order differences the
tolerances are chosen from. Deterministic (single-threaded torch):

  /usr/bin/python3 scripts/gen_grad_goldens.py
"""

import os
import re
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qatref as R  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "Integration", "grad", "Inputs")
BATCH = 64

_PARAM = re.compile(
    r"^qat\.param\s+(state\s+)?@([\w.]+)\s*=\s*"
    r"(dense<(.*)>|dense_resource<(\w+)>)\s*:\s*tensor<([0-9x]+)xf32>\s*$")
_BLOB = re.compile(r'^\s*(\w+):\s*"0x([0-9A-Fa-f]*)"')


def load_params(path):
    """{name: (array float32, trainable)} in module order."""
    with open(path) as f:
        lines = f.read().splitlines()
    blobs = {}
    for line in lines:
        m = _BLOB.match(line)
        if m:
            data = bytes.fromhex(m.group(2))
            # 4 bytes of alignment (little-endian 4), then float32 data.
            assert int.from_bytes(data[:4], "little") == 4, m.group(1)
            blobs[m.group(1)] = np.frombuffer(data[4:], dtype="<f4")
    params = {}
    for line in lines:
        m = _PARAM.match(line)
        if not m:
            continue
        state, name, _, literal, key, shape = m.groups()
        shape = tuple(int(d) for d in shape.split("x"))
        if key is not None:
            arr = blobs[key]
        else:
            # Nested [...] lists of float literals, or a splat.
            arr = np.array(eval(literal, {"__builtins__": {}}), dtype=np.float64)
            arr = arr.astype(np.float32)
            if arr.ndim == 0:
                arr = np.full(shape, arr, dtype=np.float32)
        params[name] = (np.asarray(arr, dtype=np.float32).reshape(shape),
                        state is None)
    assert params, path
    return params


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


def main():
    torch.set_num_threads(1)
    images, labels = R.load_fmnist("test", 0, BATCH)
    for model, forward in (("m1", m1_forward), ("c1", c1_forward)):
        params = load_params(os.path.join(ROOT, "examples", model + ".mlir"))
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


if __name__ == "__main__":
    main()

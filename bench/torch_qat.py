#!/usr/bin/python3
"""PyTorch 1.13 eager-mode QAT peer for the T1/T2 and A1/A2 workloads
(bench/README.md).

Builds M1 / C1 exactly as examples/m1.mlir / examples/c1.mlir and loads the
same initial weights (and BN running statistics) from those files, so both
sides start identical. Data: the Fashion-MNIST IDX .gz files read with
scripts/qatref.py (pixels / 255), batch 64, shuffled, last partial batch
dropped (as `qat-run train`). SGD lr 0.01 momentum 0.9. One thread, or
--threads N (torch.set_num_threads and the BLAS/OpenMP variables below).

  epoch     (T1/T2) time one QAT epoch: fuse_modules_qat, prepare_qat with
            get_default_qat_qconfig(QCONFIG); prints seconds per epoch
            (training loop only, no eval).
  accuracy  (A1/A2) float FLOAT_EPOCHS epochs, then fuse + prepare_qat (new
            optimizer) and QAT_EPOCHS epochs; reports float, fake-quant
            (eval mode, observers disabled) and int8 (convert) test accuracy.
  agreement the accuracy recipe, then the fake-quant model (eval mode,
            observers disabled) vs its converted int8 model on the test set
            (all 10k unless --max-eval): output elements compared / different,
            largest difference in quantization steps (the int8 model's output
            scale), argmax agreement -- the figures `qat-run compare` prints.

Run with Debian's python (/usr/bin/python3), pinned:
  taskset -c 0 /usr/bin/python3 bench/torch_qat.py epoch --model m1 --qconfig x86
  taskset -c 0 /usr/bin/python3 bench/torch_qat.py accuracy --model m1
  taskset -c 0 /usr/bin/python3 bench/torch_qat.py agreement --model m1
Quick smoke run: add --max-steps 50 --max-eval 1000.
The last stdout line is a JSON object (for the bench scripts).
"""

import argparse
import copy
import json
import os
import sys
import time
import warnings

import numpy as np

sys.dont_write_bytecode = True
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
import qatref as R  # noqa: E402


def _threads_arg():
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "1"


# torch.set_num_threads does not reach Debian's libblas.so.3 (OpenBLAS via
# alternatives): without this OpenBLAS spawns a thread per core, and pinned
# to one core (taskset) they contend (measured ~1.6x slower on M1).
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
    os.environ.setdefault(_v, _threads_arg())

import torch  # noqa: E402
import torch.nn as nn  # noqa: E402
import torch.ao.quantization as tq  # noqa: E402
from qattorch import C1, M1, prepare  # noqa: E402

# reduce_range deprecation notice of the x86/fbgemm qconfig
warnings.filterwarnings("ignore", message="Please use quant_min")

BATCH = 64
# Int8 engines of Debian's build: qnnpack and onednn (no fbgemm/x86), so the
# x86 qconfig (per-channel weights, reduce_range activations) runs on onednn.
ENGINE = {"x86": "onednn", "onednn": "onednn", "qnnpack": "qnnpack",
          "fbgemm": "onednn"}


def engine(args):
    return args.engine or ENGINE[args.qconfig]


# ---------------------------------------------------------------------------
# Models (scripts/qattorch.py: same structure and parameter names as the
# .mlir files)
# ---------------------------------------------------------------------------

def build(name):
    model = {"m1": M1, "c1": C1}[name]()
    params = {k: v for k, (v, _) in
              R.load_params(os.path.join(ROOT, "examples", name + ".mlir")).items()}
    sd = model.state_dict()
    missing = [k for k in sd if k not in params and not k.endswith("num_batches_tracked")]
    extra = [k for k in params if k not in sd]
    if missing or extra:
        raise SystemExit("weight mismatch: missing %s, extra %s" % (missing, extra))
    for k, v in params.items():
        assert tuple(sd[k].shape) == v.shape, (k, sd[k].shape, v.shape)
        sd[k] = torch.from_numpy(v.copy())
    model.load_state_dict(sd)
    return model


# ---------------------------------------------------------------------------
# Data, training, evaluation
# ---------------------------------------------------------------------------

def load(split):
    n = 60000 if split == "train" else 10000
    x, y = R.load_fmnist(split, 0, n)
    return torch.from_numpy(x), torch.from_numpy(y)


def train_epoch(model, opt, x, y, gen, max_steps=None):
    """One epoch, shuffled, drop_last. Returns (seconds, mean loss, steps)."""
    model.train()
    loss_fn = nn.CrossEntropyLoss()
    steps = x.shape[0] // BATCH
    if max_steps:
        steps = min(steps, max_steps)
    t0 = time.perf_counter()
    perm = torch.randperm(x.shape[0], generator=gen)
    total = 0.0
    for i in range(steps):
        idx = perm[i * BATCH:(i + 1) * BATCH]
        opt.zero_grad()
        loss = loss_fn(model(x[idx]), y[idx])
        loss.backward()
        opt.step()
        total += loss.item()
    return time.perf_counter() - t0, total / steps, steps


@torch.no_grad()
def accuracy(model, x, y, max_eval=None):
    model.eval()
    if max_eval:
        x, y = x[:max_eval], y[:max_eval]
    correct = 0
    for i in range(0, x.shape[0], 1000):
        correct += (model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item()
    return correct / x.shape[0]


def fq_accuracy(model, x, y, max_eval=None):
    """Fake-quant accuracy in eval mode with observers frozen (as qat-run's
    eval_step); observers are re-enabled afterwards for further training."""
    model.apply(tq.disable_observer)
    try:
        return accuracy(model, x, y, max_eval)
    finally:
        model.apply(tq.enable_observer)


def sgd(model, args):
    return torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)


def cmd_epoch(args, xtr, ytr):
    out = {"what": "epoch", "model": args.model, "qconfig": args.qconfig,
           "threads": torch.get_num_threads(), "seconds": []}
    for r in range(args.repeat):
        torch.manual_seed(args.seed)
        model = prepare(build(args.model), args.qconfig, args.fake_quant)
        opt = sgd(model, args)
        gen = torch.Generator().manual_seed(args.seed + r)
        # Warm-up: a few steps on a throwaway copy so one-time costs
        # (allocator, first kernels) are not in the timed epoch.
        wm = copy.deepcopy(model)
        train_epoch(wm, sgd(wm, args), xtr, ytr, torch.Generator().manual_seed(99), 5)
        del wm
        sec, loss, steps = train_epoch(model, opt, xtr, ytr, gen, args.max_steps)
        out["seconds"].append(sec)
        out["steps"] = steps
        print("%s QAT epoch (%s qconfig, %d steps): %.3f s, train loss %.4f"
              % (args.model.upper(), args.qconfig, steps, sec, loss), flush=True)
    out["median"] = float(np.median(out["seconds"]))
    out["min"] = float(np.min(out["seconds"]))
    print(json.dumps(out))


def qat_recipe(args, xtr, ytr, xte, yte):
    """A1/A2: float epochs, then fuse + prepare_qat (fresh optimizer) and QAT
    epochs. Returns (float accuracy, prepared QAT model)."""
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    model = build(args.model)
    opt = sgd(model, args)
    for e in range(args.float_epochs):
        sec, loss, _ = train_epoch(model, opt, xtr, ytr, gen, args.max_steps)
        acc = accuracy(model, xte, yte, args.max_eval)
        print("float epoch %d: loss %.4f, test acc %.2f%%, %.1f s"
              % (e + 1, loss, 100 * acc, sec), flush=True)
    float_acc = accuracy(model, xte, yte, args.max_eval)
    qat = prepare(model, args.qconfig, args.fake_quant)
    opt = sgd(qat, args)  # fresh optimizer, as --reset-optimizer
    for e in range(args.qat_epochs):
        sec, loss, _ = train_epoch(qat, opt, xtr, ytr, gen, args.max_steps)
        acc = fq_accuracy(qat, xte, yte, args.max_eval)
        print("QAT epoch %d: loss %.4f, fake-quant test acc %.2f%%, %.1f s"
              % (e + 1, loss, 100 * acc, sec), flush=True)
    return float_acc, qat


def convert(qat, args):
    torch.backends.quantized.engine = engine(args)
    return tq.convert(copy.deepcopy(qat).eval())


def cmd_accuracy(args, xtr, ytr):
    xte, yte = load("test")
    float_acc, qat = qat_recipe(args, xtr, ytr, xte, yte)
    fq_acc = fq_accuracy(qat, xte, yte, args.max_eval)
    q = convert(qat, args)
    int8_acc = accuracy(q, xte, yte, args.max_eval)
    print("%s %s qconfig (engine %s): float %.2f%%, fake-quant %.2f%%, int8 %.2f%%"
          % (args.model.upper(), args.qconfig, engine(args),
             100 * float_acc, 100 * fq_acc, 100 * int8_acc))
    print(json.dumps({"what": "accuracy", "model": args.model, "qconfig": args.qconfig,
                      "engine": engine(args), "float": float_acc,
                      "fake_quant": fq_acc, "int8": int8_acc}))


@torch.no_grad()
def outputs(model, x):
    model.eval()
    return torch.cat([model(x[i:i + 1000]) for i in range(0, x.shape[0], 1000)]).numpy()


def cmd_agreement(args, xtr, ytr):
    """Fake-quant (eval, observers frozen) vs convert, element by element,
    with the statistics of `qat-run compare`."""
    xte, yte = load("test")
    float_acc, qat = qat_recipe(args, xtr, ytr, xte, yte)
    q = convert(qat, args)
    if args.max_eval:
        xte, yte = xte[:args.max_eval], yte[:args.max_eval]
    qat.apply(tq.disable_observer)
    fq = outputs(qat, xte)
    # Output scale: the quantized tensor entering the int8 model's DeQuantStub.
    scales = []
    hook = q.dequant.register_forward_pre_hook(
        lambda m, inp: scales.append(float(inp[0].q_scale())))
    i8 = outputs(q, xte)
    hook.remove()
    step = scales[0]
    assert all(s == step for s in scales)
    diff = np.abs(fq.astype(np.float64) - i8.astype(np.float64))
    # First maximum, as qat-run compare (torch/numpy argmax return the first).
    af, ai = fq.argmax(1), i8.argmax(1)
    y = yte.numpy()
    r = {"what": "agreement", "model": args.model, "qconfig": args.qconfig,
         "engine": engine(args), "records": int(fq.shape[0]),
         "elements": int(fq.size), "different": int((fq != i8).sum()),
         "max_diff": float(diff.max()), "step": step,
         "max_steps_diff": float(diff.max() / step),
         "argmax_agree": int((af == ai).sum()),
         "float_acc": float_acc, "fake_quant_acc": float((af == y).mean()),
         "int8_acc": float((ai == y).mean())}
    r["argmax_agree_pct"] = 100.0 * r["argmax_agree"] / r["records"]
    print("%s %s qconfig (engine %s), fake-quant (eval, observers disabled) vs convert: "
          "compared %d output elements of %d records: %d differ, largest difference %.6g "
          "(%.3g quantization steps of %.6g), argmax agreement %d/%d (%.3f%%); "
          "accuracy fake-quant %.2f%%, int8 %.2f%%"
          % (args.model.upper(), args.qconfig, r["engine"], r["elements"], r["records"],
             r["different"], r["max_diff"], r["max_steps_diff"], step, r["argmax_agree"],
             r["records"], r["argmax_agree_pct"], 100 * r["fake_quant_acc"],
             100 * r["int8_acc"]))
    print(json.dumps(r))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("what", choices=["epoch", "accuracy", "agreement"])
    p.add_argument("--model", choices=["m1", "c1"], default="m1")
    p.add_argument("--qconfig", choices=["x86", "qnnpack", "onednn"], default="x86")
    p.add_argument("--fake-quant", choices=["fused", "python"], default="fused",
                   help="fused: the qconfig's FusedMovingAvgObsFakeQuantize (PyTorch's "
                        "default); python: the same observers in FakeQuantize, whose qparams "
                        "are convert's (and ours)")
    p.add_argument("--engine", choices=["onednn", "qnnpack"], default=None,
                   help="int8 engine for convert (default: onednn, qnnpack for --qconfig qnnpack)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--repeat", type=int, default=1, help="epoch: timed epochs (fresh model each)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--lr", type=float, default=0.01)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--float-epochs", type=int, default=3)
    p.add_argument("--qat-epochs", type=int, default=2)
    p.add_argument("--max-steps", type=int, default=None, help="steps per epoch (quick runs)")
    p.add_argument("--max-eval", type=int, default=None, help="test images (quick runs)")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    xtr, ytr = load("train")
    {"epoch": cmd_epoch, "accuracy": cmd_accuracy, "agreement": cmd_agreement}[args.what](args, xtr, ytr)


if __name__ == "__main__":
    main()

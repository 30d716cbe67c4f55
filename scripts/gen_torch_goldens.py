#!/usr/bin/python3
"""Generates the PyTorch 1.13 parity goldens of test/Integration/quant.

Every expected value is computed by PyTorch itself (Debian's python3-torch
1.13 under /usr/bin/python3); the tests that check them run without torch:

- fake_quant_*.mlir: torch.fake_quantize_per_tensor_affine /
  fake_quantize_per_channel_affine forward, and their autograd (the STE input
  gradient) against result 0 of qat.fake_quant_grad; bit-exact.
- observer_*.mlir: MinMaxObserver, MovingAverageMinMaxObserver,
  PerChannelMinMaxObserver, MovingAveragePerChannelMinMaxObserver after 4
  batches: final min_val/max_val and calculate_qparams() vs qat.observe;
  bit-exact.
- fused_vs_python.mlir: the default QAT qconfig's FusedMovingAvgObsFakeQuantize
  (C++ ChooseQuantizationParams) disagrees with the Python formula of its own
  calculate_qparams() (used by convert); qat.observe equals the latter.
- lsq_*.mlir: torch._fake_quantize_learnable_per_{tensor,channel}_affine
  (what _LearnableFakeQuantize calls), forward and autograd, with
  grad_factor 1 and 1/sqrt(numel * qmax), float zero points.
- qparams_*.npy (no .mlir): (min, max) -> (scale, zero point) of
  MinMaxObserver.calculate_qparams() for thousands of pairs per range
  configuration, read by test/unit/QParamsGoldenTest.cpp.

Data comes from numpy.random.RandomState(crc32(NAME)) per case, so cases are
independent of each other. Deterministic (torch runs single-threaded):

  /usr/bin/python3 scripts/gen_torch_goldens.py
"""

import glob
import math
import os
import sys
import warnings
import zlib

import numpy as np
import torch
from torch.ao.quantization import observer as O

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qatref as R  # noqa: E402

warnings.filterwarnings("ignore")  # reduce_range deprecation etc.
torch.set_num_threads(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "Integration", "quant")
INPUTS = os.path.join(OUT, "Inputs")
SCRIPT = "scripts/gen_torch_goldens.py"

f32 = np.float32
U = 2.0 ** -24  # unit roundoff of float32
INF_HEX = "0x7F800000"
NINF_HEX = "0xFF800000"


def rng_for(name):
    return np.random.RandomState(zlib.crc32(name.encode()))


def tnp(t):
    return t.detach().numpy().copy()


# ---------------------------------------------------------------------------
# Test files
# ---------------------------------------------------------------------------

class Test:
    """One lit test: a module of qat.params and entry functions, RUN lines
    that feed .npy inputs and compare results with .npy goldens."""

    def __init__(self, name, description):
        self.name = name
        self.description = description
        self.params = []   # (symbol, text)
        self.funcs = []    # text
        self.runs = []     # (lines of RUN, lines of CHECK)
        self.files = {}    # label -> array

    def npy(self, label, arr):
        assert label not in self.files, label
        self.files[label] = np.asarray(arr)
        return "%%S/Inputs/%s.%s.npy" % (self.name, label)

    def param(self, sym, arr, state=True):
        self.params.append("qat.param %s@%s.%s = %s" % (
            "state " if state else "", self.name, sym, R.dense(np.asarray(arr))))
        return "@%s.%s" % (self.name, sym)

    def state(self, sym, value_hex, type_):
        self.params.append("qat.param state @%s.%s = dense<%s> : %s" % (
            self.name, sym, value_hex, type_))
        return "@%s.%s" % (self.name, sym)

    def run(self, inputs, expects, flags, entry=None, expect_fail=(),
            prefix=None, comment=None):
        """A RUN line feeding `inputs` (label, array) and comparing the entry's
        results with `expects` (label, array); `expect_fail` lists the result
        indices that must FAIL (the RUN line is then prefixed with `not`)."""
        cmd = ["%sqat-run %%s" % ("not " if expect_fail else "")]
        if entry:
            cmd.append("--entry=" + entry)
        for label, arr in inputs:
            if label in self.files:
                cmd.append("--input %%S/Inputs/%s.%s.npy" % (self.name, label))
            else:
                cmd.append("--input " + self.npy(label, arr))
        for label, arr in expects:
            cmd.append("--expect " + self.npy(label, arr))
        cmd.append(flags)
        fc = "FileCheck %s" + (" --check-prefix=%s" % prefix if prefix else "")
        lines = ("// RUN: " + " \\\n// RUN:   ".join(cmd)
                 + " \\\n// RUN:   | " + fc).split("\n")
        p = prefix or "CHECK"
        checks = []
        if comment:
            checks += ["// " + c if c else "//" for c in comment]
        for i, (label, _) in enumerate(expects):
            if i in expect_fail:
                checks.append("// %s: result %d vs %s.%s.npy: %d elements, "
                              "{{.*}} %d outside tolerance {{.*}} FAIL"
                              % (p, i, self.name, label, np.size(_),
                                 expect_fail[i]))
            else:
                checks.append("// %s: result %d vs %s.%s.npy: {{.*}} 0 outside "
                              "tolerance OK" % (p, i, self.name, label))
        self.runs.append((lines, checks))

    def write(self):
        prefixes = [checks[-1].split(":")[0] for _, checks in self.runs]
        assert len(set(prefixes)) == len(prefixes), "one FileCheck prefix per RUN"
        out = []
        for lines, _ in self.runs:
            out += lines
        for _, checks in self.runs:
            out += checks
        out.append("//")
        out += ["// " + d if d else "//" for d in self.description]
        out.append("// Generated by %s from PyTorch %s; inputs and goldens in "
                   "Inputs/%s.*.npy." % (SCRIPT, torch.__version__.split("a")[0],
                                         self.name))
        out.append("")
        out += self.params
        out.append("")
        out.append("\n\n".join(f.rstrip("\n") for f in self.funcs))
        R.write_text(os.path.join(OUT, self.name + ".mlir"), "\n".join(out) + "\n")
        for label, arr in self.files.items():
            R.save_npy(os.path.join(INPUTS, "%s.%s.npy" % (self.name, label)), arr)


def func_text(name, args, body, results):
    """args: [(ssa, type)], results: [(ssa, type)]."""
    sig = ", ".join("%%%s: %s" % a for a in args)
    rt = [t for _, t in results]
    rsig = rt[0] if len(rt) == 1 else "(%s)" % ", ".join(rt)
    lines = ["func.func @%s(%s) -> %s {" % (name, sig, rsig)]
    lines += ["  " + l for l in body]
    lines.append("  return %s : %s" % (", ".join("%" + s for s, _ in results),
                                       ", ".join(rt)))
    lines.append("}")
    return "\n".join(lines)


def spec_text(dtype, qmin, qmax, symmetric=False, axis=None, narrow=False,
              observer="none", learnable=False, grad_scaling=False):
    parts = ["dtype = %s" % dtype, "qmin = %d" % qmin, "qmax = %d" % qmax]
    if symmetric:
        parts.append("symmetric = true")
    if axis is not None:
        parts.append("axis = %d" % axis)
    if narrow:
        parts.append("narrow_range = true")
    parts.append("observer = %s" % observer)
    if observer in ("moving_average", "ema"):
        parts.append("averaging_constant = 1.0e-2")
    if learnable:
        parts.append("learnable = true")
    if grad_scaling:
        parts.append("grad_scaling = true")
    return "#qat.qspec<%s>" % ", ".join(parts)


# ---------------------------------------------------------------------------
# Interesting inputs of a fake-quant with qparams (s, zp)
# ---------------------------------------------------------------------------

def ulp_neighbours(c, k):
    """The 2k+1 float32 values around c (same sign), c included."""
    c = f32(c)
    bits = np.array([c], f32).view(np.int32)[0]
    return (np.arange(-k, k + 1, dtype=np.int64) + bits).astype(np.int32).view(f32)


def exact_halves(s, lo, hi, rng, n):
    """x with float32(x * (1/s)) exactly k + 0.5 for k in [lo, hi)."""
    inv = f32(1) / f32(s)
    out = []
    for k in rng.permutation(np.arange(lo, hi)):
        c = ulp_neighbours(f32((k + 0.5) * float(s)), 64)
        hit = c[(c * inv).astype(f32) == f32(k + 0.5)]
        if hit.size:
            out.append(hit[rng.randint(hit.size)])
        if len(out) == n:
            break
    return out


def rounding_diffs(s, lo, hi, rng, n):
    """x where roundeven(x * (1/s)) != roundeven(x / s) in float32."""
    s = f32(s)
    inv = f32(1) / s
    out = []
    for k in rng.permutation(np.arange(lo, hi)):
        c = ulp_neighbours(f32((k + 0.5) * float(s)), 64)
        d = c[np.rint((c * inv).astype(f32)) != np.rint((c / s).astype(f32))]
        if d.size:
            out.append(d[rng.randint(d.size)])
        if len(out) == n:
            break
    return out


def fma_diffs(s, zp, qmin, qmax):
    """x a few ulps around the edge ties where roundeven(fma(x, 1/s, zp))
    (PyTorch's LSQ backward) and roundeven(zp + float32(x * (1/s))) differ."""
    s = f32(s)
    inv = f32(1) / s
    out = []
    for e in (qmin - zp - 0.5, qmax - zp + 0.5):
        c = ulp_neighbours(f32(e * float(s)), 400)
        fused = np.rint((c.astype(np.float64) * float(inv) + zp).astype(f32))
        split = np.rint((f32(zp) + (c * inv).astype(f32)).astype(f32))
        out += list(c[fused != split][:2])
    return out


def fq_values(rng, n, s, zp, qmin, qmax, zp_lo=None, zp_hi=None):
    """n float32 inputs for fake-quant (s, zp) over [qmin, qmax]: the exact
    range edges, ties and values just past them, far outside, exact .5 ties
    inside, values where x*(1/s) and x/s round differently, values a few ulps
    around the edge ties (where the LSQ backward's fused multiply-add
    matters), and random values. zp_lo/zp_hi: the integer zero points the
    forward and backward passes use (they differ for a learnable one)."""
    s = f32(s)
    zl = zp if zp_lo is None else zp_lo
    zh = zp if zp_hi is None else zp_hi
    lo, hi = qmin - min(zl, zh), qmax - max(zl, zh)  # in steps of s
    vals = []
    for z in sorted({zl, zh}):
        for e in (qmin - z, qmax - z):
            vals.append(f32(e * float(s)))
    for z in sorted({zl, zh}):
        for e in (qmin - z - 0.5, qmax - z + 0.5):
            vals.extend(ulp_neighbours(f32(e * float(s)), 2))
        vals.extend(fma_diffs(s, z, qmin, qmax))
    for k in (1, 2, 7, 300):
        vals.append(f32((hi + k) * float(s)))
        vals.append(f32((lo - k) * float(s)))
    vals += exact_halves(s, int(math.floor(lo)) - 1, int(math.ceil(hi)) + 1, rng,
                         max(4, n // 8))
    vals += rounding_diffs(s, int(math.floor(lo)) - 1, int(math.ceil(hi)) + 1,
                           rng, max(4, n // 8))
    vals = list(rng.permutation(np.array(vals, f32)))[: (2 * n) // 3]
    rest = n - len(vals)
    vals += list(f32(rng.uniform((lo - 3) * float(s), (hi + 3) * float(s), rest)))
    return rng.permutation(np.array(vals, f32))


def fill_per_channel(rng, shape, axis, scales, zps, qmin, qmax):
    x = np.zeros(shape, f32)
    xm = np.moveaxis(x, axis, 0)
    per = int(np.prod(shape)) // shape[axis]
    for c in range(shape[axis]):
        xm[c] = fq_values(rng, per, scales[c], int(zps[c]), qmin,
                          qmax).reshape(xm[c].shape)
    return x


# ---------------------------------------------------------------------------
# a, b: fake_quantize forward and its STE gradient
# ---------------------------------------------------------------------------

FQ_SHAPE = (4, 6, 10)

FQ_CONFIGS = [
    # name, dtype, qmin, qmax, symmetric, narrow, description
    ("fake_quant_u8_affine", "ui8", 0, 255, False, False,
     "uint8 affine [0, 255]"),
    ("fake_quant_u8_reduce_range", "ui8", 0, 127, False, False,
     "uint8 affine with reduce_range [0, 127] (PyTorch fbgemm/x86 "
     "activations)"),
    ("fake_quant_i8_symmetric", "i8", -128, 127, True, False,
     "int8 symmetric [-128, 127] (PyTorch weights), zero point 0"),
    ("fake_quant_i8_narrow", "i8", -127, 127, True, True,
     "int8 symmetric narrow range [-127, 127] (TFLite weights), zero point 0"),
]


def pick_scales(rng, n, qmin, qmax):
    """Scales as observers produce them (range / (qmax - qmin)), plus one
    exact power of two and 0.1 (whose inverse is inexact)."""
    s = [f32(f32(rng.uniform(0.2, 12.0)) / f32(qmax - qmin)) for _ in range(n)]
    if n >= 3:
        s[1] = f32(2.0 ** -7)
        s[2] = f32(0.1)
    return np.array(s, f32)


def pick_zps(rng, n, qmin, qmax, symmetric):
    if symmetric:
        return np.zeros(n, np.int32)
    z = rng.randint(qmin, qmax + 1, n)
    if n >= 3:
        z[0], z[1] = qmin, qmax
    return z.astype(np.int32)


def fake_quant_case(name, dtype, qmin, qmax, symmetric, narrow, desc):
    rng = rng_for(name)
    t = Test(name, [
        "PyTorch parity of qat.fake_quant (forward) and result 0 of",
        "qat.fake_quant_grad (the straight-through input gradient), %s:" % desc,
        "per tensor, per channel along axis 0 and along axis 1. Goldens are",
        "torch.fake_quantize_per_tensor_affine / per_channel_affine and their",
        "autograd with a random dy. The inputs hold the range edges, ties at",
        "and values beyond them, exact .5 ties (x * (1/s) == k + 0.5 exactly)",
        "and values where x * (1/s) and x / s round differently. Bit-exact",
        "(--atol=0 --rtol=0; a -0.0 of PyTorch's `dy * mask` equals our 0.0)."])
    dy = f32(rng.standard_normal(FQ_SHAPE))
    inputs, expects, body, args, res = [], [], [], [], []
    ty = R.ttype(FQ_SHAPE)
    for gran, axis, nch in (("t", None, 1), ("c0", 0, FQ_SHAPE[0]),
                            ("c1", 1, FQ_SHAPE[1])):
        scales = pick_scales(rng, nch, qmin, qmax) if nch > 1 else \
            np.array([f32(f32(rng.uniform(0.2, 12.0)) / f32(qmax - qmin))], f32)
        zps = pick_zps(rng, nch, qmin, qmax, symmetric) if nch > 1 else \
            np.array([0 if symmetric else rng.randint(qmin, qmax + 1)], np.int32)
        if axis is None:
            x = fq_values(rng, int(np.prod(FQ_SHAPE)), scales[0], int(zps[0]),
                          qmin, qmax).reshape(FQ_SHAPE)
        else:
            x = fill_per_channel(rng, FQ_SHAPE, axis, scales, zps, qmin, qmax)
        xt = torch.tensor(x, requires_grad=True)
        if axis is None:
            y = torch.fake_quantize_per_tensor_affine(
                xt, float(scales[0]), int(zps[0]), qmin, qmax)
        else:
            y = torch.fake_quantize_per_channel_affine(
                xt, torch.tensor(scales), torch.tensor(zps), axis, qmin, qmax)
        y.backward(torch.tensor(dy))
        sym_s = t.param(gran + ".scale", scales)
        sym_z = t.param(gran + ".zero_point", zps)
        spec = spec_text(dtype, qmin, qmax, symmetric, axis, narrow)
        st, zt = R.ttype((nch,)), R.ttype((nch,), "i32")
        body += [
            "%%s_%s = qat.load %s : %s" % (gran, sym_s, st),
            "%%z_%s = qat.load %s : %s" % (gran, sym_z, zt),
            "%%y_%s = qat.fake_quant %%x_%s, %%s_%s, %%z_%s {spec = %s}"
            % (gran, gran, gran, gran, spec),
            "    : (%s, %s, %s) -> %s" % (ty, st, zt, ty),
            "%%dx_%s, %%ds_%s, %%dz_%s = qat.fake_quant_grad %%x_%s, %%s_%s, "
            "%%z_%s, %%dy {spec = %s}" % ((gran,) * 6 + (spec,)),
            "    : (%s, %s, %s, %s) -> (%s, %s, %s)"
            % (ty, st, zt, ty, ty, st, R.ttype((nch,))),
        ]
        args.append(("x_" + gran, ty))
        inputs.append(("x_" + gran, x))
        expects += [("y_" + gran, tnp(y)), ("dx_" + gran, tnp(xt.grad))]
        res += [("y_" + gran, ty), ("dx_" + gran, ty)]
    args.append(("dy", ty))
    inputs.append(("dy", dy))
    t.funcs.append(func_text("forward", args, body, res))
    t.run(inputs, expects, "--atol=0 --rtol=0")
    return t


# ---------------------------------------------------------------------------
# c: observers after 4 batches
# ---------------------------------------------------------------------------

OBS_SHAPE = (4, 6, 10)

# name suffix, dtype, qmin, qmax, symmetric, torch dtype, qscheme kind, kwargs
OBS_SPECS = [
    ("u8", "ui8", 0, 255, False, torch.quint8, "affine", {}),
    ("u8_reduce_range", "ui8", 0, 127, False, torch.quint8, "affine",
     {"reduce_range": True}),
    ("i8_symmetric", "i8", -128, 127, True, torch.qint8, "symmetric", {}),
]


def observer_batches(rng):
    """4 batches whose per-channel (axis 0 and axis 1) and per-tensor ranges
    all move between batches; along axis 1, channel 2 is always positive and
    channel 4 always negative (so min' = 0 / max' = 0 there)."""
    out = []
    for b in range(4):
        g0 = rng.uniform(0.3, 3.0, (OBS_SHAPE[0], 1, 1))
        g1 = rng.uniform(0.3, 3.0, (1, OBS_SHAPE[1], 1))
        shift = rng.uniform(-1.0, 1.0, (1, OBS_SHAPE[1], 1))
        x = rng.standard_normal(OBS_SHAPE) * g0 * g1 + shift
        x[:, 2, :] = np.abs(x[:, 2, :]) + 0.25
        x[:, 4, :] = -np.abs(x[:, 4, :]) - 0.125
        out.append(f32(x))
    return out


def torch_observer(kind, per_channel, axis, tdtype, scheme, kw):
    qscheme = {
        (False, "affine"): torch.per_tensor_affine,
        (False, "symmetric"): torch.per_tensor_symmetric,
        (True, "affine"): torch.per_channel_affine,
        (True, "symmetric"): torch.per_channel_symmetric,
    }[(per_channel, scheme)]
    if kind == "minmax":
        if per_channel:
            return O.PerChannelMinMaxObserver(ch_axis=axis, dtype=tdtype,
                                              qscheme=qscheme, **kw)
        return O.MinMaxObserver(dtype=tdtype, qscheme=qscheme, **kw)
    if per_channel:
        return O.MovingAveragePerChannelMinMaxObserver(
            averaging_constant=0.01, ch_axis=axis, dtype=tdtype, qscheme=qscheme,
            **kw)
    return O.MovingAverageMinMaxObserver(averaging_constant=0.01, dtype=tdtype,
                                         qscheme=qscheme, **kw)


def observer_case(kind, per_channel):
    gran = "per_channel" if per_channel else "per_tensor"
    name = "observer_%s_%s" % (kind, gran)
    rng = rng_for(name)
    torch_names = {
        ("minmax", False): "MinMaxObserver",
        ("minmax", True): "PerChannelMinMaxObserver",
        ("moving_average", False): "MovingAverageMinMaxObserver",
        ("moving_average", True): "MovingAveragePerChannelMinMaxObserver",
    }
    desc = [
        "PyTorch parity of qat.observe (%s, %s) over a sequence of 4 batches:"
        % (kind, gran.replace("_", "-")),
        "the final state (min_val, max_val) and the qparams of",
        "torch.ao.quantization.%s(%s).calculate_qparams()" % (
            torch_names[(kind, per_channel)],
            "averaging_constant=0.01" if kind == "moving_average" else ""),
        "for uint8 affine [0, 255], uint8 reduce_range [0, 127] and int8",
        "symmetric [-128, 127] (per_%s_symmetric); bit-exact." % (
            "channel" if per_channel else "tensor"),
    ]
    if per_channel:
        desc += ["Channels: axis 1 for uint8 [0, 255], axis 0 for the others;",
                 "along axis 1, channel 2 is always positive and channel 4",
                 "always negative."]
    if kind == "moving_average":
        desc += ["The state goes through qat.store / qat.load between batches,",
                 "as in a training step."]
    else:
        desc += ["The state is threaded from one qat.observe to the next."]
    t = Test(name, desc)
    batches = observer_batches(rng)
    ty = R.ttype(OBS_SHAPE)
    args = [("x%d" % b, ty) for b in range(4)]
    inputs = [("x%d" % b, batches[b]) for b in range(4)]
    body, res, expects = [], [], []
    axes = {"u8": 1, "u8_reduce_range": 0, "i8_symmetric": 0}
    for suffix, dtype, qmin, qmax, sym, tdtype, scheme, kw in OBS_SPECS:
        axis = axes[suffix] if per_channel else None
        nch = OBS_SHAPE[axis] if per_channel else 1
        ob = torch_observer(kind, per_channel, axis, tdtype, scheme, kw)
        assert (ob.quant_min, ob.quant_max) == (qmin, qmax), (ob.quant_min,
                                                              ob.quant_max)
        for xb in batches:
            ob(torch.tensor(xb))
        s, z = ob.calculate_qparams()
        st, zt = R.ttype((nch,)), R.ttype((nch,), "i32")
        smin = t.state(suffix + ".min", INF_HEX, st)
        smax = t.state(suffix + ".max", NINF_HEX, st)
        spec = spec_text(dtype, qmin, qmax, sym, axis, observer=kind)
        p = suffix
        body.append("%%%s_min0 = qat.load %s : %s" % (p, smin, st))
        body.append("%%%s_max0 = qat.load %s : %s" % (p, smax, st))
        for b in range(4):
            mn, mx = "%%%s_min%d" % (p, b), "%%%s_max%d" % (p, b)
            if kind == "moving_average" and b > 0:
                body.append("%%%s_lmin%d = qat.load %s : %s" % (p, b, smin, st))
                body.append("%%%s_lmax%d = qat.load %s : %s" % (p, b, smax, st))
                mn, mx = "%%%s_lmin%d" % (p, b), "%%%s_lmax%d" % (p, b)
            body.append(
                "%%%s_s%d, %%%s_z%d, %%%s_min%d, %%%s_max%d = qat.observe %%x%d, "
                "%s, %s {training, spec = %s}"
                % (p, b + 1, p, b + 1, p, b + 1, p, b + 1, b, mn, mx, spec))
            body.append("    : (%s, %s, %s) -> (%s, %s, %s, %s)"
                        % (ty, st, st, st, zt, st, st))
            if kind == "moving_average":
                body.append("qat.store %%%s_min%d, %s : %s" % (p, b + 1, smin, st))
                body.append("qat.store %%%s_max%d, %s : %s" % (p, b + 1, smax, st))
        res += [("%s_s4" % p, st), ("%s_z4" % p, zt), ("%s_min4" % p, st),
                ("%s_max4" % p, st)]
        expects += [(p + ".scale", tnp(s).astype(f32)),
                    (p + ".zero_point", tnp(z).astype(np.int32)),
                    (p + ".min_val", tnp(ob.min_val).reshape(nch).astype(f32)),
                    (p + ".max_val", tnp(ob.max_val).reshape(nch).astype(f32))]
    t.funcs.append(func_text("forward", args, body, res))
    t.run(inputs, expects, "--atol=0 --rtol=0")
    return t


# ---------------------------------------------------------------------------
# d: FusedMovingAvgObsFakeQuantize vs the Python observer formula
# ---------------------------------------------------------------------------

def fused_case():
    name = "fused_vs_python"
    rng = rng_for(name)
    qconfig = torch.ao.quantization.get_default_qat_qconfig("fbgemm")
    w_shape, a_shape = (8, 3, 3, 3), (4, 8, 5, 5)
    w0 = f32(rng.uniform(-0.4, 0.4, w_shape))
    # Deterministic search for activation data on which the C++ activation
    # scale differs from the Python one (PyTorch: ~1 in 5 affine scales).
    for attempt in range(1000):
        wfq, afq = qconfig.weight(), qconfig.activation()
        wob = O.MovingAveragePerChannelMinMaxObserver(
            averaging_constant=0.01, ch_axis=0, dtype=torch.qint8,
            qscheme=torch.per_channel_symmetric, quant_min=-128, quant_max=127)
        aob = O.MovingAverageMinMaxObserver(averaging_constant=0.01,
                                            dtype=torch.quint8, reduce_range=True)
        ws, acts = [], []
        w = w0
        for b in range(4):
            ws.append(w)
            a = f32(rng.standard_normal(a_shape) * rng.uniform(0.5, 4.0)
                    + rng.uniform(-0.5, 2.0))
            acts.append(a)
            for m in (wfq, wob):
                m(torch.tensor(w))
            for m in (afq, aob):
                m(torch.tensor(a))
            w = f32(w + rng.standard_normal(w_shape) * 0.01)
        ps_w, pz_w = wfq.calculate_qparams()
        ps_a, pz_a = afq.calculate_qparams()
        if float(afq.scale) != float(ps_a[0]):
            break
    else:
        raise RuntimeError("no activation batch with a C++/Python difference")
    # The fused module keeps the Python observer's running min/max exactly,
    # so the Python formula on its state is the plain observer's answer.
    for fq, ob in ((wfq, wob), (afq, aob)):
        assert torch.equal(fq.activation_post_process.min_val, ob.min_val)
        assert torch.equal(fq.activation_post_process.max_val, ob.max_val)
    assert torch.equal(ps_w, wob.calculate_qparams()[0])
    assert torch.equal(ps_a, aob.calculate_qparams()[0])
    assert afq.activation_post_process.quant_max == 127
    fs_w, fz_w = tnp(wfq.scale), tnp(wfq.zero_point).astype(np.int32)
    fs_a, fz_a = tnp(afq.scale), tnp(afq.zero_point).astype(np.int32)
    ratio = fs_w / tnp(ps_w)
    assert np.all((np.abs(ratio * 127.5 - 127) < 2e-3)
                  | (np.abs(ratio * 127.5 - 128) < 2e-3)), ratio

    py = [("w.scale.python", tnp(ps_w)), ("w.zero_point.python",
                                          tnp(pz_w).astype(np.int32)),
          ("a.scale.python", tnp(ps_a)), ("a.zero_point.python",
                                          tnp(pz_a).astype(np.int32))]
    fused = [("w.scale.fused", fs_w), ("w.zero_point.fused", fz_w),
             ("a.scale.fused", fs_a), ("a.zero_point.fused", fz_a)]
    fail = {i: int(np.sum(p != f)) for i, ((_, p), (_, f)) in
            enumerate(zip(py, fused)) if not np.array_equal(p, f)}
    a_py, a_fused = float(tnp(ps_a)[0]), float(fs_a[0])
    a_ulps = abs(int(np.array([a_fused], f32).view(np.int32)[0])
                 - int(np.array([a_py], f32).view(np.int32)[0]))
    assert 0 in fail and 2 in fail and 1 not in fail, fail

    t = Test(name, [
        "PyTorch 1.13 disagrees with itself (docs/numerics.md): its default QAT",
        "qconfig (get_default_qat_qconfig('fbgemm'): FusedMovingAvgObsFakeQuantize",
        "for int8 per-channel symmetric weights and uint8 reduce_range",
        "activations) trains with the scale and zero point of the C++",
        "ChooseQuantizationParams (weights: s = max(|min| / 128, max / 127)),",
        "while convert takes calculate_qparams(), the Python observer formula",
        "(s = max(|min|, max) / 127.5) on the same running min/max. The",
        "per-channel weight scales differ by 127/127.5 or 128/127.5, and this",
        "activation batch sequence hits a %d-ulp scale difference (fused %.9g,"
        % (a_ulps, a_fused),
        "Python %.9g; about 1 in 5 affine scales differ). qat.observe" % a_py,
        "implements only the Python formula (the convert-side one), so",
        "training and convert agree: the PY run matches",
        "calculate_qparams() bit for bit, and the FUSED run (`not qat-run`)",
        "shows the mismatch against the fused module's own scale/zero_point",
        "buffers after the same 4 batches (moving average, c = 0.01)."])
    wt, at = R.ttype(w_shape), R.ttype(a_shape)
    nch = w_shape[0]
    st, zt = R.ttype((nch,)), R.ttype((nch,), "i32")
    s1, z1 = R.ttype((1,)), R.ttype((1,), "i32")
    smin_w = t.state("w.min", INF_HEX, st)
    smax_w = t.state("w.max", NINF_HEX, st)
    smin_a = t.state("a.min", INF_HEX, s1)
    smax_a = t.state("a.max", NINF_HEX, s1)
    wspec = spec_text("i8", -128, 127, True, 0, observer="moving_average")
    aspec = spec_text("ui8", 0, 127, observer="moving_average")
    body = ["%%wmin0 = qat.load %s : %s" % (smin_w, st),
            "%%wmax0 = qat.load %s : %s" % (smax_w, st),
            "%%amin0 = qat.load %s : %s" % (smin_a, s1),
            "%%amax0 = qat.load %s : %s" % (smax_a, s1)]
    for b in range(4):
        body.append("%%ws%d, %%wz%d, %%wmin%d, %%wmax%d = qat.observe %%w%d, "
                    "%%wmin%d, %%wmax%d {training, spec = %s}"
                    % (b + 1, b + 1, b + 1, b + 1, b, b, b, wspec))
        body.append("    : (%s, %s, %s) -> (%s, %s, %s, %s)"
                    % (wt, st, st, st, zt, st, st))
        body.append("%%as%d, %%az%d, %%amin%d, %%amax%d = qat.observe %%a%d, "
                    "%%amin%d, %%amax%d {training, spec = %s}"
                    % (b + 1, b + 1, b + 1, b + 1, b, b, b, aspec))
        body.append("    : (%s, %s, %s) -> (%s, %s, %s, %s)"
                    % (at, s1, s1, s1, z1, s1, s1))
    args = [("w%d" % b, wt) for b in range(4)] + [("a%d" % b, at)
                                                  for b in range(4)]
    inputs = [("w%d" % b, ws[b]) for b in range(4)] + [("a%d" % b, acts[b])
                                                       for b in range(4)]
    t.funcs.append(func_text("forward", args, body,
                             [("ws4", st), ("wz4", zt), ("as4", s1),
                              ("az4", z1)]))
    t.run(inputs, py, "--atol=0 --rtol=0", prefix="PY")
    t.run(inputs, fused, "--atol=0 --rtol=0", prefix="FUSED",
          expect_fail=fail)
    return t


# ---------------------------------------------------------------------------
# e: LSQ (_LearnableFakeQuantize)
# ---------------------------------------------------------------------------

def lsq_torch(x, dy, scales, zps, qmin, qmax, axis, grad_scaling):
    # As _LearnableFakeQuantize.forward; the lowering takes 1 / sqrt (same
    # float32 value).
    g = 1.0 / (x.size * qmax) ** 0.5 if grad_scaling else 1.0
    assert f32(g) == f32(1.0 / math.sqrt(x.size * qmax)) or not grad_scaling
    xt = torch.tensor(x, requires_grad=True)
    st = torch.tensor(scales, requires_grad=True)
    zt = torch.tensor(zps, requires_grad=True)
    if axis is None:
        y = torch._fake_quantize_learnable_per_tensor_affine(xt, st, zt, qmin,
                                                             qmax, g)
    else:
        y = torch._fake_quantize_learnable_per_channel_affine(xt, st, zt, axis,
                                                              qmin, qmax, g)
    y.backward(torch.tensor(dy))
    return tnp(y), tnp(xt.grad), tnp(st.grad), tnp(zt.grad), g


def lsq_terms(x, dy, scales, zps, qmin, qmax, axis, g):
    """Per-element LSQ scale and zero-point gradient terms as our lowering
    computes them (and as PyTorch's kernel does: fused multiply-adds, see
    QuantPatterns.cpp), in float32; used only to size the tolerance of the
    summed gradients."""
    shape = [1] * x.ndim
    if axis is not None:
        shape[axis] = -1
    s = scales.reshape(shape)
    if axis is None:  # per-tensor backward: trunc(clamp(zp + 0.5))
        z = np.trunc(np.clip(zps + f32(0.5), qmin, qmax)).astype(f32)
    else:  # per-channel backward: clamp(roundeven(zp))
        z = np.clip(np.rint(zps), qmin, qmax).astype(f32)
    z = z.reshape(shape)
    inv = (f32(1) / s).astype(f32)
    f64 = np.float64
    q = np.rint((x.astype(f64) * inv.astype(f64) + z).astype(f32))
    below, above = q < qmin, q > qmax
    d = ((np.clip(q, qmin, qmax) - z).astype(f64) * s - x.astype(f64)).astype(f32)
    g = f32(g)
    ds_in = (((dy * d).astype(f32) * inv).astype(f32) * g).astype(f32)
    ds = np.where(below, (dy * (f32(qmin) - z)).astype(f32) * g,
                  np.where(above, (dy * (f32(qmax) - z)).astype(f32) * g, ds_in))
    dz = np.where(below | above, ((dy * f32(-1)).astype(f32) * s).astype(f32) * g,
                  f32(0))
    return ds.astype(f32), dz.astype(f32)


def seq_sum(terms, axis):
    """Sequential float32 sum over all axes but `axis`, row-major order."""
    t = terms if axis is None else np.moveaxis(terms, axis, 0)
    t = t.reshape(1 if axis is None else t.shape[0], -1)
    acc = np.zeros(t.shape[0], f32)
    for j in range(t.shape[1]):
        acc = (acc + t[:, j]).astype(f32)
    return acc


def lsq_case(name, desc, dtype, qmin, qmax, shape, axis, scales, zps,
             grad_scaling):
    rng = rng_for(name)
    scales = np.asarray(scales, f32)
    zps = np.asarray(zps, f32)
    zf = np.clip(np.rint(zps), qmin, qmax).astype(np.int64)
    zb = zf if axis is not None else \
        np.trunc(np.clip(zps + f32(0.5), qmin, qmax)).astype(np.int64)
    if axis is None:
        x = fq_values(rng, int(np.prod(shape)), scales[0], int(zf[0]), qmin, qmax,
                      int(zf[0]), int(zb[0])).reshape(shape)
    else:
        x = fill_per_channel(rng, shape, axis, scales, zf, qmin, qmax)
    dy = f32(rng.standard_normal(shape))
    y, dx, ds, dz, g = lsq_torch(x, dy, scales, zps, qmin, qmax, axis,
                                 grad_scaling)
    ts, tz = lsq_terms(x, dy, scales, zps, qmin, qmax, axis, g)
    ours = [seq_sum(ts, axis), seq_sum(tz, axis)]
    n = int(np.prod(shape)) // (1 if axis is None else shape[axis])
    # The tolerance of each sum: sqrt(n) u sum|terms| (rounded up), the
    # typical rounding error of a float32 sum of n terms; the worst case
    # (n - 1) u sum|terms| is far larger, the error seen here far smaller.
    tols = []
    for terms, want, got in ((ts, ds, ours[0]), (tz, dz, ours[1])):
        mag = float(np.max(seq_sum(np.abs(terms), axis)))
        atol = float("%.1e" % (math.sqrt(n) * U * mag * 1.05))
        err = float(np.max(np.abs(got - want)))
        assert err <= atol / 2, (name, err, atol)
        tols.append((atol, mag, err))

    t = Test(name, desc + [
        "Goldens: torch._fake_quantize_learnable_per_%s_affine (what"
        % ("tensor" if axis is None else "channel"),
        "_LearnableFakeQuantize calls) and its autograd with a random dy,",
        "grad_factor = %s." % ("1 / sqrt(numel * qmax)" if grad_scaling else "1"),
        "@exact: forward and the input gradient, bit-exact (--atol=0 --rtol=0).",
        "@dscale, @dzero_point: these gradients are sums over n = %d elements"
        % n,
        "per %s; PyTorch sums them pairwise and vectorized, we sum"
        % ("tensor" if axis is None else "channel"),
        "sequentially, so they may differ by float32 rounding. Each RUN line's",
        "atol is sqrt(n) u sum|terms| (u = 2^-24), the typical rounding error",
        "of such a sum: dscale %g (sum|terms| = %.4g; the sequential sum of"
        % (tols[0][0], tols[0][1]),
        "PyTorch's own per-element terms differs from its sum by %.3g)," % tols[0][2],
        "dzero_point %g (sum|terms| = %.4g; difference %.3g)."
        % (tols[1][0], tols[1][1], tols[1][2]),
        "The per-element terms are compared bit-exactly in lsq_per_element.mlir."])
    ty = R.ttype(shape)
    nch = len(scales)
    st, zt = R.ttype((nch,)), R.ttype((nch,))
    sym_s = t.param("scale", scales)
    sym_z = t.param("zero_point", zps)
    spec = spec_text(dtype, qmin, qmax, False, axis, learnable=True,
                     grad_scaling=grad_scaling)
    load = ["%%s = qat.load %s : %s" % (sym_s, st),
            "%%z = qat.load %s : %s" % (sym_z, zt)]
    grad = ["%%dx, %%ds, %%dz = qat.fake_quant_grad %%x, %%s, %%z, %%dy "
            "{spec = %s}" % spec,
            "    : (%s, %s, %s, %s) -> (%s, %s, %s)" % (ty, st, zt, ty, ty, st, zt)]
    fwd = ["%%y = qat.fake_quant %%x, %%s, %%z {spec = %s}" % spec,
           "    : (%s, %s, %s) -> %s" % (ty, st, zt, ty)]
    args = [("x", ty), ("dy", ty)]
    t.funcs.append(func_text("exact", args, load + fwd + grad,
                             [("y", ty), ("dx", ty)]))
    t.funcs.append(func_text("dscale", args, load + grad, [("ds", st)]))
    t.funcs.append(func_text("dzero_point", args, load + grad, [("dz", zt)]))
    inputs = [("x", x), ("dy", dy)]
    t.run(inputs, [("y", y), ("dx", dx)], "--atol=0 --rtol=0", entry="exact",
          prefix="EXACT")
    t.run(inputs, [("dscale", ds)], "--atol=%g --rtol=0" % tols[0][0],
          entry="dscale", prefix="DSCALE")
    t.run(inputs, [("dzero_point", dz)], "--atol=%g --rtol=0" % tols[1][0],
          entry="dzero_point", prefix="DZP")
    return t


def lsq_per_element_case():
    """Per-channel along axis 0 of a [C, 1] input: every channel sums one
    element, so PyTorch's scale/zero-point gradients are its per-element
    terms, exact; compared bit for bit."""
    name = "lsq_per_element"
    rng = rng_for(name)
    C = 384
    qmin, qmax = 0, 255
    scales = f32(rng.uniform(0.001, 0.1, C))
    zps = f32(rng.randint(qmin, qmax + 1, C)
              + rng.choice([0.0, 0.25, 0.5, -0.5, 0.7, -0.3], C))
    zps[:4] = f32([-3.25, 260.5, 0.5, 254.5])  # clamped, and ties
    zf = np.clip(np.rint(zps), qmin, qmax).astype(np.int64)
    x = np.zeros((C, 1), f32)
    for c in range(C):
        x[c, 0] = rng.choice(fq_values(rng, 24, scales[c], int(zf[c]), qmin,
                                       qmax))
    dy = f32(rng.standard_normal((C, 1)))
    res = {}
    for gs in (False, True):
        y, dx, ds, dz, g = lsq_torch(x, dy, scales, zps, qmin, qmax, 0, gs)
        ts, tz = lsq_terms(x, dy, scales, zps, qmin, qmax, 0, g)
        # Our per-element formula (fused multiply-adds) is PyTorch's.
        assert np.array_equal(ts[:, 0], ds) and np.array_equal(tz[:, 0], dz), gs
        res[gs] = (y, dx, ds, dz)
    t = Test(name, [
        "PyTorch parity of the per-element LSQ gradients of qat.fake_quant_grad",
        "(learnable, uint8 affine [0, 255], float zero points: non-integer,",
        ".5 ties, beyond the range) against",
        "torch._fake_quantize_learnable_per_channel_affine along axis 0 of a",
        "[%d, 1] input: each channel sums one element, so the scale and" % C,
        "zero-point gradients are exact per-element values and all results",
        "are compared bit for bit, with grad_factor 1 and 1 / sqrt(numel *",
        "qmax). Bit-exactness needs PyTorch's fused multiply-adds",
        "(nearbyint(fma(x, 1/s, zp)) and fma(q - zp, s, -x)), see",
        "QuantPatterns.cpp; inputs sit a few ulps around the range-edge ties",
        "where they matter."])
    ty = R.ttype((C, 1))
    st = R.ttype((C,))
    sym_s = t.param("scale", scales)
    sym_z = t.param("zero_point", zps)
    body = ["%%s = qat.load %s : %s" % (sym_s, st),
            "%%z = qat.load %s : %s" % (sym_z, st)]
    spec1 = spec_text("ui8", qmin, qmax, axis=0, learnable=True)
    spec2 = spec_text("ui8", qmin, qmax, axis=0, learnable=True,
                      grad_scaling=True)
    body += ["%%y = qat.fake_quant %%x, %%s, %%z {spec = %s}" % spec1,
             "    : (%s, %s, %s) -> %s" % (ty, st, st, ty)]
    for tag, spec in (("", spec1), ("_g", spec2)):
        body += ["%%dx%s, %%ds%s, %%dz%s = qat.fake_quant_grad %%x, %%s, %%z, "
                 "%%dy {spec = %s}" % (tag, tag, tag, spec),
                 "    : (%s, %s, %s, %s) -> (%s, %s, %s)"
                 % (ty, st, st, ty, ty, st, st)]
    t.funcs.append(func_text(
        "forward", [("x", ty), ("dy", ty)], body,
        [("y", ty), ("dx", ty), ("ds", st), ("dz", st), ("dx_g", ty),
         ("ds_g", st), ("dz_g", st)]))
    y, dx, ds, dz = res[False]
    _, dxg, dsg, dzg = res[True]
    t.run([("x", x), ("dy", dy)],
          [("y", y), ("dx", dx), ("dscale", ds), ("dzero_point", dz),
           ("dx_grad_scaling", dxg), ("dscale_grad_scaling", dsg),
           ("dzero_point_grad_scaling", dzg)], "--atol=0 --rtol=0")
    return t


def lsq_cases():
    return [
        lsq_case("lsq_per_tensor",
                 ["PyTorch parity of LSQ (learnable scale and zero point),",
                  "per tensor, uint8 affine [0, 255], zero point 36.5: PyTorch",
                  "rounds it to 36 in the forward pass (roundeven) but to 37 in",
                  "the backward pass (trunc(zp + 0.5)); qat.fake_quant_grad",
                  "does the same."],
                 "ui8", 0, 255, (4, 6, 10), None, [0.0371], [36.5], False),
        lsq_case("lsq_per_tensor_grad_scaling",
                 ["PyTorch parity of LSQ (learnable scale and zero point),",
                  "per tensor, int8 affine [-128, 127], zero point -3.7, with",
                  "gradient scaling."],
                 "i8", -128, 127, (4, 6, 10), None, [0.0123], [-3.7], True),
        lsq_case("lsq_per_channel",
                 ["PyTorch parity of LSQ (learnable scale and zero point), per",
                  "channel along axis 1, uint8 affine [0, 255], float zero",
                  "points with .5 ties (rounded half to even in both passes),",
                  "non-integers and values beyond the range."],
                 "ui8", 0, 255, (4, 6, 10), 1,
                 [0.02, 0.0517, 0.1, 0.0078125, 0.0333, 0.27],
                 [3.3, 100.5, 127.5, -0.4, 254.7, 260.2], False),
        lsq_case("lsq_per_channel_grad_scaling",
                 ["PyTorch parity of LSQ (learnable scale and zero point), per",
                  "channel along axis 0, int8 affine [-128, 127], float zero",
                  "points, with gradient scaling."],
                 "i8", -128, 127, (4, 6, 10), 0,
                 [0.0123, 0.5, 0.00731, 0.1], [0.5, -1.5, 12.25, -127.8], True),
        lsq_per_element_case(),
    ]


# ---------------------------------------------------------------------------
# qparams goldens for test/unit/QParamsGoldenTest.cpp
# ---------------------------------------------------------------------------

# name, observer kwargs, (qmin, qmax, symmetric, unsigned)
QPARAM_CONFIGS = [
    ("u8_affine", dict(dtype=torch.quint8), (0, 255, 0, 1)),
    ("u8_affine_reduce_range", dict(dtype=torch.quint8, reduce_range=True),
     (0, 127, 0, 1)),
    ("i8_affine", dict(dtype=torch.qint8), (-128, 127, 0, 0)),
    ("i8_narrow_affine", dict(dtype=torch.qint8, quant_min=-127, quant_max=127),
     (-127, 127, 0, 0)),
    ("i8_symmetric", dict(dtype=torch.qint8, qscheme=torch.per_tensor_symmetric),
     (-128, 127, 1, 0)),
    ("i8_symmetric_reduce_range", dict(dtype=torch.qint8, reduce_range=True,
                                       qscheme=torch.per_tensor_symmetric),
     (-64, 63, 1, 0)),
    ("i8_narrow_symmetric", dict(dtype=torch.qint8, quant_min=-127,
                                 quant_max=127,
                                 qscheme=torch.per_tensor_symmetric),
     (-127, 127, 1, 0)),
    ("u8_symmetric", dict(dtype=torch.quint8,
                          qscheme=torch.per_tensor_symmetric), (0, 255, 1, 1)),
    # A customized [0, 127] range: PyTorch's zero point is the rounded-down
    # midpoint 63. (With reduce_range=True and no quant_min/quant_max instead,
    # PyTorch 1.13 returns 128, outside [0, 127]; we do not copy that.)
    ("u8_symmetric_0_127", dict(dtype=torch.quint8, quant_min=0, quant_max=127,
                                qscheme=torch.per_tensor_symmetric),
     (0, 127, 1, 1)),
]


def minmax_pairs(rng, qmin, qmax, n_random):
    pairs = []
    R_ = qmax - qmin

    def mag(lo, hi, size=None):
        return 10.0 ** rng.uniform(lo, hi, size)

    for _ in range(n_random):
        kind = rng.randint(8)
        if kind <= 2:
            mn, mx = -mag(-4, 3), mag(-4, 3)
        elif kind == 3:
            mn, mx = -mag(-9, 7), mag(-9, 7)
        elif kind == 4:  # both positive
            a, b = sorted(mag(-4, 3, 2))
            mn, mx = a, b
        elif kind == 5:  # both negative
            a, b = sorted(-mag(-4, 3, 2))
            mn, mx = a, b
        elif kind == 6:  # one side exactly 0
            mn, mx = (0.0, mag(-4, 3)) if rng.rand() < 0.5 else (-mag(-4, 3), 0.0)
        else:  # typical activation / weight ranges
            mn, mx = -rng.uniform(0, 8), rng.uniform(0, 8)
        pairs.append((f32(mn), f32(mx)))
    # Exact .5 ties of min' / s: dyadic s = m 2^-e with min = -(k + 0.5) s and
    # max = min + (qmax - qmin) s, all exact in float32; then the same a few
    # ulps off, where division and multiplication by the inverse disagree.
    for _ in range(160):
        m = rng.choice([1, 3, 5, 7, 9, 11, 13, 15, 17, 33, 255])
        e = rng.randint(-6, 14)
        s = float(m) * 2.0 ** -e
        k = rng.randint(0, R_)
        mn = -(k + 0.5) * s
        mx = mn + R_ * s
        pairs.append((f32(mn), f32(mx)))
        for d in (-2, -1, 1, 2):
            pairs.append((ulp_neighbours(f32(mn), 2)[2 + d], f32(mx)))
        pairs.append((f32(mn), ulp_neighbours(f32(mx), 1)[rng.choice([0, 2])]))
    # Degenerate and extreme ranges ((0, 0) is in qparams_degenerate.npy).
    tiny = [1e-45, 1e-40, 1e-38, 1e-30, 1e-12, 1e-9, 1e-7, 1.1920929e-07 * 255]
    for v in tiny:
        pairs += [(f32(-v), f32(v)), (f32(0), f32(v)), (f32(-v), f32(0)),
                  (f32(-v), f32(3 * v))]
    for v in (1.0, 0.5, 3.0e-5, 7.25, 1e30):  # min == max
        pairs += [(f32(v), f32(v)), (f32(-v), f32(-v))]
    big = np.finfo(f32).max
    for a, b in ((-1e38, 1e38), (-3e38, 3e38), (-big, big), (0.0, big),
                 (-big, 0.0), (-1.0, big), (-big, 1e-3), (-2e38, 2e38)):
        pairs.append((f32(a), f32(b)))
    return np.array(pairs, f32)


def qparams_goldens():
    written = []
    degenerate = []
    for name, kw, (qmin, qmax, sym, uns) in QPARAM_CONFIGS:
        rng = rng_for("qparams_" + name)
        ob = O.MinMaxObserver(**kw)
        assert (ob.quant_min, ob.quant_max) == (qmin, qmax), name
        pairs = minmax_pairs(rng, qmin, qmax, 2400)
        rows = []
        for mn, mx in pairs:
            assert mn <= mx
            ob.min_val.fill_(float(mn))
            ob.max_val.fill_(float(mx))
            s, z = ob.calculate_qparams()
            rows.append((mn, mx, f32(s[0]), f32(int(z[0]))))
        rows = np.array(rows, f32)
        R.save_npy(os.path.join(INPUTS, "qparams_%s.npy" % name), rows)
        R.save_npy(os.path.join(INPUTS, "qparams_%s.range.npy" % name),
                   np.array([qmin, qmax, sym, uns], np.int64))
        written.append(name)
        # Where the contract or our design departs from PyTorch.
        for mn, mx in ((0.0, 0.0), (math.inf, -math.inf)):
            ob.min_val.fill_(mn)
            ob.max_val.fill_(mx)
            s, z = ob.calculate_qparams()
            degenerate.append((qmin, qmax, sym, uns, mn, mx, float(s[0]),
                               int(z[0])))
    R.save_npy(os.path.join(INPUTS, "qparams_degenerate.npy"),
               np.array(degenerate, np.float32))
    return written


def main():
    # Start from a clean slate so renamed cases leave no stale files.
    for p in glob.glob(os.path.join(OUT, "*.mlir")) + glob.glob(
            os.path.join(INPUTS, "*")):
        os.remove(p)
    tests = [fake_quant_case(*c) for c in FQ_CONFIGS]
    tests += [observer_case(k, pc) for k in ("minmax", "moving_average")
              for pc in (False, True)]
    tests.append(fused_case())
    tests += lsq_cases()
    names = set()
    for t in tests:
        assert t.name not in names, t.name
        names.add(t.name)
        t.write()
    configs = qparams_goldens()
    print("wrote %d tests and %d qparams goldens to %s" % (
        len(tests), len(configs), os.path.relpath(OUT, ROOT)))


if __name__ == "__main__":
    main()

"""Shared helpers of the golden-vector generators (gen_examples.py,
gen_op_tests.py): MLIR text emission for qat models and independent NumPy
reference implementations of the qat ops.

The references deliberately do not mirror the MLIR lowering: they compute in
float64 with explicit padding/loops (PyTorch semantics as documented in
dialects/Qat/IR/QatOps.td) and are cast to float32 by the caller. Only
fake_quant is computed in float32, exactly per the formula of docs/numerics.md.

Needs only NumPy (Debian's python3-numpy under /usr/bin/python3).
"""

import gzip
import os
import re

import numpy as np

FMNIST_DIR = "/usr/share/datasets/fashion-mnist"

# ---------------------------------------------------------------------------
# MLIR text emission
# ---------------------------------------------------------------------------

_ELT = {np.dtype("float32"): "f32", np.dtype("int32"): "i32",
        np.dtype("int64"): "i64"}


def ttype(shape, elt="f32"):
    """tensor<AxBxf32> (tensor<f32> for a 0-d shape)."""
    shape = tuple(int(d) for d in shape)
    if not shape:
        return "tensor<%s>" % elt
    return "tensor<%sx%s>" % ("x".join(str(d) for d in shape), elt)


def ttype_of(arr):
    return ttype(arr.shape, _ELT[arr.dtype])


def _fmt_f32(v):
    # 9 significant digits round-trip float32; %e always has a '.', which
    # the MLIR float literal grammar requires.
    return "%.8e" % float(v)


def _nested(arr, fmt):
    if arr.ndim == 0:
        return fmt(arr[()])
    if arr.ndim == 1:
        return "[" + ", ".join(fmt(v) for v in arr) + "]"
    return "[" + ", ".join(_nested(a, fmt) for a in arr) + "]"


def dense(arr):
    """`dense<...> : tensor<...>` literal of a float32/int32/int64 array."""
    arr = np.asarray(arr)
    if arr.dtype == np.float32:
        body = _nested(arr, _fmt_f32)
    elif arr.dtype in (np.int32, np.int64):
        body = _nested(arr, lambda v: str(int(v)))
    else:
        raise TypeError("unsupported dtype %s" % arr.dtype)
    return "dense<%s> : %s" % (body, ttype_of(arr))


def resource_blob(arr):
    """Hex blob of a dense_resource: 4-byte alignment (4) + little-endian f32."""
    arr = np.ascontiguousarray(arr, dtype="<f4")
    return "0x04000000" + arr.tobytes().hex().upper()


class ModuleWriter:
    """Collects qat.param ops, a function body and dense_resource blobs."""

    def __init__(self, header_lines, resource_threshold=None):
        self.header = list(header_lines)
        self.params = []
        self.resources = []
        self.threshold = resource_threshold

    def param(self, name, arr, state=False):
        arr = np.asarray(arr)
        kw = "state " if state else ""
        if self.threshold is not None and arr.size >= self.threshold:
            key = name.replace(".", "_")
            self.resources.append((key, resource_blob(arr)))
            value = "dense_resource<%s> : %s" % (key, ttype_of(arr))
        else:
            value = dense(arr)
        self.params.append("qat.param %s@%s = %s" % (kw, name, value))

    def render(self, func_text):
        out = ["// " + l if l else "//" for l in self.header]
        out.append("")
        out.extend(self.params)
        out.append("")
        out.append(func_text.rstrip("\n"))
        if self.resources:
            out.append("")
            out.append("{-#")
            out.append("  dialect_resources: {")
            out.append("    builtin: {")
            for i, (key, blob) in enumerate(self.resources):
                sep = "," if i + 1 < len(self.resources) else ""
                out.append('      %s: "%s"%s' % (key, blob, sep))
            out.append("    }")
            out.append("  }")
            out.append("#-}")
        return "\n".join(out) + "\n"


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def save_npy(path, arr):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    arr = np.asarray(arr)
    # Explicit little-endian dtypes: '<f4', '<i4', '<i8'.
    arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
    np.save(path, arr, allow_pickle=False)


# ---------------------------------------------------------------------------
# PyTorch-style deterministic initialization
# ---------------------------------------------------------------------------

def uniform_f32(rng, bound, shape):
    return rng.uniform(-bound, bound, size=shape).astype(np.float32)


def linear_init(rng, out_f, in_f):
    """nn.Linear default: weight and bias ~ U(-1/sqrt(in), 1/sqrt(in))."""
    bound = 1.0 / np.sqrt(in_f)
    return uniform_f32(rng, bound, (out_f, in_f)), uniform_f32(rng, bound, (out_f,))


def conv_init(rng, out_c, in_c_per_group, kh, kw):
    """nn.Conv2d default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = C/g*KH*KW."""
    bound = 1.0 / np.sqrt(in_c_per_group * kh * kw)
    return (uniform_f32(rng, bound, (out_c, in_c_per_group, kh, kw)),
            uniform_f32(rng, bound, (out_c,)))


def bn_init(rng, c):
    """Non-trivial eval-mode BN parameters and running statistics."""
    weight = rng.uniform(0.8, 1.2, size=c).astype(np.float32)
    bias = rng.uniform(-0.1, 0.1, size=c).astype(np.float32)
    mean = rng.uniform(-0.1, 0.1, size=c).astype(np.float32)
    var = rng.uniform(0.5, 1.5, size=c).astype(np.float32)
    return weight, bias, mean, var


# ---------------------------------------------------------------------------
# Reading the parameters of a model file
# ---------------------------------------------------------------------------

_PARAM = re.compile(
    r"^qat\.param\s+(state\s+)?@([\w.]+)\s*=\s*"
    r"(dense<(.*)>|dense_resource<(\w+)>)\s*:\s*tensor<([0-9x]+)xf32>\s*$")
_BLOB = re.compile(r'^\s*(\w+):\s*"0x([0-9A-Fa-f]*)"')


def load_params(path):
    """{name: (float32 array, trainable)} of every qat.param of a model
    file, in module order: dense<...> literals (nested lists or a splat) and
    the dense_resource blobs of its `{-# dialect_resources #-}` section."""
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


# ---------------------------------------------------------------------------
# Fashion-MNIST
# ---------------------------------------------------------------------------

def load_fmnist(split="test", offset=0, count=64, directory=FMNIST_DIR):
    """Images [count, 1, 28, 28] float32 in [0, 1] (pixel / 255) and labels."""
    prefix = "t10k" if split == "test" else "train"
    with gzip.open(os.path.join(directory, prefix + "-images-idx3-ubyte.gz")) as f:
        data = f.read()
    magic, n, rows, cols = np.frombuffer(data[:16], dtype=">i4")
    assert magic == 2051 and rows == 28 and cols == 28
    px = np.frombuffer(data[16:], dtype=np.uint8).reshape(n, 1, rows, cols)
    images = px[offset:offset + count].astype(np.float32) / np.float32(255.0)
    with gzip.open(os.path.join(directory, prefix + "-labels-idx1-ubyte.gz")) as f:
        data = f.read()
    magic, n = np.frombuffer(data[:8], dtype=">i4")
    assert magic == 2049
    labels = np.frombuffer(data[8:], dtype=np.uint8)[offset:offset + count]
    return images, labels.astype(np.int64)


# ---------------------------------------------------------------------------
# NumPy references (float64 unless said otherwise)
# ---------------------------------------------------------------------------

def f64(a):
    return np.asarray(a, dtype=np.float64)


def pads4(padding):
    """[h, w] or [top, left, bottom, right] -> (top, left, bottom, right)."""
    p = list(padding)
    return tuple(p * 2) if len(p) == 2 else tuple(p)


def linear(x, w, b=None):
    y = f64(x) @ f64(w).T
    if b is not None:
        y = y + f64(b)
    return y


def conv2d(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1),
           groups=1):
    """Direct convolution: zero padding, then one strided slice per kernel
    tap, accumulated per group."""
    x, w = f64(x), f64(w)
    n, c, h, wd = x.shape
    o, cg, kh, kw = w.shape
    assert c == cg * groups and o % groups == 0
    t, l, bo, r = pads4(padding)
    sh, sw = stride
    dh, dw = dilation
    xp = np.zeros((n, c, h + t + bo, wd + l + r))
    xp[:, :, t:t + h, l:l + wd] = x
    oh = (h + t + bo - dh * (kh - 1) - 1) // sh + 1
    ow = (wd + l + r - dw * (kw - 1) - 1) // sw + 1
    og = o // groups
    y = np.zeros((n, o, oh, ow))
    for g in range(groups):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w[g * og:(g + 1) * og]
        for i in range(kh):
            for j in range(kw):
                patch = xs[:, :, i * dh:i * dh + sh * (oh - 1) + 1:sh,
                           j * dw:j * dw + sw * (ow - 1) + 1:sw]
                y[:, g * og:(g + 1) * og] += np.einsum("nchw,oc->nohw", patch,
                                                        ws[:, :, i, j])
    if b is not None:
        y += f64(b)[None, :, None, None]
    return y


def _bshape(x):
    return (1, -1) + (1,) * (x.ndim - 2)


def batch_norm_eval(x, weight, bias, mean, var, eps=1e-5):
    x = f64(x)
    s = _bshape(x)
    return ((x - f64(mean).reshape(s)) / np.sqrt(f64(var).reshape(s) + eps)
            * f64(weight).reshape(s) + f64(bias).reshape(s))


def batch_norm_train(x, weight, bias, mean, var, eps=1e-5, momentum=0.1):
    """(y with batch stats and biased variance, new running mean, new running
    var with the unbiased batch variance), PyTorch style."""
    x = f64(x)
    axes = (0,) + tuple(range(2, x.ndim))
    count = x.size // x.shape[1]
    bm = x.mean(axis=axes)
    bv = ((x - bm.reshape(_bshape(x))) ** 2).mean(axis=axes)
    y = batch_norm_eval(x, weight, bias, bm, bv, eps)
    new_mean = (1 - momentum) * f64(mean) + momentum * bm
    new_var = (1 - momentum) * f64(var) + momentum * bv * count / (count - 1)
    return y, new_mean, new_var


def pool_out_size(size, k, s, lo, hi, d, ceil):
    """PyTorch pooling output size (ceil_mode: the last window must start
    inside the input or the low padding)."""
    span = size + lo + hi - d * (k - 1) - 1
    out = (-(-span // s) if ceil else span // s) + 1
    if ceil and (out - 1) * s >= size + lo:
        out -= 1
    return out


def max_pool2d(x, kernel, stride=None, padding=(0, 0), dilation=(1, 1),
               ceil_mode=False):
    """Explicit loops over output positions; only in-bounds taps compete."""
    x = f64(x)
    stride = stride or kernel
    t, l, bo, r = pads4(padding)
    n, c, h, w = x.shape
    oh = pool_out_size(h, kernel[0], stride[0], t, bo, dilation[0], ceil_mode)
    ow = pool_out_size(w, kernel[1], stride[1], l, r, dilation[1], ceil_mode)
    y = np.empty((n, c, oh, ow))
    for i in range(oh):
        rows = [i * stride[0] - t + a * dilation[0] for a in range(kernel[0])]
        rows = [v for v in rows if 0 <= v < h]
        for j in range(ow):
            cols = [j * stride[1] - l + b * dilation[1] for b in range(kernel[1])]
            cols = [v for v in cols if 0 <= v < w]
            y[:, :, i, j] = x[:, :, rows][:, :, :, cols].max(axis=(2, 3))
    return y


def avg_pool2d(x, kernel, stride=None, padding=(0, 0), ceil_mode=False,
               count_include_pad=True):
    """PyTorch's divisor: with count_include_pad the window clipped to the
    padded input (never the ceil_mode overhang); without it the number of
    real input elements."""
    x = f64(x)
    stride = stride or kernel
    t, l, bo, r = pads4(padding)
    n, c, h, w = x.shape
    oh = pool_out_size(h, kernel[0], stride[0], t, bo, 1, ceil_mode)
    ow = pool_out_size(w, kernel[1], stride[1], l, r, 1, ceil_mode)
    y = np.empty((n, c, oh, ow))
    for i in range(oh):
        h0 = i * stride[0] - t
        h1 = min(h0 + kernel[0], h + bo)
        for j in range(ow):
            w0 = j * stride[1] - l
            w1 = min(w0 + kernel[1], w + r)
            pool = (h1 - h0) * (w1 - w0)
            a0, a1 = max(h0, 0), min(h1, h)
            b0, b1 = max(w0, 0), min(w1, w)
            total = x[:, :, a0:a1, b0:b1].sum(axis=(2, 3))
            div = pool if count_include_pad else (a1 - a0) * (b1 - b0)
            y[:, :, i, j] = total / div
    return y


def softmax(x, axis):
    x = f64(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def cross_entropy(logits, labels):
    z = f64(logits)
    m = z.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(z - m).sum(axis=1, keepdims=True)))[:, 0]
    picked = z[np.arange(z.shape[0]), np.asarray(labels, dtype=np.int64)]
    return np.mean(lse - picked)


def mse(a, b):
    return np.mean((f64(a) - f64(b)) ** 2)


def fake_quant_f32(x, scale, zp, qmin, qmax, axis=None):
    """q = clamp(roundeven(x * (1/s)) + zp, qmin, qmax); y = (q - zp) * s,
    every step in float32 (np.rint rounds half to even)."""
    x = np.asarray(x, dtype=np.float32)
    scale = np.asarray(scale, dtype=np.float32)
    zp = np.asarray(zp, dtype=np.int32).astype(np.float32)
    if axis is not None:
        shape = [1] * x.ndim
        shape[axis] = -1
        scale = scale.reshape(shape)
        zp = zp.reshape(shape)
    else:
        scale = scale.reshape(())
        zp = zp.reshape(())
    inv = np.float32(1.0) / scale
    q = np.rint(x * inv) + zp
    q = np.minimum(np.maximum(q, np.float32(qmin)), np.float32(qmax))
    y = (q - zp) * scale
    assert y.dtype == np.float32
    return y

#!/usr/bin/env python3
"""Writes the G1/G2/G3 int8 GEMM models (bench/README.md) for
bench/int8_gemm_bench.sh, and the raw operands the C++ bench reads.

One `qat.qlinear` per model, the `vnni` preset's types (docs/numerics.md):
u8 activations in [0, 255] (per tensor, zero point 128), int8 weights
symmetric per output channel, int32 bias, u8 output with the requant fused.
`@forward` quantizes an f32 input and dequantizes the output, so
qat-compile also emits NAME_forward_q (u8 in, u8 out): the GEMM + requant
alone, which is what the bench times.

  int8_gemm_gen.py OUTDIR [--seed S]

writes, per case c in g1 g2 g3:
  OUTDIR/c.mlir       the model
  OUTDIR/c.w.bin      int8  [N][K] weights (row-major, as in the model)
  OUTDIR/c.b.bin      int32 [N] bias
  OUTDIR/c.sw.bin     float32 [N] weight scales
  OUTDIR/c.x.bin      uint8 [M][K] an input (quantized storage)
  OUTDIR/c.qp         "M N K sx zx sy zy" (scales as exact float32 values)
"""
import argparse
import os

import numpy as np

CASES = {"g1": (1024, 1024, 1024), "g2": (1, 4096, 4096), "g3": (128, 3072, 768)}


def f32str(v):
    # The shortest decimal of the float32 value as a double: parses back to
    # the same float32 (the compiler narrows the f64 type scale to float).
    return repr(float(np.float32(v)))


def write_case(out, name, m, n, k, rng):
    sx, zx = np.float32(0.02), 128
    # u8 activations spread over the range; weights over [-127, 127].
    x = rng.integers(0, 256, size=(m, k), dtype=np.int64).astype(np.uint8)
    w = rng.integers(-127, 128, size=(n, k), dtype=np.int64).astype(np.int8)
    b = rng.integers(-20000, 20001, size=(n,), dtype=np.int64).astype(np.int32)
    sw = rng.uniform(0.5e-3, 2e-3, size=(n,)).astype(np.float32)
    # Output scale: |acc| ~ sqrt(K) * 74 * 73 (uniform operands); map ~3
    # standard deviations to +-127 steps so the outputs use the u8 range
    # and few saturate.
    acc_std = np.sqrt(k) * 74.0 * 73.0
    sy = np.float32(sx * float(np.mean(sw)) * acc_std * 3.0 / 127.0)
    zy = 128
    xt = "tensor<%dx%dx!quant.uniform<u8:f32, %s:%d>>" % (m, k, f32str(sx), zx)
    wt = "tensor<%dx%dx!quant.uniform<i8:f32:0, {%s}>>" % (
        n, k, ",".join(f32str(s) for s in sw))
    yt = "tensor<%dx%dx!quant.uniform<u8:f32, %s:%d>>" % (m, n, f32str(sy), zy)
    lines = [
        "// %s (bench/README.md): one qat.qlinear M=%d N=%d K=%d, vnni types" % (name.upper(), m, n, k),
        "module {",
        '  qat.param @w = dense<"0x%s"> : tensor<%dx%dxi8>' % (w.tobytes().hex().upper(), n, k),
        '  qat.param @b = dense<"0x%s"> : tensor<%dxi32>' % (b.astype("<i4").tobytes().hex().upper(), n),
        "  func.func @forward(%%x: tensor<%dx%dxf32>) -> tensor<%dx%dxf32> {" % (m, k, m, n),
        "    %%q = qat.quantize %%x : tensor<%dx%dxf32> -> %s" % (m, k, xt),
        "    %%w0 = qat.load @w : tensor<%dx%dxi8>" % (n, k),
        "    %%w = quant.scast %%w0 : tensor<%dx%dxi8> to %s" % (n, k, wt),
        "    %%b = qat.load @b : tensor<%dxi32>" % n,
        "    %%y = qat.qlinear %%q, %%w, %%b {clamp_max = 255 : i64, clamp_min = 0 : i64}"
        " : (%s, %s, tensor<%dxi32>) -> %s" % (xt, wt, n, yt),
        "    %%d = qat.dequantize %%y : %s -> tensor<%dx%dxf32>" % (yt, m, n),
        "    return %%d : tensor<%dx%dxf32>" % (m, n),
        "  }",
        "}",
    ]
    with open(os.path.join(out, name + ".mlir"), "w") as f:
        f.write("\n".join(lines) + "\n")
    w.tofile(os.path.join(out, name + ".w.bin"))
    b.astype("<i4").tofile(os.path.join(out, name + ".b.bin"))
    sw.astype("<f4").tofile(os.path.join(out, name + ".sw.bin"))
    x.tofile(os.path.join(out, name + ".x.bin"))
    with open(os.path.join(out, name + ".qp"), "w") as f:
        f.write("%d %d %d %s %d %s %d\n" % (m, n, k, f32str(sx), zx, f32str(sy), zy))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cases", default="g1,g2,g3")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name in a.cases.split(","):
        m, n, k = CASES[name]
        write_case(a.out, name, m, n, k, np.random.default_rng([a.seed, m, n, k]))


if __name__ == "__main__":
    main()

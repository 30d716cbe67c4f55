#!/usr/bin/python3
"""PyTorch 1.13 int8 inference peer for M1/C1 (bench/README.md):
batch-1 latency and batch-256 throughput of the eager int8 model
(torch.ao.quantization: fuse_modules_qat, prepare_qat, a few calibration
steps, convert), --threads N threads (default 1: torch.set_num_threads and,
through torch_qat.py, OPENBLAS_NUM_THREADS / OMP_NUM_THREADS). Used by
bench/int8_model_bench.sh.

The architecture and initial weights are bench/torch_qat.py's (M1/C1 built
exactly as examples/m1.mlir / c1.mlir); the weights' values do not matter
for the timing. The int8 model takes float input (QuantStub) and returns
float output (DeQuantStub), like qat-compile's NAME_forward.

  int8_model_torch.py time --model m1|c1 --input X.f32 [--qconfig x86|qnnpack]
                      [--engine onednn|qnnpack] [--batches 1,256] [--runs N]
                      [--threads N]
      X.f32: float32 [>= 256][1][28][28] images (raw). Prints one JSON line:
      {"engine", "qconfig", "threads", "batch": {"1": {"median_us", "min_us"}, ...}}.
  int8_model_torch.py export --model m1|c1 --input X.f32 -o model.onnx
      Exports the converted int8 model with torch.onnx (for the ONNX Runtime
      peer); prints the node types.

Run with /usr/bin/python3, pinned: taskset -c 0 /usr/bin/python3 ...
"""
import argparse
import copy
import json
import os
import sys
import time

sys.dont_write_bytecode = True
sys.argv_saved = list(sys.argv)
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import torch_qat as T  # noqa: E402  (sets the BLAS thread variables)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.ao.quantization as tq  # noqa: E402


def int8_model(name, qconfig, engine, x):
    torch.backends.quantized.engine = engine
    qat = T.prepare(T.build(name), qconfig)
    # Calibrate the observers on a few real batches (training-mode forward).
    with torch.no_grad():
        for i in range(4):
            qat(x[64 * i:64 * (i + 1)])
    qat.eval()
    return tq.convert(copy.deepcopy(qat))


def time_model(model, x, batch, runs, warmup):
    xb = x[:batch].contiguous()
    times = []
    with torch.inference_mode():
        for _ in range(warmup):
            model(xb)
        for _ in range(runs):
            t0 = time.perf_counter()
            model(xb)
            times.append(time.perf_counter() - t0)
    return {"median_us": 1e6 * float(np.median(times)), "min_us": 1e6 * min(times)}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cmd", choices=["time", "export"])
    ap.add_argument("--model", required=True, choices=["m1", "c1"])
    ap.add_argument("--input", required=True)
    ap.add_argument("--qconfig", default="x86")
    ap.add_argument("--engine", default=None)
    ap.add_argument("--batches", default="1,256")
    ap.add_argument("--runs", type=int, default=0, help="0: 1000 at batch 1, 100 above")
    ap.add_argument("--threads", type=int, default=1,
                    help="torch.set_num_threads (torch_qat.py sets the BLAS variables from it)")
    ap.add_argument("-o", "--output")
    a = ap.parse_args()
    if a.threads < 1:
        ap.error("--threads must be at least 1")
    torch.set_num_threads(a.threads)
    engine = a.engine or T.ENGINE[a.qconfig]
    x = torch.from_numpy(np.fromfile(a.input, dtype=np.float32).reshape(-1, 1, 28, 28))
    model = int8_model(a.model, a.qconfig, engine, x)
    if a.cmd == "export":
        torch.onnx.export(model, x[:1], a.output, input_names=["input"],
                          output_names=["logits"], opset_version=13,
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        import onnx
        m = onnx.load(a.output)
        print(" ".join(n.op_type for n in m.graph.node))
        return
    res = {"engine": engine, "qconfig": a.qconfig, "threads": torch.get_num_threads(), "batch": {}}
    for b in [int(s) for s in a.batches.split(",")]:
        runs = a.runs or (1000 if b == 1 else 100)
        res["batch"][str(b)] = time_model(model, x, b, runs, warmup=max(10, runs // 10))
    print(json.dumps(res))


if __name__ == "__main__":
    main()

// int8_model_ort.js - ONNX Runtime (onnxruntime-node) peer of
// bench/int8_model_bench.sh: batch-1 latency and batch-256 throughput of a
// QDQ int8 model (bench/int8_model_onnx.py), --threads intra-op threads
// (default 1; ORT's pool counts the calling thread as one of them, with
// its default spinning), sequential execution, all graph optimizations
// (QDQ fusion to integer kernels).
//
//   NODE_PATH=<dir>/node_modules node int8_model_ort.js MODEL.onnx X.f32
//       [--batches 1,256] [--runs N] [--threads T] [--optimized OUT.onnx]
// X.f32: raw float32 [>= 256][1][28][28]. Prints one JSON line:
// {"version", "threads", "batch": {"1": {"median_us", "min_us"}, ...}}.
'use strict';
const fs = require('fs');
const ort = require('onnxruntime-node');

async function main() {
  const argv = process.argv.slice(2);
  const model = argv[0], input = argv[1];
  let batches = [1, 256], runs = 0, threads = 1, optimized;
  for (let i = 2; i < argv.length; ++i) {
    if (argv[i] === '--batches') batches = argv[++i].split(',').map(Number);
    else if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] === '--threads') threads = Number(argv[++i]);
    else if (argv[i] === '--optimized') optimized = argv[++i];
    else throw new Error('unknown option ' + argv[i]);
  }
  if (!Number.isInteger(threads) || threads < 1)
    throw new Error('--threads must be a positive integer');
  const opts = {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  };
  if (optimized) opts.optimizedModelFilePath = optimized;
  const session = await ort.InferenceSession.create(model, opts);
  const buf = fs.readFileSync(input);
  const all = new Float32Array(buf.buffer, buf.byteOffset, buf.length / 4);
  const per = 28 * 28;
  const res = {version: ort.env.versions ? ort.env.versions.common : '?', threads, batch: {}};
  for (const b of batches) {
    const x = new ort.Tensor('float32', all.slice(0, b * per), [b, 1, 28, 28]);
    const feeds = {[session.inputNames[0]]: x};
    const n = runs || (b === 1 ? 1000 : 100);
    for (let i = 0; i < Math.max(10, n / 10); ++i) await session.run(feeds);
    const t = [];
    for (let i = 0; i < n; ++i) {
      const t0 = process.hrtime.bigint();
      await session.run(feeds);
      t.push(Number(process.hrtime.bigint() - t0) / 1e3);
    }
    t.sort((p, q) => p - q);
    const med = n % 2 ? t[(n - 1) / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    res.batch[String(b)] = {median_us: med, min_us: t[0]};
  }
  console.log(JSON.stringify(res));
}
main().catch((e) => { console.error('int8_model_ort: ' + e.message); process.exit(1); });

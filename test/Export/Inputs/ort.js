// Runs ONNX models in ONNX Runtime (npm onnxruntime-node) and compares
// outputs in quantization steps, for the qat-export tests.
//
//   node ort.js run MODEL.onnx --ort DIR --input X.npy --output Y.npy
//                   [--optimization all|disabled] [--optimized FILE]
//   node ort.js compare A.npy B.npy --step-of INT8.mlir
//   node ort.js random --shape 2000x2x6x6 --seed N --output X.npy
//
// `run` feeds X.npy to the model's first input and writes its first output;
// DIR is where scripts/setup.sh installed onnxruntime-node. `--optimized`
// saves the graph ORT runs after its optimizations (QDQ fusion), and
// `--print-ops` prints its op types.
// `compare` prints how many elements differ and by how many quantization
// steps (the scale of the int8 model's output: the quantized type its last
// qat.dequantize reads), and how many rows' argmax agree.
// `random` writes deterministic float32 inputs, uniform in [0, 1).
'use strict';
const fs = require('fs');
const path = require('path');

function fail(msg) {
  process.stderr.write(`ort.js: error: ${msg}\n`);
  process.exit(1);
}

const kTypes = {
  '<f4': [Float32Array, 'float32'], '|u1': [Uint8Array, 'uint8'],
  '|i1': [Int8Array, 'int8'], '<i4': [Int32Array, 'int32'],
};

function readNpy(file) {
  const buf = fs.readFileSync(file);
  if (buf.toString('latin1', 0, 6) !== '\x93NUMPY')
    fail(`${file}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.toString('latin1', start, start + headerLen);
  const descr = /'descr':\s*'([^']+)'/.exec(header);
  const shape = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !shape || /'fortran_order':\s*True/.test(header))
    fail(`${file}: unsupported header ${header.trim()}`);
  const type = kTypes[descr[1]];
  if (!type) fail(`${file}: unsupported dtype ${descr[1]}`);
  const dims = shape[1].split(',').filter((s) => s.trim()).map(Number);
  const offset = start + headerLen;
  const bytes = buf.subarray(offset);
  const data = new type[0](bytes.buffer.slice(bytes.byteOffset,
                                              bytes.byteOffset + bytes.length));
  return {data, dims, ortType: type[1], descr: descr[1]};
}

function writeNpy(file, data, dims) {
  const descr = Object.keys(kTypes).find(
      (k) => data instanceof kTypes[k][0]);
  if (!descr) fail(`cannot write a ${data.constructor.name} to ${file}`);
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, ` +
               `'shape': ${shape}, }`;
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  fs.writeFileSync(file, Buffer.concat([
    head, Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength)]));
}

function parseArgs(argv) {
  const pos = [], opts = {};
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i].startsWith('--')) {
      const key = argv[i].slice(2);
      if (i + 1 >= argv.length) fail(`--${key} needs a value`);
      opts[key] = argv[++i];
    } else {
      pos.push(argv[i]);
    }
  }
  return {pos, opts};
}

async function run(pos, opts) {
  if (pos.length !== 1 || !opts.ort || !opts.input || !opts.output)
    fail('usage: ort.js run MODEL.onnx --ort DIR --input X.npy --output Y.npy');
  const module = path.join(opts.ort, 'node_modules', 'onnxruntime-node');
  if (!fs.existsSync(module))
    fail(`onnxruntime-node is not installed in ${opts.ort}; ` +
         'run scripts/setup.sh');
  const ort = require(module);
  const sessionOptions = {
    graphOptimizationLevel: opts.optimization || 'all',
    executionProviders: ['cpu'],
    intraOpNumThreads: 1,
  };
  if (opts.optimized) sessionOptions.optimizedModelFilePath = opts.optimized;
  const session = await ort.InferenceSession.create(pos[0], sessionOptions);
  const x = readNpy(opts.input);
  const feeds = {};
  feeds[session.inputNames[0]] = new ort.Tensor(x.ortType, x.data, x.dims);
  const results = await session.run(feeds);
  const y = results[session.outputNames[0]];
  writeNpy(opts.output, y.data, y.dims);
  if (opts['print-ops']) {
    // The optimized graph's ops, read from its protobuf by name.
    const ops = new Set();
    const bytes = fs.readFileSync(opts.optimized).toString('latin1');
    for (const m of bytes.matchAll(/QLinear\w+|QGemm|ConvInteger|MatMulInteger/g))
      ops.add(m[0]);
    console.log(`integer kernels: ${[...ops].sort().join(' ')}`);
  }
}

/// The output scale of a qat int8 model.
function outputScale(file) {
  const re = /qat\.dequantize [^\n]*!quant\.uniform<[^,]+, ([0-9.eE+-]+)(?::-?\d+)?>>/g;
  let m, scale;
  while ((m = re.exec(fs.readFileSync(file, 'utf8'))) !== null) scale = m[1];
  if (!scale) fail(`${file} has no qat.dequantize of a per-tensor type`);
  return Number(scale);
}

function compare(pos, opts) {
  if (pos.length !== 2 || !opts['step-of'])
    fail('usage: ort.js compare A.npy B.npy --step-of INT8.mlir');
  const a = readNpy(pos[0]), b = readNpy(pos[1]);
  if (a.dims.join('x') !== b.dims.join('x'))
    fail(`shapes differ: ${a.dims.join('x')} and ${b.dims.join('x')}`);
  const step = outputScale(opts['step-of']);
  const hist = new Map();
  let differ = 0, maxSteps = 0;
  for (let i = 0; i < a.data.length; ++i) {
    const steps = Math.round(Math.abs(a.data[i] - b.data[i]) / step);
    if (steps === 0) continue;
    ++differ;
    maxSteps = Math.max(maxSteps, steps);
    hist.set(steps, (hist.get(steps) || 0) + 1);
  }
  const cols = a.dims[a.dims.length - 1];
  const rows = a.data.length / cols;
  let agree = 0;
  for (let r = 0; r < rows; ++r) {
    let ia = 0, ib = 0;
    for (let c = 1; c < cols; ++c) {
      if (a.data[r * cols + c] > a.data[r * cols + ia]) ia = c;
      if (b.data[r * cols + c] > b.data[r * cols + ib]) ib = c;
    }
    if (ia === ib) ++agree;
  }
  const byStep = [...hist.keys()].sort((x, y) => x - y)
                     .map((k) => `${hist.get(k)} by ${k}`).join(', ');
  console.log(`compared ${a.data.length} elements: ${differ} differ` +
              (differ ? ` (${byStep} steps)` : '') +
              `, max ${maxSteps} steps; argmax agrees on ${agree} of ` +
              `${rows} rows`);
}

function random(pos, opts) {
  if (pos.length !== 0 || !opts.shape || !opts.seed || !opts.output)
    fail('usage: ort.js random --shape AxB... --seed N --output X.npy');
  const dims = opts.shape.split('x').map(Number);
  const data = new Float32Array(dims.reduce((p, d) => p * d, 1));
  // xorshift32: the same numbers on every machine.
  let state = (Number(opts.seed) >>> 0) || 1;
  for (let i = 0; i < data.length; ++i) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    data[i] = (state >>> 8) / 16777216;
  }
  writeNpy(opts.output, data, dims);
}

const [command, ...rest] = process.argv.slice(2);
const {pos, opts} = parseArgs(rest);
if (command === 'run')
  run(pos, opts).catch((e) => fail(e.message));
else if (command === 'compare')
  compare(pos, opts);
else if (command === 'random')
  random(pos, opts);
else
  fail('usage: ort.js run|compare|random ...');

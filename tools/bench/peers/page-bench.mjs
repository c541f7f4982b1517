// The in-browser half of tools/bench/peers.sh (driven by bench-peers.mjs through playwright):
// the same weights in MNIST Lens (window.lens), TensorFlow.js (wasm and cpu backends), ONNX
// Runtime Web (wasm) and, for mlp128, a plain JavaScript loop; correctness checks, single-sample
// and batch inference, activation maximization, first results. Two networks (NETS): mlp128, and
// the PyTorch MNIST example convnet. Every figure is a measurement only.
import { lensModel, plainForward } from './lens-bundle.mjs';
import { readOnnx } from './onnx-read.mjs';

const PEERS = '/peers/';
// For inference TF.js needs only its core and one backend (what the first-result pages load);
// gradients (tf.grad, for the maximization) come with the full bundle, tf.min.js, which also
// holds the cpu backend.
const TFJS = ['@tensorflow/tfjs-core/dist/tf-core.min.js', '@tensorflow/tfjs-backend-cpu/dist/tf-backend-cpu.min.js',
  '@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.min.js'];
const TFJS_FULL = '@tensorflow/tfjs/dist/tf.min.js';
const ORT = 'onnxruntime-web/dist/ort.wasm.min.js';

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error('cannot load ' + src));
    document.head.appendChild(s);
  });
}

async function gunzip(url) {
  const r = await fetch(url);
  if (!r.ok) throw new Error(url + ': HTTP ' + r.status);
  return new Uint8Array(await new Response(r.body.pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
}

// --- set-up ---------------------------------------------------------------------------------
// The mlp128 weights as the page's bundle reader read them (serve.mjs runs lens-info).
async function fetchModel() {
  const [header, bytes] = await Promise.all([fetch('/data/mlp128.json').then((r) => r.json()),
    fetch('/data/mlp128.f32').then((r) => r.arrayBuffer())]);
  return lensModel(header, new Float32Array(bytes));
}

export const B = { model: null, images: null, checkImages: [], net: null };

// The networks each peer runs: the ONNX file ONNX Runtime Web reads (mlp128's is written from the
// .lens bundle by onnx-write.mjs; the convnet's is the PyTorch export itself) and, for TF.js, the
// same layers (layersFromLens, layersFromOnnx). `meta` (serve.mjs): the convnet's name and the
// input normalization it was trained with (tests/onnx/convnets.json; the file records none),
// which MNIST Lens is given at loadBundle and the other peers apply to the pixels themselves.
export const NETS = {
  mlp128: { onnx: '/data/mlp128.onnx' },
  convnet: { onnx: '/data/convnet.onnx', meta: '/data/convnet.json' },
};

export async function setup({ tfjs = true, ort = true, ortThreads = 1 } = {}) {
  B.model = await fetchModel();
  const idx = await gunzip('/mnist/t10k-images-idx3-ubyte.gz');
  const n = (idx[4] << 24) | (idx[5] << 16) | (idx[6] << 8) | idx[7];
  B.images = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) B.images[i] = idx[16 + i] / 255;
  B.checkImages = [];
  for (let i = 0; i < 100; i++) B.checkImages.push(B.images.subarray(784 * i, 784 * (i + 1)));
  if (tfjs) {
    await loadScript(PEERS + TFJS_FULL);
    await loadScript(PEERS + TFJS[2]);
    window.tf.wasm.setWasmPaths(PEERS + '@tensorflow/tfjs-backend-wasm/dist/');
  }
  if (ort) {
    await loadScript(PEERS + ORT);
    window.ort.env.wasm.wasmPaths = PEERS + 'onnxruntime-web/dist/';
    window.ort.env.wasm.numThreads = ortThreads;
  }
  B.ortLoaded = ort;
  await useNet('mlp128', { lens: false });
  return { images: n, crossOriginIsolated: window.crossOriginIsolated, tfjs: tfjs ? window.tf.version_core : null,
    ort: ort ? window.ort.env.versions.common : null, ortThreads };
}

// --- the layers TF.js runs, read from either source ----------------------------------------
// A network as TF.js runs it: {input: [C, H, W] or [features], head, layers}, each layer one of
//   {kind: 'dense', W (outputs x inputs, row-major), b, inputs, outputs, activation}
//   {kind: 'conv', W (Cout x Cin x kh x kw, ONNX's layout), b, kernel, strides, pads, activation}
//   {kind: 'maxpool', kernel, strides}
//   {kind: 'flatten'}  (C, H, W order, as ONNX and PyTorch flatten)
export function layersFromLens(model) {
  return { input: [model.layers[0].inputs], head: model.head, layers: model.layers.map((l) => ({ kind: 'dense', ...l })) };
}

// The chain Conv / Relu / MaxPool / Flatten / Gemm (transB) / Softmax or LogSoftmax of an ONNX
// graph (readOnnx); anything else is refused.
export function layersFromOnnx(graph) {
  const layers = [], ints = (n, a, d) => n.attrs[a]?.ints?.length ? n.attrs[a].ints : d;
  let head = null;
  for (const n of graph.nodes) {
    const w = (k) => graph.weights[n.inputs[k]];
    if (head) throw new Error(n.op + ' after the softmax');
    if (n.op === 'Conv') {
      if ((n.attrs.group?.i ?? 1) !== 1 || ints(n, 'dilations', [1, 1]).some((v) => v !== 1)) throw new Error('grouped or dilated Conv');
      const W = w(1);
      layers.push({ kind: 'conv', W: W.data, shape: W.dims, b: w(2)?.data ?? new Float32Array(W.dims[0]), kernel: W.dims.slice(2),
        strides: ints(n, 'strides', [1, 1]), pads: ints(n, 'pads', [0, 0, 0, 0]), activation: 'identity' });
    } else if (n.op === 'Gemm') {
      const W = w(1);
      if (n.attrs.transB?.i !== 1 || n.attrs.transA?.i || (n.attrs.alpha?.f ?? 1) !== 1 || (n.attrs.beta?.f ?? 1) !== 1) throw new Error('Gemm other than x W^T + b');
      layers.push({ kind: 'dense', W: W.data, b: w(2).data, outputs: W.dims[0], inputs: W.dims[1], activation: 'identity' });
    } else if (n.op === 'Relu') {
      const last = layers[layers.length - 1];
      if (!last || last.activation !== 'identity') throw new Error('Relu not after a Conv or Gemm');
      last.activation = 'relu';
    } else if (n.op === 'MaxPool') {
      if (ints(n, 'pads', [0, 0, 0, 0]).some((v) => v) || n.attrs.ceil_mode?.i) throw new Error('padded MaxPool');
      layers.push({ kind: 'maxpool', kernel: ints(n, 'kernel_shape'), strides: ints(n, 'strides', ints(n, 'kernel_shape')) });
    } else if (n.op === 'Flatten') layers.push({ kind: 'flatten' });
    else if (n.op === 'Softmax' || n.op === 'LogSoftmax') head = 'softmax';  // TF.js gives the probabilities
    else throw new Error('no TF.js layer here for ONNX op ' + n.op);
  }
  return { input: graph.inputs[0].shape.slice(1), head: head || 'softmax', layers };
}

// The tensors: dense kernels as (inputs, outputs), the layout tf.layers.dense keeps (TF.js 4.22's
// wasm backend gets fused.matMul with transposeB and a bias wrong: outputs off by up to 1 on
// mlp128, which the check below caught, so no peer runs that form); conv filters as
// [kh, kw, Cin, Cout] for NHWC maps. The first dense layer after a flatten of a map gets its
// columns permuted from C,H,W order to the H,W,C order TF.js flattens an NHWC map in.
const TF_ACTIVATIONS = { relu: 'relu', identity: 'linear', sigmoid: 'sigmoid' };
function tfModel(tf, net) {
  const act = (a) => { if (!TF_ACTIVATIONS[a]) throw new Error('no fused TF.js activation for ' + a); return TF_ACTIVATIONS[a]; };
  if (net.input.length === 3 && net.input[0] !== 1) throw new Error('an input of more than one channel');
  let map = net.input.length === 3 ? [net.input[1], net.input[2], net.input[0]] : null, flattened = null;  // [H, W, C]
  const out = (size, k, s, p0, p1) => Math.floor((size + p0 + p1 - k) / s) + 1;
  return tf.tidy(() => ({ input: map ? [...map] : net.input, head: net.head, layers: net.layers.map((l) => {
    if (l.kind === 'conv') {
      const [co, ci, kh, kw] = l.shape, [pt, pl, pb, pr] = l.pads;
      map = [out(map[0], kh, l.strides[0], pt, pb), out(map[1], kw, l.strides[1], pl, pr), co];
      return { kind: 'conv', w: tf.keep(tf.transpose(tf.tensor4d(l.W, [co, ci, kh, kw]), [2, 3, 1, 0])), b: tf.keep(tf.tensor1d(l.b)),
        strides: l.strides, pad: l.pads.some((v) => v) ? [[0, 0], [pt, pb], [pl, pr], [0, 0]] : null, activation: act(l.activation) };
    }
    if (l.kind === 'maxpool') {
      map = [out(map[0], l.kernel[0], l.strides[0], 0, 0), out(map[1], l.kernel[1], l.strides[1], 0, 0), map[2]];
      return l;
    }
    if (l.kind === 'flatten') { flattened = map; map = null; return l; }
    let W = l.W;
    if (flattened) {  // column (c, y, x) of PyTorch's flatten is column (y, x, c) of TF.js's
      const [H, Wd, C] = flattened;
      W = new Float32Array(l.W.length);
      for (let o = 0; o < l.outputs; o++)
        for (let c = 0; c < C; c++) for (let p = 0; p < H * Wd; p++) W[o * l.inputs + p * C + c] = l.W[o * l.inputs + c * H * Wd + p];
      flattened = null;
    }
    return { kind: 'dense', w: tf.keep(tf.transpose(tf.tensor2d(W, [l.outputs, l.inputs]))), b: tf.keep(tf.tensor1d(l.b)), activation: act(l.activation) };
  }) }));
}
const tfTensors = (m) => m.layers.flatMap((l) => [l.w, l.b].filter(Boolean));

// TF.js's fast path: fused matMul / conv2d + bias + activation kernels in one tidy, read back
// with dataSync. x: n inputs, already normalized.
function tfForward(tf, m, x, n) {
  const out = tf.tidy(() => {
    let h = tf.tensor(x, [n, ...m.input]);
    for (const l of m.layers) {
      if (l.kind === 'dense') h = tf.fused.matMul({ a: h, b: l.w, bias: l.b, activation: l.activation });
      else if (l.kind === 'conv') h = tf.fused.conv2d({ x: l.pad ? tf.pad(h, l.pad) : h, filter: l.w, strides: l.strides, pad: 'valid', bias: l.b, activation: l.activation });
      else if (l.kind === 'maxpool') h = tf.maxPool(h, l.kernel, l.strides, 'valid');
      else h = tf.reshape(h, [n, -1]);
    }
    return m.head === 'sigmoid' ? tf.sigmoid(h) : tf.softmax(h);
  });
  const data = out.dataSync();
  out.dispose();
  return data;
}

// --- the network the peers run ----------------------------------------------------------------
// Reads its ONNX file, makes its ONNX Runtime session (when ONNX Runtime is loaded) and, with
// lens, loads it into MNIST Lens's page (mlp128 is the page's own; another is given to
// lens.loadBundle with its normalization, and selected).
export async function useNet(name, { lens = true } = {}) {
  const spec = NETS[name];
  if (!spec) throw new Error('unknown network ' + name);
  const bytes = new Uint8Array(await (await fetch(spec.onnx)).arrayBuffer());
  const meta = spec.meta ? await (await fetch(spec.meta)).json() : {};
  const graph = readOnnx(bytes);
  const net = { name, norm: meta.normalize || null, graph,
    layers: name === 'mlp128' ? layersFromLens(B.model) : layersFromOnnx(graph),
    log: graph.nodes[graph.nodes.length - 1].op === 'LogSoftmax' };
  if (B.ortLoaded) {
    net.ort = await window.ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    net.inputShape = graph.inputs[0].shape.slice(1);
  }
  if (lens && name !== 'mlp128') {
    const id = window.lens.loadBundle(bytes, { name: meta.name || name, normalize: meta.normalize });
    await window.lens.selectModel(id);
    net.lensId = id;
  } else if (lens) await window.lens.selectModel('mlp128');
  B.net = net;
  return { name, lensModel: lens ? window.lens.model() : null, parameters: Object.values(graph.weights).reduce((s, t) => s + t.data.length, 0),
    inputs: graph.inputs[0].shape, normalize: net.norm };
}

// The pixels as the network's own peers must be given them: (x - mean) / std when it was
// trained so (MNIST Lens applies the same map itself, inside lens.predict).
function prepared(xs) {
  if (!B.net.norm) return xs;
  const [mean, std] = B.net.norm, out = new Float32Array(xs.length);
  for (let i = 0; i < xs.length; i++) out[i] = (xs[i] - mean) / std;
  return out;
}
// ONNX Runtime on n inputs: the probabilities (exp of the scores when the graph ends in LogSoftmax).
async function ortRun(xs) {
  const n = xs.length / 784, s = B.net.ort;
  const out = (await s.run({ [s.inputNames[0]]: new window.ort.Tensor('float32', prepared(xs), [n, ...B.net.inputShape]) }))[s.outputNames[0]].data;
  return B.net.log ? out.map(Math.exp) : out;
}

// --- each peer's predict: one Float32Array(784) -> 10 probabilities, and a batch -------------
export async function usePeer(name) {
  const tf = window.tf;
  if (B.tfm) { tf.dispose(tfTensors(B.tfm)); B.tfm = null; }
  if (name === 'lens') {
    B.one = (x) => window.lens.predict(x);
    B.batch = async (xs) => window.lens.predictBatch(xs);
  } else if (name === 'plain-js') {
    if (B.net.name !== 'mlp128') throw new Error('the plain JS loop runs dense networks only (mlp128)');
    B.one = (x) => plainForward(B.model, x);
    B.batch = async (xs) => {
      const n = xs.length / 784, out = new Float32Array(n * 10);
      for (let j = 0; j < n; j++) out.set(plainForward(B.model, xs.subarray(784 * j, 784 * (j + 1))), 10 * j);
      return out;
    };
  } else if (name === 'tfjs-wasm' || name === 'tfjs-cpu') {
    await tf.setBackend(name === 'tfjs-wasm' ? 'wasm' : 'cpu');
    await tf.ready();
    B.tfm = tfModel(tf, B.net.layers);
    B.one = (x) => tfForward(tf, B.tfm, prepared(x), 1);
    B.batch = async (xs) => tfForward(tf, B.tfm, prepared(xs), xs.length / 784);
  } else if (name === 'ort-wasm') {
    B.one = null;
    B.oneAsync = ortRun;
    B.batch = ortRun;
  } else throw new Error('unknown peer ' + name);
  if (B.one) B.oneAsync = async (x) => B.one(x);
  return name === 'tfjs-wasm' ? { backend: tf.getBackend(), threads: tf.wasm.getThreadsCount ? tf.wasm.getThreadsCount() : null } : {};
}

// Largest |difference| to lens.predict over the 100 check images (single calls) and, for the
// batch, to lens.predictBatch over all test images given.
export async function check(batchCount = 100) {
  let single = 0, batch = 0;
  for (const x of B.checkImages) {
    const want = window.lens.predict(x), got = await B.oneAsync(x);
    for (let k = 0; k < 10; k++) single = Math.max(single, Math.abs(want[k] - got[k]));
  }
  const xs = B.images.subarray(0, 784 * batchCount);
  const want = window.lens.predictBatch(xs), got = await B.batch(xs);
  for (let k = 0; k < want.length; k++) batch = Math.max(batch, Math.abs(want[k] - got[k]));
  return { single, batch };
}

// Per-call time of B.one / B.oneAsync over the check images. performance.now() resolves to
// ~5 us here, so calls are timed in groups of g (a group lasts >= 0.5 ms); the figures are the
// median and 95th percentile over 1000 groups of the time per call, in microseconds (fewer
// groups, at least 100, where 1000 would take over maxMs: a convnet's call on a slow peer).
export async function timeSingle({ groups = 1000, minGroups = 100, minGroupMs = 0.5, maxMs = 20000 } = {}) {
  const xs = B.checkImages, n = xs.length;
  let sink = 0, i = 0;
  const sync = !!B.one;
  const run = sync ? (g) => { for (let j = 0; j < g; j++) sink += B.one(xs[i++ % n])[0]; }
    : async (g) => { for (let j = 0; j < g; j++) sink += (await B.oneAsync(xs[i++ % n]))[0]; };
  const timed = async (g) => { const t = performance.now(); await run(g); return performance.now() - t; };
  let warm = 0, warmMs = 0;  // warm-up (JIT tiers, caches): 150 calls, or what fits in 2 s
  while (warm < 150 && warmMs < 2000) { warmMs += await timed(10); warm += 10; }
  const probe = Math.max(1, Math.min(50, Math.floor(500 / (warmMs / warm))));
  const perCall = (await timed(probe)) / probe;
  const g = Math.max(1, Math.ceil(minGroupMs / perCall));
  groups = Math.max(minGroups, Math.min(groups, Math.floor(maxMs / (g * perCall))));
  let t0;
  const per = [];
  for (let k = 0; k < groups; k++) {
    t0 = performance.now();
    if (sync) run(g); else await run(g);
    per.push((performance.now() - t0) / g * 1000);
  }
  per.sort((a, b) => a - b);
  return { medianUs: per[Math.floor(groups / 2)], p95Us: per[Math.floor(groups * 0.95)], meanUs: per.reduce((a, b) => a + b) / groups,
    group: g, groups, calls: g * groups, sink };
}

// The whole batch (n images) in one call, read back: the median of `runs` after a warm-up run
// (5 runs; 3 when the warm-up took over a second, 1 when it took over 10 s).
export async function timeBatch(n = 10000) {
  const xs = B.images.subarray(0, 784 * n);
  let t0 = performance.now();
  await B.batch(xs);
  const first = performance.now() - t0, times = [];
  const runs = first > 10000 ? 1 : first > 1000 ? 3 : 5;
  for (let r = 0; r < runs; r++) {
    t0 = performance.now();
    const out = await B.batch(xs);
    times.push(performance.now() - t0);
    if (out.length !== 10 * n) throw new Error('batch gave ' + out.length + ' values');
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(runs / 2)], runs, images: n };
}

// What the page does for a stroke on the current model: lens.drawStroke (the brush, the
// preprocessing, the forward pass and what the page shows of it), timed per call in JS, and the
// C++ compute the page itself measures for it (lens.perf().strokeMs). n short strokes, a new
// digit every 5; medians and 95th percentiles in milliseconds.
export function timeStrokes(n = 200) {
  const L = window.lens, callMs = [], strokeMs = [];
  for (let i = 0; i < n + 20; i++) {  // the first 20: warm-up
    if (i % 5 === 0) L.clear();
    const a = (i * 0.7) % 6.283, cx = 0.5 + 0.2 * Math.cos(a), cy = 0.5 + 0.2 * Math.sin(a);
    const pts = [[cx, cy], [0.5 + 0.1 * Math.cos(a + 2), 0.5 + 0.3 * Math.sin(a + 2)], [0.5, 0.5 + 0.25 * Math.cos(a)]];
    const t0 = performance.now();
    L.drawStroke(pts);
    const t = performance.now() - t0;
    if (i >= 20) { callMs.push(t); strokeMs.push(L.perf().strokeMs); }
  }
  const q = (v, f) => [...v].sort((x, y) => x - y)[Math.floor(v.length * f)];
  L.clear();
  return { strokes: n, callMedianMs: q(callMs, 0.5), callP95Ms: q(callMs, 0.95), computeMedianMs: q(strokeMs, 0.5), computeP95Ms: q(strokeMs, 0.95) };
}

// The bare 128x784 product in the same wasm build as lens.predict (src/core/numerics/infer.h).
export function timeMatvec(reps = 20000) {
  const xs = B.images.subarray(0, 784 * 100);
  window.lens._test.bench.matvec(xs, 1000);
  const times = [];
  for (let r = 0; r < 5; r++) times.push(window.lens._test.bench.matvec(xs, reps) / reps * 1000);
  times.sort((a, b) => a - b);
  return { medianUs: times[2], reps };
}

// --- activation maximization of all 128 hidden units, 256 steps -----------------------------
// The same algorithm as src/interpret/actmax.cpp with ActmaxConfig's defaults, written with
// TF.js gradients: each step draws a jitter (dx, dy) in [-1, 1] from the same splitmix64 seed,
// takes tf.grad of  J(x) = sum_u z_u(shift(x_u)) - l2/2 |x|^2 - tv/2 sum (neighbour differences)^2
// (z_u the unit's pre-activation on its own image), one Adam ascent step on the pixels,
// a Gaussian blur (sigma 0.5) every 4th step in the first three quarters, and a clamp to [0, 1].
// (actmax.cpp also rescales gradients past 1e15; no real network gets near it.)
export function splitmix64(seed) {
  let state = BigInt.asUintN(64, BigInt(seed));
  return {
    next() {
      state = BigInt.asUintN(64, state + 0x9E3779B97F4A7C15n);
      let z = state;
      z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xBF58476D1CE4E5B9n);
      z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94D049BB133111EBn);
      return z ^ (z >> 31n);
    },
    below(n) { return Number(this.next() % BigInt(n)); },
  };
}

export const ACTMAX = { steps: 256, lr: 0.05, l2: 0.02, tv: 0.05, sigma: 0.5, blurEvery: 4, jitter: 1, seed: 1, b1: 0.9, b2: 0.999, eps: 1e-8 };

function blurKernel(sigma) {
  const r = Math.max(1, Math.ceil(2.5 * sigma)), k = [];
  for (let i = -r; i <= r; i++) k.push(Math.exp(-0.5 * i * i / (sigma * sigma)));
  const s = k.reduce((a, b) => a + b);
  return k.map((v) => v / s);
}

export function tfActmax(steps = ACTMAX.steps) {
  const tf = window.tf, c = ACTMAX, l0 = B.model.layers[0], U = l0.outputs, S = 28;
  const k = blurKernel(c.sigma), K = k.length;
  const W = tf.tensor2d(l0.W, [U, 784]), b = tf.tensor1d(l0.b), eye = tf.eye(U);
  const kernel = tf.tensor4d(k.flatMap((a) => k.map((v) => a * v)), [K, K, 1, 1]);
  const rng = splitmix64(c.seed);
  let dx = 0, dy = 0;
  const shift = (x) => {  // out[y][x] = in[y - dy][x - dx], zeros shifted in
    if (!dx && !dy) return x;
    const p = tf.pad(tf.reshape(x, [U, S, S]), [[0, 0], [Math.max(dy, 0), Math.max(-dy, 0)], [Math.max(dx, 0), Math.max(-dx, 0)]]);
    return tf.reshape(tf.slice(p, [0, Math.max(-dy, 0), Math.max(-dx, 0)], [U, S, S]), [U, 784]);
  };
  const J = (x) => {
    const z = tf.add(tf.matMul(shift(x), W, false, true), b);  // (U images, U units)
    const img = tf.reshape(x, [U, S, S]);
    const dh = tf.sub(tf.slice(img, [0, 0, 1], [U, S, S - 1]), tf.slice(img, [0, 0, 0], [U, S, S - 1]));
    const dv = tf.sub(tf.slice(img, [0, 1, 0], [U, S - 1, S]), tf.slice(img, [0, 0, 0], [U, S - 1, S]));
    return tf.sub(tf.sum(tf.mul(z, eye)),
      tf.add(tf.mul(c.l2 / 2, tf.sum(tf.square(x))), tf.mul(c.tv / 2, tf.add(tf.sum(tf.square(dh)), tf.sum(tf.square(dv))))));
  };
  const grad = tf.grad(J);
  let x = tf.zeros([U, 784]), m = tf.zeros([U, 784]), v = tf.zeros([U, 784]);
  for (let t = 1; t <= steps; t++) {
    dx = c.jitter > 0 ? rng.below(2 * c.jitter + 1) - c.jitter : 0;
    dy = c.jitter > 0 ? rng.below(2 * c.jitter + 1) - c.jitter : 0;
    const next = tf.tidy(() => {
      const g = grad(x);
      const m2 = tf.add(tf.mul(c.b1, m), tf.mul(1 - c.b1, g)), v2 = tf.add(tf.mul(c.b2, v), tf.mul(1 - c.b2, tf.square(g)));
      const c1 = 1 - Math.pow(c.b1, t), c2 = 1 - Math.pow(c.b2, t);
      let x2 = tf.add(x, tf.div(tf.mul(c.lr / c1, m2), tf.add(tf.sqrt(tf.div(v2, c2)), c.eps)));
      if (c.blurEvery > 0 && t % c.blurEvery === 0 && 4 * t < 3 * steps)
        x2 = tf.reshape(tf.conv2d(tf.reshape(x2, [U, S, S, 1]), kernel, 1, "same"), [U, 784]);
      return [tf.clipByValue(x2, 0, 1), m2, v2];
    });
    tf.dispose([x, m, v]);
    [x, m, v] = next;
  }
  const out = x.dataSync();
  tf.dispose([x, m, v, W, b, eye, kernel]);
  return out;
}

// Milliseconds for the whole maximization (the median of `runs`), and the images of the last.
export async function timeActmax(peer, runs = 3) {
  const f = peer === 'lens' ? () => window.lens._test.bench.actmaxLayer(0, ACTMAX.steps) : () => tfActmax(ACTMAX.steps);
  const times = [];
  let images = null;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    images = f();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  B.actmaxImages = B.actmaxImages || {};
  B.actmaxImages[peer] = images;
  return { ms: times[Math.floor(runs / 2)], runs };
}

// How far two peers' maximization images are apart (mean and largest |difference| per pixel).
export function compareActmax(a, b) {
  const x = B.actmaxImages[a], y = B.actmaxImages[b];
  let sum = 0, top = 0;
  for (let i = 0; i < x.length; i++) { const d = Math.abs(x[i] - y[i]); sum += d; top = Math.max(top, d); }
  return { mean: sum / x.length, max: top };
}

// --- first result in a fresh page: load the peer and its weights, predict one digit ---------
export function strokeDigit() {  // a vertical bar: the same input for every peer
  const x = new Float32Array(784);
  for (let y = 5; y < 23; y++) for (let c = 13; c < 16; c++) x[y * 28 + c] = 1;
  return x;
}

export async function firstResult(peer) {
  const x = strokeDigit();
  if (peer === 'plain-js') {
    const model = await fetchModel();
    return Array.from(plainForward(model, x));
  }
  if (peer === 'ort-wasm') {
    await loadScript(PEERS + ORT);
    window.ort.env.wasm.wasmPaths = PEERS + 'onnxruntime-web/dist/';
    window.ort.env.wasm.numThreads = 1;
    const s = await window.ort.InferenceSession.create('/data/mlp128.onnx', { executionProviders: ['wasm'] });
    return Array.from((await s.run({ x: new window.ort.Tensor('float32', x, [1, 784]) })).probs.data);
  }
  // TF.js: its core and the one backend, and the weights (the float32 parameters, the bytes a
  // weights.bin would hold, plus a short JSON header).
  await loadScript(PEERS + TFJS[0]);
  await loadScript(PEERS + (peer === 'tfjs-wasm' ? TFJS[2] : TFJS[1]));
  if (peer === 'tfjs-wasm') window.tf.wasm.setWasmPaths(PEERS + '@tensorflow/tfjs-backend-wasm/dist/');
  await window.tf.setBackend(peer === 'tfjs-wasm' ? 'wasm' : 'cpu');
  const model = await fetchModel();
  return Array.from(tfForward(window.tf, tfModel(window.tf, layersFromLens(model)), x, 1));
}

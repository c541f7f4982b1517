// The mlp128 weights for the peers of tools/bench/peers.sh and tests/browser/predict.test.mjs,
// read by the page's own bundle reader: lens-info (tools/lens_info.cpp, on
// src/core/formats/bundle.cpp) prints them, so this module knows no byte of the .lens format.
// It also computes the reference forward pass the benchmark calls "plain JS". lensModel and
// plainForward run in node and in the browser; readLensBundle runs lens-info, in node only.

// lens-info's header and the float32 parameters in bundle order (each layer's W, row-major,
// then its b) -> {id, head, layers: [{inputs, outputs, activation, W (outputs x inputs), b}]}
export function lensModel(header, floats) {
  let at = 0;
  const take = (n) => {
    if (at + n > floats.length) throw new Error('fewer parameters than the header\'s layers need');
    const out = floats.subarray(at, at + n);
    at += n;
    return out;
  };
  const layers = header.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, activation: l.activation,
    W: take(l.inputs * l.outputs), b: take(l.outputs) }));
  if (at !== floats.length) throw new Error('more parameters than the header\'s layers need');
  return { id: header.id, head: header.head || 'softmax', layers };
}

// lens-info as built by the web build (wasm, under node) or by the native build.
async function lensInfo(root) {
  const { existsSync } = await import('node:fs');
  const path = await import('node:path');
  const wasm = path.join(root, 'build/web/tools/lens-info.js'), native = path.join(root, 'build/native/tools/lens-info');
  if (existsSync(wasm)) return [process.execPath, ['--no-experimental-fetch', wasm]];
  if (existsSync(native)) return [native, []];
  throw new Error('lens-info is not built: run tools/build-web.sh (or build the native preset)');
}

// A .lens file -> {header, floats (Float32Array)}, through lens-info --weights. node only.
export async function readLensBundle(file, root) {
  const { execFileSync } = await import('node:child_process');
  const [program, args] = /** @type {[string, string[]]} */ (await lensInfo(root));
  const out = JSON.parse(execFileSync(program, [...args, '--weights', file], { maxBuffer: 1 << 28 }).toString());
  const floats = Float32Array.from(out.layers.flatMap((l) => [...l.W, ...l.b]));
  return { header: out.header, floats, model: lensModel(out.header, floats) };
}

const ACT = {
  identity: (v) => v, relu: (v) => (v > 0 ? v : 0), leaky_relu: (v) => (v > 0 ? v : 0.01 * v),
  sigmoid: (v) => 1 / (1 + Math.exp(-v)), tanh: Math.tanh,
};

// The forward pass as the textbook writes it: for each unit a dot product in double, then the
// activation; the head last. x: I numbers -> Float64Array of O probabilities.
export function plainForward(model, x) {
  let a = x;
  for (const l of model.layers) {
    const z = new Float64Array(l.outputs), f = ACT[l.activation];
    for (let o = 0; o < l.outputs; o++) {
      let s = l.b[o];
      const row = o * l.inputs;
      for (let i = 0; i < l.inputs; i++) s += l.W[row + i] * a[i];
      z[o] = f(s);
    }
    a = z;
  }
  if (model.head === 'sigmoid') return a.map((v) => 1 / (1 + Math.exp(-v)));
  let top = -Infinity, sum = 0;
  for (const v of a) top = Math.max(top, v);
  const p = a.map((v) => Math.exp(v - top));
  for (const v of p) sum += v;
  return p.map((v) => v / sum);
}

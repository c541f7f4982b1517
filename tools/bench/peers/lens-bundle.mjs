// Reads a .lens weight bundle (docs/formats.md) in plain JavaScript, so the peers of
// tools/bench/peers.sh get the very weights MNIST Lens runs, and computes the reference forward
// pass the benchmark calls "plain JS". Runs in node and in the browser (an ES module).
// Only what the benchmark needs: the header's layers and head, and the float32 parameters,
// after checking magic, version, sizes and length. The page's own reader is src/core/formats/bundle.cpp.

const MAGIC = [0x89, 0x4c, 0x45, 0x4e, 0x53, 0x0d, 0x0a, 0x1a];

// bytes (Uint8Array) -> {id, head, layers: [{inputs, outputs, activation, W (outputs x inputs, row-major), b}]}
export function readLensBundle(bytes) {
  if (bytes.length < 20 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('not a .lens bundle (bad magic)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(8, true) !== 1) throw new Error('unsupported .lens version ' + view.getUint32(8, true));
  const H = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + H)));
  let at = 16 + H;
  const floats = (n) => {
    if (at + 4 * n > bytes.length - 4) throw new Error('.lens bundle is truncated');
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getFloat32(at + 4 * i, true);
    at += 4 * n;
    return out;
  };
  const layers = header.layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, activation: l.activation,
    W: floats(l.inputs * l.outputs), b: floats(l.outputs) }));
  if (at + 4 !== bytes.length) throw new Error('.lens bundle length does not match its header');
  return { id: header.id, head: header.head || 'softmax', layers };
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

// Reads an ONNX file's graph for tools/bench/peers.sh: its nodes (op, inputs, outputs,
// attributes), its float initializers (the weights) and its inputs' and outputs' names and
// shapes, so TensorFlow.js can be given the very weights ONNX Runtime Web and MNIST Lens read
// from the same file. The protobuf bytes are decoded here (field numbers from onnx.proto, as
// onnx-write.mjs writes them), with no library. Runs in node and in the browser.

// One protobuf message -> [{field, wire, value}]: value a Number (varint, 32-bit) or the bytes
// (length-delimited). Varints past 2^53 do not occur in the fields read here.
function fields(bytes) {
  const out = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const varint = () => {
    let v = 0, scale = 1, b;
    do {
      if (at >= bytes.length) throw new Error('onnx: truncated varint');
      b = bytes[at++];
      v += (b & 0x7f) * scale;
      scale *= 128;
    } while (b & 0x80);
    return v;
  };
  while (at < bytes.length) {
    const key = varint(), field = Math.floor(key / 8), wire = key & 7;
    let value;
    if (wire === 0) value = varint();
    else if (wire === 2) { const n = varint(); value = bytes.subarray(at, at + n); at += n; }
    else if (wire === 5) { value = view.getFloat32(at, true); at += 4; }
    else if (wire === 1) { value = view.getFloat64(at, true); at += 8; }
    else throw new Error('onnx: unexpected wire type ' + wire);
    out.push({ field, wire, value });
  }
  return out;
}
const text = (b) => new TextDecoder().decode(b);
const all = (fs, n) => fs.filter((f) => f.field === n);
const one = (fs, n) => fs.find((f) => f.field === n)?.value;

// AttributeProto: name 1, f 2, i 3, s 4, floats 7, ints 8 (packed or not).
function attribute(bytes) {
  const fs = fields(bytes);
  // ints: one varint each, or packed (a run of varints in one length-delimited field).
  const ints = all(fs, 8).flatMap((f) => (f.wire === 0 ? [f.value] : packedVarints(f.value)));
  const s = one(fs, 4);
  return [text(one(fs, 1)), { f: one(fs, 2), i: one(fs, 3), s: s && text(s), ints }];
}
function packedVarints(bytes) {
  const out = [];
  let v = 0, scale = 1;
  for (const b of bytes) {
    v += (b & 0x7f) * scale;
    scale *= 128;
    if (!(b & 0x80)) { out.push(v); v = 0; scale = 1; }
  }
  return out;
}

// TensorProto: dims 1, data_type 2 (1 = FLOAT), float_data 4, name 8, raw_data 9.
function tensor(bytes) {
  const fs = fields(bytes);
  const dims = [...all(fs, 1).filter((f) => f.wire === 0).map((f) => f.value), ...all(fs, 1).filter((f) => f.wire === 2).flatMap((f) => packedVarints(f.value))];
  if (one(fs, 2) !== 1) throw new Error('onnx: initializer ' + text(one(fs, 8)) + ' is not float32');
  const raw = one(fs, 9);
  let data;
  if (raw) data = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));  // little-endian, as every machine here
  else {
    const packed = all(fs, 4).filter((f) => f.wire === 2).map((f) => f.value);
    data = packed.length ? new Float32Array(packed[0].buffer.slice(packed[0].byteOffset, packed[0].byteOffset + packed[0].byteLength))
      : Float32Array.from(all(fs, 4).map((f) => f.value));
  }
  return { name: text(one(fs, 8)), dims, data };
}

// ValueInfoProto: name 1, type 2 -> tensor_type 1 -> shape 2 -> dim 1 (dim_value 1 | dim_param 2).
function valueInfo(bytes) {
  const fs = fields(bytes);
  const shape = [];
  const type = one(fs, 2), tt = type && one(fields(type), 1), sh = tt && one(fields(tt), 2);
  if (sh) for (const d of all(fields(sh), 1)) { const df = fields(d.value); shape.push(one(df, 1) ?? text(one(df, 2) || new Uint8Array())); }
  return { name: text(one(fs, 1)), shape };
}

// ModelProto.graph 7 -> GraphProto: node 1, initializer 5, input 11, output 12;
// NodeProto: input 1, output 2, op_type 4, attribute 5.
export function readOnnx(bytes) {
  const graph = one(fields(bytes), 7);
  if (!graph) throw new Error('onnx: no graph');
  const g = fields(graph);
  const nodes = all(g, 1).map((f) => {
    const n = fields(f.value);
    return { op: text(one(n, 4)), inputs: all(n, 1).map((x) => text(x.value)), outputs: all(n, 2).map((x) => text(x.value)),
      attrs: Object.fromEntries(all(n, 5).map((a) => attribute(a.value))) };
  });
  const weights = Object.fromEntries(all(g, 5).map((f) => { const t = tensor(f.value); return [t.name, t]; }));
  const inputs = all(g, 11).map((f) => valueInfo(f.value)).filter((v) => !weights[v.name]);
  return { nodes, weights, inputs, outputs: all(g, 12).map((f) => valueInfo(f.value)) };
}
